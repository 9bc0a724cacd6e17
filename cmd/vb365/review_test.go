package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365/vb365test"
)

// A token cache file linked or copied under another server's name never
// sends one server's tokens to the other.
func TestTokenCacheOfAnotherServerIsNotUsed(t *testing.T) {
	t.Parallel()
	b := setup(t) // the server whose login is kept
	b.ok("sessions", "list")
	files, _ := filepath.Glob(filepath.Join(tokenCacheDir(b.cache), "token-*.json"))
	require.Len(t, files, 1)
	kept, err := os.ReadFile(files[0])
	require.NoError(t, err)

	var mu sync.Mutex
	var seen []string
	a := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization")+" "+r.PostForm.Encode())
		mu.Unlock()
		w.WriteHeader(401)
	}))
	defer a.Close()
	aPath := newFileStore(b.cache, a.URL, "operator", vb365test.DefaultOperatorClientID).path
	for _, plant := range []func() error{
		func() error { return os.Symlink(files[0], aPath) },
		func() error { return os.WriteFile(aPath, kept, 0o600) },
	} {
		_ = os.Remove(aPath)
		require.NoError(t, plant())
		c := &cli{t: t, srv: b.srv, cache: b.cache, env: map[string]string{
			"VB365_URL": a.URL, "VB365_CLIENT_ID": vb365test.DefaultOperatorClientID, "VB365_ASSERTION": vb365test.DefaultOperatorAssertion,
		}}
		c.run("sessions", "list")
		mu.Lock()
		all := strings.Join(seen, "\n")
		mu.Unlock()
		require.NotEmpty(t, all)
		assert.NotContains(t, all, "access-", "the other server's access token")
		assert.NotContains(t, all, "refresh_token=", "the other server's refresh token")
	}
}

// Bad item IDs and a negative timeout are usage errors before any login.
func TestBadItemIDsAreRefusedBeforeLogin(t *testing.T) {
	t.Parallel()
	c := setup(t)
	c.explore()
	c.env["VB365_NO_TOKEN_CACHE"] = "yes"
	for _, args := range [][]string{
		{"restore", "items", "--mailbox", alice, "--item", ""},
		{"restore", "items", "--mailbox", alice, "--item", "a\x01b"},
		{"items", "get", "--mailbox", alice, "--item", "a/../../b"},
		{"export", "msg", "--mailbox", alice, "--item", "", "--out", filepath.Join(t.TempDir(), "x.msg")},
		{"--timeout", "-1s", "sessions", "list"},
	} {
		before := c.srv.TokenRequests()
		r := c.run(args...)
		assert.Equal(t, exitUsage, r.code, "%q: %s", args, r.stderr)
		assert.Equal(t, 0, c.srv.TokenRequests()-before, "%q: a usage error sends nothing", args)
		assert.NotContains(t, r.stderr, "scope.", "%q speaks Go", args)
	}
}
