package vb365test_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365/vb365test"
)

// odSession opens a OneDrive restore session, with OperatorExplore or, for
// an administrator, Organization/Explore, and returns its ID.
func odSession(t *testing.T, s *vb365test.Server, v, tok string, admin bool) string {
	t.Helper()
	p := "/" + v + "/Organization/OperatorExplore"
	if admin {
		p = "/" + v + "/Organization/Explore"
	}
	r := do(t, s, "POST", p, tok, map[string]any{"type": "Veod", "dateTime": "2026-12-01T00:00:00Z"})
	require.Equal(t, createdStatus(v), r.status, string(r.body))
	return r.json(t)["id"].(string)
}

func odPath(v, sid string, d *vb365test.OneDrive) string {
	return "/" + v + "/RestoreSessions/" + sid + "/Organization/OneDrives/" + url.PathEscape(d.ID())
}

// folderRef is a RESTOneDriveFolder as a client sends one back: the
// required properties of the view.
func folderRef(it *vb365test.DriveItem) map[string]any {
	return map[string]any{"id": it.ID(), "name": it.Name, "createdBy": it.CreatedBy,
		"creationTime": it.Created.Format(time.RFC3339), "modifiedBy": it.ModifiedBy,
		"modificationTime": it.Modified.Format(time.RFC3339)}
}

// docRef is a RESTOneDriveDocument as a client sends one back.
func docRef(it *vb365test.DriveItem) map[string]any {
	m := folderRef(it)
	m["sizeBytes"] = it.SizeBytes
	return m
}

// odSeed names the default seed's OneDrive items.
type odSeed struct {
	alice, bob                            *vb365test.OneDrive
	documents, falcon, pictures           *vb365test.DriveItem // folders
	plan, risk, budget, offsite, notesTxt *vb365test.DriveItem // documents
}

func seedOneDrives(s *vb365test.Server) odSeed {
	ods := s.Organization().OneDrives()
	a := ods[0].Items() // Documents, Pictures, Notes.txt
	docs := a[0].Items()
	falcon := docs[0].Items()
	return odSeed{alice: ods[0], bob: ods[1], documents: a[0], falcon: docs[0], pictures: a[1],
		plan: falcon[0], risk: falcon[1], budget: docs[1], offsite: a[1].Items()[0], notesTxt: a[2]}
}

// odCase is one path of an action, with what the server should record.
type odCase struct {
	scope    string
	path     string
	body     map[string]any // nil: no body
	oneDrive string
	drives   []string
	docs     []string
	folders  []string
	folderID string
	version  int
	items    int
}

// odCases lists the paths of action seg (restore, copyTo, save, send) on
// every scope, with body merged into each (save's body-less scopes get
// none; the single-document saves get asZip false).
func odCases(v, sid string, sd odSeed, seg string, body map[string]any) []odCase {
	base := odPath(v, sid, sd.alice)
	with := func(extra map[string]any) map[string]any {
		m := map[string]any{}
		for k, x := range body {
			m[k] = x
		}
		for k, x := range extra {
			m[k] = x
		}
		return m
	}
	a := sd.alice.ID()
	cases := []odCase{
		{scope: vb365test.ScopeOneDrive, path: base + "/" + seg, body: with(nil), oneDrive: a, items: 5},
		{scope: vb365test.ScopeDocuments, path: base + "/Documents/" + seg,
			body:     with(map[string]any{"documents": []any{docRef(sd.plan), docRef(sd.notesTxt)}}),
			oneDrive: a, docs: []string{sd.plan.ID(), sd.notesTxt.ID()}, items: 2},
		{scope: vb365test.ScopeDocument, path: base + "/Documents/" + sd.plan.ID() + "/" + seg, body: with(nil),
			oneDrive: a, docs: []string{sd.plan.ID()}, items: 1},
		{scope: vb365test.ScopeDocumentVersion, path: base + "/Documents/" + sd.plan.ID() + "/Versions/2/" + seg, body: with(nil),
			oneDrive: a, docs: []string{sd.plan.ID()}, version: 2, items: 1},
		{scope: vb365test.ScopeFolders, path: base + "/Folders/" + seg,
			body:     with(map[string]any{"folders": []any{folderRef(sd.falcon), folderRef(sd.pictures)}}),
			oneDrive: a, folders: []string{sd.falcon.ID(), sd.pictures.ID()}, items: 3},
		{scope: vb365test.ScopeFolder, path: base + "/Folders/" + sd.documents.ID() + "/" + seg, body: with(nil),
			oneDrive: a, folderID: sd.documents.ID(), items: 3},
		{scope: vb365test.ScopeFolderVersion, path: base + "/Folders/" + sd.falcon.ID() + "/Versions/1/" + seg, body: with(nil),
			oneDrive: a, folderID: sd.falcon.ID(), version: 1, items: 2},
	}
	if seg == "save" {
		for i := range cases {
			switch cases[i].scope {
			case vb365test.ScopeOneDrive, vb365test.ScopeFolder, vb365test.ScopeFolderVersion:
				cases[i].body = nil
			case vb365test.ScopeDocument, vb365test.ScopeDocumentVersion:
				cases[i].body = map[string]any{"asZip": false}
			}
		}
	}
	if seg == "restore" {
		cases = append(cases, odCase{scope: vb365test.ScopeOneDrives,
			path:   "/" + v + "/RestoreSessions/" + sid + "/Organization/OneDrives/restore",
			body:   with(map[string]any{"oneDrives": []any{map[string]any{"id": sd.alice.ID()}, map[string]any{"url": strings.ToUpper(sd.bob.URL)}}}),
			drives: []string{sd.alice.ID(), sd.bob.ID()}, items: 7})
	}
	return cases
}

// requireTarget checks that a records what c acts on.
func requireTarget(t *testing.T, c odCase, kind string, a vb365test.Action) {
	t.Helper()
	require.Equal(t, kind, a.Kind, c.path)
	require.Equal(t, c.scope, a.Scope, c.path)
	require.Equal(t, c.oneDrive, a.OneDriveID, c.path)
	require.Equal(t, c.drives, a.OneDriveIDs, c.path)
	require.Equal(t, c.docs, a.DocumentIDs, c.path)
	require.Equal(t, c.folders, a.FolderIDs, c.path)
	require.Equal(t, c.folderID, a.FolderID, c.path)
	require.Equal(t, c.version, a.VersionID, c.path)
	require.Equal(t, c.items, a.Items, c.path)
	require.Empty(t, a.MailboxID, c.path)
	require.Empty(t, a.ItemIDs, c.path)
}

// requireRestoreAnswer checks the answer of a restore or copyTo: v6 and v7
// statistics, v8 the session.
func requireRestoreAnswer(t *testing.T, v, sid string, c odCase, r resp) {
	t.Helper()
	require.Equal(t, http.StatusOK, r.status, "%s: %s", c.path, r.body)
	m := r.json(t)
	switch {
	case v == "v8":
		require.Equal(t, map[string]any{"sessionId": sid}, m, c.path)
	case c.scope == vb365test.ScopeOneDrives:
		require.Equal(t, "Success", m["status"], c.path)
		details := m["details"].([]any)
		require.Len(t, details, len(c.drives))
		for i, d := range details {
			require.Equal(t, c.drives[i], d.(map[string]any)["oneDrive"].(map[string]any)["id"])
			require.Equal(t, "Success", d.(map[string]any)["status"])
		}
	default:
		require.InDelta(t, c.items, m["totalItemsCount"], 0, c.path)
		require.InDelta(t, c.items, m["restoredItemsCount"], 0, c.path)
		require.InDelta(t, 0, m["failedItemsCount"], 0, c.path)
		require.Equal(t, []any{}, m["restoreIssues"], c.path)
	}
}

func TestOneDriveVersions(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			tok := operatorToken(t, s, v)
			sid := odSession(t, s, v, tok, false)
			sd := seedOneDrives(s)
			base := odPath(v, sid, sd.alice)

			// Falcon plan.docx: 30211 bytes, then 41002, now 48213.
			for n, size := range map[int]int{1: 30211, 2: 41002, 3: 48213} {
				r := do(t, s, "GET", base+"/Documents/"+sd.plan.ID()+"/Versions/"+strconv.Itoa(n), tok, nil)
				require.Equal(t, http.StatusOK, r.status, string(r.body))
				m := r.json(t)
				require.Equal(t, sd.plan.ID(), m["id"])
				require.InDelta(t, n, m["versionId"], 0)
				require.Equal(t, strconv.Itoa(n)+".0", m["version"])
				require.InDelta(t, size, m["sizeBytes"], 0, "version %d", n)
				_, hasFolder := m["isFolder"]
				require.Equal(t, v != "v6", hasFolder, "isFolder from v7 on")
				_, hasDrive := m["oneDriveId"]
				require.Equal(t, v == "v8", hasDrive, "oneDriveId on v8")
			}
			// Case-insensitive routing.
			lower := strings.ToLower("/" + v + "/RestoreSessions/" + sid + "/Organization/OneDrives/")
			r := do(t, s, "GET", lower+sd.alice.ID()+"/documents/"+sd.plan.ID()+"/VERSIONS/1", tok, nil)
			require.Equal(t, http.StatusOK, r.status)
			for p, want := range map[string]int{
				base + "/Documents/" + sd.plan.ID() + "/Versions/4":                   http.StatusNotFound,
				base + "/Documents/" + sd.plan.ID() + "/Versions/0":                   http.StatusNotFound,
				base + "/Documents/" + sd.plan.ID() + "/Versions/one":                 http.StatusBadRequest,
				base + "/Documents/" + sd.plan.ID() + "/Versions/99999999999":         http.StatusBadRequest, // not an int32
				base + "/Documents/" + sd.falcon.ID() + "/Versions/1":                 http.StatusNotFound,   // a folder
				base + "/Folders/" + sd.plan.ID() + "/Versions/1":                     http.StatusNotFound,   // a document
				base + "/Folders/" + sd.falcon.ID() + "/Versions/2":                   http.StatusNotFound,
				odPath(v, sid, sd.bob) + "/Documents/" + sd.plan.ID() + "/Versions/1": http.StatusNotFound, // another OneDrive's
			} {
				require.Equal(t, want, do(t, s, "GET", p, tok, nil).status, p)
			}

			r = do(t, s, "GET", base+"/Folders/"+sd.falcon.ID()+"/Versions/1", tok, nil)
			require.Equal(t, http.StatusOK, r.status)
			m := r.json(t)
			require.Equal(t, sd.falcon.Name, m["name"])
			require.NotContains(t, m, "sizeBytes", "RESTOneDriveFolder has no size")

			r = do(t, s, "GET", base+"/Folders/"+sd.falcon.ID()+"/Versions?limit=5", tok, nil)
			require.Equal(t, http.StatusOK, r.status)
			pg := r.json(t)
			require.Len(t, pg["results"], 1, "seed folders have one version")
			require.InDelta(t, 1, pg["results"].([]any)[0].(map[string]any)["versionId"], 0)
			_, total := pg["totalCount"]
			require.Equal(t, v != "v8", total)
			require.Equal(t, base+"/Folders/"+sd.falcon.ID()+"/Versions?offset=0&limit=5", pg["_links"].(map[string]any)["self"].(map[string]any)["href"])
			require.Equal(t, http.StatusNotFound, do(t, s, "GET", base+"/Folders/"+sd.plan.ID()+"/Versions", tok, nil).status)
			require.Equal(t, http.StatusBadRequest, do(t, s, "GET", base+"/Folders/"+sd.falcon.ID()+"/Versions?limit=0", tok, nil).status)
			require.Equal(t, http.StatusMethodNotAllowed, do(t, s, "POST", base+"/Folders/"+sd.falcon.ID()+"/Versions", tok, nil).status)

			require.Equal(t, 10, s.Requests(vb365test.RouteOneDriveDocumentVersion))
			require.Equal(t, 3, s.Requests(vb365test.RouteOneDriveFolderVersion))
			require.Equal(t, 4, s.Requests(vb365test.RouteOneDriveFolderVersions))
		})
	}
}

func TestOneDriveVersionsOfASeedFolder(t *testing.T) {
	t.Parallel()
	org := vb365test.NewOrganization("Fabrikam")
	d := org.AddOneDrive("Dana", "https://fabrikam-my.sharepoint.com/personal/dana")
	f := d.AddFolder("Plans").AddVersion(0, "Dana", time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC))
	s := newServer(t, vb365test.WithOrganization(org))
	tok := operatorToken(t, s, "v7")
	sid := odSession(t, s, "v7", tok, false)
	r := do(t, s, "GET", odPath("v7", sid, d)+"/Folders/"+f.ID()+"/Versions", tok, nil)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	res := r.json(t)["results"].([]any)
	require.Len(t, res, 2)
	require.Equal(t, "2026-09-01T00:00:00.0000000Z", res[0].(map[string]any)["modificationTime"])
	require.Equal(t, http.StatusOK, do(t, s, "GET", odPath("v7", sid, d)+"/Folders/"+f.ID()+"/Versions/2", tok, nil).status)
	// GET of the folder takes the version as a query parameter.
	r = do(t, s, "GET", odPath("v7", sid, d)+"/Folders/"+f.ID()+"?versionId=1", tok, nil)
	require.Equal(t, http.StatusOK, r.status)
	require.InDelta(t, 1, r.json(t)["versionId"], 0)
	require.InDelta(t, 2, do(t, s, "GET", odPath("v7", sid, d)+"/Folders/"+f.ID(), tok, nil).json(t)["versionId"], 0, "the current one")
	require.Equal(t, http.StatusNotFound, do(t, s, "GET", odPath("v7", sid, d)+"/Folders/"+f.ID()+"?versionId=3", tok, nil).status)
	require.Equal(t, http.StatusBadRequest, do(t, s, "GET", odPath("v7", sid, d)+"/Folders/"+f.ID()+"?versionId=x", tok, nil).status)
}

// operatorRestoreBody restores docs with documentAction and, per
// document, documentVersion Last.
func operatorRestoreBody(action string, docs ...*vb365test.DriveItem) map[string]any {
	cfgs := []any{}
	for _, d := range docs {
		cfgs = append(cfgs, map[string]any{"document": docRef(d), "documentVersion": "Last"})
	}
	return map[string]any{"documentAction": action, "documentsRestoreConfigs": cfgs, "reason": "ticket 7"}
}

func TestOneDriveOperatorRestore(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			op := operatorToken(t, s, v)
			sid := odSession(t, s, v, op, false)
			sd := seedOneDrives(s)
			p := odPath(v, sid, sd.alice) + "/Documents/operatorRestore"

			body := operatorRestoreBody("keep", sd.plan, sd.notesTxt)
			body["documentsRestoreConfigs"].([]any)[1].(map[string]any)["documentVersion"] = nil
			upper := strings.ToUpper(sd.plan.ID()) // IDs are found without regard to case
			body["documentsRestoreConfigs"].([]any)[0].(map[string]any)["document"].(map[string]any)["id"] = upper
			r := do(t, s, "POST", p, op, body)
			require.Equal(t, http.StatusOK, r.status, string(r.body))
			require.Equal(t, map[string]any{"sessionId": sid}, r.json(t), "200 {sessionId} on every version")

			rs := s.Restores()
			require.Len(t, rs, 1)
			got := rs[0]
			require.Equal(t, sid, got.SessionID)
			require.Equal(t, sd.alice.ID(), got.OneDriveID)
			require.Equal(t, []string{sd.plan.ID(), sd.notesTxt.ID()}, got.DocumentIDs, "request order, the seed's spelling")
			require.Equal(t, []string{"Last", ""}, got.DocumentVersions)
			require.Equal(t, "Keep", got.DocumentAction, "in the enum's casing")
			require.Equal(t, "ticket 7", got.Reason)
			require.Equal(t, v, got.APIVersion)
			require.Empty(t, got.MailboxID)
			require.Empty(t, got.ItemIDs)

			// The session's events follow it, as for mailboxes.
			evs := events(t, s, v, op, sid)
			require.Len(t, evs, 1)
			require.Equal(t, "Restore", evs[0]["type"])
			require.Equal(t, "Success", evs[0]["status"])
			require.Equal(t, "2 documents", evs[0]["itemName"])
			require.Equal(t, sd.alice.URL, evs[0]["source"])
			require.InDelta(t, sd.plan.SizeBytes+sd.notesTxt.SizeBytes, evs[0]["itemSizeBytes"], 0)
			if v == "v8" {
				st := do(t, s, "GET", "/v8/RestoreSessions/"+sid+"/Statistics", op, nil).json(t)
				require.InDelta(t, 2, st["restoredItemsCount"], 0)
				item := st["items"].([]any)[0].(map[string]any)
				require.Equal(t, "OneDriveItem", item["itemType"])
				require.NotContains(t, item, "mailboxEmail")
			}

			// Bad bodies: the .NET model validation answers 400; nothing is restored.
			lacking := func(field string) map[string]any {
				b := operatorRestoreBody("Overwrite", sd.plan)
				delete(b["documentsRestoreConfigs"].([]any)[0].(map[string]any)["document"].(map[string]any), field)
				return b
			}
			setDoc := func(field string, value any) map[string]any {
				b := operatorRestoreBody("Overwrite", sd.plan)
				b["documentsRestoreConfigs"].([]any)[0].(map[string]any)["document"].(map[string]any)[field] = value
				return b
			}
			bads := map[string]any{
				"empty body":                    nil,
				"no documentAction":             map[string]any{"documentsRestoreConfigs": operatorRestoreBody("Keep", sd.plan)["documentsRestoreConfigs"]},
				"null documentAction":           `{"documentAction":null,"documentsRestoreConfigs":[]}`,
				"unknown documentAction":        operatorRestoreBody("Replace", sd.plan),
				"empty documentAction":          operatorRestoreBody("", sd.plan),
				"no documentsRestoreConfigs":    map[string]any{"documentAction": "Keep"},
				"empty documentsRestoreConfigs": operatorRestoreBody("Keep"),
				"null config":                   `{"documentAction":"Keep","documentsRestoreConfigs":[null]}`,
				"config without document":       `{"documentAction":"Keep","documentsRestoreConfigs":[{"documentVersion":"All"}]}`,
				"unknown documentVersion": map[string]any{"documentAction": "Keep", "documentsRestoreConfigs": []any{
					map[string]any{"document": docRef(sd.plan), "documentVersion": "First"}}},
				"empty name":              setDoc("name", ""),
				"null sizeBytes":          setDoc("sizeBytes", nil),
				"sizeBytes not a number":  setDoc("sizeBytes", "big"),
				"creationTime not a time": setDoc("creationTime", "yesterday"),
				"versionId not a number":  setDoc("versionId", "x"),
				"not JSON":                `{"documentAction":`,
			}
			for _, f := range []string{"id", "name", "sizeBytes", "createdBy", "creationTime", "modifiedBy", "modificationTime"} {
				bads["document without "+f] = lacking(f)
			}
			for name, b := range bads {
				r := do(t, s, "POST", p, op, b)
				require.Equal(t, http.StatusBadRequest, r.status, "%s: %s", name, r.body)
				require.Contains(t, r.json(t), "message", name)
			}
			// The binder matches property names without regard to case.
			r = do(t, s, "POST", p, op, `{"DocumentAction":"Overwrite","DocumentsRestoreConfigs":[{"Document":{"ID":"`+sd.budget.ID()+
				`","NAME":"b","SizeBytes":1,"CreatedBy":"a","CreationTime":"2026-01-01T00:00:00Z","ModifiedBy":"a","ModificationTime":"2026-01-02T00:00:00Z"}}]}`)
			require.Equal(t, http.StatusOK, r.status, string(r.body))
			require.Equal(t, 2, s.RestoreCount())

			// Unknown IDs: 404, all or nothing.
			unknown := operatorRestoreBody("Keep", sd.plan)
			unknown["documentsRestoreConfigs"] = append(unknown["documentsRestoreConfigs"].([]any),
				map[string]any{"document": setDoc("id", "00000000-0000-0000-0000-000000000000")["documentsRestoreConfigs"].([]any)[0].(map[string]any)["document"]})
			require.Equal(t, http.StatusNotFound, do(t, s, "POST", p, op, unknown).status)
			folderAsDoc := operatorRestoreBody("Keep", sd.plan)
			folderAsDoc["documentsRestoreConfigs"].([]any)[0].(map[string]any)["document"].(map[string]any)["id"] = sd.falcon.ID()
			require.Equal(t, http.StatusNotFound, do(t, s, "POST", p, op, folderAsDoc).status, "a folder is no document")
			require.Equal(t, http.StatusNotFound, do(t, s, "POST", odPath(v, sid, sd.bob)+"/Documents/operatorRestore", op,
				operatorRestoreBody("Keep", sd.plan)).status, "another OneDrive's document")
			require.Equal(t, http.StatusNotFound, do(t, s, "POST", "/"+v+"/RestoreSessions/"+sid+"/Organization/OneDrives/od-nope/Documents/operatorRestore", op,
				operatorRestoreBody("Keep", sd.plan)).status)
			vex := explore(t, s, v, op)
			require.Equal(t, http.StatusNotFound, do(t, s, "POST", odPath(v, vex, sd.alice)+"/Documents/operatorRestore", op,
				operatorRestoreBody("Keep", sd.plan)).status, "an Exchange session has no OneDrives")
			require.Equal(t, 2, s.RestoreCount())

			// Tokens: as the mailbox operatorRestore, operators only.
			admin := passwordToken(t, s, v)
			asid := odSession(t, s, v, admin, true)
			r = do(t, s, "POST", odPath(v, asid, sd.alice)+"/Documents/operatorRestore", admin, operatorRestoreBody("Keep", sd.plan))
			require.Equal(t, http.StatusForbidden, r.status)
			require.Equal(t, http.StatusForbidden, do(t, s, "POST", mailboxPath(v, sid, "x")+"/items/operatorRestore", admin,
				restoreBody("y")).status, "the same answer as the mailbox operatorRestore")
			require.Equal(t, http.StatusUnauthorized, do(t, s, "POST", p, "", operatorRestoreBody("Keep", sd.plan)).status)

			// Faults: FaultRespond and FaultDropBeforeAct do not execute.
			s.InjectFault(vb365test.RouteOneDriveOperatorRestore, vb365test.Respond(http.StatusServiceUnavailable, `{"message":"busy"}`),
				vb365test.DropBeforeAct(), vb365test.ActThenRespond(http.StatusBadGateway, ""), vb365test.DropAfterAct())
			require.Equal(t, http.StatusServiceUnavailable, do(t, s, "POST", p, op, operatorRestoreBody("Keep", sd.plan)).status)
			require.Equal(t, 2, s.RestoreCount(), "FaultRespond does not act")
			_, err := doErr(t.Context(), s.Client(), s.URL, "POST", p, op, operatorRestoreBody("Keep", sd.plan))
			require.Error(t, err)
			require.Equal(t, 2, s.RestoreCount(), "FaultDropBeforeAct does not act")
			require.Equal(t, http.StatusBadGateway, do(t, s, "POST", p, op, operatorRestoreBody("Keep", sd.plan)).status)
			require.Equal(t, 3, s.RestoreCount(), "FaultActThenRespond acts")
			_, err = doErr(t.Context(), s.Client(), s.URL, "POST", p, op, operatorRestoreBody("Keep", sd.plan))
			require.Error(t, err)
			require.Equal(t, 4, s.RestoreCount(), "FaultDropAfterAct acts")

			// A stopped session answers 500.
			require.True(t, s.ExpireSession(sid))
			require.Equal(t, http.StatusInternalServerError, do(t, s, "POST", p, op, operatorRestoreBody("Keep", sd.plan)).status)
			require.Equal(t, 4, s.RestoreCount())
			require.Empty(t, s.Actions(), "operatorRestore is no Action")
		})
	}
}

// restoreCreds are the credential fields of a restore body, secrets
// included.
func restoreCreds() map[string]any {
	return map[string]any{"userName": "restore@contoso.onmicrosoft.com", "userPassword": "S3cret-pw!",
		"applicationId": "0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9", "applicationCertificate": "Q0VSVC1TRUNSRVQ=",
		"officeRegion": "worldwide", "organizationName": "contoso.onmicrosoft.com",
		"officeUsername": "bulk@contoso.onmicrosoft.com", "officeUserpassword": "Bulk-S3cret!",
		"onpremisesUsername": "CONTOSO\\svc", "onpremisesUserpassword": "OnPrem-S3cret!"}
}

// noSecrets fails when a's record holds a secret of restoreCreds.
func noSecrets(t *testing.T, a vb365test.Action) {
	t.Helper()
	rec := fmt.Sprintf("%+v", a)
	for _, secret := range []string{"S3cret-pw!", "Q0VSVC1TRUNSRVQ=", "Bulk-S3cret!", "OnPrem-S3cret!"} {
		require.NotContains(t, rec, secret)
	}
}

func TestOneDriveRestore(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			tok := passwordToken(t, s, v)
			sid := odSession(t, s, v, tok, true)
			sd := seedOneDrives(s)
			body := restoreCreds()
			body["documentAction"] = "overwrite"
			cases := odCases(v, sid, sd, "restore", body)
			require.Len(t, cases, 8)
			for i, c := range cases {
				r := do(t, s, "POST", c.path, tok, c.body)
				requireRestoreAnswer(t, v, sid, c, r)
				acts := s.Actions()
				require.Len(t, acts, i+1, "one Action per request")
				a := acts[i]
				requireTarget(t, c, vb365test.ActionRestore, a)
				require.Equal(t, "Overwrite", a.DocumentAction)
				require.Equal(t, "0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9", a.ApplicationID)
				if c.scope == vb365test.ScopeOneDrives {
					require.Equal(t, "bulk@contoso.onmicrosoft.com", a.UserName)
					require.Equal(t, `CONTOSO\svc`, a.OnPremisesUserName)
					require.Equal(t, []string{"applicationCertificate", "officeUserpassword", "onpremisesUserpassword"}, a.SecretFields)
					require.Empty(t, a.OfficeRegion, "not in RESTBulkRestoreConfig")
				} else {
					require.Equal(t, "restore@contoso.onmicrosoft.com", a.UserName)
					require.Equal(t, []string{"userPassword", "applicationCertificate"}, a.SecretFields)
					require.Equal(t, "Worldwide", a.OfficeRegion)
					require.Equal(t, "contoso.onmicrosoft.com", a.OfficeOrganizationName)
				}
				noSecrets(t, a)
				evs := events(t, s, v, tok, sid)
				if c.scope == vb365test.ScopeDocumentVersion {
					require.InDelta(t, 41002, evs[i]["itemSizeBytes"], 0, "version 2's size")
					require.True(t, strings.HasPrefix(evs[i]["title"].(string), "Restore version 2 of document Falcon plan.docx"), evs[i]["title"])
				}
				require.Len(t, evs, i+1, "one event per restore")
				require.Equal(t, "Restore", evs[i]["type"])
				require.InDelta(t, i+1, evs[i]["order"], 0, "numbered from 1")
				ev := do(t, s, "GET", "/"+v+"/RestoreSessions/"+sid+"/Events/"+evs[i]["id"].(string), tok, nil)
				require.Equal(t, http.StatusOK, ev.status)
				require.Equal(t, evs[i]["title"], ev.json(t)["title"])
			}
			if v == "v8" {
				st := do(t, s, "GET", "/v8/RestoreSessions/"+sid+"/Statistics", tok, nil).json(t)
				require.InDelta(t, 5+2+1+1+3+3+2+7, st["restoredItemsCount"], 0)
			}
			n := len(s.Actions())
			base := odPath(v, sid, sd.alice)
			bads := []struct {
				path string
				body any
			}{
				{base + "/restore", nil}, // the body is required
				{base + "/restore", map[string]any{"documentAction": "Replace"}},
				{base + "/restore", map[string]any{"documentAction": ""}},
				{base + "/restore", map[string]any{"officeRegion": "Mars"}},
				{base + "/restore", map[string]any{"applicationId": "not-a-guid"}},
				{base + "/restore", `{"documentAction":`},
				{base + "/Documents/restore", map[string]any{"documentAction": "Keep"}},
				{base + "/Documents/restore", map[string]any{"documents": []any{}}},
				{base + "/Documents/restore", map[string]any{"documents": []any{nil}}},
				{base + "/Documents/restore", map[string]any{"documents": []any{map[string]any{"id": sd.plan.ID()}}}},
				{base + "/Documents/restore", map[string]any{"documents": []any{folderRef(sd.plan)}}}, // no sizeBytes
				{base + "/Folders/restore", map[string]any{"folders": []any{}}},
				{base + "/Folders/restore", map[string]any{"folders": []any{map[string]any{"id": sd.falcon.ID(), "name": "Project Falcon"}}}},
				{base + "/Documents/" + sd.plan.ID() + "/Versions/v2/restore", map[string]any{}},
				{"/" + v + "/RestoreSessions/" + sid + "/Organization/OneDrives/restore", map[string]any{"oneDrives": []any{}}},
				{"/" + v + "/RestoreSessions/" + sid + "/Organization/OneDrives/restore", map[string]any{"oneDrives": []any{map[string]any{"name": "Alice"}}}},
				{base + "/restore", map[string]any{"userCode": "NOPE1234"}}, // not issued by the session
			}
			for _, b := range bads {
				r := do(t, s, "POST", b.path, tok, b.body)
				require.Equal(t, http.StatusBadRequest, r.status, "%s %v: %s", b.path, b.body, r.body)
			}
			nf := []struct {
				path string
				body any
			}{
				{base + "/Documents/restore", map[string]any{"documents": []any{docRef(sd.plan), docRef(sd.falcon)}}},
				{base + "/Folders/restore", map[string]any{"folders": []any{folderRef(sd.plan)}}},
				{base + "/Documents/" + sd.falcon.ID() + "/restore", map[string]any{}},
				{base + "/Folders/" + sd.plan.ID() + "/restore", map[string]any{}},
				{base + "/Documents/" + sd.plan.ID() + "/Versions/4/restore", map[string]any{}},
				{base + "/Documents/" + sd.plan.ID() + "/Versions/0/restore", map[string]any{}},
				{base + "/Folders/" + sd.falcon.ID() + "/Versions/0/restore", map[string]any{}},
				{base + "/Folders/" + sd.falcon.ID() + "/Versions/2/restore", map[string]any{}},
				{odPath(v, sid, sd.bob) + "/Documents/" + sd.plan.ID() + "/restore", map[string]any{}},
				{"/" + v + "/RestoreSessions/" + sid + "/Organization/OneDrives/od-nope/restore", map[string]any{}},
				{"/" + v + "/RestoreSessions/" + sid + "/Organization/OneDrives/restore", map[string]any{"oneDrives": []any{map[string]any{"id": "od-nope"}}}},
			}
			for _, b := range nf {
				r := do(t, s, "POST", b.path, tok, b.body)
				require.Equal(t, http.StatusNotFound, r.status, "%s %v: %s", b.path, b.body, r.body)
			}
			require.Len(t, s.Actions(), n, "refused requests do not act")

			// A device code the session issued is accepted.
			dc := do(t, s, "POST", "/"+v+"/RestoreSessions/"+sid+"/organization/restoreDeviceCode", tok, map[string]any{})
			require.Equal(t, http.StatusOK, dc.status, string(dc.body))
			r := do(t, s, "POST", base+"/restore", tok, map[string]any{"userCode": dc.json(t)["userCode"]})
			require.Equal(t, http.StatusOK, r.status, string(r.body))
			require.Equal(t, dc.json(t)["userCode"], s.Actions()[n].UserCode)

			// Operators get what they get for the mailbox actions: 403.
			op := operatorToken(t, s, v)
			osid := odSession(t, s, v, op, false)
			r = do(t, s, "POST", odPath(v, osid, sd.alice)+"/restore", op, map[string]any{})
			require.Equal(t, http.StatusForbidden, r.status)
			require.Equal(t, do(t, s, "POST", mailboxPath(v, osid, "x")+"/restore", op, map[string]any{}).status, r.status)
			require.Len(t, s.Actions(), n+1)
		})
	}
}

func TestOneDriveCopyTo(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			tok := passwordToken(t, s, v)
			sid := odSession(t, s, v, tok, true)
			sd := seedOneDrives(s)
			body := restoreCreds()
			for k, x := range map[string]any{"onedrive": map[string]any{"id": sd.bob.ID(), "name": "Bob Smith"}, "folder": "Restored from Alice",
				"changedItems": true, "deletedItems": true, "restorePermissions": true, "sendSharedLinksNotification": true,
				"documentVersion": "all", "documentLastVersionAction": "Merge"} {
				body[k] = x
			}
			cases := odCases(v, sid, sd, "copyTo", body)
			require.Len(t, cases, 7)
			for i, c := range cases {
				r := do(t, s, "POST", c.path, tok, c.body)
				requireRestoreAnswer(t, v, sid, c, r)
				if v != "v8" {
					docs := c.scope == vb365test.ScopeDocuments || c.scope == vb365test.ScopeDocument || c.scope == vb365test.ScopeDocumentVersion
					_, restrictions := r.json(t)["failedRestrictionsCount"]
					require.True(t, restrictions)
					if docs {
						require.Nil(t, r.json(t)["failedRestrictionsCount"], "no permissions restored")
					} else {
						require.InDelta(t, 0, r.json(t)["failedRestrictionsCount"], 0)
					}
				}
				acts := s.Actions()
				require.Len(t, acts, i+1)
				a := acts[i]
				requireTarget(t, c, vb365test.ActionCopyTo, a)
				require.Equal(t, sd.bob.ID(), a.TargetOneDrive)
				require.Equal(t, "Restored from Alice", a.TargetFolder)
				require.Equal(t, "All", a.DocumentVersion)
				require.Equal(t, "Merge", a.DocumentLastVersionAction)
				require.Empty(t, a.DocumentAction, "not in the copy bodies")
				docs := c.scope == vb365test.ScopeDocuments || c.scope == vb365test.ScopeDocument || c.scope == vb365test.ScopeDocumentVersion
				require.Equal(t, !docs || v == "v8", a.ChangedItems, "v6/v7 document bodies lack changedItems: %s", c.scope)
				require.Equal(t, !docs || v == "v8", a.DeletedItems, c.scope)
				require.Equal(t, !docs, a.RestorePermissions, c.scope)
				require.Equal(t, !docs, a.SendSharedLinksNotification, c.scope)
				require.Equal(t, []string{"userPassword", "applicationCertificate"}, a.SecretFields)
				noSecrets(t, a)
				ev := events(t, s, v, tok, sid)[i]
				require.Equal(t, "Restore", ev["type"])
				require.Equal(t, sd.bob.ID()+"/Restored from Alice", ev["target"])
			}
			n := len(s.Actions())
			base := odPath(v, sid, sd.alice)
			for _, b := range []any{
				nil,
				map[string]any{"folder": "x"}, // no target OneDrive
				map[string]any{"onedrive": map[string]any{"name": "Bob"}},
				map[string]any{"onedrive": map[string]any{"id": sd.bob.ID()}, "documentVersion": "First"},
				map[string]any{"onedrive": map[string]any{"id": sd.bob.ID()}, "documentLastVersionAction": "Keep"},
				map[string]any{"onedrive": map[string]any{"id": sd.bob.ID()}, "officeRegion": "Moon"},
			} {
				require.Equal(t, http.StatusBadRequest, do(t, s, "POST", base+"/copyTo", tok, b).status, "%v", b)
			}
			require.Equal(t, http.StatusBadRequest, do(t, s, "POST", base+"/Documents/copyTo", tok,
				map[string]any{"onedrive": map[string]any{"id": sd.bob.ID()}}).status, "documents required")
			require.Equal(t, http.StatusNotFound, do(t, s, "POST", base+"/Folders/od-x/copyTo", tok,
				map[string]any{"onedrive": map[string]any{"url": sd.bob.URL}}).status)
			require.Equal(t, http.StatusMethodNotAllowed, do(t, s, "POST", "/"+v+"/RestoreSessions/"+sid+"/Organization/OneDrives/copyTo", tok,
				map[string]any{"onedrive": map[string]any{"url": sd.bob.URL}}).status, "no bulk copy: the OneDrive with ID copyTo, GET only")
			require.Len(t, s.Actions(), n)
			r := do(t, s, "POST", base+"/copyTo", tok, map[string]any{"onedrive": map[string]any{"url": sd.bob.URL}})
			require.Equal(t, http.StatusOK, r.status)
			require.Equal(t, sd.bob.URL, s.Actions()[n].TargetOneDrive, "the url when there is no id")

			op := operatorToken(t, s, v)
			osid := odSession(t, s, v, op, false)
			require.Equal(t, http.StatusForbidden, do(t, s, "POST", odPath(v, osid, sd.alice)+"/copyTo", op,
				map[string]any{"onedrive": map[string]any{"url": sd.bob.URL}}).status)
			require.Len(t, s.Actions(), n+1)
		})
	}
}

func TestOneDriveSave(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			const size = 70_000
			s := newServer(t, vb365test.WithExportSize(size))
			tok := passwordToken(t, s, v)
			sid := odSession(t, s, v, tok, true)
			sd := seedOneDrives(s)
			cases := odCases(v, sid, sd, "save", nil)
			require.Len(t, cases, 7)
			names := map[string]string{
				vb365test.ScopeOneDrive:        "Alice Johnson.zip",
				vb365test.ScopeDocuments:       "Alice Johnson - 2 documents.zip",
				vb365test.ScopeDocument:        "Falcon plan.docx",
				vb365test.ScopeDocumentVersion: "Falcon plan.docx",
				vb365test.ScopeFolders:         "Alice Johnson - 2 folders.zip",
				vb365test.ScopeFolder:          "Documents.zip",
				vb365test.ScopeFolderVersion:   "Project Falcon.zip",
			}
			for i, c := range cases {
				r := do(t, s, "POST", c.path, tok, c.body)
				require.Equal(t, http.StatusOK, r.status, "%s: %s", c.path, r.body)
				require.Equal(t, "application/octet-stream", r.header.Get("Content-Type"))
				require.Equal(t, "bytes", r.header.Get("Accept-Ranges"))
				require.NotEmpty(t, r.header.Get("ETag"))
				require.Contains(t, r.header.Get("Content-Disposition"), names[c.scope], c.scope)
				require.Len(t, r.body, size)
				require.Equal(t, "PK\x03\x04", string(r.body[:4]), "docx and zip files are zips: %s", c.scope)
				acts := s.Actions()
				require.Len(t, acts, i+1)
				a := acts[i]
				requireTarget(t, c, vb365test.ActionSave, a)
				require.Equal(t, names[c.scope], a.FileName)
				require.Equal(t, int64(size), a.Size)
				require.Equal(t, [2]int64{0, size}, [2]int64{a.RangeStart, a.RangeEnd})
				require.Equal(t, r.body, content(t, a))
				ev := events(t, s, v, tok, sid)[i]
				require.Equal(t, "Save", ev["type"])
				require.Equal(t, names[c.scope], ev["target"])
			}
			base := odPath(v, sid, sd.alice)
			// A single document is its own file unless asZip; a text file has no signature.
			r := do(t, s, "POST", base+"/Documents/"+sd.notesTxt.ID()+"/save", tok, map[string]any{"asZip": nil})
			require.Equal(t, http.StatusOK, r.status)
			require.Contains(t, r.header.Get("Content-Disposition"), `filename=Notes.txt`)
			require.NotEqual(t, "PK", string(r.body[:2]))
			r = do(t, s, "POST", base+"/Documents/"+sd.notesTxt.ID()+"/save", tok, map[string]any{"asZip": true})
			require.Equal(t, http.StatusOK, r.status)
			require.Contains(t, r.header.Get("Content-Disposition"), "Notes.txt.zip")
			require.Equal(t, "PK", string(r.body[:2]))
			require.True(t, s.Actions()[len(s.Actions())-1].AsZip)
			r = do(t, s, "POST", base+"/Documents/save", tok, map[string]any{"documents": []any{docRef(sd.offsite)}})
			require.Equal(t, http.StatusOK, r.status)
			require.Contains(t, r.header.Get("Content-Disposition"), "Alice Johnson - Offsite.jpg.zip", "the documents are always zipped")
			r = do(t, s, "POST", base+"/Documents/"+sd.offsite.ID()+"/save", tok, map[string]any{})
			require.Equal(t, "\xff\xd8\xff", string(r.body[:3]), "a JPEG")
			// Versions are other files.
			v2 := do(t, s, "POST", base+"/Documents/"+sd.plan.ID()+"/Versions/2/save", tok, map[string]any{})
			v3 := do(t, s, "POST", base+"/Documents/"+sd.plan.ID()+"/Versions/3/save", tok, map[string]any{})
			require.NotEqual(t, v2.header.Get("ETag"), v3.header.Get("ETag"))
			require.NotEqual(t, v2.body, v3.body)

			n := len(s.Actions())
			for p, b := range map[string]any{
				base + "/Documents/" + sd.plan.ID() + "/save":            nil, // its body is required
				base + "/Documents/save":                                 map[string]any{"documents": []any{}},
				base + "/Folders/save":                                   map[string]any{"folders": []any{docRef(sd.falcon)["id"]}},
				base + "/Documents/" + sd.plan.ID() + "/Versions/x/save": map[string]any{},
			} {
				require.Equal(t, http.StatusBadRequest, do(t, s, "POST", p, tok, b).status, p)
			}
			for p, b := range map[string]any{
				base + "/Documents/" + sd.falcon.ID() + "/save":          map[string]any{},
				base + "/Folders/" + sd.plan.ID() + "/save":              nil,
				base + "/Folders/" + sd.falcon.ID() + "/Versions/2/save": nil,
				base + "/Documents/save":                                 map[string]any{"documents": []any{docRef(sd.plan), docRef(sd.falcon)}},
			} {
				require.Equal(t, http.StatusNotFound, do(t, s, "POST", p, tok, b).status, p)
			}
			require.Len(t, s.Actions(), n)

			// Resume with Range, as the mailbox Save.
			one := base + "/Documents/" + sd.plan.ID() + "/save"
			full := do(t, s, "POST", one, tok, map[string]any{"asZip": false})
			evBefore := len(events(t, s, v, tok, sid))
			res := post(t, s.Client(), s, one, tok, map[string]any{"asZip": false},
				map[string]string{"Range": "bytes=1000-", "If-Range": full.header.Get("ETag")})
			part, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			require.NoError(t, res.Body.Close())
			require.Equal(t, http.StatusPartialContent, res.StatusCode)
			require.Equal(t, "bytes 1000-"+strconv.Itoa(size-1)+"/"+strconv.Itoa(size), res.Header.Get("Content-Range"))
			require.Equal(t, full.body[1000:], part)
			last := s.Actions()[len(s.Actions())-1]
			require.Equal(t, int64(1000), last.RangeStart, "a resumed download is recorded")
			require.Len(t, events(t, s, v, tok, sid), evBefore, "and adds no event")
			res = post(t, s.Client(), s, one, tok, map[string]any{"asZip": false}, map[string]string{"Range": "bytes=" + strconv.Itoa(size) + "-"})
			require.NoError(t, res.Body.Close())
			require.Equal(t, http.StatusRequestedRangeNotSatisfiable, res.StatusCode)
			// A file that changed: If-Range names the old one, the whole new one is answered.
			s.ChangeExports()
			res = post(t, s.Client(), s, one, tok, map[string]any{"asZip": false},
				map[string]string{"Range": "bytes=1000-", "If-Range": full.header.Get("ETag")})
			b, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			require.NoError(t, res.Body.Close())
			require.Equal(t, http.StatusOK, res.StatusCode)
			require.Len(t, b, size)
			require.NotEqual(t, full.body, b)

			// A cut-off body resumes.
			s.InjectFault(vb365test.RouteOneDriveSave, vb365test.DropAfterBytes(12_345))
			res = post(t, s.Client(), s, base+"/save", tok, nil, nil)
			got, err := io.ReadAll(res.Body)
			require.Error(t, err, "the body breaks off")
			require.NoError(t, res.Body.Close())
			require.Len(t, got, 12_345)
			res = post(t, s.Client(), s, base+"/save", tok, nil, map[string]string{"Range": "bytes=12345-", "If-Range": res.Header.Get("ETag")})
			rest, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			require.NoError(t, res.Body.Close())
			require.Equal(t, http.StatusPartialContent, res.StatusCode)
			acts := s.Actions()
			require.Equal(t, content(t, acts[len(acts)-1]), append(got, rest...))

			// SetExportSize applies.
			s.SetExportSize(10)
			require.Len(t, do(t, s, "POST", base+"/Folders/"+sd.falcon.ID()+"/save", tok, nil).body, 10)

			op := operatorToken(t, s, v)
			osid := odSession(t, s, v, op, false)
			require.Equal(t, http.StatusForbidden, do(t, s, "POST", odPath(v, osid, sd.alice)+"/save", op, nil).status)
		})
	}
}

func TestOneDriveSaveExportDelay(t *testing.T) {
	t.Parallel()
	s := newServer(t, vb365test.WithExportSize(10), vb365test.WithExportDelay(time.Hour))
	tok := passwordToken(t, s, "v8")
	sid := odSession(t, s, "v8", tok, true)
	sd := seedOneDrives(s)
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	_, err := doErr(ctx, s.Client(), s.URL, "POST", odPath("v8", sid, sd.alice)+"/save", tok, nil)
	require.Error(t, err, "the first byte waits for the export delay")
	require.Len(t, s.Actions(), 1, "the action is recorded before the wait")
}

func TestOneDriveSend(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			tok := passwordToken(t, s, v)
			sid := odSession(t, s, v, tok, true)
			sd := seedOneDrives(s)
			body := map[string]any{"from": "backup@contoso.com", "to": "alice@contoso.com", "subject": "Your files",
				"text": "Attached.", "skipItemChecks": true}
			cases := odCases(v, sid, sd, "send", body)
			require.Len(t, cases, 7)
			for i, c := range cases {
				r := do(t, s, "POST", c.path, tok, c.body)
				if v == "v8" {
					require.Equal(t, http.StatusNoContent, r.status, "%s: %s", c.path, r.body)
				} else {
					require.Equal(t, http.StatusOK, r.status, "%s: %s", c.path, r.body)
				}
				require.Empty(t, r.body)
				acts := s.Actions()
				require.Len(t, acts, i+1)
				a := acts[i]
				requireTarget(t, c, vb365test.ActionSend, a)
				require.Equal(t, [4]string{"backup@contoso.com", "alice@contoso.com", "Your files", "Attached."}, [4]string{a.From, a.To, a.Subject, a.Text})
				require.True(t, a.SkipItemChecks)
				ev := events(t, s, v, tok, sid)[i]
				require.Equal(t, "Send", ev["type"])
				require.Equal(t, "alice@contoso.com", ev["target"])
			}
			base := odPath(v, sid, sd.alice)
			n := len(s.Actions())
			for p, b := range map[string]any{
				base + "/send": nil,
				base + "/Folders/" + sd.falcon.ID() + "/send": map[string]any{"from": "a@b.c"}, // no recipient
				base + "/Documents/send":                      map[string]any{"to": "a@b.c"},
				base + "/Documents/" + sd.plan.ID() + "/send": `{"to":"a@b.c","skipItemChecks":"yes"}`,
			} {
				require.Equal(t, http.StatusBadRequest, do(t, s, "POST", p, tok, b).status, p)
			}
			require.Equal(t, http.StatusNotFound, do(t, s, "POST", base+"/Documents/"+sd.plan.ID()+"/Versions/9/send", tok, body).status)
			require.Len(t, s.Actions(), n)
			require.Equal(t, http.StatusMethodNotAllowed, do(t, s, "GET", base+"/send", tok, nil).status)
			require.Equal(t, http.StatusNotFound, do(t, s, "POST", base+"/sendToDefaultAddress", tok, body).status, "no such OneDrive action")

			op := operatorToken(t, s, v)
			osid := odSession(t, s, v, op, false)
			require.Equal(t, http.StatusForbidden, do(t, s, "POST", odPath(v, osid, sd.alice)+"/send", op, body).status)
			require.Len(t, s.Actions(), n)
		})
	}
}

// searchNames posts a search and returns the names found and the page.
func searchNames(t *testing.T, s *vb365test.Server, p, tok string, body any) ([]string, map[string]any) {
	t.Helper()
	r := do(t, s, "POST", p, tok, body)
	require.Equal(t, http.StatusOK, r.status, "%s: %s", p, r.body)
	m := r.json(t)
	var names []string
	for _, x := range m["results"].([]any) {
		names = append(names, x.(map[string]any)["name"].(string))
	}
	return names, m
}

func TestOneDriveSearch(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			op := operatorToken(t, s, v)
			sid := odSession(t, s, v, op, false)
			sd := seedOneDrives(s)
			all := "/" + v + "/RestoreSessions/" + sid + "/Organization/OneDrives/search"
			base := odPath(v, sid, sd.alice)
			q := func(query string) map[string]any { return map[string]any{"query": query} }

			names, pg := searchNames(t, s, all, op, q("xlsx"))
			require.Equal(t, []string{"Risk register.xlsx", "Q4 budget.xlsx", "Expenses.xlsx"}, names, "every OneDrive, in seed order")
			_, total := pg["totalCount"]
			require.Equal(t, v != "v8", total)
			item := pg["results"].([]any)[0].(map[string]any)
			require.Equal(t, sd.risk.ID(), item["id"])
			require.Equal(t, base+"/Documents/"+sd.risk.ID(), item["_links"].(map[string]any)["self"].(map[string]any)["href"])
			_, hasDrive := item["oneDriveId"]
			require.Equal(t, v == "v8", hasDrive)

			names, _ = searchNames(t, s, base+"/search", op, q("xlsx"))
			require.Equal(t, []string{"Risk register.xlsx", "Q4 budget.xlsx"}, names, "one OneDrive")
			names, _ = searchNames(t, s, base+"/Folders/"+sd.falcon.ID()+"/search", op, q("name:xlsx"))
			require.Equal(t, []string{"Risk register.xlsx"}, names, "one folder")
			names, _ = searchNames(t, s, base+"/Folders/"+sd.documents.ID()+"/search", op, q("e"))
			require.Equal(t, []string{"Project Falcon", "Risk register.xlsx", "Q4 budget.xlsx"}, names,
				"depth first, without the folder itself")
			names, _ = searchNames(t, s, base+"/search?itemType=folders", op, q("o"))
			require.Equal(t, []string{"Documents", "Project Falcon"}, names)
			names, _ = searchNames(t, s, base+"/search?itemType=Documents", op, q(`ext:.docx`))
			require.Equal(t, []string{"Falcon plan.docx"}, names)
			names, _ = searchNames(t, s, all, op, q(`name:"plan.docx" modified:>=2026-10-01`))
			require.Equal(t, []string{"Falcon plan.docx"}, names)
			names, _ = searchNames(t, s, all, op, q(`author:bob`))
			require.Equal(t, []string{"Documents", "Expenses.xlsx", "Quote.pdf"}, names)
			names, _ = searchNames(t, s, all, op, q(`nothing-like-this`))
			require.Empty(t, names)

			// Result sets page as the mailbox search's.
			names, pg = searchNames(t, s, base+"/search?limit=2", op, q("e"))
			setID := pg["setId"].(string)
			require.Len(t, names, 2)
			for pages := 1; ; pages++ {
				next, ok := pg["_links"].(map[string]any)["next"].(map[string]any)
				if !ok {
					require.Equal(t, 4, pages)
					break
				}
				require.Contains(t, next["href"], "setId="+setID)
				var more []string
				more, pg = searchNames(t, s, next["href"].(string), op, nil) // the body is ignored with a setId
				require.Equal(t, setID, pg["setId"])
				names = append(names, more...)
			}
			all1, _ := searchNames(t, s, base+"/search?limit=100", op, q("e"))
			require.Equal(t, all1, names)
			require.Len(t, names, 7)
			require.Equal(t, http.StatusNotFound, do(t, s, "POST", all+"?setId="+setID, op, nil).status, "a set of another scope")
			require.Equal(t, http.StatusNotFound, do(t, s, "POST", odPath(v, sid, sd.bob)+"/search?setId="+setID, op, nil).status, "another OneDrive's set")
			_, fpg := searchNames(t, s, base+"/Folders/"+sd.falcon.ID()+"/search", op, q("e"))
			fset := fpg["setId"].(string)
			require.Equal(t, http.StatusOK, do(t, s, "POST", base+"/Folders/"+sd.falcon.ID()+"/search?setId="+fset, op, nil).status)
			require.Equal(t, http.StatusNotFound, do(t, s, "POST", base+"/Folders/"+sd.documents.ID()+"/search?setId="+fset, op, nil).status, "another folder's set")
			other := odSession(t, s, v, op, false)
			require.Equal(t, http.StatusNotFound, do(t, s, "POST", odPath(v, other, sd.alice)+"/search?setId="+setID, op, nil).status, "another session's set")
			require.Equal(t, http.StatusNotFound, do(t, s, "POST", mailboxPath(v, sid, "x")+"/search?setId="+setID, op, nil).status)
			require.Equal(t, http.StatusNotFound, do(t, s, "POST", base+"/search?setId=00000000-0000-0000-0000-000000000000", op, nil).status)
			require.Equal(t, http.StatusBadRequest, do(t, s, "POST", base+"/search?setId=nope", op, nil).status)

			for _, b := range []any{nil, q(""), q(`name:`), q(`"open`)} {
				require.Equal(t, http.StatusBadRequest, do(t, s, "POST", all, op, b).status, "%v", b)
			}
			require.Equal(t, http.StatusBadRequest, do(t, s, "POST", all+"?itemType=Files", op, q("a")).status)
			require.Equal(t, http.StatusNotFound, do(t, s, "POST", base+"/Folders/"+sd.plan.ID()+"/search", op, q("a")).status)
			require.Equal(t, http.StatusNotFound, do(t, s, "POST", "/"+v+"/RestoreSessions/"+sid+"/Organization/OneDrives/od-x/search", op, q("a")).status)

			// Administrators search too.
			admin := passwordToken(t, s, v)
			asid := odSession(t, s, v, admin, true)
			names, _ = searchNames(t, s, odPath(v, asid, sd.bob)+"/search", admin, q("pdf"))
			require.Equal(t, []string{"Quote.pdf"}, names)
			require.Empty(t, s.Actions(), "a search is no action")
			require.Equal(t, 10, s.Requests(vb365test.RouteOneDrivesSearch))
		})
	}
}

func TestOneDriveActionFaults(t *testing.T) {
	t.Parallel()
	s := newServer(t, vb365test.WithExportSize(1000), vb365test.WithJournal(100))
	tok := passwordToken(t, s, "v7")
	sid := odSession(t, s, "v7", tok, true)
	sd := seedOneDrives(s)
	base := odPath("v7", sid, sd.alice)
	send := map[string]any{"to": "x@contoso.com"}
	copyTo := map[string]any{"onedrive": map[string]any{"id": sd.bob.ID()}}
	routes := []struct {
		route vb365test.Route
		path  string
		body  any
	}{
		{vb365test.RouteOneDriveRestore, base + "/restore", map[string]any{}},
		{vb365test.RouteOneDriveCopyTo, base + "/Folders/" + sd.falcon.ID() + "/copyTo", copyTo},
		{vb365test.RouteOneDriveSave, base + "/save", nil},
		{vb365test.RouteOneDriveSend, base + "/Documents/" + sd.plan.ID() + "/send", send},
	}
	for _, rt := range routes {
		before := len(s.Actions())
		s.InjectFault(rt.route, vb365test.Respond(http.StatusServiceUnavailable, ""), vb365test.DropBeforeAct(),
			vb365test.ActThenRespond(http.StatusBadGateway, ""), vb365test.DropAfterAct())
		require.Equal(t, http.StatusServiceUnavailable, do(t, s, "POST", rt.path, tok, rt.body).status, rt.route)
		_, err := doErr(t.Context(), s.Client(), s.URL, "POST", rt.path, tok, rt.body)
		require.Error(t, err)
		require.Len(t, s.Actions(), before, "%s: FaultRespond and FaultDropBeforeAct do not execute", rt.route)
		require.Equal(t, http.StatusBadGateway, do(t, s, "POST", rt.path, tok, rt.body).status)
		_, err = doErr(t.Context(), s.Client(), s.URL, "POST", rt.path, tok, rt.body)
		require.Error(t, err)
		require.Len(t, s.Actions(), before+2, "%s: the act-then faults execute", rt.route)
		require.Equal(t, 4, s.Requests(rt.route))
		require.Zero(t, s.PendingFaults(rt.route))
	}
	var faulted []string
	for _, e := range s.Journal(0) {
		if e.Fault != "" {
			faulted = append(faulted, string(e.Route))
		}
	}
	require.Len(t, faulted, 16)
	require.Contains(t, faulted, string(vb365test.RouteOneDriveSave))

	// Routes lists the new routes, and the control API takes their names.
	for _, r := range []vb365test.Route{vb365test.RouteOneDriveDocumentVersion, vb365test.RouteOneDriveFolderVersions,
		vb365test.RouteOneDriveFolderVersion, vb365test.RouteOneDriveOperatorRestore, vb365test.RouteOneDriveRestore,
		vb365test.RouteOneDriveCopyTo, vb365test.RouteOneDriveSave, vb365test.RouteOneDriveSend,
		vb365test.RouteOneDrivesSearch, vb365test.RouteOneDriveSearch, vb365test.RouteOneDriveFolderSearch} {
		require.True(t, slices.Contains(vb365test.Routes(), r), r)
	}
	ctl := newServer(t, vb365test.WithControlAPI())
	r := do(t, ctl, "POST", vb365test.ControlPrefix+"faults", "", map[string]any{"route": "onedrivesave", "kind": "respond", "status": 503})
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	require.Equal(t, 1, ctl.PendingFaults(vb365test.RouteOneDriveSave))
	r = do(t, ctl, "POST", vb365test.ControlPrefix+"faults", "", map[string]any{
		"path": "/v8/RestoreSessions/x/Organization/OneDrives/od-1/Folders/f/Versions/3/copyTo", "kind": "dropBeforeAct"})
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	require.Equal(t, 1, ctl.PendingFaults(vb365test.RouteOneDriveCopyTo))
}

func TestOneDriveActionsControlCounters(t *testing.T) {
	t.Parallel()
	s := newServer(t, vb365test.WithControlAPI(), vb365test.WithExportSize(10))
	tok := passwordToken(t, s, "v6")
	sid := odSession(t, s, "v6", tok, true)
	sd := seedOneDrives(s)
	base := odPath("v6", sid, sd.alice)
	require.Equal(t, http.StatusOK, do(t, s, "POST", base+"/copyTo", tok, map[string]any{"onedrive": map[string]any{"id": sd.bob.ID()}}).status)
	require.Equal(t, http.StatusOK, do(t, s, "POST", base+"/send", tok, map[string]any{"to": "a@contoso.com"}).status)
	require.Equal(t, http.StatusOK, do(t, s, "POST", base+"/save", tok, nil).status)
	c := do(t, s, "GET", vb365test.ControlPrefix+"counters", "", nil).json(t)
	assert.InDelta(t, 1, c["restores"].(map[string]any)["copyTo"], 0)
	assert.InDelta(t, 1, c["sends"].(map[string]any)["send"], 0)
	assert.InDelta(t, 1, c["exports"].(map[string]any)["save"], 0)
	acts := do(t, s, "GET", vb365test.ControlPrefix+"actions", "", nil).json(t)["actions"].([]any)
	require.Len(t, acts, 3)
	assert.Equal(t, sd.alice.ID(), acts[0].(map[string]any)["oneDriveId"])
	assert.Equal(t, sd.bob.ID(), acts[0].(map[string]any)["targetOneDrive"])
}

func TestOneDriveSaveChaos(t *testing.T) {
	t.Parallel()
	s := newServer(t, vb365test.WithExportSize(100_000), vb365test.WithJournal(100))
	tok := passwordToken(t, s, "v8")
	sid := odSession(t, s, "v8", tok, true)
	p := odPath("v8", sid, seedOneDrives(s).alice) + "/save"
	s.SetChaos(1, 7)
	for range 30 {
		_, _ = doErr(t.Context(), s.Client(), s.URL, "POST", p, tok, nil)
	}
	kinds := map[string]int{}
	for _, e := range s.Journal(0) {
		if e.Route == vb365test.RouteOneDriveSave {
			require.True(t, e.Chaos)
			kind, _, _ := strings.Cut(e.Fault, " ")
			kinds[kind]++
		}
	}
	require.Positive(t, kinds["dropAfterBytes"], "chaos cuts OneDrive downloads off too: %v", kinds)
}
