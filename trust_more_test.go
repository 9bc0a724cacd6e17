package vb365

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// More of what real servers do, each a case the first version of the
// bounds, the session check and the resume checks got wrong.

func TestResumeWithUnknownTotalStaysWithinTheKnownSize(t *testing.T) {
	t.Parallel()
	const size, cut = 1000, 500
	c, f := setup(t)
	resumeServer(t, f, size, cut, http.Header{"Etag": {`"v1"`}}, partial("bytes 500-1499/*", 1000, 500, 1500))
	var got bytes.Buffer
	_, err := c.Mailboxes.Save(t.Context(), "s1", "m1", ScopeItems("i1"), &got, nil)
	require.Error(t, err, "1,500 bytes of a 1,000-byte file are not a download")
	assert.Contains(t, err.Error(), "past the file's size")
}

func TestResumeWithAnotherLastModifiedIsAChangedFile(t *testing.T) {
	t.Parallel()
	const size, cut = 200_000, 50_000
	c, f := setup(t)
	resumeServer(t, f, size, cut, http.Header{"Last-Modified": {"Tue, 01 Dec 2026 19:06:31 GMT"}},
		rest(size, http.Header{"Last-Modified": {"Wed, 02 Dec 2026 08:00:00 GMT"}}))
	_, err := c.Mailboxes.Save(t.Context(), "s1", "m1", ScopeItems("i1"), io.Discard, nil)
	require.Error(t, err, "a server that ignores If-Range still says the file changed")
	assert.Contains(t, err.Error(), "changed")
}

func TestStoppedSessionErrorKeepsTheBearerTokenOut(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	f.handle("GET /v6/RestoreSessions/s1/organization/mailboxes", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 500, `{"message":"session expired; request had `+r.Header.Get("Authorization")+`"}`)
	})
	f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":"s1","state":"Stopped","result":"Success"}`)
	})
	var err error
	for _, e := range c.Mailboxes.All(t.Context(), "s1", nil) {
		err = e
	}
	require.ErrorIs(t, err, ErrSessionStopped)
	assert.NotContains(t, fmt.Sprintf("%v %+v", err, err), "access-1")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.NotContains(t, string(apiErr.Body), "access-1")
	assert.Contains(t, string(apiErr.Body), "Bearer REDACTED")
}

// Calls in a stopped session, as many at once as the client has
// connections: each looks at the session once its own answer's
// connection is free, and every one ends with ErrSessionStopped.
func TestStoppedSessionCheckDoesNotStarveThePool(t *testing.T) {
	t.Parallel()
	c, f := setup(t, WithRequestTimeout(time.Minute))
	f.handle("GET /v6/RestoreSessions/s1/organization/mailboxes", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 500, `{"message":"The server did not provide a meaningful reply"}`)
	})
	f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":"s1","state":"Stopped","result":"Success"}`)
	})
	_, err := c.RestoreSessions.Get(t.Context(), "s1") // log in first
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var stopped atomic.Int32
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			for _, e := range c.Mailboxes.All(ctx, "s1", nil) {
				if errors.Is(e, ErrSessionStopped) {
					stopped.Add(1)
				}
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int32(32), stopped.Load())
}

// The request timeout counts from when an attempt has a connection: a
// call that waits for one of the client's 32, all busy with exports being
// built, does not time out.
func TestWaitForAConnectionIsNotTheRequestTimeout(t *testing.T) {
	t.Parallel()
	c, f := setup(t, WithRequestTimeout(quick), WithRetry(0, 0, 0))
	release := make(chan struct{})
	var building sync.WaitGroup
	building.Add(32)
	f.handle("POST "+savePath, func(w http.ResponseWriter, r *http.Request) {
		building.Done()
		<-release // building the file
		w.Header().Set("Content-Length", "10")
		servePattern(w, 0, 10, 0)
	})
	f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":"s1","state":"Working"}`)
	})
	_, err := c.RestoreSessions.Get(t.Context(), "s1") // log in first
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() { _, _ = c.Mailboxes.Save(t.Context(), "s1", "m1", ScopeItems("i1"), io.Discard, nil) })
	}
	building.Wait() // every connection is taken
	done := make(chan error, 1)
	go func() { _, err := c.RestoreSessions.Get(t.Context(), "s1"); done <- err }()
	// Longer than the request timeout: the call waits for a connection.
	time.Sleep(10 * quick)
	close(release)
	require.NoError(t, <-done)
	wg.Wait()
}

func TestKnownErrorIsNotHeldByItsBody(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts []Option
		body func(w http.ResponseWriter, r *http.Request)
	}{
		{"stalls with the bounds off", []Option{WithRequestTimeout(0)}, func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"message":"The server did not provide`)
			http.NewResponseController(w).Flush()
			<-r.Context().Done()
		}},
		{"trickles", nil, func(w http.ResponseWriter, r *http.Request) {
			for _, b := range []byte(`{"message":"` + strings.Repeat("x", 100) + `"}`) {
				if _, err := w.Write([]byte{b}); err != nil {
					return
				}
				http.NewResponseController(w).Flush()
				select {
				case <-time.After(200 * time.Millisecond):
				case <-r.Context().Done():
					return
				}
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, f := setup(t, append(tc.opts, WithRetry(0, 0, 0))...)
			f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(404)
				tc.body(w, r)
			})
			ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
			defer cancel()
			_, err := c.RestoreSessions.Get(ctx, "s1")
			require.ErrorIs(t, err, ErrNotFound)
			require.NoError(t, ctx.Err(), "the 404 is returned without waiting for all of its body")
		})
	}
}

func TestReloginKeepsTheWholeRetryBudget(t *testing.T) {
	t.Parallel()
	c, f := setup(t) // WithRetry(3, ...)
	var n atomic.Int32
	f.mux.HandleFunc("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			writeJSON(w, 401, `{"message":"expired"}`)
			return
		}
		writeJSON(w, 503, `{"message":"busy"}`)
	})
	_, err := c.RestoreSessions.Get(t.Context(), "s1")
	require.Error(t, err)
	assert.Equal(t, int32(5), n.Load(), "one refused by 401, then one attempt and three retries")
}

func TestWaitGoesOnInAWorkingSessionWhoseResultIsFailed(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	var polls atomic.Int32
	f.handle("GET /v6/RestoreSessions/s1/Events", func(w http.ResponseWriter, r *http.Request) {
		status := "Running"
		if polls.Add(1) > 2 {
			status = "Success"
		}
		writeJSON(w, 200, `{"offset":0,"limit":500,"results":[{"id":"e1","type":"Restore","status":"`+status+`","startTime":"2026-12-01T10:00:00Z"}]}`)
	})
	// An earlier restore in the session failed; this one runs on.
	f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":"s1","state":"Working","result":"Failed"}`)
	})
	sum, err := c.RestoreSessions.Wait(t.Context(), "s1", &WaitOptions{PollInterval: time.Millisecond})
	require.NoError(t, err)
	assert.Equal(t, 1, sum.Restored)
}
