package vb365

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const odPath = "/RestoreSessions/s1/Organization/OneDrives/od%2F1"

var (
	odCreated  = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	odModified = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
)

// testDoc is a whole document, as Documents returns one.
func testDoc(id, name string) Document {
	return Document{ID: id, Name: name, SizeBytes: 1234, Version: "3.0", VersionID: 1536,
		CreatedBy: "Adele Vance", ModifiedBy: "Alex Wilber", CreationTime: odCreated, ModificationTime: odModified}
}

func testFolder(id, name string) Document {
	return Document{ID: id, Name: name, IsFolder: true, CreatedBy: "Adele Vance", ModifiedBy: "Adele Vance",
		CreationTime: odCreated, ModificationTime: odModified}
}

// recorder mounts a handler for every POST under the OneDrive of version v
// that records the path and body and answers status with body answer.
type recorder struct {
	mu     sync.Mutex
	paths  []string
	bodies []map[string]any
}

func record(f *fakeAPI, v APIVersion, status int, answer string) *recorder {
	rec := &recorder{}
	f.mux.HandleFunc("POST /"+string(v)+"/RestoreSessions/", f.authed(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var body map[string]any
		if len(b) > 0 {
			if err := json.Unmarshal(b, &body); err != nil {
				body = map[string]any{"!invalid": string(b)}
			}
		}
		rec.mu.Lock()
		rec.paths = append(rec.paths, strings.TrimPrefix(r.URL.EscapedPath(), "/"+string(v)+odPath))
		rec.bodies = append(rec.bodies, body)
		rec.mu.Unlock()
		if status == 204 {
			w.WriteHeader(204)
			return
		}
		writeJSON(w, status, answer)
	}))
	return rec
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.paths)
}

// wholeDocument is what the body must carry of testDoc: every field the
// spec requires, and the times in the server's format.
func wholeDocument(id, name string) map[string]any {
	return map[string]any{"id": id, "name": name, "sizeBytes": 1234.0, "version": "3.0", "versionId": 1536.0,
		"inheritedPermissions": false, "createdBy": "Adele Vance", "modifiedBy": "Alex Wilber",
		"creationTime": "2026-03-04T05:06:07Z", "modificationTime": "2026-11-02T09:30:00Z"}
}

func TestOneDriveOperatorRestoreSendsWholeDocuments(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	rec := record(f, V6, 200, `{"sessionId":"7f1c0d4e-0000-4000-8000-000000000001"}`)
	ctx := t.Context()
	docs := []Document{testDoc("d1", "Budget.xlsx"), testDoc("d2", "Plan.docx")}
	res, err := c.OneDrives.OperatorRestore(ctx, "s1", "od/1", &OneDriveOperatorRestoreRequest{Documents: docs, Reason: "ticket 4711"})
	require.NoError(t, err)
	assert.Equal(t, "7f1c0d4e-0000-4000-8000-000000000001", res.SessionID)
	_, err = c.OneDrives.OperatorRestore(ctx, "s1", "od/1", &OneDriveOperatorRestoreRequest{
		Documents: docs[:1], Versions: VersionsAll, Action: DocumentOverwrite})
	require.NoError(t, err)

	require.Equal(t, []string{"/Documents/operatorRestore", "/Documents/operatorRestore"}, rec.paths)
	assert.Equal(t, map[string]any{
		"documentAction": "Keep", "reason": "ticket 4711",
		"documentsRestoreConfigs": []any{
			map[string]any{"document": wholeDocument("d1", "Budget.xlsx"), "documentVersion": "Last"},
			map[string]any{"document": wholeDocument("d2", "Plan.docx"), "documentVersion": "Last"},
		},
	}, rec.bodies[0], "the zero values send Keep and Last; every document goes whole")
	assert.Equal(t, "Overwrite", rec.bodies[1]["documentAction"])
	assert.Equal(t, "All", rec.bodies[1]["documentsRestoreConfigs"].([]any)[0].(map[string]any)["documentVersion"])
}

func TestOneDriveScopesReachEveryActionPath(t *testing.T) {
	t.Parallel()
	c, f := setup(t, WithAPIVersion(V8))
	rec := record(f, V8, 200, `{"sessionId":"r1"}`)
	ctx := t.Context()
	scopes := []OneDriveScope{
		OneDriveDocuments(testDoc("d1", "a.txt")), OneDriveDocument("d/1"), OneDriveDocumentVersion("d1", 512),
		OneDriveFolders(testFolder("f1", "Reports")), OneDriveFolder("f1"), OneDriveFolderVersion("f1", 3),
		WholeOneDrive(),
	}
	want := []string{"/Documents/", "/Documents/d%2F1/", "/Documents/d1/Versions/512/",
		"/Folders/", "/Folders/f1/", "/Folders/f1/Versions/3/", "/"}
	copyReq := &OneDriveCopyRequest{OneDrive: OneDrive{ID: "od2", Name: "Megan"}, Folder: "Restored"}
	for i, sc := range scopes {
		_, err := c.OneDrives.Restore(ctx, "s1", "od/1", sc, nil)
		require.NoError(t, err)
		_, err = c.OneDrives.CopyTo(ctx, "s1", "od/1", sc, copyReq)
		require.NoError(t, err)
		require.NoError(t, c.OneDrives.Send(ctx, "s1", "od/1", sc, &OneDriveSendRequest{To: "help@contoso.com"}))
		got := rec.paths[len(rec.paths)-3:]
		assert.Equal(t, []string{want[i] + "restore", want[i] + "copyTo", want[i] + "send"}, got, "scope %d", i)
	}
	require.Len(t, rec.bodies, 21)
	// The body names the documents or folders of the list scopes only.
	assert.Equal(t, []any{wholeDocument("d1", "a.txt")}, rec.bodies[0]["documents"])
	folder := rec.bodies[9]["folders"].([]any)[0].(map[string]any)
	assert.NotContains(t, folder, "sizeBytes", "folders have no size in the spec")
	assert.Equal(t, "Reports", folder["name"])
	for i, b := range rec.bodies {
		if i != 0 && i != 1 && i != 2 {
			assert.NotContains(t, b, "documents", "body %d", i)
		}
	}
	assert.Equal(t, "Keep", rec.bodies[3]["documentAction"])
	// CopyTo: the target, the version default, and the folder-only options
	// sent only where the spec has them.
	assert.Equal(t, map[string]any{"id": "od2", "name": "Megan"}, rec.bodies[1]["onedrive"])
	assert.Equal(t, "Restored", rec.bodies[1]["folder"])
	assert.Equal(t, "Last", rec.bodies[1]["documentVersion"])
	assert.NotContains(t, rec.bodies[1], "restorePermissions")
	assert.Equal(t, false, rec.bodies[10]["restorePermissions"], "a folder copy sends its booleans")
	assert.Equal(t, "help@contoso.com", rec.bodies[2]["to"])

	_, err := c.OneDrives.RestoreOneDrives(ctx, "s1", []string{"od/1", "od2"}, &RestoreOneDrivesRequest{Action: DocumentOverwrite, SkipUnresolved: true})
	require.NoError(t, err)
	assert.Equal(t, "/v8/RestoreSessions/s1/Organization/OneDrives/restore", rec.paths[21], "not under one OneDrive")
	assert.Equal(t, []any{map[string]any{"id": "od/1"}, map[string]any{"id": "od2"}}, rec.bodies[21]["oneDrives"])
	assert.Equal(t, "Overwrite", rec.bodies[21]["documentAction"])
}

func TestOneDriveRestoreOutcomePerVersion(t *testing.T) {
	t.Parallel()
	c6, f6 := setup(t)
	record(f6, V6, 200, `{"totalItemsCount":3,"restoredItemsCount":2,"failedItemsCount":1,"skippedItemsByErrorCount":0,
		"skippedItemsByNoChangesCount":0,"failedRestrictionsCount":null,
		"restoreIssues":[{"id":"00000000-0000-0000-0000-000000000001","title":"Plan.docx","type":"Item","error":"locked"}]}`)
	out, err := c6.OneDrives.Restore(t.Context(), "s1", "od/1", OneDriveDocument("d1"), nil)
	require.NoError(t, err)
	out6 := out
	require.False(t, out.Async())
	require.NotNil(t, out.Statistics)
	assert.EqualValues(t, 2, out.Statistics.RestoredItemsCount)
	require.Len(t, out.Statistics.RestoreIssues, 1)
	assert.Equal(t, "locked", out.Statistics.RestoreIssues[0].Error)

	c8, f8 := setup(t, WithAPIVersion(V8))
	rec8 := record(f8, V8, 200, `{"sessionId":"9d0c"}`)
	const bobURL = "https://contoso-my.sharepoint.com/personal/bob_contoso_com"
	out, err = c8.OneDrives.CopyTo(t.Context(), "s1", "od/1", WholeOneDrive(), &OneDriveCopyRequest{OneDrive: OneDrive{URL: bobURL}, Folder: "Copy"})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"url": bobURL}, rec8.bodies[0]["onedrive"], "a OneDrive named by its URL alone")
	assert.True(t, out.Async())
	assert.Equal(t, "9d0c", out.SessionID)
	assert.Nil(t, out.Statistics)

	c7, f7 := setup(t, WithAPIVersion(V7))
	record(f7, V7, 200, `{"status":"Warning","details":[{"oneDrive":{"id":"od/1","name":"Adele"},"status":"Warning","details":{"failedRestrictionsCount":2,"restoreIssues":[{"title":"Plan.docx","error":"locked"}]}}]}`)
	bulk, err := c7.OneDrives.RestoreOneDrives(t.Context(), "s1", []string{"od/1"}, nil)
	require.NoError(t, err)
	require.NotNil(t, bulk.Statistics)
	assert.Equal(t, "Warning", bulk.Statistics.Status)
	require.Len(t, bulk.Statistics.Details, 1)
	assert.Equal(t, "Adele", bulk.Statistics.Details[0].OneDrive.Name)
	require.NotNil(t, bulk.Statistics.Details[0].Details.FailedRestrictionsCount)
	assert.EqualValues(t, 2, *bulk.Statistics.Details[0].Details.FailedRestrictionsCount)
	assert.Equal(t, "locked", bulk.Statistics.Details[0].Details.RestoreIssues[0].Error)
	assert.Nil(t, out6.Statistics.FailedRestrictionsCount, "null is not 0")
}

func TestOneDriveSendAnswersPerVersion(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v      APIVersion
		status int
	}{{V6, 200}, {V7, 200}, {V8, 204}} {
		c, f := setup(t, WithAPIVersion(tc.v))
		rec := record(f, tc.v, tc.status, "")
		require.NoError(t, c.OneDrives.Send(t.Context(), "s1", "od/1", OneDriveFolders(testFolder("f1", "Reports")),
			&OneDriveSendRequest{To: "help@contoso.com", Subject: "Your files", SkipItemChecks: true}), tc.v)
		require.Equal(t, 1, rec.count())
		assert.Equal(t, true, rec.bodies[0]["skipItemChecks"])
		assert.Len(t, rec.bodies[0]["folders"], 1)
	}
}

func TestOneDriveUnsafeActionsAreNotResent(t *testing.T) {
	t.Parallel()
	doc := testDoc("d1", "Budget.xlsx")
	for _, tc := range []struct {
		name, path string
		call       func(*Client) error
	}{
		{"OperatorRestore", "/Documents/operatorRestore", func(c *Client) error {
			return first(c.OneDrives.OperatorRestore(t.Context(), "s1", "od/1", &OneDriveOperatorRestoreRequest{Documents: []Document{doc}}))
		}},
		{"Restore", "/Documents/restore", func(c *Client) error {
			return first(c.OneDrives.Restore(t.Context(), "s1", "od/1", OneDriveDocuments(doc), nil))
		}},
		{"CopyTo", "/Folders/f1/copyTo", func(c *Client) error {
			return first(c.OneDrives.CopyTo(t.Context(), "s1", "od/1", OneDriveFolder("f1"), &OneDriveCopyRequest{OneDrive: OneDrive{ID: "od2"}, Folder: "x"}))
		}},
		{"Send", "/send", func(c *Client) error {
			return c.OneDrives.Send(t.Context(), "s1", "od/1", WholeOneDrive(), &OneDriveSendRequest{To: "a@b"})
		}},
	} {
		for _, ft := range []fault{{status: 500, act: true}, {status: 502, act: true}, {hangUp: true, act: true}} {
			c, f := setup(t)
			attempts, executed := scripted(f, "POST /v6"+odPath+tc.path, ft)
			err := tc.call(c)
			require.ErrorIs(t, err, ErrOutcomeUnknown, "%s after %+v", tc.name, ft)
			assert.Contains(t, err.Error(), "RestoreSessions.Events", "the error says how to find out")
			assert.Equal(t, int32(1), attempts.Load(), "%s is not sent again after %+v", tc.name, ft)
			assert.Equal(t, int32(1), executed.Load())
		}
		// A 503 with Retry-After is a request the server did not act on:
		// sent again, and done once.
		c, f := setup(t)
		attempts, executed := scripted(f, "POST /v6"+odPath+tc.path, fault{status: 503, retryAfter: "0"})
		require.NoError(t, tc.call(c), tc.name)
		assert.Equal(t, int32(2), attempts.Load())
		assert.Equal(t, int32(1), executed.Load())
	}
}

func TestOneDriveSaveIsReRequestable(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	const size = 3 << 20
	var attempts int
	var bodies []string
	f.handle("POST /v6"+odPath+"/Documents/d1/Versions/512/save", func(w http.ResponseWriter, r *http.Request) {
		attempts++
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		if attempts == 1 {
			writeJSON(w, 502, `{"message":"busy"}`)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		servePattern(w, 0, size, -1)
	})
	var got countingWriter
	dl, err := c.OneDrives.Save(t.Context(), "s1", "od/1", OneDriveDocumentVersion("d1", 512), &got, &OneDriveSaveOptions{AsZip: true})
	require.NoError(t, err)
	assert.EqualValues(t, size, dl.Written)
	assert.EqualValues(t, size, got.n)
	assert.Equal(t, 2, attempts, "a save is asked for again after a 502")
	assert.Equal(t, []string{`{"asZip":true}`, `{"asZip":true}`}, bodies)

	rec := record(f, V6, 200, "")
	for _, sc := range []OneDriveScope{OneDriveDocuments(testDoc("d1", "a")), OneDriveFolders(testFolder("f1", "F")), OneDriveFolder("f1"), WholeOneDrive()} {
		_, err := c.OneDrives.Save(t.Context(), "s1", "od/1", sc, io.Discard, nil)
		require.NoError(t, err)
	}
	assert.Equal(t, []string{"/Documents/save", "/Folders/save", "/Folders/f1/save", "/save"}, rec.paths)
	assert.Len(t, rec.bodies[0]["documents"], 1)
	assert.Len(t, rec.bodies[1]["folders"], 1)
	assert.Nil(t, rec.bodies[2], "a folder's save has no body")
	assert.Nil(t, rec.bodies[3])
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(b []byte) (int, error) { w.n += int64(len(b)); return len(b), nil }

func TestOneDriveBadInputIsRefusedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	c6, f6 := setup(t)
	c8, f8 := setup(t, WithAPIVersion(V8))
	rec6, rec8 := record(f6, V6, 200, `{}`), record(f8, V8, 200, `{"sessionId":"r1"}`)
	ctx := t.Context()
	doc, folder := testDoc("d1", "a.txt"), testFolder("f1", "F")
	noName, noTime, noID := doc, doc, doc
	noName.Name, noTime.ModificationTime, noID.ID = " ", time.Time{}, ""
	opRestore := func(r *OneDriveOperatorRestoreRequest) error {
		return first(c6.OneDrives.OperatorRestore(ctx, "s1", "od1", r))
	}
	withDocs := func(d ...Document) *OneDriveOperatorRestoreRequest {
		return &OneDriveOperatorRestoreRequest{Documents: d}
	}
	cases := []struct {
		arg  string
		call func() error
	}{
		{"sessionID", func() error { return first(c6.OneDrives.OperatorRestore(ctx, "", "od1", withDocs(doc))) }},
		{"req", func() error { return opRestore(nil) }},
		{"req.Documents", func() error { return opRestore(withDocs()) }},
		{"req.Documents[1].ID", func() error { return opRestore(withDocs(doc, noID)) }},
		{"req.Documents[0].Name", func() error { return opRestore(withDocs(noName)) }},
		{"req.Documents[0].ModificationTime", func() error { return opRestore(withDocs(noTime)) }},
		{"req.Documents[0]", func() error { return opRestore(withDocs(folder)) }},
		{"req.Action", func() error {
			return opRestore(&OneDriveOperatorRestoreRequest{Documents: []Document{doc}, Action: "overwrite"})
		}},
		{"req.Versions", func() error {
			return opRestore(&OneDriveOperatorRestoreRequest{Documents: []Document{doc}, Versions: "Latest"})
		}},
		{"oneDriveID", func() error { return first(c6.OneDrives.Restore(ctx, "s1", "", WholeOneDrive(), nil)) }},
		{"scope", func() error { return first(c6.OneDrives.Restore(ctx, "s1", "od1", OneDriveScope{}, nil)) }},
		{"scope.DocumentID", func() error { return first(c6.OneDrives.Restore(ctx, "s1", "od1", OneDriveDocument(".."), nil)) }},
		{"scope.VersionID", func() error {
			return first(c6.OneDrives.Restore(ctx, "s1", "od1", OneDriveDocumentVersion("d1", 0), nil))
		}},
		{"scope.Folders[0]", func() error { return first(c6.OneDrives.Restore(ctx, "s1", "od1", OneDriveFolders(doc), nil)) }},
		{"scope.Documents", func() error { return first(c6.OneDrives.Restore(ctx, "s1", "od1", OneDriveDocuments(), nil)) }},
		{"req.Credentials.ImpersonationAccountName", func() error {
			return first(c6.OneDrives.Restore(ctx, "s1", "od1", WholeOneDrive(),
				&OneDriveRestoreRequest{Credentials: &RestoreCredentials{ImpersonationAccountName: "x"}}))
		}},
		{"req.OfficeRegion", func() error {
			return first(c6.OneDrives.Restore(ctx, "s1", "od1", WholeOneDrive(), &OneDriveRestoreRequest{OfficeRegion: "Europe"}))
		}},
		{"req.Credentials.ApplicationID", func() error {
			return first(c6.OneDrives.CopyTo(ctx, "s1", "od1", WholeOneDrive(), &OneDriveCopyRequest{OneDrive: OneDrive{ID: "od2"},
				Credentials: &RestoreCredentials{ApplicationID: "my-app"}}))
		}},
		{"req.OfficeRegion", func() error {
			return first(c6.Mailboxes.RestoreTo(ctx, "s1", "m1", ScopeMailbox(), &RestoreToRequest{Mailbox: "bob@contoso.com", OfficeRegion: "worldwide"}))
		}},
		{"req.Credentials.ApplicationID", func() error {
			return first(c6.Mailboxes.RestoreMailboxes(ctx, "s1", []string{"m1"}, &RestoreMailboxesRequest{
				Credentials: &RestoreCredentials{ApplicationID: "3f2b8c1e-6a4d-4e2f-9b7a-1c5d8e9f0a2"}}))
		}},
		{"req", func() error { return first(c6.OneDrives.CopyTo(ctx, "s1", "od1", WholeOneDrive(), nil)) }},
		{"req.OneDrive", func() error {
			return first(c6.OneDrives.CopyTo(ctx, "s1", "od1", WholeOneDrive(), &OneDriveCopyRequest{}))
		}},
		{"req.LastVersionAction", func() error {
			return first(c6.OneDrives.CopyTo(ctx, "s1", "od1", WholeOneDrive(), &OneDriveCopyRequest{OneDrive: OneDrive{ID: "od2"}, Folder: "x", LastVersionAction: "Replace"}))
		}},
		{"req.RestorePermissions", func() error {
			return first(c8.OneDrives.CopyTo(ctx, "s1", "od1", OneDriveDocument("d1"), &OneDriveCopyRequest{OneDrive: OneDrive{ID: "od2"}, Folder: "x", RestorePermissions: true}))
		}},
		{"req.ChangedItems", func() error {
			return first(c6.OneDrives.CopyTo(ctx, "s1", "od1", OneDriveDocument("d1"), &OneDriveCopyRequest{OneDrive: OneDrive{ID: "od2"}, Folder: "x", ChangedItems: true}))
		}},
		{"w", func() error { return first(c6.OneDrives.Save(ctx, "s1", "od1", WholeOneDrive(), nil, nil)) }},
		{"req.To", func() error {
			return c6.OneDrives.Send(ctx, "s1", "od1", WholeOneDrive(), &OneDriveSendRequest{From: "a@b"})
		}},
		{"oneDriveIDs", func() error { return first(c6.OneDrives.RestoreOneDrives(ctx, "s1", nil, nil)) }},
		{"req.OnPremises.DomainName", func() error {
			return first(c6.OneDrives.RestoreOneDrives(ctx, "s1", []string{"od1"},
				&RestoreOneDrivesRequest{OnPremises: &OnPremisesCredentials{DomainName: "CONTOSO"}}))
		}},
		{"query", func() error { return drainSeq(c6.OneDrives.Search(ctx, "s1", "od1", " ", nil)) }},
		{"opts.FolderID", func() error {
			return drainSeq(c6.OneDrives.Search(ctx, "s1", "od1", "name:a", &DocumentSearchOptions{FolderID: "a/../b"}))
		}},
		{"versionID", func() error { return first(c6.OneDrives.GetVersion(ctx, "s1", "od1", "d1", -1)) }},
	}
	for _, tc := range cases {
		err := tc.call()
		require.ErrorIs(t, err, ErrInvalidArgument, tc.arg)
		var ae *ArgumentError
		require.True(t, errors.As(err, &ae), "%s: %v", tc.arg, err)
		assert.Equal(t, tc.arg, ae.Arg, fmt.Sprint(err))
	}
	assert.Zero(t, rec6.count(), "nothing was sent on v6: %v", rec6.paths)
	assert.Zero(t, rec8.count(), "nothing was sent on v8")
	// The v8 document forms take the changed and deleted items.
	_, err := c8.OneDrives.CopyTo(ctx, "s1", "od/1", OneDriveDocument("d1"), &OneDriveCopyRequest{OneDrive: OneDrive{ID: "od2"}, Folder: "x", ChangedItems: true})
	require.NoError(t, err)
	assert.Equal(t, true, rec8.bodies[0]["changedItems"])
	assert.NotContains(t, rec8.bodies[0], "deletedItems")
}

func drainSeq[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

func TestOneDriveCredentialsAreSentButNeverShown(t *testing.T) {
	t.Parallel()
	req := &OneDriveRestoreRequest{
		Action:      DocumentOverwrite,
		Credentials: &RestoreCredentials{UserName: "svc", UserPassword: "od-SECRET-pw", ApplicationCertificatePassword: "od-pfx-SECRET"},
	}
	body, texts := sentOnceWithSecrets(t, "POST /v6"+odPath+"/Folders/restore", func(c *Client) error {
		return first(c.OneDrives.Restore(t.Context(), "s1", "od/1", OneDriveFolders(testFolder("f1", "F")), req))
	})
	assert.Equal(t, "od-SECRET-pw", body["userPassword"], "the server gets the secret")
	assert.Equal(t, "Overwrite", body["documentAction"])
	for _, text := range append(texts, fmtAll(req)) {
		assert.NotContains(t, text, "od-SECRET-pw")
		assert.NotContains(t, text, "od-pfx-SECRET")
	}
}

func TestRestoreOneDrivesSendsCredentialsButNeverShowsThem(t *testing.T) {
	t.Parallel()
	req := &RestoreOneDrivesRequest{
		Credentials: &RestoreCredentials{UserName: "svc@contoso.com", UserPassword: "o365-SECRET-pw"},
		OnPremises:  &OnPremisesCredentials{UserName: `CONTOSO\svc`, Password: "onprem-SECRET-pw"},
	}
	body, texts := sentOnceWithSecrets(t, "POST /v6/RestoreSessions/s1/Organization/OneDrives/restore", func(c *Client) error {
		return first(c.OneDrives.RestoreOneDrives(t.Context(), "s1", []string{"od1"}, req))
	})
	assert.Equal(t, "svc@contoso.com", body["officeUsername"])
	assert.Equal(t, "o365-SECRET-pw", body["officeUserpassword"], "the server gets the secrets")
	assert.Equal(t, "onprem-SECRET-pw", body["onpremisesUserpassword"])
	assert.Equal(t, `CONTOSO\svc`, body["onpremisesUsername"])
	assert.Equal(t, "Keep", body["documentAction"])
	for _, text := range append(texts, fmtAll(req)) {
		assert.NotContains(t, text, "o365-SECRET-pw")
		assert.NotContains(t, text, "onprem-SECRET-pw")
	}
}

// TestAnswerWithoutASessionIsOutcomeUnknown: an operator restore answers
// its session on every version, and a v8 administrator's restore too. An
// answer without one is a restore that may have run, not a success with
// nothing to follow, nor one with zero counts.
func TestAnswerWithoutASessionIsOutcomeUnknown(t *testing.T) {
	t.Parallel()
	doc := testDoc("d1", "a.txt")
	for _, answer := range []string{`{}`, `null`, `{"sessionId":""}`, `{"sessionId":" "}`, `{"unexpected":true}`} {
		for _, v := range []APIVersion{V6, V8} {
			c, f := setup(t, WithAPIVersion(v))
			rec := record(f, v, 200, answer)
			_, err := c.OneDrives.OperatorRestore(t.Context(), "s1", "od/1", &OneDriveOperatorRestoreRequest{Documents: []Document{doc}})
			require.ErrorIs(t, err, ErrOutcomeUnknown, "%s %s", v, answer)
			assert.Contains(t, err.Error(), "sessionId")
			_, err = c.Mailboxes.OperatorRestore(t.Context(), "s1", "m1", &OperatorRestoreRequest{ItemIDs: []string{"i1"}})
			require.ErrorIs(t, err, ErrOutcomeUnknown, "%s %s", v, answer)
			if v == V8 {
				_, err = c.OneDrives.Restore(t.Context(), "s1", "od/1", OneDriveDocument("d1"), nil)
				require.ErrorIs(t, err, ErrOutcomeUnknown, "%s %s", v, answer)
				_, err = c.Mailboxes.Restore(t.Context(), "s1", "m1", ScopeMailbox(), nil)
				require.ErrorIs(t, err, ErrOutcomeUnknown, "%s %s", v, answer)
				_, err = c.OneDrives.RestoreOneDrives(t.Context(), "s1", []string{"od1"}, nil)
				require.ErrorIs(t, err, ErrOutcomeUnknown, "%s %s", v, answer)
				assert.Equal(t, 5, rec.count(), "each sent once")
			}
		}
	}
}

func TestIsUUID(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"3f2b8c1e-6a4d-4e2f-9b7a-1c5d8e9f0a2b": true, "3F2B8C1E-6A4D-4E2F-9B7A-1C5D8E9F0A2B": true,
		"3f2b8c1e-6a4d-4e2f-9b7a-1c5d8e9f0a2": false, "3f2b8c1e-6a4d-4e2f-9b7a-1c5d8e9f0a2bb": false,
		"3f2b8c1e-6a4d-4e2f-9b7a11c5d8e9f0a2b": false, "3f2b8c1e-6a4d-4e2f-9b7a-1c5d8e9f0a2g": false,
		"3f2b8c1e6a4d-4e2f-9b7a-1c5d8e9f0a2b-": false, "": false,
	} {
		assert.Equal(t, want, isUUID(s), s)
	}
}
