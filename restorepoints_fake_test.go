package vb365_test

import (
	"encoding/json"
	"errors"
	"iter"
	"net/url"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365"
	"github.com/vb365-go/vb365/vb365test"
)

// collect runs a list to its end and returns what it yielded.
func collect[T any](t *testing.T, seq iter.Seq2[T, error]) []T {
	t.Helper()
	var out []T
	for x, err := range seq {
		require.NoError(t, err)
		out = append(out, x)
	}
	return out
}

// listErr returns the error a list yields, and how many results came first.
func listErr[T any](seq iter.Seq2[T, error]) (int, error) {
	n := 0
	for _, err := range seq {
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func nov(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, time.UTC) }

func times(ps []vb365.RestorePoint) []time.Time {
	out := make([]time.Time, len(ps))
	for i, p := range ps {
		out[i] = p.BackupTime.UTC()
	}
	return out
}

func TestRestorePointsOnFake(t *testing.T) {
	t.Parallel()
	for _, v := range apiVersions {
		t.Run(string(v), func(t *testing.T) {
			t.Parallel()
			srv := vb365test.NewServer()
			t.Cleanup(srv.Close)
			ctx := t.Context()
			org := srv.Organization()
			seed := org.RestorePoints()
			require.Len(t, seed, 6)
			admin := clientFor(t, srv, v, false)

			all := collect(t, admin.RestorePoints.All(ctx, &vb365.RestorePointListOptions{ListOptions: vb365.ListOptions{Limit: 2}}))
			require.Len(t, all, 6)
			assert.Equal(t, []time.Time{nov(29, 22), nov(29, 22), nov(22, 22), nov(15, 22), nov(8, 22), nov(1, 22)}, times(all), "newest first")
			primary, copied := all[0], all[1]
			assert.Equal(t, seed[0].ID(), all[5].ID)
			assert.Equal(t, org.ID(), primary.OrganizationID)
			assert.Equal(t, seed[4].RepositoryID(), primary.RepositoryID)
			assert.Equal(t, seed[4].JobID(), primary.JobID)
			assert.True(t, primary.IsExchange)
			assert.False(t, primary.IsOneDrive)
			assert.True(t, copied.IsLongTermCopy)
			assert.NotEqual(t, primary.RepositoryID, copied.RepositoryID)
			if v == vb365.V6 {
				assert.False(t, copied.IsCopy, "v6 does not send isCopy")
				assert.Equal(t, 1, srv.Requests(vb365test.RouteRestorePoints), "v6 answers the list whole")
			} else {
				assert.True(t, copied.IsCopy)
				assert.Equal(t, 3, srv.Requests(vb365test.RouteRestorePoints), "three pages of two")
			}
			if v == vb365.V8 {
				require.NotNil(t, primary.ETag)
				assert.Nil(t, primary.ImmutabilityExpiresOn)
			} else {
				assert.Nil(t, primary.ETag)
			}

			// Offset skips on every version, paged or not.
			rest := collect(t, admin.RestorePoints.All(ctx, &vb365.RestorePointListOptions{ListOptions: vb365.ListOptions{Offset: 4}}))
			assert.Equal(t, []time.Time{nov(8, 22), nov(1, 22)}, times(rest))

			// Filters each version has.
			f := false
			got := collect(t, admin.RestorePoints.All(ctx, &vb365.RestorePointListOptions{
				OrganizationID: org.ID(), JobID: seed[0].JobID(), RepositoryID: seed[0].RepositoryID(), IsLongTermCopy: &f, IsRetrieved: &f,
			}))
			assert.Len(t, got, 5, "the copy is in another job and repository")
			none := collect(t, admin.RestorePoints.All(ctx, &vb365.RestorePointListOptions{OrganizationID: "00000000-0000-0000-0000-000000000001"}))
			assert.Empty(t, none)

			// The filters of one version, and the others' refused.
			var only, other *vb365.RestorePointListOptions
			switch v {
			case vb365.V6:
				only = &vb365.RestorePointListOptions{BackupTime: nov(20, 0)}
				other = &vb365.RestorePointListOptions{From: nov(20, 0)}
				got := collect(t, admin.RestorePoints.All(ctx, only))
				assert.Equal(t, []time.Time{nov(15, 22), nov(8, 22), nov(1, 22)}, times(got))
			case vb365.V7, vb365.V8:
				asc, cp := true, true
				got := collect(t, admin.RestorePoints.All(ctx, &vb365.RestorePointListOptions{From: nov(8, 22), To: nov(22, 22), OrderAsc: &asc}))
				assert.Equal(t, []time.Time{nov(8, 22), nov(15, 22), nov(22, 22)}, times(got), "from and to are inclusive; oldest first")
				got = collect(t, admin.RestorePoints.All(ctx, &vb365.RestorePointListOptions{IsCopy: &cp}))
				require.Len(t, got, 1)
				assert.True(t, got[0].IsCopy)
				other = &vb365.RestorePointListOptions{BackupTime: nov(20, 0)}
				if v == vb365.V7 {
					other = &vb365.RestorePointListOptions{UserID: org.MailboxByEmail(supportEmail).UserID()}
				} else {
					got = collect(t, admin.RestorePoints.All(ctx, &vb365.RestorePointListOptions{UserID: org.MailboxByEmail(supportEmail).UserID()}))
					assert.Equal(t, []time.Time{nov(29, 22), nov(29, 22), nov(22, 22), nov(15, 22)}, times(got), "Support joined the backups on November 15")
				}
			}
			before := srv.Requests(vb365test.RouteRestorePoints)
			_, err := listErr(admin.RestorePoints.All(ctx, other))
			require.ErrorIs(t, err, errors.ErrUnsupported)
			_, err = listErr(admin.RestorePoints.All(ctx, &vb365.RestorePointListOptions{RbacItemID: "x"}))
			require.ErrorIs(t, err, errors.ErrUnsupported, "rbacItem is the operator's")
			assert.Contains(t, err.Error(), "opts.RbacItemID")
			assert.Equal(t, before, srv.Requests(vb365test.RouteRestorePoints), "nothing sent")
		})
	}
}

// A restore operator lists the points of their own scope: on v7 and later
// from their own list, on v6 from /RestorePoints.
func TestOperatorRestorePointsOnFake(t *testing.T) {
	t.Parallel()
	for _, v := range apiVersions {
		t.Run(string(v), func(t *testing.T) {
			t.Parallel()
			srv := vb365test.NewServer(vb365test.WithOperatorScope(vb365test.DefaultOperatorClientID, "Helen Desk", supportEmail))
			t.Cleanup(srv.Close)
			ctx := t.Context()
			op := clientFor(t, srv, v, true)

			mine := collect(t, op.RestorePoints.All(ctx, nil))
			assert.Equal(t, []time.Time{nov(29, 22), nov(29, 22), nov(22, 22), nov(15, 22)}, times(mine),
				"only the points that hold the Support mailbox, the operator's scope")
			own, shared := srv.Requests(vb365test.RouteLoggedInUserRestorePoints), srv.Requests(vb365test.RouteRestorePoints)
			if v == vb365.V6 {
				assert.Equal(t, [2]int{0, 1}, [2]int{own, shared}, "v6 has no operator's list")
			} else {
				assert.Equal(t, [2]int{1, 0}, [2]int{own, shared}, "the operator's own list, not the administrators'")
			}

			scope, err := op.EffectiveScope(ctx)
			require.NoError(t, err)
			require.Len(t, scope.Users, 1)
			cp := false
			opts := &vb365.RestorePointListOptions{RbacItemID: scope.Users[0].ID, IsCopy: &cp, ListOptions: vb365.ListOptions{Offset: 1}}
			if v == vb365.V6 {
				_, err := listErr(op.RestorePoints.All(ctx, opts))
				require.ErrorIs(t, err, errors.ErrUnsupported)
				return
			}
			got := collect(t, op.RestorePoints.All(ctx, opts))
			assert.Equal(t, []time.Time{nov(22, 22), nov(15, 22)}, times(got), "no copy, from the second on")
			_, err = listErr(op.RestorePoints.All(ctx, &vb365.RestorePointListOptions{RbacItemID: srv.Organization().MailboxByEmail(aliceEmail).UserID()}))
			require.ErrorIs(t, err, vb365.ErrNotFound, "Alice is not in the operator's scope")
			_, err = listErr(op.RestorePoints.All(ctx, &vb365.RestorePointListOptions{OrganizationID: srv.Organization().ID()}))
			require.ErrorIs(t, err, errors.ErrUnsupported, "the operator's list has no organization filter")
			assert.Contains(t, err.Error(), "opts.OrganizationID")

			// A token-source client says it is an operator with AsOperator.
			ts := tokenSourceClient(t, srv, v)
			_, err = listErr(ts.RestorePoints.All(ctx, nil))
			require.ErrorIs(t, err, vb365.ErrForbidden, "the administrators' list refuses operators")
			assert.Len(t, collect(t, ts.RestorePoints.All(ctx, &vb365.RestorePointListOptions{AsOperator: true})), 4)
		})
	}
}

// tokenSourceClient is a client of srv with an operator's token from
// elsewhere.
func tokenSourceClient(t *testing.T, srv *vb365test.Server, v vb365.APIVersion) *vb365.Client {
	t.Helper()
	form := url.Values{"grant_type": {"operator"}, "client_id": {vb365test.DefaultOperatorClientID}, "assertion": {vb365test.DefaultOperatorAssertion}}
	resp, err := srv.Client().PostForm(srv.URL+"/"+string(v)+"/token", form)
	require.NoError(t, err)
	defer resp.Body.Close()
	var tok oauth2.Token
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))
	require.NotEmpty(t, tok.AccessToken)
	c, err := vb365.NewClient(srv.URL, vb365.WithAPIVersion(v), vb365.WithTokenSource(oauth2.StaticTokenSource(&tok)))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// A restore session opened at a restore point's backup time shows that
// point, and one opened between two points the earlier one.
func TestExploreAtARestorePoint(t *testing.T) {
	t.Parallel()
	for _, v := range apiVersions {
		t.Run(string(v), func(t *testing.T) {
			t.Parallel()
			srv := vb365test.NewServer()
			t.Cleanup(srv.Close)
			ctx := t.Context()
			op := clientFor(t, srv, v, true)
			points := collect(t, op.RestorePoints.All(ctx, nil))
			require.NotEmpty(t, points)
			oldest := points[len(points)-1]
			for _, at := range []time.Time{oldest.BackupTime, oldest.BackupTime.Add(time.Hour), oldest.BackupTime.Add(-time.Second)} {
				_, err := op.RestoreSessions.OperatorExplore(ctx, &vb365.OperatorExploreRequest{DateTime: at})
				require.NoError(t, err)
			}
			ss := srv.Sessions()
			require.Len(t, ss, 3)
			assert.Equal(t, oldest.ID, ss[0].RestorePointID)
			assert.Equal(t, oldest.ID, ss[1].RestorePointID)
			assert.Empty(t, ss[2].RestorePointID, "before the first backup: an empty session")
		})
	}
}
