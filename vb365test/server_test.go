package vb365test_test

import (
	"context"
	"crypto/tls"
	"github.com/stretchr/testify/require"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vb365-go/vb365/vb365test"
)

var sevenDigits = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$`)

func TestTokenGrants(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			form := passwordForm()
			if v != "v6" {
				form.Set("disable_antiforgery_token", "true")
			}
			r := grant(t, s, v, form)
			require.Equal(t, http.StatusOK, r.status)
			require.Contains(t, r.header.Get("Content-Type"), "application/json")
			m := r.json(t)
			require.Equal(t, "bearer", m["token_type"])
			require.Equal(t, float64(3600), m["expires_in"])
			require.Equal(t, vb365test.DefaultUsername, m["userName"])
			require.True(t, sevenDigits.MatchString(m[".issued"].(string)), m[".issued"])
			require.True(t, sevenDigits.MatchString(m[".expires"].(string)))
			require.NotEmpty(t, m["access_token"])
			rt := m["refresh_token"].(string)

			// Operator grant.
			op := grant(t, s, v, operatorForm())
			require.Equal(t, http.StatusOK, op.status)

			// Rotation: a refresh returns a new pair and burns the old refresh token.
			r2 := grant(t, s, v, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
			require.Equal(t, http.StatusOK, r2.status, string(r2.body))
			m2 := r2.json(t)
			require.NotEqual(t, rt, m2["refresh_token"])
			require.NotEqual(t, m["access_token"], m2["access_token"])
			reuse := grant(t, s, v, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
			require.Equal(t, http.StatusBadRequest, reuse.status)
			require.Equal(t, "invalid_grant", reuse.json(t)["error"])
			r3 := grant(t, s, v, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {m2["refresh_token"].(string)}})
			require.Equal(t, http.StatusOK, r3.status)
			// The refreshed access token works.
			require.Equal(t, http.StatusOK, do(t, s, "GET", "/"+v+"/ServiceInstance", r3.json(t)["access_token"].(string), nil).status)

			// Bad credentials: 400 invalid_grant, secret never echoed.
			bad := grant(t, s, v, url.Values{"grant_type": {"password"}, "username": {vb365test.DefaultUsername}, "password": {"s3cret-wrong"}})
			require.Equal(t, http.StatusBadRequest, bad.status)
			require.Equal(t, "invalid_grant", bad.json(t)["error"])
			require.NotContains(t, string(bad.body), "s3cret-wrong")
			badOp := grant(t, s, v, url.Values{"grant_type": {"operator"}, "client_id": {vb365test.DefaultOperatorClientID}, "assertion": {"nope-assert"}})
			require.Equal(t, http.StatusBadRequest, badOp.status)
			require.NotContains(t, string(badOp.body), "nope-assert")
			uns := grant(t, s, v, url.Values{"grant_type": {"client_credentials"}})
			require.Equal(t, http.StatusBadRequest, uns.status)
			require.Equal(t, "invalid_grant", uns.json(t)["error"])
			unknownRT := grant(t, s, v, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"xyz"}})
			require.Equal(t, http.StatusBadRequest, unknownRT.status)

			// JSON body is refused: form only.
			js := do(t, s, "POST", "/"+v+"/token", "", `{"grant_type":"password"}`)
			require.Equal(t, http.StatusBadRequest, js.status)
			require.Equal(t, "invalid_request", js.json(t)["error"])

			require.Equal(t, 10, s.TokenRequests())
			require.Equal(t, 10, s.Requests(vb365test.RouteToken))
		})
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	tok := passwordToken(t, s, "v6")
	require.Equal(t, http.StatusNotFound, do(t, s, "POST", "/v6/token/logout", tok, nil).status)
	for v, want := range map[string]int{"v7": http.StatusOK, "v8": http.StatusNoContent} {
		a, rt := tokenPair(t, s, v, passwordForm())
		r := do(t, s, "POST", "/"+v+"/token/logout", a, nil)
		require.Equal(t, want, r.status)
		require.Len(t, r.body, 0)
		require.Equal(t, http.StatusUnauthorized, do(t, s, "GET", "/"+v+"/ServiceInstance", a, nil).status)
		require.Equal(t, http.StatusBadRequest, grant(t, s, v, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}).status)
	}
	require.Equal(t, http.StatusUnauthorized, do(t, s, "POST", "/v8/token/logout", "", nil).status)
	require.Equal(t, 3, s.Requests(vb365test.RouteLogout))
}

func TestTokenExpiryWithClock(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{t: time.Date(2026, 11, 20, 10, 15, 30, 123456700, time.UTC)}
	s := newServer(t, vb365test.WithClock(clk.Now), vb365test.WithTokenLifetime(10*time.Minute),
		vb365test.WithRefreshTokenLifetime(time.Hour))
	r := grant(t, s, "v8", passwordForm())
	m := r.json(t)
	require.Equal(t, float64(600), m["expires_in"])
	require.Equal(t, "2026-11-20T10:15:30.1234567Z", m[".issued"])
	require.Equal(t, "2026-11-20T10:25:30.1234567Z", m[".expires"])
	a, rt := m["access_token"].(string), m["refresh_token"].(string)
	require.Equal(t, http.StatusOK, do(t, s, "GET", "/v8/ServiceInstance", a, nil).status)
	clk.Advance(10 * time.Minute)
	e := do(t, s, "GET", "/v8/ServiceInstance", a, nil)
	require.Equal(t, http.StatusUnauthorized, e.status)
	require.Equal(t, "ResourceAccessDenied", e.json(t)["errorCode"])
	require.Equal(t, 0, s.ActiveAccessTokens())
	r2 := grant(t, s, "v8", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
	require.Equal(t, http.StatusOK, r2.status)
	rt2 := r2.json(t)["refresh_token"].(string)
	clk.Advance(time.Hour)
	require.Equal(t, http.StatusBadRequest, grant(t, s, "v8", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt2}}).status)
}

func TestExpireAndRevokeTokens(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	a, rt := tokenPair(t, s, "v7", passwordForm())
	s.ExpireTokens()
	require.Equal(t, http.StatusUnauthorized, do(t, s, "GET", "/v7/RestoreSessions", a, nil).status)
	r := grant(t, s, "v7", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
	require.Equal(t, http.StatusOK, r.status)
	a2, rt2 := r.json(t)["access_token"].(string), r.json(t)["refresh_token"].(string)
	require.Equal(t, http.StatusOK, do(t, s, "GET", "/v7/RestoreSessions", a2, nil).status)
	s.RevokeTokens()
	require.Equal(t, http.StatusUnauthorized, do(t, s, "GET", "/v7/RestoreSessions", a2, nil).status)
	require.Equal(t, http.StatusBadRequest, grant(t, s, "v7", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt2}}).status)
	// New grants still work.
	require.Equal(t, http.StatusOK, do(t, s, "GET", "/v7/RestoreSessions", passwordToken(t, s, "v7"), nil).status)
}

func TestAnonymousAndProbe(t *testing.T) {
	t.Parallel()
	s := newServer(t, vb365test.WithVersions(6, 8))
	for _, v := range []string{"v6", "v8"} {
		r := do(t, s, "GET", "/"+v+"/RestorePortalSettings", "", nil)
		require.Equal(t, http.StatusOK, r.status)
		m := r.json(t)
		require.Equal(t, s.Organization().PortalApplicationID, m["applicationId"])
		require.Equal(t, "https://login.microsoftonline.com/", m["msalAuthorityUri"])
		require.Equal(t, true, m["isEnabled"])
		require.Equal(t, http.StatusUnauthorized, do(t, s, "GET", "/"+v+"/ServiceInstance", "", nil).status)
		si := do(t, s, "GET", "/"+v+"/ServiceInstance", passwordToken(t, s, v), nil)
		require.Equal(t, http.StatusOK, si.status)
		require.NotEmpty(t, si.json(t)["version"])
	}
	require.Equal(t, http.StatusNotFound, do(t, s, "GET", "/v7/ServiceInstance", "", nil).status)
	require.Equal(t, http.StatusNotFound, do(t, s, "GET", "/v5/ServiceInstance", "", nil).status)
	require.Equal(t, http.StatusNotFound, do(t, s, "GET", "/v8/NoSuchThing", "", nil).status)
	require.Equal(t, http.StatusNotFound, do(t, s, "GET", "/", "", nil).status)
	// Case-insensitive routing.
	require.Equal(t, http.StatusUnauthorized, do(t, s, "GET", "/V8/serviceinstance", "", nil).status)
	require.Equal(t, 5, s.Requests(vb365test.RouteServiceInstance)) // 2 per served version + the case test; /v7 is not served
	// Wrong method.
	require.Equal(t, http.StatusMethodNotAllowed, do(t, s, "GET", "/v8/token", "", nil).status)
}

func TestErrorShapes(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	for _, v := range versions {
		r := do(t, s, "GET", "/"+v+"/RestoreSessions/00000000-0000-0000-0000-000000000001", passwordToken(t, s, v), nil)
		require.Equal(t, http.StatusNotFound, r.status)
		m := r.json(t)
		require.NotEmpty(t, m["message"])
		code, has := m["errorCode"]
		switch v {
		case "v6":
			require.False(t, has)
		case "v7":
			require.True(t, has)
			require.Nil(t, code)
		case "v8":
			require.Equal(t, "ResourceNotFound", code)
		}
	}
}

func TestProtectedRoutesNeedToken(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	sid := "11111111-1111-1111-1111-111111111111"
	mb := mailboxPath("v7", sid, "22222222-2222-2222-2222-222222222222")
	paths := map[string]string{
		"/v7/Organization/OperatorExplore":                       "POST",
		"/v7/RestoreSessions":                                    "GET",
		"/v7/RestoreSessions/" + sid:                             "GET",
		"/v7/RestoreSessions/" + sid + "/Stop":                   "POST",
		"/v7/RestoreSessions/" + sid + "/Events":                 "GET",
		"/v7/RestoreSessions/" + sid + "/organization/mailboxes": "GET",
		mb:                            "GET",
		mb + "/folders":               "GET",
		mb + "/items":                 "GET",
		mb + "/items/operatorRestore": "POST",
		"/v7/ServiceInstance":         "GET",
		"/v7/token/logout":            "POST",
	}
	for p, m := range paths {
		r := do(t, s, m, p, "", nil)
		require.Equal(t, http.StatusUnauthorized, r.status, p)
		require.NotEmpty(t, r.json(t)["message"], p)
		require.Equal(t, http.StatusUnauthorized, do(t, s, m, p, "garbage", nil).status, p)
	}
}

func TestOperatorFlow(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			org := s.Organization()
			alice := org.MailboxByEmail("alice@contoso.onmicrosoft.com")
			require.NotNil(t, alice)
			require.False(t, alice.IsArchive)
			op := operatorToken(t, s, v)
			pw := passwordToken(t, s, v)

			// Explore: operator only, JSON only.
			require.Equal(t, http.StatusForbidden, do(t, s, "POST", "/"+v+"/Organization/OperatorExplore", pw, map[string]any{}).status)
			require.Equal(t, http.StatusBadRequest, do(t, s, "POST", "/"+v+"/Organization/OperatorExplore", op, `{"type":`).status)
			req, _ := http.NewRequest("POST", s.URL+"/"+v+"/Organization/OperatorExplore", strings.NewReader("type=Vex"))
			req.Header.Set("Content-Type", "text/plain")
			req.Header.Set("Authorization", "Bearer "+op)
			res, err := s.Client().Do(req)
			require.NoError(t, err)
			res.Body.Close()
			require.Equal(t, http.StatusUnsupportedMediaType, res.StatusCode)

			sid := explore(t, s, v, op)
			sr := do(t, s, "GET", "/"+v+"/RestoreSessions/"+sid, pw, nil)
			require.Equal(t, http.StatusOK, sr.status)
			sess := sr.json(t)
			require.Equal(t, "Working", sess["state"])
			require.Equal(t, "Vex", sess["type"])
			require.Equal(t, "Contoso", sess["organization"])
			require.Nil(t, sess["endTime"])
			require.True(t, sevenDigits.MatchString(sess["creationTime"].(string)))
			_, hasETag := sess["eTag"]
			require.Equal(t, v == "v8", hasETag)
			require.Equal(t, "/"+v+"/RestoreSessions/"+sid, sess["_links"].(map[string]any)["self"].(map[string]any)["href"])

			list := do(t, s, "GET", "/"+v+"/RestoreSessions", op, nil).json(t)
			require.Len(t, list["results"], 1)

			// Mailboxes.
			mbs := do(t, s, "GET", "/"+v+"/RestoreSessions/"+sid+"/organization/mailboxes", op, nil)
			require.Equal(t, http.StatusOK, mbs.status)
			require.Len(t, mbs.json(t)["results"], len(org.Mailboxes()))
			mb := do(t, s, "GET", mailboxPath(v, sid, alice.ID()), op, nil)
			require.Equal(t, http.StatusOK, mb.status)
			require.Equal(t, alice.Email, mb.json(t)["email"])
			require.Equal(t, http.StatusNotFound, do(t, s, "GET", mailboxPath(v, sid, "00000000-0000-0000-0000-000000000000"), op, nil).status)
			require.Equal(t, http.StatusOK, do(t, s, "GET", "/"+v+"/RestoreSessions/"+sid+"/organization", op, nil).status)

			// Folders: whole tree, root, children, wildcard, unknown.
			fpath := mailboxPath(v, sid, alice.ID()) + "/folders"
			all := do(t, s, "GET", fpath, op, nil).json(t)
			require.Len(t, all["results"], 6)
			for _, root := range []string{"root", "null", "ROOT"} {
				require.Len(t, do(t, s, "GET", fpath+"?parentId="+root, op, nil).json(t)["results"], 5)
			}
			inbox := alice.Folder("Inbox")
			sub := do(t, s, "GET", fpath+"?parentId="+url.QueryEscape(inbox.ID()), op, nil).json(t)["results"].([]any)
			require.Len(t, sub, 1)
			f0 := sub[0].(map[string]any)
			require.Equal(t, "Projects", f0["name"])
			_, hasMbx := f0["mailboxId"]
			require.Equal(t, v == "v8", hasMbx)
			require.Len(t, do(t, s, "GET", fpath+"?name="+url.QueryEscape("*items"), op, nil).json(t)["results"], 2)
			require.Len(t, do(t, s, "GET", fpath+"?parentId=root&name=Dr?fts", op, nil).json(t)["results"], 1)
			require.Equal(t, http.StatusNotFound, do(t, s, "GET", fpath+"?parentId=nope", op, nil).status)
			fget := do(t, s, "GET", fpath+"/"+url.PathEscape(inbox.ID()), op, nil)
			require.Equal(t, http.StatusOK, fget.status)
			require.Equal(t, "Inbox", fget.json(t)["name"])

			// Items: the version's folder parameter filters, the other is ignored.
			ipath := mailboxPath(v, sid, alice.ID()) + "/items"
			allItems := len(do(t, s, "GET", ipath+"?limit=1000", op, nil).json(t)["results"].([]any))
			require.Equal(t, 22, allItems)
			param, other := "parentId", "folderId"
			if v == "v6" {
				param, other = other, param
			}
			inItems := do(t, s, "GET", ipath+"?"+param+"="+url.QueryEscape(inbox.ID()), op, nil).json(t)["results"].([]any)
			require.Len(t, inItems, len(inbox.Items()))
			require.Len(t, do(t, s, "GET", ipath+"?limit=1000&"+other+"="+url.QueryEscape(inbox.ID()), op, nil).json(t)["results"], allItems)
			require.Equal(t, http.StatusNotFound, do(t, s, "GET", ipath+"?"+param+"=nope", op, nil).status)
			it0 := inItems[0].(map[string]any)
			require.Equal(t, "IPM.Note", it0["itemClass"])
			require.Equal(t, "Q4 budget review", it0["subject"])
			require.True(t, sevenDigits.MatchString(it0["received"].(string)))
			_, hasMbx = it0["mailboxId"]
			require.Equal(t, v == "v8", hasMbx)

			// operatorRestore.
			item := inbox.Items()[0]
			rpath := ipath + "/operatorRestore"
			require.Equal(t, http.StatusForbidden, do(t, s, "POST", rpath, pw, restoreBody(item.ID())).status)
			require.Equal(t, http.StatusBadRequest, do(t, s, "POST", rpath, op, restoreBody()).status)
			require.Equal(t, http.StatusBadRequest, do(t, s, "POST", rpath, op, nil).status)
			require.Equal(t, http.StatusBadRequest, do(t, s, "POST", rpath, op, `{"items":[{"id":`).status)
			require.Equal(t, http.StatusNotFound, do(t, s, "POST", rpath, op, restoreBody(item.ID(), "unknown")).status)
			require.Equal(t, 0, s.RestoreCount())
			rr := do(t, s, "POST", rpath, op, restoreBody(item.ID()))
			require.Equal(t, http.StatusOK, rr.status, string(rr.body))
			require.Equal(t, sid, rr.json(t)["sessionId"])
			rs := s.Restores()
			require.Len(t, rs, 1)
			require.Equal(t, vb365test.Restore{SessionID: sid, MailboxID: alice.ID(), ItemIDs: []string{item.ID()},
				Folder: "Restored", Reason: "ticket 42", ChangedItems: true, MarkRestoredAsUnread: true,
				APIVersion: v, Time: rs[0].Time}, rs[0])

			ev := do(t, s, "GET", "/"+v+"/RestoreSessions/"+sid+"/Events", op, nil).json(t)
			evs := ev["results"].([]any)
			require.Len(t, evs, 1)
			e := evs[0].(map[string]any)
			require.Equal(t, "Restore", e["type"])
			require.Equal(t, "Success", e["status"])
			require.Equal(t, "00:00:01", e["duration"])
			require.Contains(t, e["message"].(string), "1 item(s)")
			require.Contains(t, e["message"].(string), "Restored")
			require.Equal(t, http.StatusOK, do(t, s, "GET", "/"+v+"/RestoreSessions/"+sid+"/Events/"+e["id"].(string), op, nil).status)

			// Stop, twice.
			want := http.StatusOK
			if v == "v8" {
				want = http.StatusNoContent
			}
			for range 2 {
				st := do(t, s, "POST", "/"+v+"/RestoreSessions/"+sid+"/Stop", op, nil)
				require.Equal(t, want, st.status)
				require.Len(t, st.body, 0)
			}
			stopped := do(t, s, "GET", "/"+v+"/RestoreSessions/"+sid, op, nil).json(t)
			require.Equal(t, "Stopped", stopped["state"])
			require.NotNil(t, stopped["endTime"])
			require.Equal(t, http.StatusInternalServerError, do(t, s, "GET", "/"+v+"/RestoreSessions/"+sid+"/organization/mailboxes", op, nil).status)
			require.Equal(t, http.StatusInternalServerError, do(t, s, "POST", rpath, op, restoreBody(item.ID())).status)
			require.Equal(t, http.StatusNotFound, do(t, s, "POST", "/"+v+"/RestoreSessions/00000000-0000-0000-0000-000000000000/Stop", op, nil).status)
			require.Equal(t, 1, s.RestoreCount())
			require.Equal(t, "Stopped", s.Sessions()[0].State)
		})
	}
}

func TestPaging(t *testing.T) {
	t.Parallel()
	org := vb365test.NewOrganization("Paging")
	org.AddMailboxes(75)
	s := newServer(t, vb365test.WithOrganization(org))
	for _, v := range versions {
		op := operatorToken(t, s, v)
		sid := explore(t, s, v, op)
		base := "/" + v + "/RestoreSessions/" + sid + "/organization/mailboxes"
		var setID string
		var got []string
		next := base
		for pages := 0; next != ""; pages++ {
			require.True(t, pages < 5)
			r := do(t, s, "GET", next, op, nil)
			require.Equal(t, http.StatusOK, r.status)
			m := r.json(t)
			if setID == "" {
				setID = m["setId"].(string)
				require.Equal(t, float64(0), m["offset"])
				require.Equal(t, float64(30), m["limit"])
			}
			require.Equal(t, setID, m["setId"])
			tc, has := m["totalCount"]
			if v == "v8" {
				require.False(t, has)
			} else {
				require.Equal(t, float64(75), tc)
			}
			ls := m["_links"].(map[string]any)
			require.True(t, strings.HasPrefix(ls["self"].(map[string]any)["href"].(string), base+"?"))
			require.Equal(t, base+"?offset=0&limit=30", ls["first"].(map[string]any)["href"])
			_, hasPrev := ls["prev"]
			require.Equal(t, m["offset"].(float64) > 0, hasPrev)
			for _, x := range m["results"].([]any) {
				got = append(got, x.(map[string]any)["name"].(string))
			}
			next = ""
			if n, ok := ls["next"]; ok {
				next = n.(map[string]any)["href"].(string)
			}
		}
		require.Len(t, got, 75)
		require.Equal(t, "User 00075", got[74])
		for _, q := range []string{"limit=10001", "limit=-1", "offset=-1", "limit=abc", "limit=0"} {
			require.Equal(t, http.StatusBadRequest, do(t, s, "GET", base+"?"+q, op, nil).status, q)
		}
		last := do(t, s, "GET", base+"?offset=70&limit=10000", op, nil).json(t)
		require.Len(t, last["results"], 5)
		_, hasNext := last["_links"].(map[string]any)["next"]
		require.False(t, hasNext)
		past := do(t, s, "GET", base+"?offset=500", op, nil).json(t)
		require.Len(t, past["results"], 0)
	}
}

func TestItemIDEscaping(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	alice := s.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
	item := alice.Folder("Inbox/Projects").Items()[0]
	id := item.ID()
	for _, c := range []string{"+", "/", "="} {
		require.Contains(t, id, c)
	}
	op := operatorToken(t, s, "v8")
	sid := explore(t, s, "v8", op)
	ipath := mailboxPath("v8", sid, alice.ID()) + "/items/"
	r := do(t, s, "GET", ipath+url.PathEscape(id), op, nil)
	require.Equal(t, http.StatusOK, r.status)
	require.Equal(t, id, r.json(t)["id"])
	require.Equal(t, linkPath("v8", sid, alice.ID())+"/items/"+url.PathEscape(id), r.json(t)["_links"].(map[string]any)["self"].(map[string]any)["href"])
	require.Equal(t, http.StatusNotFound, do(t, s, "GET", ipath+id, op, nil).status) // unescaped '/' splits the path
}

func TestDeterministicSeed(t *testing.T) {
	t.Parallel()
	a, b := vb365test.DefaultOrganization(), vb365test.DefaultOrganization()
	require.Equal(t, a.ID(), b.ID())
	ma, mb := a.Mailboxes(), b.Mailboxes()
	require.Len(t, ma, 4)
	total := 0
	for i := range ma {
		require.Equal(t, ma[i].ID(), mb[i].ID())
		for j, f := range ma[i].Folders() {
			require.Equal(t, f.ID(), mb[i].Folders()[j].ID())
			total += len(f.Items())
			for _, c := range f.Folders() {
				total += len(c.Items())
			}
		}
	}
	require.True(t, total >= 30, total)
	require.True(t, a.Mailboxes()[3].IsArchive)
	// Same sessions IDs on two servers.
	s1, s2 := newServer(t), newServer(t)
	require.Equal(t, explore(t, s1, "v7", operatorToken(t, s1, "v7")), explore(t, s2, "v7", operatorToken(t, s2, "v7")))
}

func TestTLSServer(t *testing.T) {
	t.Parallel()
	s := vb365test.NewTLSServer()
	t.Cleanup(s.Close)
	require.True(t, strings.HasPrefix(s.URL, "https://127.0.0.1:"))
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.CertPool()}}
	defer tr.CloseIdleConnections()
	r, err := doErr(context.Background(), &http.Client{Transport: tr}, s.URL, "GET", "/v6/RestorePortalSettings", "", nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, r.status)
	require.Nil(t, newServer(t).CertPool())
}

func TestConnectionsOpened(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	for range 3 {
		do(t, s, "GET", "/v6/RestorePortalSettings", "", nil)
	}
	require.Equal(t, 1, s.ConnectionsOpened())
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	for range 2 {
		_, err := doErr(context.Background(), &http.Client{Transport: tr}, s.URL, "GET", "/v6/RestorePortalSettings", "", nil)
		require.NoError(t, err)
	}
	require.Equal(t, 3, s.ConnectionsOpened())
}

func TestLargeOrganization(t *testing.T) {
	t.Parallel()
	org := vb365test.NewOrganization("Big")
	org.AddMailboxes(10000)
	big := org.AddMailbox("Big Box", "big@big.onmicrosoft.com")
	big.AddFolder("Inbox", "Inbox").AddMessages(100000)
	s := newServer(t, vb365test.WithOrganization(org))
	op := operatorToken(t, s, "v6")
	sid := explore(t, s, "v6", op)
	start := time.Now()
	m := do(t, s, "GET", "/v6/RestoreSessions/"+sid+"/organization/mailboxes?offset=9990&limit=30", op, nil).json(t)
	require.Len(t, m["results"], 11)
	require.Equal(t, float64(10001), m["totalCount"])
	it := do(t, s, "GET", mailboxPath("v6", sid, big.ID())+"/items?offset=99990", op, nil).json(t)
	require.Len(t, it["results"], 10)
	require.Equal(t, float64(100000), it["totalCount"])
	require.True(t, time.Since(start) < 5*time.Second)
}
