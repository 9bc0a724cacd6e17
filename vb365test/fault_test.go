package vb365test_test

import (
	"context"
	"github.com/stretchr/testify/require"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vb365-go/vb365/vb365test"
)

// restoreSetup returns a server, an operator token and the operatorRestore
// path and body for one item.
func restoreSetup(t *testing.T, v string) (*vb365test.Server, string, string, any) {
	t.Helper()
	s := newServer(t)
	op := operatorToken(t, s, v)
	sid := explore(t, s, v, op)
	alice := s.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
	item := alice.Folder("Inbox").Items()[0]
	return s, op, mailboxPath(v, sid, alice.ID()) + "/items/operatorRestore", restoreBody(item.ID())
}

// freshClient uses a new connection per request.
func freshClient(t *testing.T) *http.Client {
	tr := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func TestFaultRespond(t *testing.T) {
	t.Parallel()
	s, op, path, body := restoreSetup(t, "v7")
	s.InjectFault(vb365test.RouteOperatorRestore, vb365test.RetryAfter(http.StatusServiceUnavailable, 7))
	require.Equal(t, 1, s.PendingFaults(vb365test.RouteOperatorRestore))
	r := do(t, s, "POST", path, op, body)
	require.Equal(t, http.StatusServiceUnavailable, r.status)
	require.Equal(t, "7", r.header.Get("Retry-After"))
	require.Equal(t, 0, s.RestoreCount())
	require.Equal(t, 1, s.FaultsInjected())
	require.Equal(t, 1, s.Requests(vb365test.RouteOperatorRestore))
	// The queue is consumed: the next request acts.
	require.Equal(t, http.StatusOK, do(t, s, "POST", path, op, body).status)
	require.Equal(t, 1, s.RestoreCount())
	require.Equal(t, 2, s.Requests(vb365test.RouteOperatorRestore))
}

func TestFaultActThenRespond(t *testing.T) {
	t.Parallel()
	s, op, path, body := restoreSetup(t, "v8")
	s.InjectFault(vb365test.RouteOperatorRestore, vb365test.ActThenRespond(http.StatusBadGateway, `{"message":"bad gateway"}`))
	r := do(t, s, "POST", path, op, body)
	require.Equal(t, http.StatusBadGateway, r.status)
	require.Equal(t, "bad gateway", r.json(t)["message"])
	require.Equal(t, 1, s.RestoreCount())
	require.Equal(t, 1, s.Sessions()[0].Events)
}

func TestFaultDrop(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		f    vb365test.Fault
		want int
	}{{vb365test.DropBeforeAct(), 0}, {vb365test.DropAfterAct(), 1}} {
		t.Run(tc.f.Kind.String(), func(t *testing.T) {
			t.Parallel()
			s, op, path, body := restoreSetup(t, "v6")
			s.InjectFault(vb365test.RouteOperatorRestore, tc.f)
			_, err := doErr(context.Background(), freshClient(t), s.URL, "POST", path, op, body)
			require.Error(t, err)
			require.Equal(t, tc.want, s.RestoreCount())
			require.Equal(t, 1, s.FaultsInjected())
		})
	}
}

func TestFaultDropOnToken(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.InjectFault(vb365test.RouteToken, vb365test.DropBeforeAct())
	hc := freshClient(t)
	_, err := doErr(context.Background(), hc, s.URL, "POST", "/v8/token", "", passwordForm())
	require.Error(t, err)
	r, err := doErr(context.Background(), hc, s.URL, "POST", "/v8/token", "", passwordForm())
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, r.status)
	require.Equal(t, 2, s.TokenRequests())
}

func TestFaultDelay(t *testing.T) {
	t.Parallel()
	s, op, path, body := restoreSetup(t, "v7")
	s.InjectFault(vb365test.RouteOperatorRestore, vb365test.Delay(80*time.Millisecond))
	start := time.Now()
	require.Equal(t, http.StatusOK, do(t, s, "POST", path, op, body).status)
	require.True(t, time.Since(start) >= 80*time.Millisecond)
	require.Equal(t, 1, s.RestoreCount())

	// A client that gives up: the wait ends with the request context and
	// the server still acts.
	s.InjectFault(vb365test.RouteOperatorRestore, vb365test.Delay(time.Minute))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := doErr(ctx, freshClient(t), s.URL, "POST", path, op, body)
	require.Error(t, err)
	deadline := time.Now().Add(5 * time.Second)
	for s.RestoreCount() < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	require.Equal(t, 2, s.RestoreCount())
}

func TestCloseAbortsDelay(t *testing.T) {
	t.Parallel()
	s := vb365test.NewServer()
	s.InjectFault(vb365test.RoutePortalSettings, vb365test.Delay(time.Hour))
	hc := freshClient(t)
	done := make(chan error, 1)
	go func() {
		_, err := doErr(context.Background(), hc, s.URL, "GET", "/v6/RestorePortalSettings", "", nil)
		done <- err
	}()
	for s.Requests(vb365test.RoutePortalSettings) == 0 {
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	s.Close()
	s.Close() // idempotent
	require.True(t, time.Since(start) < 3*time.Second)
	require.Error(t, <-done)
}

func TestFaultQueueOrderAndHook(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	tok := passwordToken(t, s, "v8")
	var hookCalls atomic.Int64
	s.SetFaultHook(func(r vb365test.Route) (vb365test.Fault, bool) {
		if r != vb365test.RouteSessions {
			return vb365test.Fault{}, false
		}
		if hookCalls.Add(1)%2 == 1 {
			return vb365test.Respond(http.StatusInternalServerError, `{"message":"hook"}`), true
		}
		return vb365test.Fault{}, false
	})
	s.InjectFault(vb365test.RouteSessions, vb365test.Respond(http.StatusTooManyRequests, ""), vb365test.Respond(http.StatusBadGateway, ""))
	var got []int
	for range 4 {
		got = append(got, do(t, s, "GET", "/v8/RestoreSessions", tok, nil).status)
	}
	// Queue first (FIFO), then the hook (odd calls fault).
	require.Equal(t, []int{429, 502, 500, 200}, got)
	require.Equal(t, int64(2), hookCalls.Load())
	require.Equal(t, 3, s.FaultsInjected())
	require.Equal(t, 4, s.Requests(vb365test.RouteSessions))
	s.SetFaultHook(nil)
	require.Equal(t, 200, do(t, s, "GET", "/v8/RestoreSessions", tok, nil).status)
	s.InjectFault(vb365test.RouteSessions, vb365test.Respond(500, ""))
	s.ClearFaults()
	require.Equal(t, 200, do(t, s, "GET", "/v8/RestoreSessions", tok, nil).status)
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	s, op, path, body := restoreSetup(t, "v8")
	s.SetFaultHook(func(vb365test.Route) (vb365test.Fault, bool) {
		return vb365test.Respond(http.StatusServiceUnavailable, ""), time.Now().UnixNano()%3 == 0
	})
	var wg sync.WaitGroup
	var ok atomic.Int64
	for range 8 {
		wg.Go(func() {
			for range 10 {
				r, err := doErr(context.Background(), s.Client(), s.URL, "POST", path, op, body)
				if err == nil && r.status == http.StatusOK {
					ok.Add(1)
				}
				_ = s.Restores()
				_ = s.Sessions()
				_ = s.ConnectionsOpened()
			}
		})
	}
	wg.Wait()
	require.Equal(t, int(ok.Load()), s.RestoreCount())
	require.Equal(t, 80, s.Requests(vb365test.RouteOperatorRestore))
	require.Equal(t, 80-int(ok.Load()), s.FaultsInjected())
}
