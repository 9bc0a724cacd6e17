package vb365_test

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365"
	"github.com/vb365-go/vb365/vb365test"
)

// Tests of finding what to restore: folders that say where they sit,
// search hits that say which mailbox and folder they come from, mailboxes
// found by address, filtered session lists, device codes and Team scopes.

// settable is a goroutine-safe clock for the fake.
type settable struct {
	mu sync.Mutex
	t  time.Time
}

func (c *settable) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *settable) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newOperator starts a fake with srvOpts and a restore operator's client
// for it speaking v.
func newOperator(t *testing.T, v vb365.APIVersion, srvOpts ...vb365test.Option) (*vb365.Client, *vb365test.Server) {
	t.Helper()
	srv := vb365test.NewServer(srvOpts...)
	t.Cleanup(srv.Close)
	c, err := vb365.NewClient(srv.URL, vb365.WithAPIVersion(v),
		vb365.WithOperator(vb365test.DefaultOperatorClientID, vb365test.DefaultOperatorAssertion),
		vb365.WithRetry(3, time.Millisecond, 10*time.Millisecond))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c, srv
}

func openSession(t *testing.T, c *vb365.Client) string {
	t.Helper()
	s, err := c.RestoreSessions.OperatorExplore(t.Context(), &vb365.OperatorExploreRequest{DateTime: time.Now()})
	require.NoError(t, err)
	return s.ID
}

// seedParents maps every folder ID of m to its parent's ID ("" at the top).
func seedParents(m *vb365test.Mailbox) map[string]string {
	out := map[string]string{}
	var walk func(parent string, fs []*vb365test.Folder)
	walk = func(parent string, fs []*vb365test.Folder) {
		for _, f := range fs {
			out[f.ID()] = parent
			walk(f.ID(), f.Folders())
		}
	}
	walk("", m.Folders())
	return out
}

// TestFolderTreeFromOneListing rebuilds a mailbox's folder tree from one
// listing of the whole tree: every folder names its parent, which no
// version has a field for.
func TestFolderTreeFromOneListing(t *testing.T) {
	t.Parallel()
	for _, v := range apiVersions {
		t.Run(string(v), func(t *testing.T) {
			t.Parallel()
			org := vb365test.DefaultOrganization()
			alice := org.MailboxByEmail("alice@contoso.onmicrosoft.com")
			// Deeper than the default seed: a grandchild whose parent is
			// neither the listing's parent nor a top-level folder.
			alice.Folder("Inbox/Projects").AddFolder("Falcon", "None").AddFolder("Archive 2026", "None")
			c, _ := newOperator(t, v, vb365test.WithOrganization(org))
			sid := openSession(t, c)
			ctx := t.Context()

			want := seedParents(alice)
			got := map[string]string{}
			for f, err := range c.Mailboxes.Folders(ctx, sid, alice.ID(), nil) {
				require.NoError(t, err)
				got[f.ID] = f.ParentID
				assert.Equal(t, alice.ID(), f.MailboxID, "the folder's mailbox, on every version")
			}
			assert.Equal(t, want, got)

			projects := alice.Folder("Inbox/Projects")
			f, err := c.Mailboxes.GetFolder(ctx, sid, alice.ID(), projects.Folders()[0].ID())
			require.NoError(t, err)
			assert.Equal(t, projects.ID(), f.ParentID)

			for f, err := range c.Mailboxes.Folders(ctx, sid, alice.ID(), &vb365.FolderListOptions{ParentID: vb365.RootFolders}) {
				require.NoError(t, err)
				assert.Empty(t, f.ParentID, "%s is a top-level folder", f.Name)
			}
		})
	}
}

// TestSearchHitsGoStraightToOperatorRestore searches every mailbox and
// restores each hit with the mailbox it names: on v6 and v7 only its links
// name it. Every hit names its folder too, the subfolder where it sits
// rather than the folder searched.
func TestSearchHitsGoStraightToOperatorRestore(t *testing.T) {
	t.Parallel()
	for _, v := range apiVersions {
		t.Run(string(v), func(t *testing.T) {
			t.Parallel()
			c, srv := newOperator(t, v)
			sid := openSession(t, c)
			ctx := t.Context()
			type place struct{ mailbox, folder string }
			where := map[string]place{}
			for _, m := range srv.Organization().Mailboxes() {
				var walk func([]*vb365test.Folder)
				walk = func(fs []*vb365test.Folder) {
					for _, f := range fs {
						for _, it := range f.Items() {
							where[it.ID()] = place{m.ID(), f.ID()}
						}
						walk(f.Folders())
					}
				}
				walk(m.Folders())
			}

			mailboxes := map[string]bool{}
			n := 0
			for hit, err := range c.Mailboxes.SearchAll(ctx, sid, "subject:budget", &vb365.ListOptions{Limit: 2}) {
				require.NoError(t, err)
				assert.Equal(t, where[hit.ID], place{hit.MailboxID, hit.FolderID}, "hit %q", hit.Subject)
				res, err := c.Mailboxes.OperatorRestore(ctx, sid, hit.MailboxID, &vb365.OperatorRestoreRequest{ItemIDs: []string{hit.ID}})
				require.NoError(t, err, "hit %q", hit.Subject)
				assert.Equal(t, sid, res.SessionID)
				mailboxes[hit.MailboxID] = true
				n++
			}
			assert.Len(t, mailboxes, 2, "hits in alice's and bob's mailboxes")
			assert.Equal(t, n, srv.RestoreCount())

			alice := srv.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
			inbox, projects := alice.Folder("Inbox"), alice.Folder("Inbox/Projects")
			sub := 0
			for hit, err := range c.Mailboxes.Search(ctx, sid, alice.ID(), "from:bob", &vb365.SearchOptions{FolderID: inbox.ID()}) {
				require.NoError(t, err)
				assert.Equal(t, alice.ID(), hit.MailboxID)
				assert.Equal(t, where[hit.ID].folder, hit.FolderID, "hit %q", hit.Subject)
				if hit.FolderID == projects.ID() {
					sub++
				}
			}
			assert.Positive(t, sub, "a folder's search finds its subfolders' items, which name their own folder")

			for it, err := range c.Mailboxes.Items(ctx, sid, alice.ID(), nil) {
				require.NoError(t, err)
				require.Equal(t, where[it.ID], place{it.MailboxID, it.FolderID}, "item %q", it.Subject)
			}
			got, err := c.Mailboxes.GetItem(ctx, sid, alice.ID(), projects.Items()[0].ID())
			require.NoError(t, err)
			assert.Equal(t, place{alice.ID(), projects.ID()}, place{got.MailboxID, got.FolderID})
		})
	}
}

// TestFindMailboxByAddress finds the primary mailbox by address, in any
// case, past the first page, skipping an archive listed before it, and
// says which address it did not find.
func TestFindMailboxByAddress(t *testing.T) {
	t.Parallel()
	org := vb365test.NewOrganization("Fabrikam")
	org.AddMailboxes(1500)
	archive := org.AddMailbox("Online Archive - Dana", "dana@fabrikam.onmicrosoft.com")
	archive.IsArchive = true
	dana := org.AddMailbox("Dana Scully", "Dana@Fabrikam.onmicrosoft.com")
	lonely := org.AddMailbox("Online Archive - Eve", "eve@fabrikam.onmicrosoft.com")
	lonely.IsArchive = true

	c, srv := newOperator(t, vb365.V7, vb365test.WithOrganization(org))
	sid := openSession(t, c)
	ctx := t.Context()

	m, err := c.Mailboxes.Find(ctx, sid, "  dana@FABRIKAM.onmicrosoft.com ")
	require.NoError(t, err)
	assert.Equal(t, dana.ID(), m.ID, "the primary mailbox, not the archive listed before it")
	assert.False(t, m.IsArchive)
	assert.Equal(t, 2, srv.Requests(vb365test.RouteMailboxes), "pages of 1000, stopping at the match")

	for _, addr := range []string{"eve@fabrikam.onmicrosoft.com", "nobody@fabrikam.onmicrosoft.com"} {
		_, err = c.Mailboxes.Find(ctx, sid, addr)
		require.ErrorIs(t, err, vb365.ErrNotFound, addr)
		var nf *vb365.MailboxNotFoundError
		require.ErrorAs(t, err, &nf)
		assert.Equal(t, addr, nf.Email)
		assert.Contains(t, err.Error(), addr)
	}

	before := srv.Requests(vb365test.RouteMailboxes)
	for _, blank := range []string{"", " \t"} {
		_, err = c.Mailboxes.Find(ctx, sid, blank)
		var argErr *vb365.ArgumentError
		require.ErrorAs(t, err, &argErr)
		assert.Equal(t, "email", argErr.Arg)
	}
	assert.Equal(t, before, srv.Requests(vb365test.RouteMailboxes), "blank addresses are refused before any request")
}

func listIDs(t *testing.T, c *vb365.Client, opts *vb365.RestoreSessionListOptions) []string {
	t.Helper()
	var ids []string
	for s, err := range c.RestoreSessions.All(t.Context(), opts) {
		require.NoError(t, err)
		ids = append(ids, s.ID)
	}
	return ids
}

// TestRestoreSessionFilters lists sessions by start time on every version,
// and by end time and in the order asked on v8.
func TestRestoreSessionFilters(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	for _, v := range apiVersions {
		t.Run(string(v), func(t *testing.T) {
			t.Parallel()
			clock := &settable{t: start}
			c, srv := newOperator(t, v, vb365test.WithClock(clock.now))
			// Sessions at 09:00, 10:00, 11:00 and 12:00.
			var ids []string
			for range 4 {
				clock.advance(time.Hour)
				ids = append(ids, openSession(t, c))
			}
			// Stopped at 13:00 (the 10:00 one) and 14:00 (the 09:00 one).
			clock.advance(time.Hour)
			require.NoError(t, c.RestoreSessions.Stop(t.Context(), ids[1]))
			clock.advance(time.Hour)
			require.NoError(t, c.RestoreSessions.Stop(t.Context(), ids[0]))

			at := func(h int) time.Time { return start.Add(time.Duration(h-8) * time.Hour) }
			window := &vb365.RestoreSessionListOptions{StartTimeFrom: at(10), StartTimeTo: at(11), ListOptions: vb365.ListOptions{Limit: 1}}
			got := listIDs(t, c, window)
			if v == vb365.V8 {
				assert.Equal(t, []string{ids[2], ids[1]}, got, "v8 lists newest first by default")
			} else {
				assert.Equal(t, []string{ids[1], ids[2]}, got)
			}
			assert.Equal(t, []string{ids[3]}, listIDs(t, c, &vb365.RestoreSessionListOptions{StartTimeFrom: at(12)}))

			ended := &vb365.RestoreSessionListOptions{EndTimeFrom: at(13), EndTimeTo: at(14), OrderBy: vb365.SessionOrderEndTime, OrderAsc: vb365.Bool(true)}
			oldestFirst := &vb365.RestoreSessionListOptions{OrderAsc: vb365.Bool(true)}
			if v != vb365.V8 {
				n := srv.Requests(vb365test.RouteSessions)
				for arg, opts := range map[string]*vb365.RestoreSessionListOptions{
					"opts.EndTimeFrom": ended, "opts.OrderAsc": oldestFirst,
					"opts.OrderBy":   {OrderBy: vb365.SessionOrderCreationTime},
					"opts.EndTimeTo": {EndTimeTo: at(14)},
				} {
					_, err := c.RestoreSessions.List(t.Context(), opts)
					var argErr *vb365.ArgumentError
					require.ErrorAs(t, err, &argErr, arg)
					assert.Equal(t, arg, argErr.Arg)
					assert.Contains(t, err.Error(), "v8")
				}
				assert.Equal(t, n, srv.Requests(vb365test.RouteSessions), "refused before any request")
				return
			}
			assert.Equal(t, []string{ids[1], ids[0]}, listIDs(t, c, ended), "ended 13:00, then 14:00")
			assert.Equal(t, ids, listIDs(t, c, oldestFirst))
			assert.Equal(t, []string{ids[0], ids[1]}, listIDs(t, c, &vb365.RestoreSessionListOptions{EndTimeTo: at(14), OrderBy: vb365.SessionOrderEndTime}),
				"newest end first; working sessions have no end and are left out")
		})
	}
}

// TestRestoreSessionFiltersWithAuto refuses v8's filters only once Auto
// has found that the server speaks v7 at most.
func TestRestoreSessionFiltersWithAuto(t *testing.T) {
	t.Parallel()
	srv := vb365test.NewServer(vb365test.WithVersions(6, 7))
	t.Cleanup(srv.Close)
	c, err := vb365.NewClient(srv.URL, vb365.WithAPIVersion(vb365.Auto),
		vb365.WithOperator(vb365test.DefaultOperatorClientID, vb365test.DefaultOperatorAssertion))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	_, err = c.RestoreSessions.List(t.Context(), &vb365.RestoreSessionListOptions{OrderBy: vb365.SessionOrderEndTime})
	var argErr *vb365.ArgumentError
	require.ErrorAs(t, err, &argErr)
	assert.Equal(t, "opts.OrderBy", argErr.Arg)
	assert.Contains(t, err.Error(), "v7")
	assert.Equal(t, vb365.V7, c.APIVersion())
	assert.Zero(t, srv.Requests(vb365test.RouteSessions))
	_, err = c.RestoreSessions.List(t.Context(), &vb365.RestoreSessionListOptions{StartTimeFrom: time.Now().Add(-time.Hour)})
	require.NoError(t, err, "start times are on every version")
}

// TestTeamScopes explores a team on v7 and v8, and refuses a team, and an
// on-premises SID, on v6, before any request.
func TestTeamScopes(t *testing.T) {
	t.Parallel()
	team := &vb365.RbacItem{Type: vb365.RbacItemTeam, ID: "0e5e2c7a-1b3d-4c5e-8f9a-0b1c2d3e4f5a", Team: &vb365.RbacTeam{
		ID: "0e5e2c7a-1b3d-4c5e-8f9a-0b1c2d3e4f5a", DisplayName: "Project Falcon", Description: "The Falcon team", Mail: "falcon@contoso.onmicrosoft.com",
	}}
	user := &vb365.RbacItem{Type: vb365.RbacItemUser, ID: "u1", User: &vb365.RbacUser{
		ID: "u1", DisplayName: "Alice Johnson", Name: "alice@contoso.onmicrosoft.com", OnPremisesSID: "S-1-5-21-1004336348-1177238915-682003330-512",
	}}
	for _, v := range apiVersions {
		t.Run(string(v), func(t *testing.T) {
			t.Parallel()
			c, srv := newOperator(t, v)
			for name, scope := range map[string]*vb365.RbacItem{"req.Scope.Team": team, "req.Scope.User.OnPremisesSID": user} {
				s, err := c.RestoreSessions.OperatorExplore(t.Context(), &vb365.OperatorExploreRequest{
					DateTime: time.Now(), Type: vb365.SessionTypeTeams, Scope: scope,
				})
				if v == vb365.V6 {
					var argErr *vb365.ArgumentError
					require.ErrorAs(t, err, &argErr)
					assert.Equal(t, name, argErr.Arg)
					continue
				}
				require.NoError(t, err)
				assert.Equal(t, map[string]string{"req.Scope.Team": "Project Falcon", "req.Scope.User.OnPremisesSID": "Alice Johnson"}[name], s.ScopeName)
			}
			if v == vb365.V6 {
				assert.Zero(t, srv.Requests(vb365test.RouteOperatorExplore), "refused before any request")
			}
		})
	}
}

// TestUnsetRbacTypeIsNull explores a user scope without the user's type:
// the fake, like the .NET binder, refuses "" as a type and takes null.
func TestUnsetRbacTypeIsNull(t *testing.T) {
	t.Parallel()
	c, _ := newOperator(t, vb365.V8)
	s, err := c.RestoreSessions.OperatorExplore(t.Context(), &vb365.OperatorExploreRequest{
		DateTime: time.Now(),
		Scope:    &vb365.RbacItem{Type: vb365.RbacItemUser, ID: "u1", User: &vb365.RbacUser{ID: "u1", DisplayName: "Bob Smith", Name: "bob@contoso.onmicrosoft.com"}},
	})
	require.NoError(t, err)
	assert.Equal(t, "Bob Smith", s.ScopeName)
}

// TestDeviceCodeForARestore asks for a device code, restores with it, and
// expects the fake to refuse a code it did not issue or that expired.
// DeviceCode is re-sent after a 500, as a safe call.
func TestDeviceCodeForARestore(t *testing.T) {
	t.Parallel()
	for _, v := range apiVersions {
		t.Run(string(v), func(t *testing.T) {
			t.Parallel()
			clock := &settable{t: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)}
			c, srv, sid := newAdmin(t, v, vb365test.WithClock(clock.now))
			ctx := t.Context()
			alice := srv.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
			item := alice.Folder("Inbox").Items()[0].ID()
			restoreWith := func(code string) error {
				_, err := c.Mailboxes.RestoreTo(ctx, sid, alice.ID(), vb365.ScopeItem(item), &vb365.RestoreToRequest{
					Mailbox: "bob@contoso.onmicrosoft.com", Credentials: &vb365.RestoreCredentials{UserName: "restore@contoso.onmicrosoft.com", UserCode: code},
				})
				return err
			}

			srv.InjectFault(vb365test.RouteDeviceCode, vb365test.Respond(http.StatusInternalServerError, ""))
			dc, err := c.RestoreSessions.DeviceCode(ctx, sid)
			require.NoError(t, err, "re-sent after a 500: asking again is safe")
			assert.Equal(t, 2, srv.Requests(vb365test.RouteDeviceCode))
			assert.NotEmpty(t, dc.UserCode)
			assert.Contains(t, dc.Message, dc.UserCode)
			assert.True(t, strings.HasPrefix(dc.VerificationURL, "https://"))
			assert.Equal(t, 15*time.Minute, dc.Lifetime())
			issued := srv.DeviceCodes(sid)
			require.Len(t, issued, 1)
			assert.Equal(t, dc.UserCode, issued[0].UserCode)

			other, err := c.RestoreSessions.DeviceCode(ctx, sid)
			require.NoError(t, err)
			assert.NotEqual(t, dc.UserCode, other.UserCode, "each call starts a sign-in of its own")

			require.NoError(t, restoreWith(dc.UserCode))
			acts := srv.Actions()
			require.Len(t, acts, 1)
			assert.Equal(t, dc.UserCode, acts[0].UserCode)

			require.ErrorIs(t, restoreWith("NOTISSUED"), vb365.ErrBadRequest, "a code the session did not issue")
			clock.advance(16 * time.Minute)
			err = restoreWith(other.UserCode)
			require.ErrorIs(t, err, vb365.ErrBadRequest, "an expired code")
			assert.False(t, errors.Is(err, vb365.ErrOutcomeUnknown), "a 400 is a refusal")
			assert.Len(t, srv.Actions(), 1, "refused restores do nothing")
		})
	}
}
