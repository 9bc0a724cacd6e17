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
	require.NoError(t, err, out.String())
	got := out.String()
	for _, want := range []string{
		"built-in fake VB365 server",
		"opened restore session (Veod, Working)",
		"3. Found OneDrive Alice Johnson <https://contoso-my.sharepoint.com/personal/alice_contoso_onmicrosoft_com>",
		"   Documents/\n     Q4 budget.xlsx\n     Project Falcon/\n       Falcon plan.docx\n",
		"5. Chose 3 documents:\n   - Notes.txt",
		"6. Restored 3 documents where they were",
		"event: Restore Success",
		"its events: 1 restored, 0 failed",
		"7. Stopped the restore session",
	} {
		assert.Contains(t, got, want)
	}
}

func TestRealServerNeedsCredentials(t *testing.T) {
	env := map[string]string{"VB365_URL": "https://127.0.0.1:1", "VB365_ONEDRIVE": "Alice Johnson"}
	err := run(t.Context(), &strings.Builder{}, func(k string) string { return env[k] })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "VB365_CLIENT_ID")
}

func TestRealServerNeedsAOneDrive(t *testing.T) {
	env := map[string]string{"VB365_URL": "https://127.0.0.1:1", "VB365_CLIENT_ID": "a.b", "VB365_ASSERTION": "x"}
	err := run(t.Context(), &strings.Builder{}, func(k string) string { return env[k] })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "VB365_ONEDRIVE")
}
