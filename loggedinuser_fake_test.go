package vb365_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365"
	"github.com/vb365-go/vb365/vb365test"
)

var apiVersions = []vb365.APIVersion{vb365.V6, vb365.V7, vb365.V8}

// clientFor returns a client of srv on v: an operator's with operator set,
// else an administrator's.
func clientFor(t *testing.T, srv *vb365test.Server, v vb365.APIVersion, operator bool) *vb365.Client {
	t.Helper()
	creds := vb365.WithPassword(vb365test.DefaultUsername, vb365test.DefaultPassword)
	if operator {
		creds = vb365.WithOperator(vb365test.DefaultOperatorClientID, vb365test.DefaultOperatorAssertion)
	}
	c, err := vb365.NewClient(srv.URL, vb365.WithAPIVersion(v), creds, vb365.WithRetry(2, time.Millisecond, 10*time.Millisecond))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

const (
	aliceEmail   = "alice@contoso.onmicrosoft.com"
	bobEmail     = "bob@contoso.onmicrosoft.com"
	supportEmail = "support@contoso.onmicrosoft.com"
)

func TestLoggedInUserOnFake(t *testing.T) {
	t.Parallel()
	for _, v := range apiVersions {
		t.Run(string(v), func(t *testing.T) {
			t.Parallel()
			srv := vb365test.NewServer(vb365test.WithOperatorScope(vb365test.DefaultOperatorClientID, "Helen Desk", aliceEmail, supportEmail))
			t.Cleanup(srv.Close)
			ctx := t.Context()
			org := srv.Organization()

			op := clientFor(t, srv, v, true)
			me, err := op.LoggedInUser(ctx)
			require.NoError(t, err)
			assert.Equal(t, vb365.LoggedInUser{ID: "6b8f2c1e-3d4a-4f5b-9c7d-8e9f0a1b2c3d", Name: "Helen Desk"}, *me)
			info, err := op.OperatorInfo(ctx)
			require.NoError(t, err)
			assert.True(t, info.IsOperator)

			scope, err := op.EffectiveScope(ctx)
			require.NoError(t, err)
			alice, support := org.MailboxByEmail(aliceEmail), org.MailboxByEmail(supportEmail)
			require.Len(t, scope.Users, 2, "the scope WithOperatorScope set, not the whole organization")
			assert.Equal(t, vb365.RbacItem{Type: vb365.RbacItemUser, ID: alice.UserID(), User: &vb365.RbacUser{
				ID: alice.UserID(), DisplayName: "Alice Johnson", Name: aliceEmail, Type: "User",
			}}, scope.Users[0])
			assert.Equal(t, support.UserID(), scope.Users[1].ID)
			assert.Len(t, scope.Users[0].ID, 72, "two GUIDs run together, as real RBAC user IDs")
			assert.Empty(t, scope.Sites)
			assert.Empty(t, scope.Teams)

			// An entry goes into OperatorExplore as it is.
			s, err := op.RestoreSessions.OperatorExplore(ctx, &vb365.OperatorExploreRequest{DateTime: time.Now(), Scope: &scope.Users[1]})
			require.NoError(t, err)
			assert.Equal(t, "Support", s.ScopeName)

			admin := clientFor(t, srv, v, false)
			me, err = admin.LoggedInUser(ctx)
			require.NoError(t, err)
			assert.Equal(t, vb365test.DefaultUsername, me.Name)
			assert.NotEmpty(t, me.ID)
			info, err = admin.OperatorInfo(ctx)
			require.NoError(t, err)
			assert.False(t, info.IsOperator)
			_, err = admin.EffectiveScope(ctx)
			require.ErrorIs(t, err, vb365.ErrForbidden, "the fake gives administrators no scope")

			for _, r := range []vb365test.Route{vb365test.RouteLoggedInUser, vb365test.RouteOperatorInfo, vb365test.RouteEffectiveScope} {
				assert.Equal(t, 2, srv.Requests(r), r)
			}
		})
	}
}

// The default operator, without WithOperatorScope, has the whole
// organization in scope: each user once, the archive folded into its
// owner.
func TestDefaultOperatorScope(t *testing.T) {
	t.Parallel()
	srv := vb365test.NewServer()
	t.Cleanup(srv.Close)
	op := clientFor(t, srv, vb365.V7, true)
	me, err := op.LoggedInUser(t.Context())
	require.NoError(t, err)
	assert.Equal(t, vb365test.DefaultOperatorName, me.Name)
	scope, err := op.EffectiveScope(t.Context())
	require.NoError(t, err)
	var names []string
	for _, u := range scope.Users {
		names = append(names, u.User.Name)
	}
	assert.Equal(t, []string{aliceEmail, bobEmail, supportEmail}, names)
	assert.Equal(t, "Alice Johnson", scope.Users[0].User.DisplayName, "the primary mailbox names the user, not the archive")
}
