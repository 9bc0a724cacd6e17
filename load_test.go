package vb365

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/vb365-go/vb365/vb365test"
)

// loadRun is what one load run counted.
type loadRun struct {
	calls, failed   int64
	firstErr        error
	expiries        int
	tokenRequests   int // logins and renewals the server received
	connections     int // TCP connections the server accepted
	peak            int // most of them open at once
	requests        int // requests the server received, logins included
	maxConnsPerHost int // the client transport's limit
}

// runLoad pushes calls through one client from goroutines, and moves the
// clock past the token's lifetime expiries times on the way: the client
// finds its token run out (or the server refuses it) in the middle of the
// run. Server and client share the clock.
func runLoad(ctx context.Context, tb testing.TB, calls, goroutines, expiries int) loadRun {
	tb.Helper()
	clock := newClock()
	srv := vb365test.NewServer(vb365test.WithClock(clock.Now))
	defer srv.Close()
	c, err := NewClient(srv.URL,
		WithOperator(vb365test.DefaultOperatorClientID, vb365test.DefaultOperatorAssertion),
		WithRetry(0, 0, 0)) // a retry would hide a failure
	require.NoError(tb, err)
	c.now = clock.Now
	c.tokens.now = clock.Now
	defer c.CloseIdleConnections()

	sess, err := c.RestoreSessions.OperatorExplore(ctx, &OperatorExploreRequest{DateTime: clock.Now(), Reason: "load"})
	require.NoError(tb, err)
	mailboxID := srv.Organization().Mailboxes()[0].ID()

	var next, failed atomic.Int64
	var firstErr atomic.Pointer[error]
	every := int64(max(calls/(expiries+1), 1))
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for n := next.Add(1); n <= int64(calls); n = next.Add(1) {
				if n%every == 0 && n/every <= int64(expiries) {
					clock.Advance(vb365test.DefaultTokenLifetime)
				}
				var err error
				switch n % 3 {
				case 0:
					_, err = c.RestoreSessions.Get(ctx, sess.ID)
				case 1:
					_, err = c.Mailboxes.Get(ctx, sess.ID, mailboxID)
				default:
					_, err = c.Mailboxes.List(ctx, sess.ID, &ListOptions{Limit: 2})
				}
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, &err)
				}
			}
		})
	}
	wg.Wait()
	run := loadRun{
		calls:           int64(calls),
		failed:          failed.Load(),
		expiries:        expiries,
		tokenRequests:   srv.TokenRequests(),
		connections:     srv.ConnectionsOpened(),
		peak:            srv.PeakConnections(),
		maxConnsPerHost: c.hc.Transport.(*bounded).base.(*http.Transport).MaxConnsPerHost,
	}
	if p := firstErr.Load(); p != nil {
		run.firstErr = *p
	}
	for _, r := range vb365test.Routes() {
		run.requests += srv.Requests(r)
	}
	return run
}

// TestLoadOneClient pushes 10,000 calls through one client from 256
// goroutines while the token expires three times: one token request per
// expiry, connections open at once bounded by the transport's per-host
// limit, and reused,
// no error, no goroutine left.
func TestLoadOneClient(t *testing.T) {
	// Not parallel: the goroutine check needs the process to itself.
	leaks := goleak.IgnoreCurrent()
	const calls, goroutines, expiries = 10000, 256, 3
	began := time.Now()
	run := runLoad(t.Context(), t, calls, goroutines, expiries)
	elapsed := time.Since(began)

	assert.Zero(t, run.failed, "first error: %v", run.firstErr)
	assert.Equal(t, 1+expiries, run.tokenRequests, "one login, then one token request per expiry")
	assert.Positive(t, run.maxConnsPerHost)
	assert.LessOrEqual(t, run.peak, run.maxConnsPerHost, "connections bounded by the per-host limit")
	// Reused: on a loaded machine a connection may now and then be closed
	// and replaced, never one per call.
	assert.LessOrEqual(t, run.connections, 2*run.maxConnsPerHost, "connections reused")
	assert.GreaterOrEqual(t, run.requests, calls+1, "every call reached the server")
	goleak.VerifyNone(t, leaks)
	t.Logf("load: %d calls from %d goroutines through one client, token expired %d times: %d token requests, "+
		"%d requests over %d TCP connections (limit %d, %.0f requests each), %d errors; %s",
		run.calls, goroutines, expiries, run.tokenRequests, run.requests, run.connections, run.maxConnsPerHost,
		float64(run.requests)/float64(max(run.connections, 1)), run.failed, elapsed.Round(time.Millisecond))
}

// BenchmarkParallelCalls measures calls through one client from many
// goroutines, with the token expiring once per 1,000 calls.
func BenchmarkParallelCalls(b *testing.B) {
	b.ReportAllocs()
	run := runLoad(b.Context(), b, b.N, 256, b.N/1000)
	if run.failed > 0 {
		b.Fatalf("%d calls failed; the first: %v", run.failed, run.firstErr)
	}
	b.ReportMetric(float64(run.tokenRequests), "token-requests")
	b.ReportMetric(float64(run.connections), "connections")
}
