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

	"github.com/vb365-go/vb365/vb365test"
)

// waitCtx is a context for a Wait, and a function for the events handler
// that ends it on the tenth poll: a Wait that does not see the session end
// fails with the context's error instead of polling for ever.
func waitCtx(t *testing.T) (context.Context, func()) {
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	var polls atomic.Int32
	return ctx, func() {
		if polls.Add(1) >= 10 {
			cancel()
		}
	}
}

func TestWaitEndsWhenTheSessionStops(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	ctx, poll := waitCtx(t)
	events := f.handle("GET /v6/RestoreSessions/r1/Events", func(w http.ResponseWriter, r *http.Request) {
		poll()
		writeJSON(w, 200, `{"offset":0,"limit":500,"results":[
			{"id":"e0","type":"Restore","status":"Failed","startTime":"2026-11-01T08:00:00Z"},
			{"id":"e1","type":"Restore","status":"Success","startTime":"2026-11-01T09:00:01Z"},
			{"id":"e2","type":"Restore","status":"Running","startTime":"2026-11-01T09:00:02Z"}]}`)
	})
	gets := f.handle("GET /v6/RestoreSessions/r1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":"r1","state":"Stopped","result":"Warning"}`)
	})
	sum, err := c.RestoreSessions.Wait(ctx, "r1", &WaitOptions{PollInterval: time.Millisecond, Since: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)})
	require.ErrorIs(t, err, ErrSessionStopped)
	var ended *SessionStoppedError
	require.ErrorAs(t, err, &ended)
	assert.Equal(t, SessionStoppedError{SessionID: "r1", State: SessionStateStopped, Result: SessionResultWarning}, *ended)
	assert.Contains(t, err.Error(), "r1")
	assert.Contains(t, err.Error(), "state Stopped, result Warning")
	require.NotNil(t, sum, "what Wait saw comes with the error")
	assert.Equal(t, 1, sum.Restored)
	assert.Zero(t, sum.Failed, "the earlier restore's failure is not this one's")
	assert.Len(t, sum.Events, 2)
	assert.Equal(t, int32(1), gets.Load())
	assert.Equal(t, int32(2), events.Load(), "the events once more, after the session was seen stopped")
}

func TestWaitEndsWhenTheSessionFails(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	ctx, poll := waitCtx(t)
	f.handle("GET /v6/RestoreSessions/r1/Events", func(w http.ResponseWriter, r *http.Request) {
		poll()
		writeJSON(w, 200, `{"offset":0,"limit":500,"results":[]}`)
	})
	f.handle("GET /v6/RestoreSessions/r1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":"r1","state":"Stopped","result":"Failed"}`)
	})
	sum, err := c.RestoreSessions.Wait(ctx, "r1", &WaitOptions{PollInterval: time.Millisecond})
	require.ErrorIs(t, err, ErrSessionStopped)
	var ended *SessionStoppedError
	require.ErrorAs(t, err, &ended)
	assert.Equal(t, SessionResultFailed, ended.Result)
	assert.Equal(t, SessionStateStopped, ended.State)
	require.NotNil(t, sum)
	assert.Empty(t, sum.Events)
}

func TestWaitSeesARestoreThatEndedAsTheSessionStopped(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	var mu sync.Mutex
	status := "Running"
	f.handle("GET /v6/RestoreSessions/r1/Events", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		writeJSON(w, 200, `{"offset":0,"limit":500,"results":[{"id":"e1","type":"Restore","status":"`+status+`"}]}`)
	})
	f.handle("GET /v6/RestoreSessions/r1", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		status = "Success" // the restore ended, then the session stopped
		writeJSON(w, 200, `{"id":"r1","state":"Stopped","result":"Success"}`)
	})
	sum, err := c.RestoreSessions.Wait(t.Context(), "r1", &WaitOptions{PollInterval: time.Millisecond})
	require.NoError(t, err)
	assert.Equal(t, 1, sum.Restored)
}

func TestWaitOnTheFakeServer(t *testing.T) {
	t.Parallel()
	clock := newClock()
	srv := vb365test.NewServer(vb365test.WithClock(clock.Now), vb365test.WithSessionIdleTimeout(30*time.Minute))
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.URL, WithOperator(vb365test.DefaultOperatorClientID, vb365test.DefaultOperatorAssertion),
		WithRetry(1, 0, 0))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	ctx := t.Context()
	mb := srv.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
	items := mb.Folder("Inbox").Items()

	// A restore that ends at once costs one read of the events, and no
	// read of the session.
	sess, err := c.RestoreSessions.OperatorExplore(ctx, &OperatorExploreRequest{DateTime: clock.Now()})
	require.NoError(t, err)
	sent := clock.Now()
	res, err := c.Mailboxes.OperatorRestore(ctx, sess.ID, mb.ID(), &OperatorRestoreRequest{ItemIDs: []string{items[0].ID()}})
	require.NoError(t, err)
	sum, err := c.RestoreSessions.Wait(ctx, res.SessionID, &WaitOptions{Since: sent.Add(-time.Minute)})
	require.NoError(t, err)
	assert.Equal(t, 1, sum.Restored)
	assert.Equal(t, 1, srv.Requests(vb365test.RouteEvents))
	assert.Zero(t, srv.Requests(vb365test.RouteSession))

	// A session the server stopped for want of use ends the wait for a
	// restore that never recorded an event.
	clock.Advance(31 * time.Minute)
	wctx, poll := waitCtx(t)
	srv.SetFaultHook(func(r vb365test.Route) (vb365test.Fault, bool) {
		if r == vb365test.RouteEvents {
			poll()
		}
		return vb365test.Fault{}, false
	})
	sum, err = c.RestoreSessions.Wait(wctx, sess.ID, &WaitOptions{PollInterval: time.Millisecond, Since: clock.Now()})
	srv.SetFaultHook(nil)
	require.ErrorIs(t, err, ErrSessionStopped)
	var ended *SessionStoppedError
	require.ErrorAs(t, err, &ended)
	assert.Equal(t, SessionStateStopped, ended.State)
	require.NotNil(t, sum)
	assert.Empty(t, sum.Events)
	_, err = c.Mailboxes.List(ctx, sess.ID, nil)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusInternalServerError, apiErr.StatusCode, "as real servers answer")
}
