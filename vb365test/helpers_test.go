package vb365test_test

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/stretchr/testify/require"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vb365-go/vb365/vb365test"
)

var versions = []string{"v6", "v7", "v8"}

func newServer(t *testing.T, opts ...vb365test.Option) *vb365test.Server {
	t.Helper()
	s := vb365test.NewServer(opts...)
	t.Cleanup(s.Close)
	return s
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.body, &m), "body %q", r.body)
	return m
}

// do sends a request. body: nil, string (raw JSON), url.Values (form) or
// any other value (marshalled to JSON).
func do(t *testing.T, s *vb365test.Server, method, path, token string, body any) resp {
	t.Helper()
	r, err := doErr(context.Background(), s.Client(), s.URL, method, path, token, body)
	require.NoError(t, err)
	return r
}

func doErr(ctx context.Context, hc *http.Client, base, method, path, token string, body any) (resp, error) {
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd, ctype = strings.NewReader(b), "application/json"
	case url.Values:
		rd, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		j, _ := json.Marshal(b)
		rd, ctype = bytes.NewReader(j), "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return resp{}, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := hc.Do(req)
	if err != nil {
		return resp{}, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, header: res.Header, body: data}, err
}

func grant(t *testing.T, s *vb365test.Server, v string, form url.Values) resp {
	t.Helper()
	return do(t, s, http.MethodPost, "/"+v+"/token", "", form)
}

func passwordForm() url.Values {
	return url.Values{"grant_type": {"password"}, "username": {vb365test.DefaultUsername}, "password": {vb365test.DefaultPassword}}
}

func operatorForm() url.Values {
	return url.Values{"grant_type": {"operator"}, "client_id": {vb365test.DefaultOperatorClientID}, "assertion": {vb365test.DefaultOperatorAssertion}}
}

func tokenPair(t *testing.T, s *vb365test.Server, v string, form url.Values) (string, string) {
	t.Helper()
	r := grant(t, s, v, form)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	m := r.json(t)
	return m["access_token"].(string), m["refresh_token"].(string)
}

func operatorToken(t *testing.T, s *vb365test.Server, v string) string {
	t.Helper()
	a, _ := tokenPair(t, s, v, operatorForm())
	return a
}

func passwordToken(t *testing.T, s *vb365test.Server, v string) string {
	t.Helper()
	a, _ := tokenPair(t, s, v, passwordForm())
	return a
}

// explore creates a restore session and returns its ID.
func explore(t *testing.T, s *vb365test.Server, v, tok string) string {
	t.Helper()
	r := do(t, s, http.MethodPost, "/"+v+"/Organization/OperatorExplore", tok, map[string]any{"type": "Vex", "reason": "test"})
	want := http.StatusOK
	if v == "v8" {
		want = http.StatusCreated
	}
	require.Equal(t, want, r.status, string(r.body))
	return r.json(t)["id"].(string)
}

func restoreBody(ids ...string) map[string]any {
	items := make([]map[string]string, len(ids))
	for i, id := range ids {
		items[i] = map[string]string{"id": id}
	}
	return map[string]any{"items": items, "folder": "Restored", "reason": "ticket 42",
		"changedItems": true, "deletedItems": false, "markRestoredAsUnread": true}
}

func mailboxPath(v, sid, mid string) string {
	return "/" + v + "/RestoreSessions/" + sid + "/organization/mailboxes/" + mid
}

// linkPath is mailboxPath as the fake writes it in the links of folders
// and items: in lower case, as the real server does.
func linkPath(v, sid, mid string) string {
	return "/" + v + "/restoresessions/" + sid + "/organization/mailboxes/" + mid
}

// fakeClock is a goroutine-safe settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
