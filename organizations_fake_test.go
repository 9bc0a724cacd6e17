package vb365_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365"
	"github.com/vb365-go/vb365/vb365test"
)

func TestOrganizationsOnFake(t *testing.T) {
	t.Parallel()
	for _, v := range apiVersions {
		t.Run(string(v), func(t *testing.T) {
			t.Parallel()
			srv := vb365test.NewServer()
			t.Cleanup(srv.Close)
			ctx := t.Context()
			admin := clientFor(t, srv, v, false)
			seed := srv.Organization()

			orgs := collect(t, admin.Organizations.All(ctx, &vb365.ListOptions{Limit: 1}))
			require.Len(t, orgs, 1)
			o := orgs[0]
			assert.Equal(t, seed.ID(), o.ID)
			assert.Equal(t, "Contoso", o.Name)
			assert.Equal(t, "contoso.onmicrosoft.com", o.OfficeName)
			assert.Equal(t, vb365.OrganizationOffice365, o.Type)
			require.NotNil(t, o.IsBackedUp, "extendedView=true brings the backup times")
			assert.True(t, *o.IsBackedUp)
			require.NotNil(t, o.FirstBackupTime)
			require.NotNil(t, o.LastBackupTime)
			assert.True(t, o.FirstBackupTime.Equal(nov(1, 22)))
			assert.True(t, o.LastBackupTime.Equal(nov(29, 22)))
			require.NotNil(t, o.IsExchangeOnline)
			assert.True(t, *o.IsExchangeOnline)
			assert.Nil(t, o.IsExchange, "not an on-premises organization")
			if v == vb365.V8 {
				assert.NotEmpty(t, o.MSID)
				assert.Equal(t, seed.ID(), o.BackedUpOrganizationID)
			} else {
				assert.Empty(t, o.MSID)
			}
			assert.Empty(t, collect(t, admin.Organizations.All(ctx, &vb365.ListOptions{Offset: 1})))

			got, err := admin.Organizations.Get(ctx, seed.ID())
			require.NoError(t, err)
			assert.Equal(t, o, *got)
			_, err = admin.Organizations.Get(ctx, "00000000-0000-0000-0000-000000000001")
			require.ErrorIs(t, err, vb365.ErrNotFound)

			// The organization's ID opens its restore session.
			_, err = admin.RestoreSessions.ExploreOrganization(ctx, o.ID, &vb365.ExploreRequest{DateTime: o.LastBackupTime.Add(time.Minute)})
			require.NoError(t, err)
			assert.Equal(t, seed.RestorePoints()[4].ID(), srv.Sessions()[0].RestorePointID, "the last backup, not its copy")

			_, err = clientFor(t, srv, v, true).Organizations.Get(ctx, seed.ID())
			require.ErrorIs(t, err, vb365.ErrForbidden, "the fake keeps organizations to administrators")
		})
	}
}

// With Auto the version is asked first, then the list of that version:
// v8's pages.
func TestOrganizationsWithAuto(t *testing.T) {
	t.Parallel()
	srv := vb365test.NewServer()
	t.Cleanup(srv.Close)
	c, err := vb365.NewClient(srv.URL, vb365.WithAPIVersion(vb365.Auto),
		vb365.WithPassword(vb365test.DefaultUsername, vb365test.DefaultPassword))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	assert.Len(t, collect(t, c.Organizations.All(t.Context(), nil)), 1)
	assert.Equal(t, vb365.V8, c.APIVersion())
	assert.Len(t, collect(t, c.RestorePoints.All(t.Context(), &vb365.RestorePointListOptions{UserID: srv.Organization().MailboxByEmail(bobEmail).UserID()})), 6)
}
