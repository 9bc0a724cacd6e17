package vb365

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	testClientID  = "11111111-2222-3333-4444-555555555555.66666666-7777-8888-9999-000000000000"
	testAssertion = "ms-assertion-SECRET-6f1d2c"
	testUser      = "admin@contoso"
	testPassword  = "p@ss-SECRET-word-93a1"
)

// fakeAPI is a small scripted server for tests about one request's exact
// bytes; behaviour tests use the vb365test server.
type fakeAPI struct {
	srv *httptest.Server
	mux *http.ServeMux

	mu         sync.Mutex
	tokenForms []url.Values
	valid      map[string]bool // access tokens the API accepts
	n          int
	expiresIn  int
	refuse     func(form url.Values) bool // token requests to refuse with 400
	// before, when set, runs first for each token request (outside mu);
	// it may block, and returns true when it has answered itself.
	before func(w http.ResponseWriter, r *http.Request) bool
}

// setup starts a fakeAPI and a client for it. Retries wait no time, so
// tests run fast; the version is v6 unless opts say otherwise.
func setup(t *testing.T, opts ...Option) (*Client, *fakeAPI) {
	t.Helper()
	f := &fakeAPI{mux: http.NewServeMux(), valid: map[string]bool{}, expiresIn: 3600}
	for _, v := range []string{"v6", "v7", "v8"} {
		f.mux.HandleFunc("POST /"+v+"/token", f.token)
	}
	f.srv = httptest.NewServer(f.mux)
	t.Cleanup(f.srv.Close)
	all := append([]Option{WithOperator(testClientID, testAssertion), WithRetry(3, 0, time.Second)}, opts...)
	c, err := NewClient(f.srv.URL, all...)
	require.NoError(t, err)
	return c, f
}

func (f *fakeAPI) token(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		http.Error(w, "bad content type", http.StatusUnsupportedMediaType)
		return
	}
	_ = r.ParseForm()
	f.mu.Lock()
	before := f.before
	f.mu.Unlock()
	if before != nil && before(w, r) {
		f.mu.Lock()
		f.tokenForms = append(f.tokenForms, r.PostForm)
		f.mu.Unlock()
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokenForms = append(f.tokenForms, r.PostForm)
	if f.refuse != nil && f.refuse(r.PostForm) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"error":"invalid_grant","error_description":"The credentials are not valid."}`)
		return
	}
	f.n++
	access := fmt.Sprintf("access-%d", f.n)
	f.valid[access] = true
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"access_token": access, "refresh_token": fmt.Sprintf("refresh-%d", f.n), "token_type": "bearer",
		"expires_in": f.expiresIn, "userName": "operator", ".issued": "x", ".expires": "y",
	})
}

// setBefore sets the hook run first for each token request.
func (f *fakeAPI) setBefore(h func(w http.ResponseWriter, r *http.Request) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.before = h
}

// forms returns the token requests received so far.
func (f *fakeAPI) forms() []url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]url.Values(nil), f.tokenForms...)
}

// revoke makes the API refuse every access token issued so far.
func (f *fakeAPI) revoke() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.valid)
}

// authed wraps h so that it answers 401 to requests without a valid token.
func (f *fakeAPI) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		f.mu.Lock()
		ok = ok && f.valid[tok]
		f.mu.Unlock()
		if !ok {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"message":"Authorization has been denied for this request."}`)
			return
		}
		h(w, r)
	}
}

// handle mounts an authenticated handler and counts its requests.
func (f *fakeAPI) handle(pattern string, h http.HandlerFunc) *atomic.Int32 {
	var n atomic.Int32
	f.mux.HandleFunc(pattern, f.authed(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h(w, r)
	}))
	return &n
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

// hangUp closes the client's connection without an answer.
func hangUp(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

func fmtAll(v any) string {
	return fmt.Sprintf("%v %+v %#v %s %q %d %x %t %8.3f", v, v, v, v, v, v, v, v, v)
}
