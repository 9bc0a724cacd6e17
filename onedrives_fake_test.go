package vb365_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365"
	"github.com/vb365-go/vb365/vb365test"
)

// newOneDriveSession starts a fake server and an administrator's client,
// and opens a OneDrive restore session.
func newOneDriveSession(t *testing.T, v vb365.APIVersion) (*vb365.Client, *vb365test.Server, string) {
	t.Helper()
	srv := vb365test.NewServer()
	t.Cleanup(srv.Close)
	c, err := vb365.NewClient(srv.URL, vb365.WithAPIVersion(v),
		vb365.WithPassword(vb365test.DefaultUsername, vb365test.DefaultPassword),
		vb365.WithRetry(3, time.Millisecond, 10*time.Millisecond))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	s, err := c.RestoreSessions.ExploreOrganization(t.Context(), srv.Organization().ID(),
		&vb365.ExploreRequest{DateTime: time.Now(), Type: vb365.SessionTypeOneDrive})
	require.NoError(t, err)
	return c, srv, s.ID
}

// walk lists a OneDrive's tree folder by folder and returns the paths of
// its folders ("/" suffix) and documents, each checked against its parent.
func walk(t *testing.T, c *vb365.Client, sid, odID, parent, prefix string) []string {
	t.Helper()
	var out []string
	opts := &vb365.DocumentListOptions{ListOptions: vb365.ListOptions{Limit: 1}, ParentID: parent}
	for d, err := range c.OneDrives.Documents(t.Context(), sid, odID, opts) {
		require.NoError(t, err)
		assert.False(t, d.IsFolder, d.Name)
		assert.Equal(t, parent, d.ParentID, d.Name)
		assert.Equal(t, odID, d.OneDriveID)
		assert.Positive(t, d.SizeBytes, d.Name)
		out = append(out, prefix+d.Name)
	}
	for f, err := range c.OneDrives.Folders(t.Context(), sid, odID, opts) {
		require.NoError(t, err)
		assert.True(t, f.IsFolder, f.Name)
		assert.Equal(t, parent, f.ParentID, f.Name)
		out = append(out, prefix+f.Name+"/")
		out = append(out, walk(t, c, sid, odID, f.ID, prefix+f.Name+"/")...)
	}
	return out
}

func TestOneDrivesOnFake(t *testing.T) {
	t.Parallel()
	for _, v := range []vb365.APIVersion{vb365.V6, vb365.V7, vb365.V8} {
		t.Run(string(v), func(t *testing.T) {
			t.Parallel()
			c, srv, sid := newOneDriveSession(t, v)
			ctx := t.Context()
			seeded := srv.Organization().OneDrives()
			require.Len(t, seeded, 2)

			page, err := c.OneDrives.List(ctx, sid, &vb365.ListOptions{Limit: 1})
			require.NoError(t, err)
			require.Len(t, page.Results, 1)
			assert.Equal(t, seeded[0].ID(), page.Results[0].ID)
			var names []string
			for od, err := range c.OneDrives.All(ctx, sid, &vb365.ListOptions{Limit: 1}) {
				require.NoError(t, err)
				names = append(names, od.Name)
			}
			assert.Equal(t, []string{"Alice Johnson", "Bob Smith"}, names)

			alice := seeded[0]
			od, err := c.OneDrives.Get(ctx, sid, alice.ID())
			require.NoError(t, err)
			assert.Equal(t, alice.URL, od.URL)

			assert.Equal(t, []string{
				"Notes.txt",
				"Documents/", "Documents/Q4 budget.xlsx",
				"Documents/Project Falcon/", "Documents/Project Falcon/Falcon plan.docx", "Documents/Project Falcon/Risk register.xlsx",
				"Pictures/", "Pictures/Offsite.jpg",
			}, walk(t, c, sid, alice.ID(), "", ""))

			plan := alice.Items()[0].Items()[0].Items()[0]
			require.Equal(t, "Falcon plan.docx", plan.Name)
			d, err := c.OneDrives.GetDocument(ctx, sid, alice.ID(), plan.ID())
			require.NoError(t, err)
			assert.Equal(t, plan.Name, d.Name)
			assert.Equal(t, int64(48213), d.SizeBytes)
			assert.Equal(t, int64(3), d.VersionID)
			assert.Equal(t, "3.0", d.Version)
			assert.Equal(t, alice.Items()[0].Items()[0].ID(), d.ParentID)
			assert.False(t, d.CreationTime.IsZero())
			assert.NotEmpty(t, d.CreatedBy)

			var sizes []int64
			var ids []int64
			for ver, err := range c.OneDrives.Versions(ctx, sid, alice.ID(), plan.ID(), &vb365.ListOptions{Limit: 2}) {
				require.NoError(t, err)
				assert.Equal(t, plan.ID(), ver.ID)
				assert.Equal(t, alice.ID(), ver.OneDriveID)
				sizes = append(sizes, ver.SizeBytes)
				ids = append(ids, ver.VersionID)
			}
			assert.Equal(t, []int64{30211, 41002, 48213}, sizes)
			assert.Equal(t, []int64{1, 2, 3}, ids)

			// includeFolders: v7 and later list folders with the documents.
			var mixed []string
			for d, err := range c.OneDrives.Documents(ctx, sid, alice.ID(), &vb365.DocumentListOptions{IncludeFolders: true}) {
				if v == vb365.V6 {
					require.ErrorIs(t, err, vb365.ErrInvalidArgument)
					require.ErrorContains(t, err, "opts.IncludeFolders")
					break
				}
				require.NoError(t, err)
				if d.IsFolder {
					mixed = append(mixed, d.Name+"/")
				} else {
					mixed = append(mixed, d.Name)
				}
			}
			if v != vb365.V6 {
				assert.Equal(t, []string{"Documents/", "Pictures/", "Notes.txt"}, mixed)
			}

			// A folder unknown to the OneDrive, and a document of another.
			for _, err := range c.OneDrives.Folders(ctx, sid, alice.ID(), &vb365.DocumentListOptions{ParentID: plan.ID()}) {
				require.ErrorIs(t, err, vb365.ErrNotFound)
			}
			_, err = c.OneDrives.GetDocument(ctx, sid, seeded[1].ID(), plan.ID())
			require.ErrorIs(t, err, vb365.ErrNotFound)

			// IDs are escaped: a '/' stays in its segment.
			_, err = c.OneDrives.Get(ctx, sid, "a/b c")
			require.ErrorIs(t, err, vb365.ErrNotFound)
			assert.ErrorContains(t, err, "OneDrive with ID 'a/b c' was not found")

			// A session of Exchange data has no OneDrives.
			ex, err := c.RestoreSessions.ExploreOrganization(ctx, srv.Organization().ID(), &vb365.ExploreRequest{DateTime: time.Now()})
			require.NoError(t, err)
			_, err = c.OneDrives.Get(ctx, ex.ID, alice.ID())
			require.ErrorIs(t, err, vb365.ErrNotFound)
		})
	}
}

func TestOneDrivesBadInput(t *testing.T) {
	t.Parallel()
	srv := vb365test.NewServer()
	t.Cleanup(srv.Close)
	c, err := vb365.NewClient(srv.URL, vb365.WithAPIVersion(vb365.V8),
		vb365.WithPassword(vb365test.DefaultUsername, vb365test.DefaultPassword))
	require.NoError(t, err)
	ctx := t.Context()
	sid, od, doc := "0d2f1c8e-8a7b-4c1e-9f4e-3b2a1c0d9e8f", "od-1", "5a1e2f3c-1b2a-4c3d-8e9f-0a1b2c3d4e5f"
	first := func(seq func(func(vb365.Document, error) bool)) error {
		for _, err := range seq {
			return err
		}
		return errors.New("no result")
	}
	cases := []struct {
		arg string
		err error
	}{
		{"sessionID", func() error { _, err := c.OneDrives.List(ctx, "", nil); return err }()},
		{"sessionID", first(func(y func(vb365.Document, error) bool) {
			for o, err := range c.OneDrives.All(ctx, " ", nil) {
				y(vb365.Document{ID: o.ID}, err)
				return
			}
		})},
		{"oneDriveID", func() error { _, err := c.OneDrives.Get(ctx, sid, ""); return err }()},
		{"oneDriveID", func() error { _, err := c.OneDrives.Get(ctx, sid, "../x"); return err }()},
		{"opts.ParentID", first(c.OneDrives.Documents(ctx, sid, od, &vb365.DocumentListOptions{ParentID: " "}))},
		{"opts.ParentID", first(c.OneDrives.Folders(ctx, sid, od, &vb365.DocumentListOptions{ParentID: "a\nb"}))},
		{"oneDriveID", first(c.OneDrives.Folders(ctx, sid, "", nil))},
		{"opts.Limit", first(c.OneDrives.Documents(ctx, sid, od, &vb365.DocumentListOptions{ListOptions: vb365.ListOptions{Limit: -1}}))},
		{"documentID", func() error { _, err := c.OneDrives.GetDocument(ctx, sid, od, ""); return err }()},
		{"documentID", first(c.OneDrives.Versions(ctx, sid, od, "..", nil))},
		{"opts.Offset", first(c.OneDrives.Versions(ctx, sid, od, doc, &vb365.ListOptions{Offset: -1}))},
	}
	for _, tc := range cases {
		require.ErrorIs(t, tc.err, vb365.ErrInvalidArgument, tc.arg)
		assert.ErrorContains(t, tc.err, tc.arg)
	}
	assert.Zero(t, srv.Requests(vb365test.RouteToken), "refused before any request, the login included")
}
