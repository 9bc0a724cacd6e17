package vb365

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

const restorePath = "POST /v6/RestoreSessions/s1/organization/mailboxes/m1/items/operatorRestore"

var restoreReq = &OperatorRestoreRequest{ItemIDs: []string{"i1"}, Folder: "Recovered"}

// fault is what the server does on one attempt: answer status (0: act and
// answer 200) with header Retry-After (when set), or hang up.
type fault struct {
	status     int
	retryAfter string
	act        bool // act before answering status or hanging up
	hangUp     bool
}

// scripted mounts a restore endpoint that plays faults, one per attempt, and
// then succeeds. It counts attempts and executed restores.
func scripted(f *fakeAPI, pattern string, faults ...fault) (attempts, executed *atomic.Int32) {
	executed = new(atomic.Int32)
	var i atomic.Int32
	attempts = f.handle(pattern, func(w http.ResponseWriter, r *http.Request) {
		n := int(i.Add(1)) - 1
		if n >= len(faults) {
			executed.Add(1)
			writeJSON(w, 200, `{"sessionId":"r1","id":"s1"}`)
			return
		}
		ft := faults[n]
		if ft.act {
			executed.Add(1)
		}
		if ft.hangUp {
			hangUp(w)
			return
		}
		if ft.retryAfter != "" {
			w.Header().Set("Retry-After", ft.retryAfter)
		}
		writeJSON(w, ft.status, `{"message":"injected"}`)
	})
	return attempts, executed
}

func TestUnsafeCallRetriedOnlyWhenServerDidNotAct(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		fault fault
	}{
		{"429", fault{status: 429}},
		{"408", fault{status: 408}},
		{"503 with Retry-After", fault{status: 503, retryAfter: "0"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, f := setup(t)
			attempts, executed := scripted(f, restorePath, tc.fault, tc.fault)
			res, err := c.Mailboxes.OperatorRestore(t.Context(), "s1", "m1", restoreReq)
			require.NoError(t, err)
			assert.Equal(t, "r1", res.SessionID)
			assert.Equal(t, int32(3), attempts.Load())
			assert.Equal(t, int32(1), executed.Load(), "restored exactly once")
		})
	}
}

func TestUnsafeCallNotResentWhenServerMayHaveActed(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		fault    fault
		executed int32
	}{
		{"500 after acting", fault{status: 500, act: true}, 1},
		{"500 without acting", fault{status: 500}, 0},
		{"502 after acting", fault{status: 502, act: true}, 1},
		{"503 without Retry-After", fault{status: 503, act: true}, 1},
		{"504", fault{status: 504}, 0},
		{"connection dropped after acting", fault{hangUp: true, act: true}, 1},
		{"connection dropped before acting", fault{hangUp: true}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, f := setup(t)
			attempts, executed := scripted(f, restorePath, tc.fault)
			res, err := c.Mailboxes.OperatorRestore(t.Context(), "s1", "m1", restoreReq)
			require.Error(t, err)
			assert.Nil(t, res)
			assert.ErrorIs(t, err, ErrOutcomeUnknown)
			assert.Contains(t, err.Error(), "RestoreSessions.Events", "the error says how to check")
			assert.Equal(t, int32(1), attempts.Load(), "not sent again")
			assert.Equal(t, tc.executed, executed.Load())
			if tc.fault.status != 0 {
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tc.fault.status, apiErr.StatusCode)
			}
		})
	}
}

func TestOperatorExploreIsUnsafe(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	attempts, executed := scripted(f, "POST /v6/Organization/OperatorExplore", fault{status: 502, act: true})
	_, err := c.RestoreSessions.OperatorExplore(t.Context(), &OperatorExploreRequest{DateTime: time.Now()})
	require.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.Contains(t, err.Error(), "RestoreSessions.All")
	assert.Equal(t, int32(1), attempts.Load())
	assert.Equal(t, int32(1), executed.Load())
}

func TestUnsafeCallTimeoutIsOutcomeUnknown(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	var executed atomic.Int32
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	f.handle(restorePath, func(w http.ResponseWriter, r *http.Request) {
		executed.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err := c.Mailboxes.OperatorRestore(ctx, "s1", "m1", restoreReq)
	require.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, int32(1), executed.Load())
}

func TestRefusedConnectionIsResent(t *testing.T) {
	t.Parallel()
	_, f := setup(t)
	var dials atomic.Int32
	var refuseNext atomic.Bool
	tr := http.DefaultTransport.(*http.Transport).Clone()
	base := tr.DialContext
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		if refuseNext.CompareAndSwap(true, false) {
			return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused")}
		}
		return base(ctx, network, addr)
	}
	c, err := NewClient(f.srv.URL, WithOperator(testClientID, testAssertion), WithRetry(3, 0, 0),
		WithHTTPClient(&http.Client{Transport: tr}))
	require.NoError(t, err)
	// The login has its own connection; refuse the first API dial.
	_, err = c.tokens.token(t.Context())
	require.NoError(t, err)
	tr.CloseIdleConnections()
	dials.Store(0)
	refuseNext.Store(true)
	attempts, executed := scripted(f, restorePath)
	_, err = c.Mailboxes.OperatorRestore(t.Context(), "s1", "m1", restoreReq)
	require.NoError(t, err)
	assert.Equal(t, int32(1), attempts.Load())
	assert.Equal(t, int32(1), executed.Load())
	assert.GreaterOrEqual(t, dials.Load(), int32(2))
}

func TestSafeCallsRetried(t *testing.T) {
	t.Parallel()
	for _, ft := range []fault{{status: 500}, {status: 502}, {status: 503}, {status: 504}, {status: 408}, {status: 429}, {hangUp: true}} {
		c, f := setup(t)
		attempts, _ := scripted(f, "GET /v6/RestoreSessions/s1", ft, ft)
		s, err := c.RestoreSessions.Get(t.Context(), "s1")
		require.NoError(t, err, "fault %+v", ft)
		assert.Equal(t, "s1", s.ID)
		assert.Equal(t, int32(3), attempts.Load(), "fault %+v", ft)

		stops, _ := scripted(f, "POST /v6/RestoreSessions/s1/Stop", ft)
		require.NoError(t, c.RestoreSessions.Stop(t.Context(), "s1"))
		assert.Equal(t, int32(2), stops.Load(), "Stop is retried too")
	}
}

func TestSafeCallGivesUpAfterBudget(t *testing.T) {
	t.Parallel()
	c, f := setup(t, WithRetry(2, 0, 0))
	attempts, _ := scripted(f, "GET /v6/RestoreSessions/s1", fault{status: 500}, fault{status: 500}, fault{status: 500}, fault{status: 500})
	_, err := c.RestoreSessions.Get(t.Context(), "s1")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 500, apiErr.StatusCode)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown, "a read has no outcome to doubt")
	assert.Equal(t, int32(3), attempts.Load())
}

func TestNoRetriesWhenZero(t *testing.T) {
	t.Parallel()
	c, f := setup(t, WithRetry(0, 0, 0))
	attempts, _ := scripted(f, "GET /v6/RestoreSessions/s1", fault{status: 503})
	_, err := c.RestoreSessions.Get(t.Context(), "s1")
	require.Error(t, err)
	assert.Equal(t, int32(1), attempts.Load())
}

func TestRetryAfterPastCapIsNotAwaited(t *testing.T) {
	t.Parallel()
	c, f := setup(t, WithRetry(3, 0, 50*time.Millisecond))
	attempts, executed := scripted(f, restorePath, fault{status: 503, retryAfter: "3600"})
	_, err := c.Mailboxes.OperatorRestore(t.Context(), "s1", "m1", restoreReq)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 503, apiErr.StatusCode)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown, "a 503 with Retry-After did not act")
	assert.Equal(t, int32(1), attempts.Load(), "no retry past the cap")
	assert.Zero(t, executed.Load())

	gets, _ := scripted(f, "GET /v6/RestoreSessions/s1", fault{status: 429, retryAfter: "3600"})
	_, err = c.RestoreSessions.Get(t.Context(), "s1")
	assert.ErrorIs(t, err, ErrRateLimited)
	assert.Equal(t, int32(1), gets.Load())
}

func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 2*time.Second, backoff(0, time.Minute, 0, &http.Response{Header: http.Header{"Retry-After": {"2"}}}))
	d := backoff(0, time.Minute, 0, &http.Response{Header: http.Header{"Retry-After": {time.Now().Add(10 * time.Second).UTC().Format(http.TimeFormat)}}})
	assert.InDelta(t, float64(10*time.Second), float64(d), float64(2*time.Second))
	for attempt := range 10 {
		d := backoff(100*time.Millisecond, time.Second, attempt, nil)
		assert.LessOrEqual(t, d, time.Second)
		assert.GreaterOrEqual(t, d, 50*time.Millisecond)
	}
}

func TestCancelEndsRetryWait(t *testing.T) {
	t.Parallel()
	c, f := setup(t, WithRetry(3, time.Hour, time.Hour))
	first := make(chan struct{})
	var once atomic.Bool
	f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) {
		if once.CompareAndSwap(false, true) {
			close(first)
		}
		writeJSON(w, 500, `{"message":"down"}`)
	})
	ctx, cancel := context.WithCancel(t.Context())
	go func() { <-first; cancel() }()
	_, err := c.RestoreSessions.Get(ctx, "s1") // would wait an hour without the cancel
	assert.ErrorIs(t, err, context.Canceled)

	// A call cancelled while its request is out names the request.
	hctx, hcancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer hcancel()
	f.handle("GET /v6/RestoreSessions/s2", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	_, err = c.RestoreSessions.Get(hctx, "s2")
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.ErrorContains(t, err, "RestoreSessions.Get")

	// An unsafe call cancelled while waiting to be re-sent after a 429 did
	// not reach the server: its error is not "outcome unknown". The retry
	// decision, which comes after the answer was read, cancels.
	rctx, rcancel := context.WithCancel(t.Context())
	lc, lf := setup(t, WithRetry(3, time.Hour, time.Hour), WithLogger(slog.New(&onMessage{msg: "vb365 retry", do: rcancel})))
	attempts, executed := scripted(lf, restorePath, fault{status: 429})
	_, err = lc.Mailboxes.OperatorRestore(rctx, "s1", "m1", restoreReq)
	assert.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown)
	assert.Equal(t, int32(1), attempts.Load())
	assert.Zero(t, executed.Load())
}

// onMessage is a slog handler that calls do when a record with message msg
// is logged.
type onMessage struct {
	msg string
	do  func()
}

func (h *onMessage) Enabled(context.Context, slog.Level) bool { return true }
func (h *onMessage) Handle(_ context.Context, r slog.Record) error {
	if r.Message == h.msg {
		h.do()
	}
	return nil
}
func (h *onMessage) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *onMessage) WithGroup(string) slog.Handler      { return h }

func TestUnsafeCallThatNeverHadAConnectionIsNotInDoubt(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"sessionId":"r1"}`)
	}))
	t.Cleanup(srv.Close)
	// No CA for the server's certificate: the TLS handshake fails before a
	// byte of the request is sent.
	c, err := NewClient(srv.URL, WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"})), WithRetry(2, 0, 0))
	require.NoError(t, err)
	_, err = c.Mailboxes.OperatorRestore(t.Context(), "s1", "m1", restoreReq)
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown)
	assert.True(t, isCertError(err))
}

func TestFailedRenewalBetweenAttemptsIsNotInDoubt(t *testing.T) {
	t.Parallel()
	c, f := setup(t, WithRetry(2, 0, time.Second))
	attempts, executed := scripted(f, restorePath, fault{status: 429})
	clock := newClock()
	c.tokens.now = clock.Now
	c.now = clock.Now
	_, err := c.tokens.token(t.Context())
	require.NoError(t, err)
	// The token runs out during the wait after the 429, and the renewal
	// is refused.
	f.refuse = func(url.Values) bool { return true }
	c.retry.Backoff = func(time.Duration, time.Duration, int, *http.Response) time.Duration {
		clock.Advance(2 * time.Hour)
		return 0
	}
	_, err = c.Mailboxes.OperatorRestore(t.Context(), "s1", "m1", restoreReq)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrUnauthorized, "the refused login")
	assert.NotErrorIs(t, err, ErrOutcomeUnknown, "the only attempt sent was turned away with 429")
	assert.Equal(t, int32(1), attempts.Load())
	assert.Zero(t, executed.Load())
}

// TestFailedCallKeepsOtherConnections checks that a call that fails for
// good after its retries leaves the client's idle connections open for the
// calls that follow (go-retryablehttp closes its client's idle connections
// when it gives up).
func TestFailedCallKeepsOtherConnections(t *testing.T) {
	t.Parallel()
	var dials atomic.Int32
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	t.Cleanup(tr.CloseIdleConnections)
	c, f := setup(t, WithHTTPClient(&http.Client{Transport: tr}), WithRetry(2, 0, 0))
	f.handle("GET /v6/RestoreSessions/down", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 503, `{"message":"down"}`)
	})
	f.handle("GET /v6/RestoreSessions/up", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":"up"}`)
	})
	for range 3 {
		_, err := c.RestoreSessions.Get(t.Context(), "up")
		require.NoError(t, err)
		_, err = c.RestoreSessions.Get(t.Context(), "down")
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr)
		require.Equal(t, 503, apiErr.StatusCode)
	}
	assert.Equal(t, int32(1), dials.Load(), "one connection for the login and every call")
}
