package vb365test_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365/vb365test"
)

// createdStatus is the explore status of version v.
func createdStatus(v string) int {
	if v == "v8" {
		return http.StatusCreated
	}
	return http.StatusOK
}

// adminSession opens a session with Organization/Explore and returns the
// administrator token and the session ID.
func adminSession(t *testing.T, s *vb365test.Server, v string) (string, string) {
	t.Helper()
	tok := passwordToken(t, s, v)
	r := do(t, s, "POST", "/"+v+"/Organization/Explore", tok, map[string]any{"dateTime": "2026-12-01T00:00:00Z", "type": "Vex"})
	require.Equal(t, createdStatus(v), r.status, string(r.body))
	return tok, r.json(t)["id"].(string)
}

func events(t *testing.T, s *vb365test.Server, v, tok, sid string) []map[string]any {
	t.Helper()
	r := do(t, s, "GET", "/"+v+"/RestoreSessions/"+sid+"/Events?limit=1000", tok, nil)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	var out []map[string]any
	for _, e := range r.json(t)["results"].([]any) {
		out = append(out, e.(map[string]any))
	}
	return out
}

func TestAdminExplore(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			org := s.Organization()
			pw := passwordToken(t, s, v)
			op := operatorToken(t, s, v)
			body := map[string]any{"dateTime": "2026-12-01T00:00:00Z", "type": "Vex", "showDeleted": true,
				"repositoryId": "0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9"}
			paths := map[vb365test.Route]string{
				vb365test.RouteExplore:             "/" + v + "/Organization/Explore",
				vb365test.RouteOrganizationExplore: "/" + v + "/Organizations/" + org.ID() + "/explore",
			}
			for route, p := range paths {
				// Operators are refused; the body is required and checked.
				require.Equal(t, http.StatusForbidden, do(t, s, "POST", p, op, body).status, p)
				require.Equal(t, http.StatusBadRequest, do(t, s, "POST", p, pw, nil).status, p)
				require.Equal(t, http.StatusBadRequest, do(t, s, "POST", p, pw, `{"type":"Nope"}`).status, p)
				require.Equal(t, http.StatusBadRequest, do(t, s, "POST", p, pw, `{"dateTime":"yesterday"}`).status, p)
				require.Equal(t, http.StatusUnauthorized, do(t, s, "POST", p, "", body).status, p)

				r := do(t, s, "POST", p, pw, body)
				require.Equal(t, createdStatus(v), r.status, string(r.body))
				m := r.json(t)
				require.Equal(t, "Working", m["state"])
				require.Equal(t, "Vex", m["type"])
				require.Equal(t, vb365test.DefaultUsername, m["initiatedBy"])
				require.Equal(t, "Contoso", m["organization"])
				if v == "v8" {
					require.Equal(t, m["_links"].(map[string]any)["self"].(map[string]any)["href"], r.header.Get("Location"))
				}
				sessions := s.Sessions()
				last := sessions[len(sessions)-1]
				require.Equal(t, m["id"], last.ID)
				require.Equal(t, route, last.Route)
				wantRepo := ""
				if v == "v8" && route == vb365test.RouteOrganizationExplore {
					wantRepo = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
				}
				require.Equal(t, wantRepo, last.RepositoryID)
				// The session browses like an operator's.
				mbs := do(t, s, "GET", "/"+v+"/RestoreSessions/"+last.ID+"/organization/mailboxes", pw, nil)
				require.Equal(t, http.StatusOK, mbs.status)
				require.Len(t, mbs.json(t)["results"], len(org.Mailboxes()))
			}
			// Organization IDs: case-insensitive; unknown ones are 404.
			require.Equal(t, createdStatus(v), do(t, s, "POST", "/"+v+"/organizations/"+strings.ToUpper(org.ID())+"/Explore", pw, body).status)
			require.Equal(t, http.StatusNotFound, do(t, s, "POST", "/"+v+"/Organizations/00000000-0000-0000-0000-000000000000/explore", pw, body).status)
			if v == "v8" {
				bad := do(t, s, "POST", paths[vb365test.RouteOrganizationExplore], pw, map[string]any{"repositoryId": "nope"})
				require.Equal(t, http.StatusBadRequest, bad.status)
				require.Equal(t, "ParameterValidationFailure", bad.json(t)["errorCode"])
			}
			require.Equal(t, 6, s.Requests(vb365test.RouteExplore))
			require.Len(t, s.Sessions(), 3)
			require.Equal(t, http.StatusMethodNotAllowed, do(t, s, "GET", "/"+v+"/Organization/Explore", pw, nil).status)
		})
	}
}

func TestGetItemAndFolder(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			op := operatorToken(t, s, v)
			sid := explore(t, s, v, op)
			alice := s.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
			projects := alice.Folder("Inbox/Projects")
			it := projects.Items()[1]
			mp := mailboxPath(v, sid, alice.ID())

			r := do(t, s, "GET", mp+"/items/"+url.PathEscape(it.ID()), op, nil)
			require.Equal(t, http.StatusOK, r.status, string(r.body))
			m := r.json(t)
			require.Equal(t, it.ID(), m["id"])
			require.Equal(t, "Falcon milestones", m["subject"])
			require.Equal(t, "IPM.Note", m["itemClass"])
			lp := linkPath(v, sid, alice.ID())
			require.Equal(t, lp+"/items/"+url.PathEscape(it.ID()), m["_links"].(map[string]any)["self"].(map[string]any)["href"])
			require.Equal(t, lp+"/folders/"+url.PathEscape(projects.ID()), m["_links"].(map[string]any)["folder"].(map[string]any)["href"])
			require.Equal(t, lp, m["_links"].(map[string]any)["mailbox"].(map[string]any)["href"])
			_, hasMbx := m["mailboxId"]
			require.Equal(t, v == "v8", hasMbx)
			require.Equal(t, http.StatusNotFound, do(t, s, "GET", mp+"/items/nope", op, nil).status)

			f := do(t, s, "GET", mp+"/folders/"+url.PathEscape(projects.ID()), op, nil)
			require.Equal(t, http.StatusOK, f.status)
			fm := f.json(t)
			require.Equal(t, "Projects", fm["name"])
			require.Equal(t, lp+"/folders/"+url.PathEscape(alice.Folder("Inbox").ID()), fm["_links"].(map[string]any)["parent"].(map[string]any)["href"])
			require.Equal(t, http.StatusNotFound, do(t, s, "GET", mp+"/folders/nope", op, nil).status)
			require.Equal(t, 2, s.Requests(vb365test.RouteItem))
			require.Equal(t, 2, s.Requests(vb365test.RouteFolder))
		})
	}
}

// actionCase is one action request.
type actionCase struct {
	route vb365test.Route
	kind  string
	scope string
	path  string // under the mailbox path; "" for the bulk restore
	body  any
}

func itemsBody(ids ...string) map[string]any {
	items := make([]map[string]string, len(ids))
	for i, id := range ids {
		items[i] = map[string]string{"id": id}
	}
	return map[string]any{"items": items}
}

func with(m map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

// allActionCases lists every action route and scope of the spec.
func allActionCases(s *vb365test.Server) []actionCase {
	alice := s.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
	inbox := alice.Folder("Inbox")
	a, b := inbox.Items()[0].ID(), inbox.Items()[1].ID()
	one := "/items/" + url.PathEscape(a)
	fold := "/folders/" + url.PathEscape(inbox.ID())
	creds := map[string]any{"userName": "restore@contoso.onmicrosoft.com", "userPassword": "S3cret-Passw0rd!",
		"applicationCertificate": "QkFTRTY0LVBGWC1TRUNSRVQ=", "applicationCertificatePassword": "Cert-Secret-9"}
	to := with(creds, "mailbox", "bob@contoso.onmicrosoft.com", "folder", "Recovered", "changedItems", true,
		"officeRegion", "worldwide", "excludeDrafts", true)
	send := map[string]any{"from": "it@contoso.onmicrosoft.com", "to": "carol@contoso.onmicrosoft.com", "subject": "Your mail", "text": "See attached."}
	return []actionCase{
		{vb365test.RouteRestore, vb365test.ActionRestore, vb365test.ScopeItems, "/items/restore", with(itemsBody(a, b), "userName", "restore@contoso.onmicrosoft.com", "userPassword", "S3cret-Passw0rd!")},
		{vb365test.RouteRestore, vb365test.ActionRestore, vb365test.ScopeItem, one + "/restore", creds},
		{vb365test.RouteRestore, vb365test.ActionRestore, vb365test.ScopeFolder, fold + "/restore", creds},
		{vb365test.RouteRestore, vb365test.ActionRestore, vb365test.ScopeMailbox, "/restore", creds},
		{vb365test.RouteRestore, vb365test.ActionRestore, vb365test.ScopeMailboxes, "", map[string]any{
			"mailboxes":         []map[string]any{{"id": alice.ID()}, {"email": "bob@contoso.onmicrosoft.com"}},
			"office365UserName": "admin@contoso.onmicrosoft.com", "office365UserPassword": "S3cret-Passw0rd!", "skipUnresolved": true}},
		{vb365test.RouteRestoreTo, vb365test.ActionRestoreTo, vb365test.ScopeItems, "/items/restoreTo", with(to, "items", itemsBody(a)["items"])},
		{vb365test.RouteRestoreTo, vb365test.ActionRestoreTo, vb365test.ScopeItem, one + "/restoreTo", to},
		{vb365test.RouteRestoreTo, vb365test.ActionRestoreTo, vb365test.ScopeFolder, fold + "/restoreTo", to},
		{vb365test.RouteRestoreTo, vb365test.ActionRestoreTo, vb365test.ScopeMailbox, "/restoreTo", to},
		{vb365test.RouteExportToPst, vb365test.ActionExportToPst, vb365test.ScopeItems, "/items/exportToPst", with(itemsBody(a, b), "enablePstSizeLimit", false)},
		{vb365test.RouteExportToPst, vb365test.ActionExportToPst, vb365test.ScopeItem, one + "/exportToPst", map[string]any{}},
		{vb365test.RouteExportToPst, vb365test.ActionExportToPst, vb365test.ScopeFolder, fold + "/exportToPst", map[string]any{"contentKeyword": "budget"}},
		{vb365test.RouteExportToPst, vb365test.ActionExportToPst, vb365test.ScopeMailbox, "/exportToPst", map[string]any{"enablePstSizeLimit": true, "pstSizeLimitBytes": 1 << 30}},
		{vb365test.RouteSave, vb365test.ActionSave, vb365test.ScopeItems, "/items/Save", itemsBody(a, b)},
		{vb365test.RouteSave, vb365test.ActionSave, vb365test.ScopeItem, one + "/save", nil},
		{vb365test.RouteSendToDefaultAddress, vb365test.ActionSendToDefaultAddress, vb365test.ScopeItems, "/items/sendToDefaultAddress", itemsBody(a, b)},
		{vb365test.RouteSendToDefaultAddress, vb365test.ActionSendToDefaultAddress, vb365test.ScopeItem, one + "/sendToDefaultAddress", nil},
		{vb365test.RouteSendToDifferentAddress, vb365test.ActionSendToDifferentAddress, vb365test.ScopeItems, "/items/sendToDifferentAddress", with(send, "items", itemsBody(a)["items"])},
		{vb365test.RouteSendToDifferentAddress, vb365test.ActionSendToDifferentAddress, vb365test.ScopeItem, one + "/sendToDifferentAddress", send},
	}
}

func (ac actionCase) url(v, sid, mailboxID string) string {
	if ac.scope == vb365test.ScopeMailboxes {
		return "/" + v + "/RestoreSessions/" + sid + "/organization/mailboxes/restore"
	}
	return mailboxPath(v, sid, mailboxID) + ac.path
}

func TestActions(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, vb365test.WithExportSize(1000))
			alice := s.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
			inbox := alice.Folder("Inbox")
			tok, sid := adminSession(t, s, v)
			op := operatorToken(t, s, v)
			cases := allActionCases(s)
			for i, ac := range cases {
				name := ac.kind + "/" + ac.scope
				p := ac.url(v, sid, alice.ID())
				// Operators may not act.
				require.Equal(t, http.StatusForbidden, do(t, s, "POST", p, op, ac.body).status, name)
				r := do(t, s, "POST", p, tok, ac.body)
				switch ac.kind {
				case vb365test.ActionRestore, vb365test.ActionRestoreTo:
					require.Equal(t, http.StatusOK, r.status, name+": "+string(r.body))
					m := r.json(t)
					if v == "v8" {
						require.Equal(t, map[string]any{"sessionId": sid}, m, name)
						break
					}
					switch ac.scope {
					case vb365test.ScopeMailboxes:
						require.Equal(t, "Success", m["status"], name)
						details := m["details"].([]any)
						require.Len(t, details, 2)
						d0 := details[0].(map[string]any)
						require.Equal(t, alice.Email, d0["mailbox"].(map[string]any)["email"])
						require.Equal(t, float64(22), d0["details"].(map[string]any)["createdItemsCount"])
					default:
						for _, k := range []string{"createdItemsCount", "mergedItemsCount", "failedItemsCount", "skippedItemsCount", "exceptions", "warnings", "cannotContinueError"} {
							require.Contains(t, m, k, name)
						}
						_, hasFolders := m["failedFoldersCount"]
						require.Equal(t, ac.scope == vb365test.ScopeFolder || ac.scope == vb365test.ScopeMailbox, hasFolders, name)
						created := map[string]float64{vb365test.ScopeItems: 2, vb365test.ScopeItem: 1, vb365test.ScopeFolder: 15, vb365test.ScopeMailbox: 22}[ac.scope]
						if ac.kind == vb365test.ActionRestoreTo && ac.scope == vb365test.ScopeItems {
							created = 1
						}
						require.Equal(t, created, m["createdItemsCount"], name)
					}
				case vb365test.ActionSendToDefaultAddress, vb365test.ActionSendToDifferentAddress:
					want := http.StatusOK
					if v == "v8" {
						want = http.StatusNoContent
					}
					require.Equal(t, want, r.status, name)
					require.Empty(t, r.body, name)
				default:
					require.Equal(t, http.StatusOK, r.status, name+": "+string(r.body))
					require.Equal(t, "application/octet-stream", r.header.Get("Content-Type"), name)
					require.Equal(t, "1000", r.header.Get("Content-Length"), name)
					require.Len(t, r.body, 1000, name)
				}
				// Never echo secrets.
				require.NotContains(t, string(r.body), "S3cret", name)
				// Recorded, with an event.
				acts := s.Actions()
				require.Len(t, acts, i+1, name)
				a := acts[i]
				require.Equal(t, ac.kind, a.Kind, name)
				require.Equal(t, ac.scope, a.Scope, name)
				require.Equal(t, sid, a.SessionID, name)
				require.Equal(t, v, a.APIVersion, name)
				if ac.scope == vb365test.ScopeMailboxes {
					require.Empty(t, a.MailboxID)
					require.Equal(t, []string{alice.ID(), s.Organization().MailboxByEmail("bob@contoso.onmicrosoft.com").ID()}, a.MailboxIDs)
				} else {
					require.Equal(t, alice.ID(), a.MailboxID, name)
				}
				if ac.scope == vb365test.ScopeFolder {
					require.Equal(t, inbox.ID(), a.FolderID)
					require.Equal(t, 15, a.Items)
				}
				evs := events(t, s, v, tok, sid)
				require.Len(t, evs, i+1, name)
				e := evs[i]
				wantType := map[string]string{vb365test.ActionRestore: "Restore", vb365test.ActionRestoreTo: "Restore",
					vb365test.ActionExportToPst: "Export", vb365test.ActionSave: "Save",
					vb365test.ActionSendToDefaultAddress: "Send", vb365test.ActionSendToDifferentAddress: "Send"}[ac.kind]
				require.Equal(t, wantType, e["type"], name)
				require.Equal(t, "Success", e["status"], name)
				require.Equal(t, float64(i+1), e["order"], name)
				evJSON, _ := json.Marshal(e)
				require.NotContains(t, string(evJSON), "S3cret", name)
				require.Equal(t, 2, s.Requests(ac.route)-countRoute(cases[:i], ac.route)*2, name)
			}
			// Secrets are named, never kept.
			acts := s.Actions()
			require.NotContains(t, fmt.Sprintf("%+v %#v", acts, acts), "S3cret")
			require.NotContains(t, fmt.Sprintf("%+v", acts), "Cert-Secret")
			require.Equal(t, []string{"userPassword"}, acts[0].SecretFields)
			require.Equal(t, "restore@contoso.onmicrosoft.com", acts[0].UserName)
			require.Equal(t, []string{"userPassword", "applicationCertificate", "applicationCertificatePassword"}, acts[1].SecretFields)
			require.Equal(t, []string{"office365UserPassword"}, acts[4].SecretFields)
			require.True(t, acts[4].SkipUnresolved)
			rt := acts[5]
			require.Equal(t, "bob@contoso.onmicrosoft.com", rt.TargetMailbox)
			require.Equal(t, "Recovered", rt.TargetFolder)
			require.Equal(t, "Worldwide", rt.OfficeRegion)
			require.True(t, rt.ChangedItems)
			require.True(t, rt.ExcludeDrafts)
			require.False(t, rt.DeletedItems)
			require.Equal(t, "budget", acts[11].ContentKeyword)
			require.Equal(t, int64(1<<30), acts[12].PSTSizeLimitBytes)
			require.Equal(t, "carol@contoso.onmicrosoft.com", acts[17].To)
			require.Equal(t, "Your mail", acts[17].Subject)
			require.Equal(t, 4, s.ActionCount(vb365test.ActionRestoreTo))
			require.Equal(t, 5, s.ActionCount(vb365test.ActionRestore))
			require.Equal(t, 4, s.ActionCount(vb365test.ActionExportToPst))
			require.Equal(t, 2, s.ActionCount(vb365test.ActionSave))
			require.Equal(t, len(cases), s.ActionCount(""))
			require.Equal(t, 0, s.RestoreCount(), "operatorRestore bookkeeping is separate")
		})
	}
}

func countRoute(cases []actionCase, r vb365test.Route) int {
	n := 0
	for _, c := range cases {
		if c.route == r {
			n++
		}
	}
	return n
}

func TestActionValidation(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	v := "v7"
	alice := s.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
	inbox := alice.Folder("Inbox")
	a := inbox.Items()[0].ID()
	tok, sid := adminSession(t, s, v)
	mp := mailboxPath(v, sid, alice.ID())
	for _, tc := range []struct {
		path string
		body any
		want int
	}{
		{"/items/restore", nil, http.StatusBadRequest},
		{"/items/restore", map[string]any{}, http.StatusBadRequest},
		{"/items/restore", map[string]any{"items": []map[string]string{{"id": ""}}}, http.StatusBadRequest},
		{"/items/restore", itemsBody(a, "unknown"), http.StatusNotFound},
		{"/items/restore", with(itemsBody(a), "applicationId", "not-a-guid"), http.StatusBadRequest},
		{"/items/restore", `{"items":[{"id":`, http.StatusBadRequest},
		{"/items/restoreTo", itemsBody(a), http.StatusBadRequest}, // no target mailbox
		{"/items/restoreTo", with(itemsBody(a), "mailbox", "x@y", "officeRegion", "Mars"), http.StatusBadRequest},
		{"/items/sendToDifferentAddress", itemsBody(a), http.StatusBadRequest}, // no to
		{"/items/exportToPst", with(itemsBody(a), "enablePstSizeLimit", true), http.StatusBadRequest},
		{"/items/Save", map[string]any{"items": []any{}}, http.StatusBadRequest},
		{"/items/nope/restore", map[string]any{}, http.StatusNotFound},
		{"/folders/nope/restore", map[string]any{}, http.StatusNotFound},
		// Not in any spec: folder and mailbox save/send.
		{"/folders/" + url.PathEscape(inbox.ID()) + "/save", map[string]any{}, http.StatusNotFound},
		{"/folders/" + url.PathEscape(inbox.ID()) + "/sendToDefaultAddress", map[string]any{}, http.StatusNotFound},
		{"/save", map[string]any{}, http.StatusNotFound},
		{"/sendToDefaultAddress", map[string]any{}, http.StatusNotFound},
	} {
		r := do(t, s, "POST", mp+tc.path, tok, tc.body)
		require.Equal(t, tc.want, r.status, "%s %v: %s", tc.path, tc.body, r.body)
	}
	bulk := "/" + v + "/RestoreSessions/" + sid + "/organization/mailboxes/restore"
	require.Equal(t, http.StatusBadRequest, do(t, s, "POST", bulk, tok, map[string]any{"mailboxes": []any{}}).status)
	require.Equal(t, http.StatusBadRequest, do(t, s, "POST", bulk, tok, map[string]any{"mailboxes": []any{map[string]any{}}}).status)
	require.Equal(t, http.StatusNotFound, do(t, s, "POST", bulk, tok, map[string]any{"mailboxes": []any{map[string]any{"id": "00000000-0000-0000-0000-000000000000"}}}).status)
	require.Equal(t, http.StatusNotFound, do(t, s, "POST", mailboxPath(v, sid, "00000000-0000-0000-0000-000000000000")+"/restore", tok, map[string]any{}).status)
	require.Equal(t, http.StatusMethodNotAllowed, do(t, s, "GET", mp+"/items/restore", tok, nil).status)
	require.Equal(t, 0, s.ActionCount(""))
	require.Empty(t, events(t, s, v, tok, sid))

	// A stopped session acts no more.
	require.Equal(t, http.StatusOK, do(t, s, "POST", "/"+v+"/RestoreSessions/"+sid+"/Stop", tok, nil).status)
	require.Equal(t, http.StatusInternalServerError, do(t, s, "POST", mp+"/items/restore", tok, itemsBody(a)).status)
	require.Equal(t, 0, s.ActionCount(""))
}

func TestActionFaults(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	v := "v8"
	alice := s.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
	a := alice.Folder("Inbox").Items()[0].ID()
	tok, sid := adminSession(t, s, v)
	p := mailboxPath(v, sid, alice.ID()) + "/items/restore"
	s.InjectFault(vb365test.RouteRestore, vb365test.Respond(http.StatusServiceUnavailable, `{"message":"busy"}`),
		vb365test.ActThenRespond(http.StatusBadGateway, ""))
	require.Equal(t, http.StatusServiceUnavailable, do(t, s, "POST", p, tok, itemsBody(a)).status)
	require.Equal(t, 0, s.ActionCount(vb365test.ActionRestore))
	require.Equal(t, http.StatusBadGateway, do(t, s, "POST", p, tok, itemsBody(a)).status)
	require.Equal(t, 1, s.ActionCount(vb365test.ActionRestore))
	require.Len(t, events(t, s, v, tok, sid), 1)
	require.Equal(t, http.StatusOK, do(t, s, "POST", p, tok, itemsBody(a)).status)
	require.Equal(t, 3, s.Requests(vb365test.RouteRestore))
	require.Equal(t, 2, s.ActionCount(""))
}

func TestProtectedAdminRoutesNeedToken(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	sid := "11111111-1111-1111-1111-111111111111"
	mb := mailboxPath("v8", sid, "22222222-2222-2222-2222-222222222222")
	for _, p := range []string{
		"/v8/Organization/Explore", "/v8/Organizations/" + s.Organization().ID() + "/explore",
		"/v8/RestoreSessions/" + sid + "/organization/mailboxes/search", mb + "/search", mb + "/folders/f/search",
		"/v8/RestoreSessions/" + sid + "/organization/mailboxes/restore",
		mb + "/restore", mb + "/restoreTo", mb + "/exportToPst", mb + "/folders/f/restore", mb + "/folders/f/exportToPst",
		mb + "/items/restore", mb + "/items/Save", mb + "/items/i/save", mb + "/items/sendToDifferentAddress",
		mb + "/items/i/sendToDefaultAddress",
	} {
		r := do(t, s, "POST", p, "", nil)
		require.Equal(t, http.StatusUnauthorized, r.status, p)
		require.Equal(t, "ResourceAccessDenied", r.json(t)["errorCode"], p)
	}
}

func TestStatisticsCountRestores(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			alice := s.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
			items := alice.Folder("Inbox").Items()
			tok, sid := adminSession(t, s, v)
			stats := "/" + v + "/RestoreSessions/" + sid + "/Statistics"
			if v != "v8" {
				require.Equal(t, http.StatusNotFound, do(t, s, "GET", stats, tok, nil).status, "v8 only")
				return
			}
			empty := do(t, s, "GET", stats, tok, nil)
			require.Equal(t, http.StatusOK, empty.status, string(empty.body))
			require.Equal(t, float64(0), empty.json(t)["restoredItemsCount"])
			for _, ids := range [][]string{{items[0].ID(), items[1].ID()}, {items[2].ID()}} {
				r := do(t, s, "POST", mailboxPath(v, sid, alice.ID())+"/items/restore", tok, itemsBody(ids...))
				require.Equal(t, http.StatusOK, r.status, string(r.body))
			}
			m := do(t, s, "GET", stats, tok, nil).json(t)
			require.Equal(t, float64(3), m["restoredItemsCount"])
			require.Equal(t, float64(3), m["totalItemsCount"])
			details := m["items"].([]any)
			require.Len(t, details, 2, "one detail per restore")
			require.Equal(t, float64(2), details[0].(map[string]any)["createdMailboxItemsCount"])
			require.Equal(t, alice.Email, details[1].(map[string]any)["mailboxEmail"])
			require.Equal(t, http.StatusNotFound, do(t, s, "GET", "/v8/RestoreSessions/no-such/Statistics", tok, nil).status)
		})
	}
}
