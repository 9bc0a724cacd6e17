package vb365

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests hold the SDK to what real VB365 servers do: servers that
// never answer, token endpoints that throttle, refresh tokens that rotate,
// sessions the server stops. RELIABILITY.md lists them.

// hang returns a handler that never answers until the test ends or the
// client goes away, and the number of requests it got. started, when not
// nil, gets a value for each request.
func hang(t *testing.T, started chan<- struct{}) (http.HandlerFunc, *atomic.Int32) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	var n atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if started != nil {
			started <- struct{}{}
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}, &n
}

const quick = 20 * time.Millisecond // a request timeout that tests can wait out

func TestServerThatNeverAnswersEndsEachAttempt(t *testing.T) {
	t.Parallel()
	c, f := setup(t, WithRequestTimeout(quick))
	h, n := hang(t, nil)
	f.handle("GET /v6/RestoreSessions/s1", h)
	// The caller's context has no deadline: the request timeout alone
	// ends each attempt, and a read is retried as after any failure.
	_, err := c.RestoreSessions.Get(context.Background(), "s1")
	require.ErrorIs(t, err, ErrTimeout)
	assert.NotErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "RestoreSessions.Get")
	assert.Equal(t, int32(4), n.Load(), "one attempt and three retries")
}

func TestUnsafeCallThatTimesOutIsOutcomeUnknown(t *testing.T) {
	t.Parallel()
	c, f := setup(t, WithRequestTimeout(quick))
	h, n := hang(t, nil)
	f.handle("POST /v6/RestoreSessions/s1/organization/mailboxes/m1/items/operatorRestore", h)
	_, err := c.Mailboxes.OperatorRestore(context.Background(), "s1", "m1", &OperatorRestoreRequest{ItemIDs: []string{"i1"}})
	require.ErrorIs(t, err, ErrTimeout)
	require.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.Equal(t, int32(1), n.Load(), "a restore that may have arrived is not sent again")
}

func TestLoginThatNeverAnswersTimesOut(t *testing.T) {
	t.Parallel()
	c, f := setup(t, WithRequestTimeout(quick))
	h, n := hang(t, nil)
	f.setBefore(func(w http.ResponseWriter, r *http.Request) bool { h(w, r); return true })
	_, err := c.RestoreSessions.Get(context.Background(), "s1")
	require.ErrorIs(t, err, ErrTimeout)
	assert.Contains(t, err.Error(), "login")
	assert.Equal(t, int32(1), n.Load(), "a login is not sent twice")
}

func TestCloseReturnsWhileALoginHangs(t *testing.T) {
	t.Parallel()
	c, f := setup(t, WithRequestTimeout(0))
	started := make(chan struct{}, 1)
	h, _ := hang(t, started)
	f.setBefore(func(w http.ResponseWriter, r *http.Request) bool { h(w, r); return true })
	done := make(chan error, 1)
	go func() {
		_, err := c.RestoreSessions.Get(context.Background(), "s1")
		done <- err
	}()
	<-started
	ctx, cancel := context.WithTimeout(t.Context(), quick)
	defer cancel()
	require.ErrorIs(t, c.Close(ctx), context.DeadlineExceeded)
	// Close ended the login, and the call that waited for it.
	select {
	case err := <-done:
		require.Error(t, err)
	case <-t.Context().Done():
		t.Fatal("the call waiting for the login did not end")
	}
}

func TestStalledErrorBodyIsNotWaitedFor(t *testing.T) {
	t.Parallel()
	c, f := setup(t) // the default request timeout: minutes
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	f.handle("POST /v6/RestoreSessions/s1/organization/mailboxes/m1/items/operatorRestore", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(500)
		fmt.Fprint(w, `{"message":"The server did not provide a meaningful reply`)
		http.NewResponseController(w).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	_, err := c.Mailboxes.OperatorRestore(ctx, "s1", "m1", &OperatorRestoreRequest{ItemIDs: []string{"i1"}})
	require.ErrorIs(t, err, ErrOutcomeUnknown)
	require.NoError(t, ctx.Err(), "the 500 is returned without waiting for the rest of its body")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 500, apiErr.StatusCode)
	assert.Contains(t, string(apiErr.Body), "meaningful reply", "what had arrived is kept")
}

func TestStalledAnswerBodyTimesOut(t *testing.T) {
	t.Parallel()
	c, f := setup(t, WithRequestTimeout(quick), WithRetry(0, 0, 0))
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		fmt.Fprint(w, `{"id":"s1",`)
		http.NewResponseController(w).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	_, err := c.RestoreSessions.Get(context.Background(), "s1")
	require.ErrorIs(t, err, ErrTimeout)
}

// rotating makes f rotate refresh tokens as VB365 does: a refresh token
// works once, and the operator's Microsoft assertion has expired, so a
// fresh operator login is refused.
func rotating(f *fakeAPI) {
	spent := map[string]bool{}
	var mu sync.Mutex
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refuse = func(form url.Values) bool {
		mu.Lock()
		defer mu.Unlock()
		switch form.Get("grant_type") {
		case "operator":
			return len(f.tokenForms) > 1 // only the first login's assertion was fresh
		case "refresh_token":
			rt := form.Get("refresh_token")
			if spent[rt] {
				return true
			}
			spent[rt] = true
		}
		return false
	}
}

func TestCancelledRefreshKeepsTheRotatedToken(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"id":"s1"}`) })
	clock := newClock()
	c.tokens.now, c.now = clock.Now, clock.Now
	rotating(f)
	_, err := c.RestoreSessions.Get(t.Context(), "s1")
	require.NoError(t, err)

	// The token expires; the refresh is under way when its caller gives
	// up, and the server rotates the refresh token all the same.
	clock.Advance(2 * time.Hour)
	arrived, answer := make(chan struct{}), make(chan struct{})
	f.setBefore(func(w http.ResponseWriter, r *http.Request) bool {
		if r.PostForm.Get("grant_type") == "refresh_token" {
			close(arrived)
			<-answer
		}
		return false
	})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { _, err := c.RestoreSessions.Get(ctx, "s1"); done <- err }()
	<-arrived
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
	f.setBefore(nil)
	close(answer)

	// The next call has the refresh's tokens: no spent refresh token sent,
	// no fresh login that the server would refuse.
	_, err = c.RestoreSessions.Get(t.Context(), "s1")
	require.NoError(t, err, "the operator is not locked out")
	forms := f.forms()
	require.Len(t, forms, 2)
	assert.Equal(t, "refresh_token", forms[1].Get("grant_type"))
}

// setupSource is setup with an operator whose assertions come from source.
func setupSource(t *testing.T, source func(context.Context) (string, error)) (*Client, *fakeAPI) {
	_, f := setup(t)
	c, err := NewClient(f.srv.URL, WithOperatorSource(testClientID, source), WithRetry(3, 0, time.Second))
	require.NoError(t, err)
	return c, f
}

func TestOperatorSourceGivesEachLoginAFreshAssertion(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	source := func(ctx context.Context) (string, error) {
		require.NotNil(t, ctx)
		// Sent as it is: some servers take the whole token response.
		return fmt.Sprintf(`{"access_token":"ms-%d","refresh_token":"r+/="}`, calls.Add(1)), nil
	}
	c, f := setupSource(t, source)
	f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"id":"s1"}`) })
	_, err := c.RestoreSessions.Get(t.Context(), "s1")
	require.NoError(t, err)
	_, err = c.RestoreSessions.Get(t.Context(), "s1")
	require.NoError(t, err)
	assert.Equal(t, int32(1), calls.Load(), "the token is reused, the source not asked again")

	// The server forgets the token and refuses the refresh: a new login,
	// with a new assertion.
	f.revoke()
	f.mu.Lock()
	f.refuse = func(form url.Values) bool { return form.Get("grant_type") == "refresh_token" }
	f.mu.Unlock()
	_, err = c.RestoreSessions.Get(t.Context(), "s1")
	require.NoError(t, err)
	forms := f.forms()
	require.Len(t, forms, 3)
	assert.Equal(t, `{"access_token":"ms-1","refresh_token":"r+/="}`, forms[0].Get("assertion"))
	assert.Equal(t, "refresh_token", forms[1].Get("grant_type"))
	assert.Equal(t, `{"access_token":"ms-2","refresh_token":"r+/="}`, forms[2].Get("assertion"))
	assert.Equal(t, testClientID, forms[2].Get("client_id"))
}

func TestOperatorSourceErrorFailsTheLogin(t *testing.T) {
	t.Parallel()
	boom := errors.New("no Microsoft token")
	c, f := setupSource(t, func(context.Context) (string, error) { return "", boom })
	_, err := c.RestoreSessions.Get(t.Context(), "s1")
	require.ErrorIs(t, err, boom)
	assert.Contains(t, err.Error(), "assertion")
	assert.Empty(t, f.forms(), "nothing sent without an assertion")

	c, f = setupSource(t, func(context.Context) (string, error) { return "", nil })
	_, err = c.RestoreSessions.Get(t.Context(), "s1")
	require.Error(t, err)
	assert.Empty(t, f.forms())

	_, err = NewClient("https://vb365.example.com", WithOperatorSource(testClientID, nil))
	require.ErrorIs(t, err, ErrInvalidArgument)
}

// throttle makes the token endpoint answer the first n token requests
// with status and headers.
func throttle(f *fakeAPI, n int, status int, header http.Header, body string) {
	var seen atomic.Int32
	f.setBefore(func(w http.ResponseWriter, r *http.Request) bool {
		if int(seen.Add(1)) > n {
			return false
		}
		for k, v := range header {
			w.Header()[k] = v
		}
		writeJSON(w, status, body)
		return true
	})
}

func TestThrottledLoginIsSentAgain(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		status int
		header http.Header
		body   string
		sent   int
		ok     bool
	}{
		{"429", 429, nil, `{"message":"Quota Exceeded"}`, 3, true},
		{"429 with Retry-After", 429, http.Header{"Retry-After": {"0"}}, `{"message":"Quota Exceeded"}`, 3, true},
		{"429 with retryAfter in the body", 429, nil, `{"errors":[{"code":429,"retryAfter":0}]}`, 3, true},
		{"503 with Retry-After", 503, http.Header{"Retry-After": {"0"}}, `{"message":"busy"}`, 3, true},
		{"429 asking past the cap", 429, http.Header{"Retry-After": {"3600"}}, `{"message":"Quota Exceeded"}`, 1, false},
		{"429 asking past the cap in the body", 429, nil, `{"errors":[{"code":429,"retryAfter":3600}]}`, 1, false},
		{"503 without Retry-After", 503, nil, `{"message":"busy"}`, 1, false},
		{"500", 500, nil, `{"message":"error"}`, 1, false},
		{"400", 400, nil, `{"error":"invalid_grant"}`, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, f := setup(t)
			f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"id":"s1"}`) })
			throttle(f, 2, tc.status, tc.header, tc.body)
			_, err := c.RestoreSessions.Get(t.Context(), "s1")
			assert.Len(t, f.forms(), tc.sent)
			if tc.ok {
				require.NoError(t, err)
				return
			}
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
		})
	}
}

func TestThrottledLoginStopsAtTheRetryLimit(t *testing.T) {
	t.Parallel()
	c, f := setup(t, WithRetry(2, 0, time.Second))
	throttle(f, 100, 429, nil, `{"message":"Quota Exceeded"}`)
	_, err := c.RestoreSessions.Get(t.Context(), "s1")
	require.ErrorIs(t, err, ErrRateLimited)
	assert.Len(t, f.forms(), 3, "one login and two more")
}

func TestHugeExpiresInIsCapped(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	f.expiresIn = 1 << 62 // seconds: far past what a time.Duration holds
	f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"id":"s1"}`) })
	for range 3 {
		_, err := c.RestoreSessions.Get(t.Context(), "s1")
		require.NoError(t, err)
	}
	assert.Len(t, f.forms(), 1, "the token is kept, not renewed on every call")
}

func TestRepositoryIDCheckedAfterAutoDetection(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		served []string
		ok     bool
	}{{[]string{"v6", "v7", "v8"}, true}, {[]string{"v6", "v7"}, false}} {
		c, f := setup(t, WithAPIVersion(Auto))
		for _, v := range tc.served {
			f.mux.HandleFunc("GET /"+v+"/ServiceInstance", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 401, `{}`) })
		}
		explored := f.handle("POST /v8/Organization/OperatorExplore", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 201, `{"id":"s1","state":"Working"}`)
		})
		_, err := c.RestoreSessions.OperatorExplore(t.Context(), &OperatorExploreRequest{DateTime: time.Now(), RepositoryID: "repo-1"})
		if tc.ok {
			require.NoError(t, err, "auto speaks v8 to a v8 server")
			assert.Equal(t, int32(1), explored.Load())
			continue
		}
		var argErr *ArgumentError
		require.ErrorAs(t, err, &argErr)
		assert.Equal(t, "req.RepositoryID", argErr.Arg)
		assert.Contains(t, argErr.Problem, "v7")
		assert.Empty(t, f.forms(), "refused before any login")
	}
}

func TestPlainHTTPNeedsWithAllowHTTP(t *testing.T) {
	t.Parallel()
	creds := WithPassword(testUser, testPassword)
	for _, tc := range []struct {
		url  string
		opts []Option
		ok   bool
	}{
		{"http://vb365.example.com:4443", []Option{creds}, false},
		{"http://10.0.0.5:4443", []Option{WithOperator(testClientID, testAssertion)}, false},
		{"http://vb365.example.com:4443", []Option{creds, WithAllowHTTP()}, true},
		{"http://vb365.example.com:4443", nil, true}, // no credentials to carry
		{"https://vb365.example.com:4443", []Option{creds}, true},
		{"http://127.0.0.1:4443", []Option{creds}, true},
		{"http://127.8.9.10:4443", []Option{creds}, true},
		{"http://localhost:4443", []Option{creds}, true},
		{"http://LocalHost", []Option{creds}, true},
		{"http://[::1]:4443", []Option{creds}, true},
		{"http://localhost.example.com", []Option{creds}, false},
		{"http://[::2]:4443", []Option{creds}, false},
	} {
		_, err := NewClient(tc.url, tc.opts...)
		if tc.ok {
			assert.NoError(t, err, tc.url)
			continue
		}
		var argErr *ArgumentError
		if assert.ErrorAs(t, err, &argErr, tc.url) {
			assert.Equal(t, "serverURL", argErr.Arg)
			assert.Contains(t, argErr.Problem, "WithAllowHTTP")
		}
	}
}

func TestExportIsNotSentAgainAfterA500(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	n := f.handle("POST /v6/RestoreSessions/s1/organization/mailboxes/m1/exportToPst", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 500, `{"message":"Cannot export: 64-bit Outlook is not installed"}`)
	})
	var out strings.Builder
	_, err := c.Mailboxes.ExportToPST(t.Context(), "s1", "m1", ScopeMailbox(), &out, nil)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Contains(t, apiErr.Message, "Outlook")
	assert.Equal(t, int32(1), n.Load(), "the server's verdict is returned, not asked for four times")
	assert.Zero(t, out.Len())
}

func TestExportRetriesWhatTheServerDidNotDo(t *testing.T) {
	t.Parallel()
	for _, status := range []int{429, 502, 503, 504} {
		c, f := setup(t)
		var seen atomic.Int32
		n := f.handle("POST /v6/RestoreSessions/s1/organization/mailboxes/m1/exportToPst", func(w http.ResponseWriter, r *http.Request) {
			if seen.Add(1) == 1 {
				writeJSON(w, status, `{"message":"busy"}`)
				return
			}
			w.Header().Set("Content-Type", "application/octet-stream")
			fmt.Fprint(w, "PST")
		})
		var out strings.Builder
		_, err := c.Mailboxes.ExportToPST(t.Context(), "s1", "m1", ScopeMailbox(), &out, nil)
		require.NoError(t, err, status)
		assert.Equal(t, int32(2), n.Load(), status)
		assert.Equal(t, "PST", out.String())
	}
}

func TestStoppedSessionEndsRetries(t *testing.T) {
	t.Parallel()
	for _, state := range []SessionState{SessionStateStopped, SessionStateWorking} {
		c, f := setup(t)
		list := f.handle("GET /v6/RestoreSessions/s1/organization/mailboxes", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 500, `{"message":"The server did not provide a meaningful reply"}`)
		})
		get := f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, `{"id":"s1","state":"`+string(state)+`","result":"Success"}`)
		})
		var err error
		for _, e := range c.Mailboxes.All(t.Context(), "s1", nil) {
			err = e
		}
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr, "the server's answer stays reachable")
		assert.Equal(t, 500, apiErr.StatusCode)
		assert.Equal(t, int32(1), get.Load(), "the session is looked at once")
		if state == SessionStateWorking {
			assert.NotErrorIs(t, err, ErrSessionStopped)
			assert.Equal(t, int32(4), list.Load(), "a working session's 500 is retried")
			continue
		}
		require.ErrorIs(t, err, ErrSessionStopped)
		var stopped *SessionStoppedError
		require.ErrorAs(t, err, &stopped)
		assert.Equal(t, "s1", stopped.SessionID)
		assert.Contains(t, err.Error(), "Stopped")
		assert.Equal(t, int32(1), list.Load(), "no more attempts in a stopped session")
	}
}

func TestDownloadWaitsForItsFirstByteAndResumesAStall(t *testing.T) {
	t.Parallel()
	const file = "0123456789abcdefghij"
	for _, tc := range []struct {
		name    string
		stall   time.Duration // DownloadOptions.StallTimeout
		resumes int
	}{
		// The body pauses longer than the request timeout but within
		// its stall timeout: nothing is broken off.
		{"pause within the stall timeout", 10 * time.Second, 0},
		// The body pauses past its stall timeout: broken off, resumed.
		{"stall", quick, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, f := setup(t, WithRequestTimeout(quick))
			var n atomic.Int32
			f.handle("POST /v6/RestoreSessions/s1/organization/mailboxes/m1/exportToPst", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/octet-stream")
				w.Header().Set("ETag", `"v1"`)
				if n.Add(1) == 1 {
					// The PST takes longer to build than the request
					// timeout; half of it comes, then a pause.
					time.Sleep(5 * quick)
					w.Header().Set("Content-Length", fmt.Sprint(len(file)))
					w.WriteHeader(200)
					fmt.Fprint(w, file[:10])
					http.NewResponseController(w).Flush()
					select {
					case <-time.After(5 * quick):
					case <-r.Context().Done():
						return
					}
					fmt.Fprint(w, file[10:])
					return
				}
				assert.Equal(t, "bytes=10-", r.Header.Get("Range"))
				assert.Equal(t, `"v1"`, r.Header.Get("If-Range"))
				w.Header().Set("Content-Range", fmt.Sprintf("bytes 10-%d/%d", len(file)-1, len(file)))
				w.Header().Set("Content-Length", fmt.Sprint(len(file)-10))
				w.WriteHeader(206)
				fmt.Fprint(w, file[10:])
			})
			var out strings.Builder
			d, err := c.Mailboxes.ExportToPST(t.Context(), "s1", "m1", ScopeMailbox(), &out,
				&ExportOptions{DownloadOptions: DownloadOptions{StallTimeout: tc.stall}})
			require.NoError(t, err)
			assert.Equal(t, tc.resumes, d.Resumes)
			assert.Equal(t, file, out.String())
		})
	}
}
