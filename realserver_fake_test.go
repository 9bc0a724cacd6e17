package vb365_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365"
	"github.com/vb365-go/vb365/vb365test"
)

// A script that runs the SDK twice in a row meets VB365's throttled token
// endpoint: the second login is answered 429 "Quota Exceeded" until the
// quota's window has passed. The SDK waits and logs in.
func TestLoginsOutwaitTheTokenQuota(t *testing.T) {
	t.Parallel()
	srv := vb365test.NewServer(vb365test.WithTokenQuota(1, 100*time.Millisecond))
	t.Cleanup(srv.Close)
	for i := range 2 {
		c, err := vb365.NewClient(srv.URL,
			vb365.WithOperator(vb365test.DefaultOperatorClientID, vb365test.DefaultOperatorAssertion),
			vb365.WithRetry(6, 20*time.Millisecond, 100*time.Millisecond))
		require.NoError(t, err)
		_, err = c.RestoreSessions.OperatorExplore(t.Context(), &vb365.OperatorExploreRequest{DateTime: time.Now()})
		require.NoError(t, err, "run %d", i+1)
		c.CloseIdleConnections()
	}
	assert.Greater(t, srv.TokenRequests(), 2, "the second login was throttled at least once")
	assert.Equal(t, 2, srv.ActiveAccessTokens(), "a throttled login logs nobody in")
	assert.Len(t, srv.Sessions(), 2, "each run opened its session once")
}

// A session the server stopped on its own answers 500 to its calls, as
// real servers do. A read ends with ErrSessionStopped after one look at the
// session instead of four more attempts; a restore, which cannot know
// whether the server acted, says both.
func TestCallsInASessionTheServerStopped(t *testing.T) {
	t.Parallel()
	c, srv := newFake(t, vb365.V7)
	ctx := t.Context()
	s, err := c.RestoreSessions.OperatorExplore(ctx, &vb365.OperatorExploreRequest{DateTime: time.Now()})
	require.NoError(t, err)
	alice := srv.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
	require.True(t, srv.ExpireSession(s.ID))

	before := srv.Requests(vb365test.RouteMailboxes)
	var listErr error
	for _, err := range c.Mailboxes.All(ctx, s.ID, nil) {
		listErr = err
	}
	require.ErrorIs(t, listErr, vb365.ErrSessionStopped)
	var stopped *vb365.SessionStoppedError
	require.ErrorAs(t, listErr, &stopped)
	assert.Equal(t, vb365.SessionStateStopped, stopped.State)
	var apiErr *vb365.APIError
	require.ErrorAs(t, listErr, &apiErr)
	assert.Equal(t, 500, apiErr.StatusCode)
	assert.Equal(t, 1, srv.Requests(vb365test.RouteMailboxes)-before, "not sent again in a stopped session")

	item := alice.Folder("Inbox").Items()[0].ID()
	_, err = c.Mailboxes.OperatorRestore(ctx, s.ID, alice.ID(), &vb365.OperatorRestoreRequest{ItemIDs: []string{item}})
	require.ErrorIs(t, err, vb365.ErrOutcomeUnknown)
	require.ErrorIs(t, err, vb365.ErrSessionStopped)
	assert.Zero(t, srv.RestoreCount())
}
