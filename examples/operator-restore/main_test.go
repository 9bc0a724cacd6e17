package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunAgainstFakeServer(t *testing.T) {
	var out strings.Builder
	err := run(t.Context(), &out, func(string) string { return "" })
	require.NoError(t, err)
	got := out.String()
	for _, want := range []string{
		"built-in fake VB365 server",
		"Found mailbox Alice Johnson <alice@contoso.onmicrosoft.com>",
		"6. Restored 3 items to \"Restored by help desk\"",
		"event: Restore Success",
		"7. Stopped the restore session",
	} {
		assert.Contains(t, got, want)
	}
}

func TestRealServerNeedsCredentials(t *testing.T) {
	env := map[string]string{"VB365_URL": "https://127.0.0.1:1", "VB365_MAILBOX": "a@b"}
	err := run(t.Context(), &strings.Builder{}, func(k string) string { return env[k] })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "VB365_CLIENT_ID")
}
