package vb365_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/vb365-go/vb365"
	"github.com/vb365-go/vb365/vb365test"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// newFake starts a fake server and an operator client for it.
func newFake(t *testing.T, v vb365.APIVersion, opts ...vb365.Option) (*vb365.Client, *vb365test.Server) {
	t.Helper()
	srv := vb365test.NewServer()
	t.Cleanup(srv.Close)
	all := append([]vb365.Option{
		vb365.WithOperator(vb365test.DefaultOperatorClientID, vb365test.DefaultOperatorAssertion),
		vb365.WithAPIVersion(v),
		vb365.WithRetry(3, time.Millisecond, 10*time.Millisecond),
	}, opts...)
	c, err := vb365.NewClient(srv.URL, all...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c, srv
}

func TestWorkflowOnEveryVersion(t *testing.T) {
	t.Parallel()
	for _, v := range []vb365.APIVersion{vb365.V6, vb365.V7, vb365.V8} {
		t.Run(string(v), func(t *testing.T) {
			t.Parallel()
			c, srv := newFake(t, v)
			ctx := t.Context()

			settings, err := c.RestorePortalSettings(ctx)
			require.NoError(t, err)
			assert.True(t, settings.IsEnabled)
			assert.NotEmpty(t, settings.ApplicationID)

			sess, err := c.RestoreSessions.OperatorExplore(ctx, &vb365.OperatorExploreRequest{
				DateTime: time.Now(), ShowDeleted: vb365.Bool(true), Reason: "ticket 1",
			})
			require.NoError(t, err)
			assert.Equal(t, vb365.SessionStateWorking, sess.State)
			assert.Equal(t, vb365.SessionTypeExchange, sess.Type)
			assert.Equal(t, v == vb365.V8, sess.ETag != nil, "eTag only on v8")

			got, err := c.RestoreSessions.Get(ctx, sess.ID)
			require.NoError(t, err)
			assert.Equal(t, sess.ID, got.ID)

			want := srv.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
			var mailboxes []vb365.Mailbox
			for m, err := range c.Mailboxes.All(ctx, sess.ID, &vb365.ListOptions{Limit: 2}) {
				require.NoError(t, err)
				mailboxes = append(mailboxes, m)
			}
			assert.Len(t, mailboxes, len(srv.Organization().Mailboxes()))
			mb, err := c.Mailboxes.Get(ctx, sess.ID, want.ID())
			require.NoError(t, err)
			assert.Equal(t, want.Email, mb.Email)

			var folders []string
			for f, err := range c.Mailboxes.Folders(ctx, sess.ID, mb.ID, &vb365.FolderListOptions{ParentID: vb365.RootFolders}) {
				require.NoError(t, err)
				folders = append(folders, f.Name)
			}
			assert.Equal(t, []string{"Inbox", "Sent Items", "Deleted Items", "Drafts", "Calendar"}, folders)

			inbox := want.Folder("Inbox")
			var subfolders []string
			for f, err := range c.Mailboxes.Folders(ctx, sess.ID, mb.ID, &vb365.FolderListOptions{ParentID: inbox.ID()}) {
				require.NoError(t, err)
				subfolders = append(subfolders, f.Name)
			}
			assert.Equal(t, []string{"Projects"}, subfolders, "folder IDs with + / = are escaped")

			var ids []string
			for it, err := range c.Mailboxes.Items(ctx, sess.ID, mb.ID, &vb365.ItemListOptions{FolderID: inbox.ID(), ListOptions: vb365.ListOptions{Limit: 5}}) {
				require.NoError(t, err)
				ids = append(ids, it.ID)
			}
			assert.Len(t, ids, len(inbox.Items()), "the folder filter is sent under the version's name")

			res, err := c.Mailboxes.OperatorRestore(ctx, sess.ID, mb.ID, &vb365.OperatorRestoreRequest{
				ItemIDs: ids[:2], Folder: "Recovered", MarkRestoredAsUnread: true, Reason: "ticket 1",
			})
			require.NoError(t, err)
			assert.NotEmpty(t, res.SessionID)
			restores := srv.Restores()
			require.Len(t, restores, 1)
			assert.Equal(t, ids[:2], restores[0].ItemIDs)
			assert.Equal(t, "Recovered", restores[0].Folder)
			assert.True(t, restores[0].MarkRestoredAsUnread)
			assert.Equal(t, string(v), restores[0].APIVersion)

			var events []vb365.RestoreSessionEvent
			for ev, err := range c.RestoreSessions.Events(ctx, res.SessionID, nil) {
				require.NoError(t, err)
				events = append(events, ev)
			}
			require.NotEmpty(t, events)
			assert.Equal(t, vb365.EventTypeRestore, events[len(events)-1].Type)
			assert.Equal(t, vb365.EventStatusSuccess, events[len(events)-1].Status)
			last := events[len(events)-1]
			one, err := c.RestoreSessions.Event(ctx, res.SessionID, last.ID)
			require.NoError(t, err)
			assert.Equal(t, last, *one, "one event as the list has it")
			_, err = c.RestoreSessions.Event(ctx, res.SessionID, "no-such-event")
			assert.ErrorIs(t, err, vb365.ErrNotFound)

			stats, err := c.RestoreSessions.Statistics(ctx, res.SessionID)
			if v != vb365.V8 {
				assert.ErrorIs(t, err, errors.ErrUnsupported, "Statistics is v8 only")
				assert.Zero(t, srv.Requests(vb365test.RouteStatistics), "and is not sent")
			} else {
				require.NoError(t, err)
				assert.Equal(t, int64(2), stats.RestoredItemsCount)
				require.Len(t, stats.Items, 1)
				assert.Equal(t, mb.Email, stats.Items[0].MailboxEmail)
				assert.Equal(t, "Success", stats.Items[0].Status)
			}

			var listed bool
			for s, err := range c.RestoreSessions.All(ctx, nil) {
				require.NoError(t, err)
				listed = listed || s.ID == sess.ID
			}
			assert.True(t, listed)

			require.NoError(t, c.RestoreSessions.Stop(ctx, sess.ID))
			stopped, err := c.RestoreSessions.Get(ctx, sess.ID)
			require.NoError(t, err)
			assert.Equal(t, vb365.SessionStateStopped, stopped.State)
			assert.NotNil(t, stopped.EndTime)

			// A stopped session's browse calls answer 500, as real servers do.
			_, err = c.Mailboxes.Get(ctx, sess.ID, mb.ID)
			var apiErr *vb365.APIError
			require.ErrorAs(t, err, &apiErr, "a stopped session is closed")
			assert.Equal(t, http.StatusInternalServerError, apiErr.StatusCode)
			assert.Equal(t, 1, srv.TokenRequests(), "one login for the whole workflow")
		})
	}
}

func TestUnknownIDsAreNotFound(t *testing.T) {
	t.Parallel()
	for _, v := range []vb365.APIVersion{vb365.V6, vb365.V8} {
		c, _ := newFake(t, v)
		_, err := c.RestoreSessions.Get(t.Context(), "00000000-0000-0000-0000-000000000000")
		require.ErrorIs(t, err, vb365.ErrNotFound)
		var apiErr *vb365.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.NotEmpty(t, apiErr.Message)
		if v == vb365.V8 {
			assert.Equal(t, vb365.ErrorCodeResourceNotFound, apiErr.Code)
		}
	}
}

func TestExpiredAndRevokedTokensOnFake(t *testing.T) {
	t.Parallel()
	c, srv := newFake(t, vb365.V7)
	sess, err := c.RestoreSessions.OperatorExplore(t.Context(), &vb365.OperatorExploreRequest{DateTime: time.Now()})
	require.NoError(t, err)

	srv.ExpireTokens()
	_, err = c.RestoreSessions.Get(t.Context(), sess.ID)
	require.NoError(t, err, "a 401 renews the token and re-sends")
	assert.Equal(t, 2, srv.TokenRequests())

	srv.RevokeTokens() // the refresh token too: the client logs in afresh
	_, err = c.RestoreSessions.Get(t.Context(), sess.ID)
	require.NoError(t, err)
	assert.Equal(t, 4, srv.TokenRequests(), "a refused refresh, then a new operator login")
}

func TestRestoreFaultsOnFake(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		fault    vb365test.Fault
		ok       bool
		executed int
	}{
		{"503 with Retry-After", vb365test.RetryAfter(503, 0), true, 1},
		{"429", vb365test.Respond(429, `{"message":"slow down"}`), true, 1},
		{"500 without acting", vb365test.Respond(500, `{"message":"boom"}`), false, 0},
		{"502 after acting", vb365test.ActThenRespond(502, "<html>Bad Gateway</html>"), false, 1},
		{"dropped before acting", vb365test.DropBeforeAct(), false, 0},
		{"dropped after acting", vb365test.DropAfterAct(), false, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, srv := newFake(t, vb365.V6)
			sess, err := c.RestoreSessions.OperatorExplore(t.Context(), &vb365.OperatorExploreRequest{DateTime: time.Now()})
			require.NoError(t, err)
			mb := srv.Organization().MailboxByEmail("bob@contoso.onmicrosoft.com")
			item := mb.Folder("Inbox").Items()[0]
			srv.InjectFault(vb365test.RouteOperatorRestore, tc.fault)
			_, err = c.Mailboxes.OperatorRestore(t.Context(), sess.ID, mb.ID(), &vb365.OperatorRestoreRequest{ItemIDs: []string{item.ID()}})
			if tc.ok {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, vb365.ErrOutcomeUnknown)
				var unknown *vb365.OutcomeUnknownError
				require.True(t, errors.As(err, &unknown))
				assert.Equal(t, "OperatorRestore", unknown.Op)
			}
			assert.Equal(t, tc.executed, srv.RestoreCount())
		})
	}
}

func TestCustomHTTPClientAndTLS(t *testing.T) {
	t.Parallel()
	srv := vb365test.NewTLSServer()
	t.Cleanup(srv.Close)
	c, err := vb365.NewClient(srv.URL, vb365.WithRootCAs(srv.CertPool()),
		vb365.WithOperator(vb365test.DefaultOperatorClientID, vb365test.DefaultOperatorAssertion))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	_, err = c.RestoreSessions.OperatorExplore(t.Context(), &vb365.OperatorExploreRequest{DateTime: time.Now()})
	require.NoError(t, err)

	hc := &http.Client{Transport: srv.Client().Transport}
	c2, err := vb365.NewClient(srv.URL, vb365.WithHTTPClient(hc),
		vb365.WithOperator(vb365test.DefaultOperatorClientID, vb365test.DefaultOperatorAssertion))
	require.NoError(t, err)
	_, err = c2.RestorePortalSettings(t.Context())
	require.NoError(t, err)
}
