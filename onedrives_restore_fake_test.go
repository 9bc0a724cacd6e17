package vb365_test

import (
	"bytes"
	"crypto/sha256"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365"
	"github.com/vb365-go/vb365/vb365test"
)

// findDocument walks a OneDrive from its root to the document at path
// (folder names, then the document's name) and returns it whole.
func findDocument(t *testing.T, c *vb365.Client, sid, odID string, path ...string) vb365.Document {
	t.Helper()
	parent := ""
	for _, name := range path[:len(path)-1] {
		found := ""
		for f, err := range c.OneDrives.Folders(t.Context(), sid, odID, &vb365.DocumentListOptions{ParentID: parent}) {
			require.NoError(t, err)
			if f.Name == name {
				found = f.ID
			}
		}
		require.NotEmpty(t, found, "folder %q", name)
		parent = found
	}
	for d, err := range c.OneDrives.Documents(t.Context(), sid, odID, &vb365.DocumentListOptions{ParentID: parent}) {
		require.NoError(t, err)
		if d.Name == path[len(path)-1] {
			return d
		}
	}
	t.Fatalf("no document %q", path)
	return vb365.Document{}
}

// TestOneDriveOperatorWorkflowOnFake is the Restore Portal workflow for a
// OneDrive on every version: explore, browse, restore the documents as
// browsed, follow the restore, stop. The server executes exactly one
// restore, of exactly those documents.
func TestOneDriveOperatorWorkflowOnFake(t *testing.T) {
	t.Parallel()
	for _, v := range []vb365.APIVersion{vb365.V6, vb365.V7, vb365.V8} {
		t.Run(string(v), func(t *testing.T) {
			t.Parallel()
			c, srv := newOperator(t, v)
			ctx := t.Context()
			s, err := c.RestoreSessions.OperatorExplore(ctx, &vb365.OperatorExploreRequest{
				DateTime: time.Now(), Type: vb365.SessionTypeOneDrive, Reason: "ticket 4711"})
			require.NoError(t, err)
			drive := srv.Organization().OneDrives()[0]
			plan := findDocument(t, c, s.ID, drive.ID(), "Documents", "Project Falcon", "Falcon plan.docx")
			notes := findDocument(t, c, s.ID, drive.ID(), "Notes.txt")
			// A caller holding only an ID gets the document whole.
			got, err := c.OneDrives.GetDocument(ctx, s.ID, drive.ID(), notes.ID)
			require.NoError(t, err)

			since := time.Now()
			res, err := c.OneDrives.OperatorRestore(ctx, s.ID, drive.ID(), &vb365.OneDriveOperatorRestoreRequest{
				Documents: []vb365.Document{plan, *got}, Reason: "ticket 4711"})
			require.NoError(t, err)
			require.NotEmpty(t, res.SessionID)
			sum, err := c.RestoreSessions.Wait(ctx, res.SessionID, &vb365.WaitOptions{PollInterval: time.Millisecond, Since: since.Add(-time.Minute)})
			require.NoError(t, err)
			assert.Positive(t, sum.Restored)
			require.NoError(t, c.RestoreSessions.Stop(ctx, s.ID))

			rs := srv.Restores()
			require.Len(t, rs, 1, "one restore executed")
			assert.Equal(t, drive.ID(), rs[0].OneDriveID)
			assert.Equal(t, []string{plan.ID, notes.ID}, rs[0].DocumentIDs)
			assert.Equal(t, []string{"Last", "Last"}, rs[0].DocumentVersions)
			assert.Equal(t, "Keep", rs[0].DocumentAction, "the zero value keeps the user's files")
			assert.Equal(t, string(v), rs[0].APIVersion)
		})
	}
}

// TestOneDriveOperatorRestoreUnderFaults counts what the fake executed: a
// restore whose answer was lost is never sent again, and one the server
// provably did not act on is.
func TestOneDriveOperatorRestoreUnderFaults(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		fault    vb365test.Fault
		ok       bool
		executed int
	}{
		{"502 after acting", vb365test.ActThenRespond(502, `{"message":"bad gateway"}`), false, 1},
		{"connection dropped after acting", vb365test.DropAfterAct(), false, 1},
		{"503 with Retry-After", vb365test.RetryAfter(503, 0), true, 1},
		{"429", vb365test.RetryAfter(429, 0), true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, srv := newOperator(t, vb365.V8)
			s, err := c.RestoreSessions.OperatorExplore(t.Context(), &vb365.OperatorExploreRequest{DateTime: time.Now(), Type: vb365.SessionTypeOneDrive})
			require.NoError(t, err)
			drive := srv.Organization().OneDrives()[0]
			doc := findDocument(t, c, s.ID, drive.ID(), "Notes.txt")
			srv.InjectFault(vb365test.RouteOneDriveOperatorRestore, tc.fault)
			_, err = c.OneDrives.OperatorRestore(t.Context(), s.ID, drive.ID(), &vb365.OneDriveOperatorRestoreRequest{
				Documents: []vb365.Document{doc}, Action: vb365.DocumentOverwrite})
			if tc.ok {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, vb365.ErrOutcomeUnknown)
				assert.Contains(t, err.Error(), "RestoreSessions.Events")
			}
			assert.Equal(t, tc.executed, srv.RestoreCount(), "restores executed")
			if srv.RestoreCount() > 0 {
				assert.Equal(t, "Overwrite", srv.Restores()[0].DocumentAction)
			}
		})
	}
}

// TestOneDriveAdministratorFamilyOnFake runs every administrator action
// once per version and checks what the fake executed.
func TestOneDriveAdministratorFamilyOnFake(t *testing.T) {
	t.Parallel()
	for _, v := range []vb365.APIVersion{vb365.V6, vb365.V7, vb365.V8} {
		t.Run(string(v), func(t *testing.T) {
			t.Parallel()
			c, srv, sid := newOneDriveSession(t, v)
			ctx := t.Context()
			drive := srv.Organization().OneDrives()[0]
			plan := findDocument(t, c, sid, drive.ID(), "Documents", "Project Falcon", "Falcon plan.docx")
			var versions []vb365.Document
			for d, err := range c.OneDrives.Versions(ctx, sid, drive.ID(), plan.ID, nil) {
				require.NoError(t, err)
				versions = append(versions, d)
			}
			require.Len(t, versions, 3, "two older versions and the current one")
			old, err := c.OneDrives.GetVersion(ctx, sid, drive.ID(), plan.ID, versions[0].VersionID)
			require.NoError(t, err)
			assert.Equal(t, versions[0].SizeBytes, old.SizeBytes)

			out, err := c.OneDrives.Restore(ctx, sid, drive.ID(), vb365.OneDriveDocumentVersion(plan.ID, old.VersionID), nil)
			require.NoError(t, err)
			if v == vb365.V8 {
				require.True(t, out.Async(), "v8 answers a session")
				_, err := c.RestoreSessions.Wait(ctx, out.SessionID, &vb365.WaitOptions{PollInterval: time.Millisecond})
				require.NoError(t, err)
			} else {
				require.NotNil(t, out.Statistics, "v6 and v7 answer statistics")
				assert.Positive(t, out.Statistics.RestoredItemsCount)
			}
			_, err = c.OneDrives.CopyTo(ctx, sid, drive.ID(), vb365.OneDriveDocuments(plan), &vb365.OneDriveCopyRequest{
				OneDrive: vb365.OneDrive{ID: srv.Organization().OneDrives()[1].ID()}, Folder: "From Alice"})
			require.NoError(t, err)
			require.NoError(t, c.OneDrives.Send(ctx, sid, drive.ID(), vb365.OneDriveDocument(plan.ID), &vb365.OneDriveSendRequest{To: "alice@contoso.onmicrosoft.com"}))
			_, err = c.OneDrives.RestoreOneDrives(ctx, sid, []string{drive.ID()}, &vb365.RestoreOneDrivesRequest{Action: vb365.DocumentOverwrite})
			require.NoError(t, err)

			var zip bytes.Buffer
			d, err := c.OneDrives.Save(ctx, sid, drive.ID(), vb365.WholeOneDrive(), &zip, nil)
			require.NoError(t, err)
			assert.Equal(t, d.Written, int64(zip.Len()))

			var hits []string
			for h, err := range c.OneDrives.SearchAll(ctx, sid, "name:plan", &vb365.ListOptions{Limit: 1}) {
				require.NoError(t, err)
				assert.Equal(t, drive.ID(), h.OneDriveID, "a hit names its OneDrive on every version")
				hits = append(hits, h.Name)
			}
			assert.Contains(t, hits, "Falcon plan.docx")

			kinds := map[string]int{}
			for _, a := range srv.Actions() {
				kinds[a.Kind+"/"+a.Scope]++
				if a.Kind == vb365test.ActionSave {
					h := sha256.New()
					_, _ = io.Copy(h, a.Content())
					assert.Equal(t, h.Sum(nil), sha256Of(zip.Bytes()), "the file arrived whole")
				}
			}
			assert.Equal(t, map[string]int{
				"restore/documentVersion": 1, "copyTo/documents": 1, "send/document": 1,
				"restore/oneDrives": 1, "save/oneDrive": 1,
			}, kinds)
			assert.Zero(t, srv.RestoreCount(), "administrators' restores are actions, not operator restores")
		})
	}
}

// TestOneDriveAdminActionsUnderFaults: unsafe actions are executed once
// whatever breaks; a save is re-requested and resumed where it broke off.
func TestOneDriveAdminActionsUnderFaults(t *testing.T) {
	t.Parallel()
	c, srv, sid := newOneDriveSession(t, vb365.V7)
	ctx := t.Context()
	drive := srv.Organization().OneDrives()[0]
	doc := findDocument(t, c, sid, drive.ID(), "Notes.txt")

	srv.InjectFault(vb365test.RouteOneDriveRestore, vb365test.ActThenRespond(502, "bad gateway"))
	_, err := c.OneDrives.Restore(ctx, sid, drive.ID(), vb365.OneDriveDocuments(doc), nil)
	require.ErrorIs(t, err, vb365.ErrOutcomeUnknown)
	srv.InjectFault(vb365test.RouteOneDriveCopyTo, vb365test.DropAfterAct())
	_, err = c.OneDrives.CopyTo(ctx, sid, drive.ID(), vb365.WholeOneDrive(), &vb365.OneDriveCopyRequest{OneDrive: vb365.OneDrive{ID: drive.ID()}, Folder: "Copy"})
	require.ErrorIs(t, err, vb365.ErrOutcomeUnknown)
	srv.InjectFault(vb365test.RouteOneDriveSend, vb365test.ActThenRespond(500, `{"message":"smtp"}`))
	err = c.OneDrives.Send(ctx, sid, drive.ID(), vb365.OneDriveDocument(doc.ID), &vb365.OneDriveSendRequest{To: "a@contoso.com"})
	require.ErrorIs(t, err, vb365.ErrOutcomeUnknown)
	assert.Equal(t, 1, srv.ActionCount(vb365test.ActionRestore), "executed once, not re-sent")
	assert.Equal(t, 1, srv.ActionCount(vb365test.ActionCopyTo))
	assert.Equal(t, 1, srv.ActionCount(vb365test.ActionSend))

	srv.SetExportSize(3 << 20)
	srv.InjectFault(vb365test.RouteOneDriveSave, vb365test.Respond(502, `{"message":"busy"}`), vb365test.DropAfterBytes(1<<20))
	var got bytes.Buffer
	d, err := c.OneDrives.Save(ctx, sid, drive.ID(), vb365.OneDriveFolder(findFolderID(t, c, sid, drive.ID(), "Documents")), &got, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, d.Resumes)
	var full []byte
	for _, a := range srv.Actions() {
		if a.Kind == vb365test.ActionSave && a.RangeStart == 0 {
			full, _ = io.ReadAll(a.Content())
		}
	}
	require.NotEmpty(t, full)
	assert.Equal(t, sha256Of(full), sha256Of(got.Bytes()), "resumed where it broke off")
}

func findFolderID(t *testing.T, c *vb365.Client, sid, odID, name string) string {
	t.Helper()
	for f, err := range c.OneDrives.Folders(t.Context(), sid, odID, nil) {
		require.NoError(t, err)
		if f.Name == name {
			return f.ID
		}
	}
	t.Fatalf("no folder %q", name)
	return ""
}
