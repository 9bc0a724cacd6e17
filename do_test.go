package vb365

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDoSendsAndDecodes(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	var got atomic.Pointer[http.Request]
	var sent atomic.Value
	f.handle("POST /v6/Jobs/j%2F1/start", func(w http.ResponseWriter, r *http.Request) {
		got.Store(r)
		b, _ := io.ReadAll(r.Body)
		sent.Store(string(b))
		writeJSON(w, 200, `{"id":"j/1","lastStatus":"Running"}`)
	})
	var job struct {
		ID         string `json:"id"`
		LastStatus string `json:"lastStatus"`
	}
	err := c.Do(t.Context(), "POST", "/Jobs/j%2F1/start?force=true", Unsafe, map[string]any{"full": true}, &job)
	require.NoError(t, err)
	assert.Equal(t, "j/1", job.ID)
	assert.Equal(t, "Running", job.LastStatus)
	r := got.Load()
	assert.Equal(t, "/v6/Jobs/j%2F1/start", r.URL.EscapedPath(), "the path as given, after the version")
	assert.Equal(t, "true", r.URL.Query().Get("force"))
	assert.Equal(t, "Bearer access-1", r.Header.Get("Authorization"))
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.JSONEq(t, `{"full":true}`, sent.Load().(string))

	// Raw JSON goes as it is; an empty answer leaves out alone; nil out
	// discards.
	f.handle("PUT /v6/Settings", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		sent.Store(string(b))
		w.WriteHeader(204)
	})
	keep := map[string]string{"was": "here"}
	require.NoError(t, c.Do(t.Context(), "PUT", "/Settings", Safe, json.RawMessage(`{"a": 1}`), &keep))
	assert.Equal(t, `{"a": 1}`, sent.Load())
	assert.Equal(t, map[string]string{"was": "here"}, keep)
	require.NoError(t, c.Do(t.Context(), "PUT", "/Settings", Safe, []byte(`[1,2]`), nil))
	assert.Equal(t, `[1,2]`, sent.Load())

	var raw json.RawMessage
	f.handle("GET /v6/Jobs", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `[{"id":"j1"}]`) })
	require.NoError(t, c.Do(t.Context(), "GET", "/Jobs", Safe, nil, &raw))
	assert.JSONEq(t, `[{"id":"j1"}]`, string(raw))
}

func TestDoRefusesBadInputBeforeSending(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	for _, tc := range []struct {
		method, path string
		class        RetryClass
		body         any
		arg          string
	}{
		{"GET", "https://evil.example.com/v6/Jobs", Safe, nil, "path"},
		{"GET", "//evil.example.com/Jobs", Safe, nil, "path"},
		{"GET", "Jobs", Safe, nil, "path"},
		{"GET", "", Safe, nil, "path"},
		{"GET", "/../token", Safe, nil, "path"},
		{"GET", "/Jobs/../../v7/Jobs", Safe, nil, "path"},
		{"GET", "/Jobs/%2e%2e/token", Safe, nil, "path"},
		{"GET", "/Jobs/..%2F..%2Ftoken", Safe, nil, "path"},
		{"GET", "/Jobs/x%5C..%5Cy", Safe, nil, "path"},
		{"GET", `/Jobs\..\token`, Safe, nil, "path"},
		{"GET", "/Jobs/./x", Safe, nil, "path"},
		{"GET", "/v6/Jobs", Safe, nil, "path"},
		{"GET", "/Jobs#frag", Safe, nil, "path"},
		{"GET", "/Jobs\n", Safe, nil, "path"},
		{"GET", "/Jobs/%zz", Safe, nil, "path"},
		{"GET", "/Jobs?a=%zz", Safe, nil, "path"},
		{"", "/Jobs", Safe, nil, "method"},
		{"GE T", "/Jobs", Safe, nil, "method"},
		{"GET", "/Jobs", 0, nil, "class"},
		{"GET", "/Jobs", 7, nil, "class"},
		{"POST", "/Jobs", Unsafe, []byte("{not json"), "body"},
		{"POST", "/Jobs", Unsafe, func() {}, "body"},
	} {
		err := c.Do(t.Context(), tc.method, tc.path, tc.class, tc.body, nil)
		var argErr *ArgumentError
		if assert.ErrorAs(t, err, &argErr, "%s %q", tc.method, tc.path) {
			assert.Equal(t, tc.arg, argErr.Arg, "%s %q", tc.method, tc.path)
		}
	}
	assert.Empty(t, f.forms(), "nothing sent, not even a login")
	require.ErrorIs(t, c.Do(nil, "GET", "/Jobs", Safe, nil, nil), ErrInvalidArgument)
}

func TestDoErrorsAndRetryClasses(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	f.handle("GET /v6/Jobs/nope", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 404, `{"message":"Job not found","errorCode":"ResourceNotFound"}`)
	})
	err := c.Do(t.Context(), "GET", "/Jobs/nope", Safe, nil, nil)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, "Job not found", apiErr.Message)

	for _, tc := range []struct {
		class    RetryClass
		status   int
		attempts int32
		unknown  bool
	}{
		{Safe, 500, 4, false},
		{Unsafe, 500, 1, true},
		{Unsafe, 502, 1, true},
		{Unsafe, 429, 4, false},
		{Unsafe, 400, 1, false},
	} {
		c, f := setup(t)
		n := f.handle("POST /v6/Jobs/j1/start", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, tc.status, `{"message":"no"}`)
		})
		err := c.Do(t.Context(), "POST", "/Jobs/j1/start", tc.class, nil, nil)
		require.Error(t, err)
		assert.Equal(t, tc.attempts, n.Load(), "%v %d", tc.class, tc.status)
		assert.Equal(t, tc.unknown, errors.Is(err, ErrOutcomeUnknown), "%v %d", tc.class, tc.status)
	}
}

func TestDoWithoutCredentialsSendsNoToken(t *testing.T) {
	t.Parallel()
	_, f := setup(t)
	var auth atomic.Value
	f.mux.HandleFunc("GET /v6/RestorePortalSettings", func(w http.ResponseWriter, r *http.Request) {
		auth.Store(r.Header.Get("Authorization"))
		writeJSON(w, 200, `{"isServiceEnabled":true}`)
	})
	c, err := NewClient(f.srv.URL)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, c.Do(t.Context(), "GET", "/RestorePortalSettings", Safe, nil, &out))
	assert.Equal(t, "", auth.Load())
	assert.Equal(t, true, out["isServiceEnabled"])
}

func TestRetryClassString(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "Safe", Safe.String())
	assert.Equal(t, "Unsafe", Unsafe.String())
	assert.Equal(t, "RetryClass(0)", RetryClass(0).String())
}
