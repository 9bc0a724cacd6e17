package vb365_test

import (
	"bytes"
	"crypto/sha256"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365"
	"github.com/vb365-go/vb365/vb365test"
)

// newAdmin starts a fake server and an administrator's client for it, and
// opens a restore session for the organization.
func newAdmin(t *testing.T, v vb365.APIVersion, opts ...vb365test.Option) (*vb365.Client, *vb365test.Server, string) {
	t.Helper()
	srv := vb365test.NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := vb365.NewClient(srv.URL, vb365.WithAPIVersion(v),
		vb365.WithPassword(vb365test.DefaultUsername, vb365test.DefaultPassword),
		vb365.WithRetry(3, time.Millisecond, 10*time.Millisecond))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	s, err := c.RestoreSessions.ExploreOrganization(t.Context(), srv.Organization().ID(), &vb365.ExploreRequest{DateTime: time.Now()})
	require.NoError(t, err)
	return c, srv, s.ID
}

func TestExchangeFamilyOnFake(t *testing.T) {
	t.Parallel()
	for _, v := range []vb365.APIVersion{vb365.V6, vb365.V7, vb365.V8} {
		t.Run(string(v), func(t *testing.T) {
			t.Parallel()
			c, srv, sid := newAdmin(t, v)
			ctx := t.Context()
			alice := srv.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
			inbox := alice.Folder("Inbox")
			items := inbox.Items()

			// Tenant-side explore works too.
			tenant, err := c.RestoreSessions.Explore(ctx, &vb365.ExploreRequest{DateTime: time.Now()})
			require.NoError(t, err)
			assert.NotEqual(t, sid, tenant.ID)

			it, err := c.Mailboxes.GetItem(ctx, sid, alice.ID(), items[0].ID())
			require.NoError(t, err)
			assert.Equal(t, items[0].Subject, it.Subject)
			f, err := c.Mailboxes.GetFolder(ctx, sid, alice.ID(), inbox.ID())
			require.NoError(t, err)
			assert.Equal(t, "Inbox", f.Name)

			out, err := c.Mailboxes.Restore(ctx, sid, alice.ID(), vb365.ScopeItems(items[0].ID(), items[1].ID()), nil)
			require.NoError(t, err)
			if v == vb365.V8 {
				require.True(t, out.Async(), "v8 answers a session")
				sum, err := c.RestoreSessions.Wait(ctx, out.SessionID, &vb365.WaitOptions{PollInterval: time.Millisecond})
				require.NoError(t, err)
				assert.Positive(t, sum.Restored)
			} else {
				require.NotNil(t, out.Statistics, "v6 and v7 answer statistics")
				assert.Equal(t, 2, out.Statistics.CreatedItemsCount)
			}

			_, err = c.Mailboxes.RestoreTo(ctx, sid, alice.ID(), vb365.ScopeFolder(inbox.ID()), &vb365.RestoreToRequest{
				Mailbox: "bob@contoso.onmicrosoft.com", Folder: "From Alice",
				Credentials: &vb365.RestoreCredentials{UserName: "svc", UserPassword: "pw-SECRET"},
			})
			require.NoError(t, err)
			_, err = c.Mailboxes.Restore(ctx, sid, alice.ID(), vb365.ScopeMailbox(), nil)
			require.NoError(t, err)
			_, err = c.Mailboxes.Restore(ctx, sid, alice.ID(), vb365.ScopeItem(items[2].ID()), nil)
			require.NoError(t, err)

			require.NoError(t, c.Mailboxes.SendToDefaultAddress(ctx, sid, alice.ID(), vb365.ScopeItems(items[0].ID())))
			require.NoError(t, c.Mailboxes.SendToDifferentAddress(ctx, sid, alice.ID(), vb365.ScopeItem(items[1].ID()),
				&vb365.SendRequest{To: "audit@contoso.com", Subject: "Copy"}))

			var pst bytes.Buffer
			d, err := c.Mailboxes.ExportToPST(ctx, sid, alice.ID(), vb365.ScopeFolder(inbox.ID()), &pst, nil)
			require.NoError(t, err)
			assert.Equal(t, d.Written, int64(pst.Len()))
			var msg bytes.Buffer
			_, err = c.Mailboxes.Save(ctx, sid, alice.ID(), vb365.ScopeItem(items[0].ID()), &msg, nil)
			require.NoError(t, err)

			var found []string
			for it, err := range c.Mailboxes.Search(ctx, sid, alice.ID(), "subject:invoice", &vb365.SearchOptions{ListOptions: vb365.ListOptions{Limit: 1}}) {
				require.NoError(t, err)
				found = append(found, it.Subject)
			}
			assert.Equal(t, []string{"Invoice INV-20431"}, found)
			n := 0
			for _, err := range c.Mailboxes.SearchAll(ctx, sid, "from:bob", &vb365.ListOptions{Limit: 2}) {
				require.NoError(t, err)
				n++
			}
			assert.Greater(t, n, 2, "pages of one result set")

			kinds := map[string]int{}
			for _, a := range srv.Actions() {
				kinds[a.Kind+"/"+a.Scope]++
				assert.Equal(t, string(v), a.APIVersion)
				if a.Kind == vb365test.ActionRestoreTo {
					assert.Equal(t, []string{"userPassword"}, a.SecretFields)
					assert.Equal(t, "bob@contoso.onmicrosoft.com", a.TargetMailbox)
				}
				if a.Kind == vb365test.ActionExportToPst {
					h := sha256.New()
					_, _ = io.Copy(h, a.Content())
					assert.Equal(t, h.Sum(nil), sha256Of(pst.Bytes()), "the PST arrived whole")
				}
			}
			assert.Equal(t, map[string]int{
				"restore/items": 1, "restoreTo/folder": 1, "restore/mailbox": 1, "restore/item": 1,
				"sendToDefaultAddress/items": 1, "sendToDifferentAddress/item": 1,
				"exportToPst/folder": 1, "save/item": 1,
			}, kinds)
		})
	}
}

func sha256Of(b []byte) []byte { h := sha256.Sum256(b); return h[:] }

func TestOperatorCannotUseAdminActions(t *testing.T) {
	t.Parallel()
	c, srv := newFake(t, vb365.V6)
	s, err := c.RestoreSessions.OperatorExplore(t.Context(), &vb365.OperatorExploreRequest{DateTime: time.Now()})
	require.NoError(t, err)
	alice := srv.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
	_, err = c.Mailboxes.Restore(t.Context(), s.ID, alice.ID(), vb365.ScopeMailbox(), nil)
	assert.ErrorIs(t, err, vb365.ErrForbidden)
	assert.NotErrorIs(t, err, vb365.ErrOutcomeUnknown, "a 403 is a decision not to act")
	assert.Zero(t, srv.ActionCount(""))
}

func TestUnsafeAdminActionsUnderFaults(t *testing.T) {
	t.Parallel()
	c, srv, sid := newAdmin(t, vb365.V8)
	alice := srv.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
	item := alice.Folder("Inbox").Items()[0].ID()

	srv.InjectFault(vb365test.RouteRestore, vb365test.ActThenRespond(502, "bad gateway"))
	_, err := c.Mailboxes.Restore(t.Context(), sid, alice.ID(), vb365.ScopeItem(item), nil)
	require.ErrorIs(t, err, vb365.ErrOutcomeUnknown)
	srv.InjectFault(vb365test.RouteSendToDefaultAddress, vb365test.DropAfterAct())
	err = c.Mailboxes.SendToDefaultAddress(t.Context(), sid, alice.ID(), vb365.ScopeItem(item))
	require.ErrorIs(t, err, vb365.ErrOutcomeUnknown)
	srv.InjectFault(vb365test.RouteRestoreTo, vb365test.RetryAfter(503, 0))
	_, err = c.Mailboxes.RestoreTo(t.Context(), sid, alice.ID(), vb365.ScopeItem(item), &vb365.RestoreToRequest{Mailbox: "bob@contoso.onmicrosoft.com"})
	require.NoError(t, err, "a 503 with Retry-After is re-sent")

	assert.Equal(t, 1, srv.ActionCount(vb365test.ActionRestore), "executed once, not re-sent")
	assert.Equal(t, 1, srv.ActionCount(vb365test.ActionSendToDefaultAddress))
	assert.Equal(t, 1, srv.ActionCount(vb365test.ActionRestoreTo))

	// An export is re-requestable: a 502 is retried, a cut is resumed.
	srv.SetExportSize(3 << 20)
	srv.InjectFault(vb365test.RouteExportToPst, vb365test.Respond(502, `{"message":"busy"}`), vb365test.DropAfterBytes(1<<20))
	var got bytes.Buffer
	d, err := c.Mailboxes.ExportToPST(t.Context(), sid, alice.ID(), vb365.ScopeMailbox(), &got, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, d.Resumes)
	assert.Equal(t, int64(3<<20), d.Written)
	var full []byte
	for _, a := range srv.Actions() {
		if a.Kind == vb365test.ActionExportToPst && a.RangeStart == 0 {
			full, _ = io.ReadAll(a.Content())
		}
	}
	assert.Equal(t, sha256Of(full), sha256Of(got.Bytes()), "resumed where it broke off")
}

func TestExportOneGiBFromFakeInBoundedMemory(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("streams 1 GiB: runs without -short and -race (TestExportOfOneGiBStaysSmallInMemory covers -race)")
	}
	c, srv, sid := newAdmin(t, vb365.V6, vb365test.WithExportSize(1<<30))
	alice := srv.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
	// The heap in use above what it is now, after a collection: memory
	// other tests of the process hold does not count.
	inUse := func() uint64 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapInuse
	}
	runtime.GC()
	base, peak := inUse(), uint64(0)
	d, err := c.Mailboxes.ExportToPST(t.Context(), sid, alice.ID(), vb365.ScopeMailbox(), io.Discard, &vb365.ExportOptions{
		DownloadOptions: vb365.DownloadOptions{Progress: func(written, total int64) {
			if written%(64<<20) < 32<<10 {
				if in := inUse(); in > base {
					peak = max(peak, in-base)
				}
			}
		}},
	})
	require.NoError(t, err)
	assert.Equal(t, int64(1<<30), d.Written)
	assert.Equal(t, int64(1<<30), d.Total)
	assert.Less(t, peak, uint64(32<<20), "heap in use while streaming 1 GiB, above the start")
	t.Logf("1 GiB exported; peak heap in use %.1f MiB above the %.1f MiB at the start", float64(peak)/(1<<20), float64(base)/(1<<20))
}

func TestRestoreMailboxesOnFake(t *testing.T) {
	t.Parallel()
	for _, v := range []vb365.APIVersion{vb365.V6, vb365.V7, vb365.V8} {
		t.Run(string(v), func(t *testing.T) {
			t.Parallel()
			c, srv, sid := newAdmin(t, v)
			ctx := t.Context()
			org := srv.Organization()
			alice := org.MailboxByEmail("alice@contoso.onmicrosoft.com")
			bob := org.MailboxByEmail("bob@contoso.onmicrosoft.com")
			out, err := c.Mailboxes.RestoreMailboxes(ctx, sid, []string{alice.ID(), bob.ID()}, &vb365.RestoreMailboxesRequest{
				Credentials:    &vb365.RestoreCredentials{UserName: "svc@contoso.onmicrosoft.com", UserPassword: "o365-SECRET"},
				OnPremises:     &vb365.OnPremisesCredentials{DomainName: "CONTOSO", UserName: "svc", Password: "onprem-SECRET"},
				SkipUnresolved: true, DeletedItems: true,
			})
			require.NoError(t, err)

			acts := srv.Actions()
			require.Len(t, acts, 1, "restored once")
			a := acts[0]
			assert.Equal(t, vb365test.ActionRestore, a.Kind)
			assert.Equal(t, vb365test.ScopeMailboxes, a.Scope)
			assert.Equal(t, []string{alice.ID(), bob.ID()}, a.MailboxIDs)
			assert.Equal(t, "svc@contoso.onmicrosoft.com", a.UserName)
			assert.Equal(t, []string{"office365UserPassword", "onPremisesUserPassword"}, a.SecretFields)
			assert.True(t, a.SkipUnresolved)
			assert.True(t, a.DeletedItems)
			assert.False(t, a.ChangedItems)

			if v == vb365.V8 {
				require.True(t, out.Async(), "v8 answers a session")
				stats, err := c.RestoreSessions.Statistics(ctx, out.SessionID)
				require.NoError(t, err)
				assert.Equal(t, int64(a.Items), stats.RestoredItemsCount)
				return
			}
			require.NotNil(t, out.Statistics, "v6 and v7 answer statistics")
			assert.Equal(t, "Success", out.Statistics.Status)
			require.Len(t, out.Statistics.Details, 2)
			assert.Equal(t, alice.Email, out.Statistics.Details[0].Mailbox.Email)
			assert.Equal(t, bob.Email, out.Statistics.Details[1].Mailbox.Email)
			assert.Positive(t, out.Statistics.Details[0].Details.CreatedItemsCount)
		})
	}
}
