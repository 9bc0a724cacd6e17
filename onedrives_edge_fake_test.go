package vb365_test

// Edge cases of the OneDrive restores against the fake server: what an
// adversarial reading of the change found, each kept as a test.

import (
	"errors"
	"io"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365"
	"github.com/vb365-go/vb365/vb365test"
)

// searchHit returns the first hit of Search named name.
func searchHit(t *testing.T, c *vb365.Client, sid, odID, name string) vb365.Document {
	t.Helper()
	for h, err := range c.OneDrives.Search(t.Context(), sid, odID, "name:"+name, nil) {
		require.NoError(t, err)
		if h.Name == name {
			return h
		}
	}
	t.Fatalf("no hit %q", name)
	return vb365.Document{}
}

// v6 search hits have no isFolder: their self link (.../Folders/{id}) says
// which are folders, so that a folder hit is refused as a document and
// taken by OneDriveFolders.
func TestOneDriveEdgeV6SearchMarksFolders(t *testing.T) {
	t.Parallel()
	for _, v := range []vb365.APIVersion{vb365.V6, vb365.V7} {
		t.Run(string(v), func(t *testing.T) {
			t.Parallel()
			c, srv, sid := newOneDriveSession(t, v)
			drive := srv.Organization().OneDrives()[0]
			hit := searchHit(t, c, sid, drive.ID(), "Documents")
			assert.True(t, hit.IsFolder, "the folder Documents found by Search is a folder")

			_, err := c.OneDrives.Restore(t.Context(), sid, drive.ID(), vb365.OneDriveDocuments(hit), nil)
			assert.ErrorIs(t, err, vb365.ErrInvalidArgument, "a folder sent as a document is refused before any request: %v", err)
			_, err = c.OneDrives.Restore(t.Context(), sid, drive.ID(), vb365.OneDriveFolders(hit), nil)
			assert.NoError(t, err, "a folder from Search restores as a folder")
			assert.Zero(t, srv.ActionCount(vb365test.ActionRestore)-boolInt(err == nil), "nothing but the folder restore reached the server")
		})
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// What the fake refuses with a 400 (as .NET's validation of
// RESTOneDriveDocument and of the int32 versionId would) the SDK refuses
// first, with an ErrInvalidArgument naming the argument.
func TestOneDriveEdgeFakeRefusesWhatTheSDKLetsThrough(t *testing.T) {
	t.Parallel()
	c, srv, sid := newOneDriveSession(t, vb365.V7)
	drive := srv.Organization().OneDrives()[0]
	doc := findDocument(t, c, sid, drive.ID(), "Notes.txt")
	noAuthor := doc
	noAuthor.ModifiedBy = ""
	_, err := c.OneDrives.Restore(t.Context(), sid, drive.ID(), vb365.OneDriveDocuments(noAuthor), nil)
	var api *vb365.APIError
	if errors.As(err, &api) {
		t.Errorf("a document without modifiedBy reached the server: %v", err)
	}
	assert.ErrorIs(t, err, vb365.ErrInvalidArgument)

	_, err = c.OneDrives.GetVersion(t.Context(), sid, drive.ID(), doc.ID, math.MaxInt32+1)
	if errors.As(err, &api) {
		t.Errorf("a versionID beyond int32 reached the server: %v", err)
	}
	assert.ErrorIs(t, err, vb365.ErrInvalidArgument)
}

// The fake records which version of a document each operator restore
// sent (Restore.DocumentVersionIDs), so that a test can tell a restore of
// an older version from one of the latest.
func TestOneDriveEdgeFakeCannotTellWhichVersionWasRestored(t *testing.T) {
	t.Parallel()
	c, srv := newOperator(t, vb365.V7)
	ctx := t.Context()
	s, err := c.RestoreSessions.OperatorExplore(ctx, &vb365.OperatorExploreRequest{DateTime: time.Now(), Type: vb365.SessionTypeOneDrive})
	require.NoError(t, err)
	drive := srv.Organization().OneDrives()[0]
	plan := findDocument(t, c, s.ID, drive.ID(), "Documents", "Project Falcon", "Falcon plan.docx")
	v1, err := c.OneDrives.GetVersion(ctx, s.ID, drive.ID(), plan.ID, 1)
	require.NoError(t, err)
	require.NotEqual(t, plan.VersionID, v1.VersionID)
	for _, d := range []vb365.Document{plan, *v1} {
		_, err := c.OneDrives.OperatorRestore(ctx, s.ID, drive.ID(), &vb365.OneDriveOperatorRestoreRequest{Documents: []vb365.Document{d}})
		require.NoError(t, err)
	}
	rs := srv.Restores()
	require.Len(t, rs, 2)
	latest, first := rs[0], rs[1]
	latest.Time, first.Time = time.Time{}, time.Time{}
	assert.NotEqual(t, latest, first, "the fake records which version each restore took")
}

// An ID of "." is refused: url.PathEscape leaves it as it is, and a
// server or proxy that normalises dot segments would route
// .../OneDrives/./restore to the bulk .../OneDrives/restore (and a mailbox
// "." to the bulk mailbox restore).
func TestOneDriveEdgeDotIDIsRefused(t *testing.T) {
	t.Parallel()
	c, srv, sid := newOneDriveSession(t, vb365.V7)
	_, err := c.OneDrives.Restore(t.Context(), sid, ".", vb365.WholeOneDrive(), nil)
	assert.ErrorIs(t, err, vb365.ErrInvalidArgument, "oneDriveID \".\": %v", err)
	drive := srv.Organization().OneDrives()[0]
	_, err = c.OneDrives.Restore(t.Context(), sid, drive.ID(), vb365.OneDriveDocument("."), nil)
	assert.ErrorIs(t, err, vb365.ErrInvalidArgument, "scope.DocumentID \".\": %v", err)
	_, err = c.Mailboxes.Restore(t.Context(), sid, ".", vb365.ScopeMailbox(), nil)
	assert.ErrorIs(t, err, vb365.ErrInvalidArgument, "mailboxID \".\": %v", err)
}

// Servers up to v7 restore before they answer, as they build a PST before
// its first byte: a restore waits for its answer as long as the caller's
// context allows, as a download waits for its first byte, instead of being
// reported ErrOutcomeUnknown after WithRequestTimeout while it runs on.
func TestOneDriveEdgeSynchronousRestoreWaitsForItsAnswer(t *testing.T) {
	t.Parallel()
	srv := vb365test.NewServer()
	t.Cleanup(srv.Close)
	c, err := vb365.NewClient(srv.URL, vb365.WithAPIVersion(vb365.V7),
		vb365.WithPassword(vb365test.DefaultUsername, vb365test.DefaultPassword),
		vb365.WithRequestTimeout(100*time.Millisecond))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	s, err := c.RestoreSessions.ExploreOrganization(t.Context(), srv.Organization().ID(),
		&vb365.ExploreRequest{DateTime: time.Now(), Type: vb365.SessionTypeOneDrive})
	require.NoError(t, err)
	drive := srv.Organization().OneDrives()[0]

	// A save whose file takes 300ms to build: fine.
	srv.InjectFault(vb365test.RouteOneDriveSave, vb365test.Delay(300*time.Millisecond))
	_, err = c.OneDrives.Save(t.Context(), s.ID, drive.ID(), vb365.WholeOneDrive(), io.Discard, nil)
	require.NoError(t, err, "downloads wait for their first byte")

	// A restore that takes 300ms to run: answered when done.
	srv.InjectFault(vb365test.RouteOneDriveRestore, vb365test.Delay(300*time.Millisecond))
	out, err := c.OneDrives.Restore(t.Context(), s.ID, drive.ID(), vb365.WholeOneDrive(), nil)
	require.Eventually(t, func() bool { return srv.ActionCount(vb365test.ActionRestore) == 1 }, 5*time.Second, 10*time.Millisecond, "the server restored")
	assert.NoError(t, err, "a v7 restore is answered when done: got %v", err)
	if err == nil {
		assert.NotNil(t, out.Statistics)
	}

	// v8 servers answer a restore at once: one that does not is bounded.
	c8, err := vb365.NewClient(srv.URL, vb365.WithAPIVersion(vb365.V8),
		vb365.WithPassword(vb365test.DefaultUsername, vb365test.DefaultPassword),
		vb365.WithRequestTimeout(100*time.Millisecond))
	require.NoError(t, err)
	t.Cleanup(c8.CloseIdleConnections)
	s8, err := c8.RestoreSessions.ExploreOrganization(t.Context(), srv.Organization().ID(),
		&vb365.ExploreRequest{DateTime: time.Now(), Type: vb365.SessionTypeOneDrive})
	require.NoError(t, err)
	srv.InjectFault(vb365test.RouteOneDriveRestore, vb365test.Delay(300*time.Millisecond))
	_, err = c8.OneDrives.Restore(t.Context(), s8.ID, drive.ID(), vb365.WholeOneDrive(), nil)
	require.ErrorIs(t, err, vb365.ErrTimeout)
	assert.ErrorIs(t, err, vb365.ErrOutcomeUnknown)
}
