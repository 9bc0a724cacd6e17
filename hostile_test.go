package vb365

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests of servers that are broken or hostile: the client must answer with
// a clear error, in bounded memory, and keep its secrets.

// assertClearError checks what every error shown to a caller must be: one
// line of valid UTF-8 of reasonable length.
func assertClearError(t *testing.T, err error, name string) {
	t.Helper()
	require.Error(t, err, name)
	msg := err.Error()
	assert.True(t, utf8.ValidString(msg), "%s: valid UTF-8: %q", name, msg)
	assert.NotContains(t, msg, "\n", "%s: one line", name)
	assert.NotContains(t, msg, "\x1b", "%s: no terminal escapes", name)
	assert.Less(t, len(msg), 2000, "%s: bounded: %d bytes", name, len(msg))
}

// allocated returns the bytes the heap handed out while f ran. The tests
// that use it are not parallel, so the count is theirs (and the server's,
// which serves prepared bytes).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestBrokenAnswersAreClearErrors(t *testing.T) {
	t.Parallel()
	tooMany := `{"offset":0,"limit":500,"results":[` + strings.Repeat(`{},`, MaxPageSize) + `{}]}`
	cases := []struct {
		name, contentType string
		status            int
		body              string
		want              string // in the error
		api               bool   // an *APIError
	}{
		{"truncated object", "application/json", 200, `{"id":"s1","name":"x`, "unexpected EOF", false},
		{"truncated page", "application/json", 200, `{"offset":0,"limit":2,"results":[{"id":"m1"},{"id":`, "unexpected EOF", false},
		{"HTML instead of JSON", "text/html", 200, "<!DOCTYPE html><html><body>Sign in to the proxy</body></html>", "invalid character '<'", false},
		{"empty 200", "application/json", 200, "", "empty answer", false},
		{"a string instead of an object", "application/json", 200, `"surprise"`, "cannot unmarshal string", false},
		{"results not a list", "application/json", 200, `{"offset":0,"results":{"id":"m1"}}`, "results", false},
		{"more results than any page", "application/json", 200, tooMany, "more than 10000 results", false},
		{"HTML error page", "text/html", 502, "<html>\r\n<head><title>502 Bad Gateway</title></head>\n<body>\x1b[31m" +
			strings.Repeat("<p>upstream</p>\n", 500) + "</body></html>", "502 Bad Gateway", true},
		{"multi-line JSON message", "application/json", 500, `{"message":"line one\nline two\r\n\u001b[2Jforged: log line` +
			strings.Repeat(" padding", 8000) + `"}`, "line one line two", true},
		{"invalid UTF-8 message", "application/json", 404, "{\"message\":\"bad \xff\xfe bytes\"}", "bad", true},
		{"invalid UTF-8 HTML", "text/html", 404, "<p>\xc3\x28 broken</p>", "broken", true},
		{"errorCode of a megabyte", "application/json", 409, `{"message":"m","errorCode":"` + strings.Repeat("C", 20000) + `"}`, "409", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, f := setup(t, WithRetry(1, 0, 0))
			serve := func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tc.contentType)
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			}
			f.handle("GET /v6/RestoreSessions/s1", serve)
			f.handle("GET /v6/RestoreSessions/s1/organization/mailboxes", serve)
			_, getErr := c.RestoreSessions.Get(t.Context(), "s1")
			_, listErr := c.Mailboxes.List(t.Context(), "s1", nil)
			allErr := iterErr(c.Mailboxes.All(t.Context(), "s1", nil))
			for what, err := range map[string]error{"Get": getErr, "List": listErr, "All": allErr} {
				if tc.name == "results not a list" || tc.name == "more results than any page" || tc.name == "truncated page" {
					if what == "Get" {
						continue // a session, not a page
					}
				}
				assertClearError(t, err, what)
				assert.Contains(t, err.Error(), tc.want, what)
				var apiErr *APIError
				assert.Equal(t, tc.api, errors.As(err, &apiErr), "%s: %v", what, err)
				if tc.api {
					assert.Equal(t, tc.status, apiErr.StatusCode)
					assert.LessOrEqual(t, len(apiErr.Body), keptErrorBody)
					assert.LessOrEqual(t, len(apiErr.Message), maxMessage+len("…"))
					assert.LessOrEqual(t, len(apiErr.Code), maxCode+len("…"))
				}
			}
		})
	}
}

func TestTenMiBErrorBodyIsReadBounded(t *testing.T) {
	// Not parallel: it measures the heap.
	body := bytes.Repeat([]byte(`{"message":"`+strings.Repeat("x", 1000)), 10<<10) // 10 MiB
	var served atomic.Int64
	c, f := setup(t)
	f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		n, _ := w.Write(body)
		served.Add(int64(n))
	})
	var err error
	heap := allocated(func() { _, err = c.RestoreSessions.Get(t.Context(), "s1") })
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assertClearError(t, err, "10 MiB error body")
	assert.Equal(t, http.StatusInternalServerError, apiErr.StatusCode)
	assert.Len(t, apiErr.Body, keptErrorBody)
	assert.Less(t, heap, uint64(4<<20), "the client read a bounded part of 4 x 10 MiB")
	t.Logf("4 attempts at a 10 MiB error body: %d KiB allocated", heap>>10)
}

// gzipped compresses b.
func gzipped(t *testing.T, write func(w io.Writer)) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	require.NoError(t, err)
	write(zw)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func TestGzipBombs(t *testing.T) {
	// Not parallel: it measures the heap.
	zeros := gzipped(t, func(w io.Writer) { _, _ = w.Write(make([]byte, 1<<20)) }) // 1 MiB in about 1 KiB
	// A page of two million empty results: 6 MB of JSON in a few KiB, and
	// hundreds of MB once decoded, were the page not refused.
	chunk := bytes.Repeat([]byte(`{},`), 1<<15)
	page := gzipped(t, func(w io.Writer) {
		_, _ = io.WriteString(w, `{"offset":0,"limit":500,"results":[`)
		for range 2_000_000 / (1 << 15) {
			_, _ = w.Write(chunk)
		}
		_, _ = io.WriteString(w, `{}]}`)
	})
	c, f := setup(t)
	bomb := func(status int, members int, member []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			assert.Equal(t, "gzip", r.Header.Get("Accept-Encoding"), "the transport asked for gzip and inflates it")
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", "gzip")
			w.WriteHeader(status)
			for range members { // concatenated gzip members inflate as one stream
				if _, err := w.Write(member); err != nil {
					return
				}
			}
		}
	}
	f.handle("GET /v6/RestoreSessions/s1", bomb(http.StatusServiceUnavailable, 1<<10, zeros)) // 1 GiB of zeros
	f.handle("GET /v6/RestoreSessions/s1/organization/mailboxes", bomb(http.StatusOK, 1, page))

	var err error
	heap := allocated(func() { _, err = c.RestoreSessions.Get(t.Context(), "s1") })
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr, "an error answer that inflates to 1 GiB")
	assertClearError(t, err, "gzip bomb error")
	assert.Less(t, heap, uint64(4<<20), "4 attempts, each reading a bounded part")
	t.Logf("error body inflating to 1 GiB: %d KiB allocated", heap>>10)

	var listErr, allErr error
	heap = allocated(func() {
		_, listErr = c.Mailboxes.List(t.Context(), "s1", nil)
		allErr = iterErr(c.Mailboxes.All(t.Context(), "s1", nil))
	})
	for _, err := range []error{listErr, allErr} {
		assertClearError(t, err, "gzip bomb page")
		assert.ErrorContains(t, err, "more than 10000 results")
	}
	assert.Less(t, heap, uint64(64<<20), "a page of 2,000,000 results is refused after 10,000")
	t.Logf("page of 2,000,000 results in %d KiB of gzip, twice: %d KiB allocated", len(page)>>10, heap>>10)
}

func TestEndlessAnswersStopInBoundedMemory(t *testing.T) {
	// Not parallel: it measures the heap.
	endless := func(prefix string, element []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, prefix)
			for {
				if _, err := w.Write(element); err != nil {
					return
				}
			}
		}
	}
	c, f := setup(t)
	f.handle("GET /v6/RestoreSessions/s1/organization/mailboxes", endless(`{"results":[`, bytes.Repeat([]byte(`{},`), 1<<14)))
	f.handle("GET /v6/RestoreSessions/s1", endless(`{"id":"`, bytes.Repeat([]byte("a"), 1<<16)))
	var allErr, getErr error
	heap := allocated(func() {
		allErr = iterErr(c.Mailboxes.All(t.Context(), "s1", nil))
		_, getErr = c.RestoreSessions.Get(t.Context(), "s1")
	})
	assertClearError(t, allErr, "endless page")
	assertClearError(t, getErr, "endless session")
	assert.Less(t, heap, uint64(64<<20))
	t.Logf("an endless page and an endless object: %d KiB allocated", heap>>10)
}

func TestRepeatingPagesEndWithAnError(t *testing.T) {
	t.Parallel()
	pageA := `{"offset":0,"limit":2,"results":[{"id":"a"},{"id":"b"}],"_links":{"self":{"href":"x"},"next":{"href":"y"}}}`
	pageB := `{"offset":2,"limit":2,"results":[{"id":"c"},{"id":"d"}],"_links":{"self":{"href":"x"},"next":{"href":"y"}}}`
	noLinks := `{"offset":0,"limit":2,"results":[{"id":"a"},{"id":"b"}]}`
	cases := []struct {
		name  string
		pages []string // served in turn, the last one forever
		want  []string
	}{
		{"ignores the offset, with a next link", []string{pageA}, []string{"a", "b"}},
		{"ignores the offset, full pages without links", []string{noLinks}, []string{"a", "b"}},
		{"goes back to the first page", []string{pageA, pageB, pageA}, []string{"a", "b", "c", "d"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, f := setup(t)
			var n atomic.Int32
			calls := f.handle("GET /v6/RestoreSessions/s1/organization/mailboxes", func(w http.ResponseWriter, r *http.Request) {
				i := int(n.Add(1)) - 1
				writeJSON(w, 200, tc.pages[min(i, len(tc.pages)-1)])
			})
			var got []string
			var errs []error
			for m, err := range c.Mailboxes.All(t.Context(), "s1", &ListOptions{Limit: 2}) {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				if got = append(got, m.ID); len(got) > 100 {
					t.Fatal("the iterator does not stop")
				}
			}
			assert.Equal(t, tc.want, got, "no result yielded twice")
			require.Len(t, errs, 1)
			assertClearError(t, errs[0], tc.name)
			assert.ErrorContains(t, errs[0], "repeats an earlier page")
			assert.Equal(t, int32(len(tc.want)/2+1), calls.Load())
		})
	}
}

// stalledBody serves the start of a session and then nothing, until the
// client goes away.
func stalledBody(t *testing.T) *Client {
	c, f := setup(t)
	f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		_, _ = io.WriteString(w, `{"id":"s1",`)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	return c
}

func TestStalledServerEndsWithTheContext(t *testing.T) {
	t.Parallel()
	c := stalledBody(t)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := c.RestoreSessions.Get(ctx, "s1")
	assertClearError(t, err, "stalled body")
	assert.ErrorIs(t, err, context.DeadlineExceeded, "the error matches the context's")
}

// redirector answers every request with a redirect to the same path on
// other, with status.
func redirector(t *testing.T, status int, other string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other+r.URL.Path, status)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// elsewhere is another host that records what reaches it.
type elsewhere struct {
	*httptest.Server
	hits     atomic.Int32
	received atomic.Value // string: every header and body it got
}

func newElsewhere(t *testing.T) *elsewhere {
	e := &elsewhere{}
	e.received.Store("")
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.hits.Add(1)
		b, _ := io.ReadAll(r.Body)
		e.received.Store(e.received.Load().(string) + fmt.Sprint(r.Header) + string(b))
		writeJSON(w, 200, `{"access_token":"stolen","expires_in":3600,"id":"evil","sessionId":"evil"}`)
	}))
	t.Cleanup(e.Close)
	return e
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect} { // 302/303 to a restore: see TestSeeOtherAfterUnsafeCallIsOutcomeUnknown
		other := newElsewhere(t)
		// The token endpoint redirects: the login form stays home.
		login := redirector(t, status, other.URL)
		c, err := NewClient(login.URL, WithOperator(testClientID, testAssertion))
		require.NoError(t, err)
		_, err = c.RestoreSessions.Get(t.Context(), "s1")
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr, "%d on the login", status)
		assert.Equal(t, status, apiErr.StatusCode)
		assertClearError(t, err, "redirected login")
		assert.NotContains(t, err.Error(), testAssertion)

		// The API redirects: neither the token nor the restore goes there.
		api, f := setup(t)
		f.handle("POST /v6/RestoreSessions/s1/organization/mailboxes/m1/items/operatorRestore", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+r.URL.Path, status)
		})
		f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+r.URL.Path, status)
		})
		_, err = api.Mailboxes.OperatorRestore(t.Context(), "s1", "m1", restoreReq)
		require.ErrorAs(t, err, &apiErr, "%d on a restore", status)
		if status == http.StatusFound {
			// A client that follows a 302 re-sends a POST as a GET: the
			// SDK cannot tell what a 302 to a restore meant.
			assert.ErrorIs(t, err, ErrOutcomeUnknown)
		} else {
			assert.NotErrorIs(t, err, ErrOutcomeUnknown, "a 307 or 308 asks to send the request elsewhere: the server did not act")
		}
		_, err = api.RestoreSessions.Get(t.Context(), "s1")
		require.ErrorAs(t, err, &apiErr, "%d on a read", status)
		assert.Zero(t, other.hits.Load(), "%d: nothing reached the other host", status)
	}
}

func TestCallersClientKeepsSecretsHomeOnRedirect(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect} { // 302/303 to a restore: see TestSeeOtherAfterUnsafeCallIsOutcomeUnknown
		other := newElsewhere(t)
		// A plain &http.Client{} follows redirects; the SDK must not.
		login := redirector(t, status, other.URL)
		c, err := NewClient(login.URL, WithOperator(testClientID, testAssertion), WithHTTPClient(&http.Client{}))
		require.NoError(t, err)
		_, err = c.RestoreSessions.Get(t.Context(), "s1")
		assertClearError(t, err, "redirected login")
		assert.NotContains(t, err.Error(), testAssertion)

		_, f := setup(t)
		c, err = NewClient(f.srv.URL, WithOperator(testClientID, testAssertion), WithHTTPClient(&http.Client{}))
		require.NoError(t, err)
		f.handle("POST /v6/RestoreSessions/s1/organization/mailboxes/m1/items/operatorRestore", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+r.URL.Path, status)
		})
		_, err = c.Mailboxes.OperatorRestore(t.Context(), "s1", "m1", restoreReq)
		assertClearError(t, err, "redirected restore")
		assert.Zero(t, other.hits.Load(), "%d: a request went to another host: %s", status, other.received.Load())
	}
}

func TestPageOfMaxPageSizeIsAccepted(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	f.handle("GET /v6/RestoreSessions/s1/organization/mailboxes", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"offset":0,"limit":10000,"results":[`+strings.Repeat(`{"id":"m"},`, MaxPageSize-1)+`{"id":"last"}]}`)
	})
	p, err := c.Mailboxes.List(t.Context(), "s1", &ListOptions{Limit: MaxPageSize})
	require.NoError(t, err)
	require.Len(t, p.Results, MaxPageSize)
	assert.Equal(t, "last", p.Results[MaxPageSize-1].ID)
}

func TestPageClaimingAHugeLengthIsNotPreallocated(t *testing.T) {
	// Not parallel: it measures the heap.
	c, f := setup(t, WithRetry(0, 0, 0))
	f.handle("GET /v6/RestoreSessions/s1/organization/mailboxes", func(w http.ResponseWriter, r *http.Request) {
		conn, rw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = rw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 209715200\r\n\r\n{\"results\":[]}")
		_ = rw.Flush()
	})
	var err error
	heap := allocated(func() { _, err = c.Mailboxes.List(t.Context(), "s1", &ListOptions{Limit: MaxPageSize}) })
	assert.Error(t, err, "the body ends short of its length")
	assert.Less(t, heap, uint64(16<<20), "a 200 MiB Content-Length is a claim, not an allocation")
}

func TestTrailingBytesAfterAPageAreNotATruncation(t *testing.T) {
	t.Parallel()
	c, f := setup(t, WithRetry(0, 0, 0))
	f.handle("GET /v6/RestoreSessions/s1/organization/mailboxes", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"results":[]}}`)
	})
	_, err := c.Mailboxes.List(t.Context(), "s1", nil)
	require.Error(t, err)
	assert.NotErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.ErrorContains(t, err, "invalid character")
}

func TestPageLongerThanItsSizeAllowsIsRefused(t *testing.T) {
	t.Parallel()
	c, f := setup(t, WithRetry(0, 0, 0))
	f.handle("GET /v6/RestoreSessions/s1/organization/mailboxes", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"results":[{"id":"`+strings.Repeat("a", 2<<20)+`"}]}`)
	})
	_, err := c.Mailboxes.List(t.Context(), "s1", &ListOptions{Limit: 1})
	assert.ErrorContains(t, err, "longer than 1114112 bytes", "1 MiB + 64 KiB for a page of one")
	_, err = c.Mailboxes.List(t.Context(), "s1", &ListOptions{Limit: 100})
	assert.NoError(t, err, "a page of 100 may hold 2 MiB")
}
