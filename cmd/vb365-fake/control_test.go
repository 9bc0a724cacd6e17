package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// session opens a restore session on version v with a login of grant and
// returns the token, the session and alice's mailbox.
func (f *fake) session(v, grant string) (tok, sid, mid string) {
	f.t.Helper()
	tok = f.login(v, grant)
	path := "/" + v + "/Organization/OperatorExplore"
	if grant == "password" {
		path = "/" + v + "/Organization/Explore"
	}
	r := f.do("POST", path, tok, map[string]any{"dateTime": time.Now().UTC().Format(time.RFC3339)})
	require.Contains(f.t, []int{200, 201}, r.status, "%s", r.body)
	sid = r.json(f.t)["id"].(string)
	mb := find(f.t, results(f.t, f.do("GET", "/"+v+"/RestoreSessions/"+sid+"/organization/mailboxes", tok, nil)), "email", alice)
	return tok, sid, mb["id"].(string)
}

func (f *fake) firstItem(v, tok, sid, mid string) string {
	f.t.Helper()
	items := results(f.t, f.do("GET", "/"+v+"/RestoreSessions/"+sid+"/organization/mailboxes/"+mid+"/items?limit=1", tok, nil))
	require.NotEmpty(f.t, items)
	return items[0]["id"].(string)
}

func (f *fake) restore(v, tok, sid, mid, item string) (reply, error) {
	return f.try("POST", "/"+v+"/RestoreSessions/"+sid+"/organization/mailboxes/"+mid+"/items/operatorRestore", tok,
		map[string]any{"items": []map[string]string{{"id": item}}})
}

func TestControlInfo(t *testing.T) {
	t.Parallel()
	f := start(t)
	for _, p := range []string{f.control, strings.TrimSuffix(f.control, "/"), f.control + "/"} {
		r := f.do("GET", p, "", nil)
		require.Equal(t, http.StatusOK, r.status)
		var info struct {
			Versions       []string `json:"versions"`
			Organization   struct{ ID, Name string }
			Administrators []struct{ Username, Password string }
			Operators      []struct {
				ClientID  string `json:"clientId"`
				Assertion string `json:"assertion"`
			}
			Routes     []string `json:"routes"`
			FaultKinds []string `json:"faultKinds"`
			Endpoints  []struct{ Method, Path, Doc string }
		}
		require.NoError(t, json.Unmarshal(r.body, &info))
		assert.Equal(t, []string{"v6", "v7", "v8"}, info.Versions)
		assert.Equal(t, "Contoso", info.Organization.Name)
		require.Len(t, info.Administrators, 1)
		assert.Equal(t, f.env["VB365_USERNAME"], info.Administrators[0].Username)
		assert.Equal(t, f.env["VB365_PASSWORD"], info.Administrators[0].Password)
		require.Len(t, info.Operators, 1)
		assert.Equal(t, f.env["VB365_CLIENT_ID"], info.Operators[0].ClientID)
		assert.Contains(t, info.Routes, "OperatorRestore")
		assert.Equal(t, []string{"respond", "actThenRespond", "dropBeforeAct", "dropAfterAct", "delay", "dropAfterBytes", "hang"}, info.FaultKinds)
		var eps []string
		for _, e := range info.Endpoints {
			eps = append(eps, e.Method+" "+e.Path)
			assert.NotEmpty(t, e.Doc)
		}
		for _, want := range []string{"POST /_fake/reset", "GET /_fake/counters", "GET /_fake/journal", "POST /_fake/faults",
			"POST /_fake/settings", "POST /_fake/tokens/expire", "POST /_fake/tokens/revoke", "POST /_fake/sessions/{id}/expire"} {
			assert.Contains(t, eps, want)
		}
	}
}

func TestControlReset(t *testing.T) {
	t.Parallel()
	f := start(t)
	tok, sid, _ := f.session("v6", "operator")
	f.ctl("POST", "faults", map[string]any{"route": "Mailboxes", "kind": "respond", "status": 503, "count": 3})
	f.ctl("POST", "settings", map[string]any{"tokenLifetimeSeconds": 60})
	c := f.ctl("GET", "counters", nil)
	require.Equal(t, 1, num(t, c, "sessions"))
	require.Equal(t, 1, num(t, c, "logins", "total"))

	assert.Equal(t, true, f.ctl("POST", "/reset", nil)["reset"], "$VB365_FAKE_CONTROL/reset works too")
	c = f.ctl("GET", "counters", nil)
	assert.Equal(t, 0, num(t, c, "sessions"))
	assert.Equal(t, 0, num(t, c, "logins", "total"))
	assert.Equal(t, 0, num(t, c, "tokenRequests"))
	assert.Empty(t, f.ctl("GET", "faults", nil)["pending"])
	assert.Empty(t, f.ctl("GET", "journal", nil)["entries"])
	assert.Equal(t, 3600, num(t, f.ctl("GET", "settings", nil), "tokenLifetimeSeconds"), "settings as the flags said")
	r := f.do("GET", "/v6/RestoreSessions", tok, nil)
	assert.Equal(t, http.StatusUnauthorized, r.status, "tokens are forgotten")

	_, sid2, _ := f.session("v6", "operator")
	assert.Equal(t, sid, sid2, "a fresh server's first session ID")
}

func TestControlFaults(t *testing.T) {
	t.Parallel()
	f := start(t, "--http")

	t.Run("respond", func(t *testing.T) {
		tok := f.login("v6", "operator")
		got := f.ctl("POST", "faults", map[string]any{"route": "operatorexplore", "kind": "respond", "status": 503, "headers": map[string]string{"Retry-After": "7"}})
		assert.Equal(t, "OperatorExplore", got["route"])
		assert.Equal(t, "respond 503", got["fault"])
		assert.Equal(t, 1, num(t, got, "pending"))
		before := num(t, f.ctl("GET", "counters", nil), "sessions")
		r := f.do("POST", "/v6/Organization/OperatorExplore", tok, "{}")
		assert.Equal(t, http.StatusServiceUnavailable, r.status)
		assert.Equal(t, "7", r.header.Get("Retry-After"))
		assert.Equal(t, "Service Unavailable", r.json(t)["message"])
		assert.Equal(t, before, num(t, f.ctl("GET", "counters", nil), "sessions"), "not acted")
		assert.Empty(t, f.ctl("GET", "faults", nil)["pending"])
	})
	t.Run("actThenRespond by path", func(t *testing.T) {
		tok := f.login("v8", "operator")
		f.ctl("POST", "faults", map[string]any{"path": "/v8/Organization/OperatorExplore", "kind": "actThenRespond", "status": 502, "body": map[string]string{"message": "proxy"}})
		before := num(t, f.ctl("GET", "counters", nil), "sessions")
		r := f.do("POST", "/v8/Organization/OperatorExplore", tok, "{}")
		assert.Equal(t, http.StatusBadGateway, r.status)
		assert.JSONEq(t, `{"message":"proxy"}`, string(r.body))
		assert.Equal(t, before+1, num(t, f.ctl("GET", "counters", nil), "sessions"), "acted")
	})
	t.Run("dropBeforeAct twice", func(t *testing.T) {
		f.ctl("POST", "faults", map[string]any{"route": "Token", "kind": "dropBeforeAct", "count": 2})
		assert.Equal(t, 2, num(t, f.ctl("GET", "faults", nil), "pending", "Token"))
		before := num(t, f.ctl("GET", "counters", nil), "logins", "operator")
		form := url.Values{"grant_type": {"operator"}, "client_id": {f.env["VB365_CLIENT_ID"]}, "assertion": {f.env["VB365_ASSERTION"]}}
		for range 2 {
			_, err := f.try("POST", "/v6/token", "", form)
			require.Error(t, err, "the connection is closed without an answer")
		}
		assert.Equal(t, before, num(t, f.ctl("GET", "counters", nil), "logins", "operator"))
		f.login("v6", "operator")
		assert.Equal(t, before+1, num(t, f.ctl("GET", "counters", nil), "logins", "operator"))
	})
	t.Run("dropAfterAct", func(t *testing.T) {
		tok, sid, mid := f.session("v6", "operator")
		item := f.firstItem("v6", tok, sid, mid)
		f.ctl("POST", "faults", map[string]any{"route": "OperatorRestore", "kind": "dropAfterAct"})
		before := num(t, f.ctl("GET", "counters", nil), "restores", "operatorRestore")
		_, err := f.restore("v6", tok, sid, mid, item)
		require.Error(t, err)
		assert.Equal(t, before+1, num(t, f.ctl("GET", "counters", nil), "restores", "operatorRestore"), "restored, though the client saw no answer")
	})
	t.Run("delay", func(t *testing.T) {
		f.ctl("POST", "faults", map[string]any{"route": "RestorePortalSettings", "kind": "delay", "delayMs": 150})
		began := time.Now()
		r := f.do("GET", "/v7/RestorePortalSettings", "", nil)
		assert.Equal(t, http.StatusOK, r.status)
		assert.GreaterOrEqual(t, time.Since(began), 150*time.Millisecond)
	})
	t.Run("dropAfterBytes", func(t *testing.T) {
		tok, sid, mid := f.session("v6", "password")
		f.ctl("POST", "faults", map[string]any{"route": "ExportToPst", "kind": "dropAfterBytes", "bytes": 1000})
		req, err := http.NewRequestWithContext(t.Context(), "POST", f.url+"/v6/RestoreSessions/"+sid+"/organization/mailboxes/"+mid+"/exportToPst",
			strings.NewReader(`{"contentKeyword":""}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := f.hc.Do(req)
		require.NoError(t, err)
		b, err := io.ReadAll(res.Body)
		_ = res.Body.Close()
		require.ErrorIs(t, err, io.ErrUnexpectedEOF)
		assert.Len(t, b, 1000)
		assert.Equal(t, 1, num(t, f.ctl("GET", "counters", nil), "exports", "exportToPst"))
	})
	t.Run("hang", func(t *testing.T) {
		f.ctl("POST", "faults", map[string]any{"route": "ServiceInstance", "kind": "hang"})
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, "GET", f.url+"/v6/ServiceInstance", nil)
		require.NoError(t, err)
		_, err = f.hc.Do(req)
		require.ErrorIs(t, err, context.DeadlineExceeded, "no answer, ever")
		var e map[string]any
		require.Eventually(t, func() bool {
			for _, x := range f.ctl("GET", "journal", nil)["entries"].([]any) {
				if m := x.(map[string]any); m["fault"] == "hang" {
					e = m
					return true
				}
			}
			return false
		}, 5*time.Second, 5*time.Millisecond, "the hang ends when the client gives up")
		assert.Equal(t, 0, num(t, e, "status"))
		assert.Equal(t, true, e["dropped"])
	})
	t.Run("clear", func(t *testing.T) {
		f.ctl("POST", "faults", map[string]any{"route": "Events", "kind": "respond", "count": 5})
		assert.Equal(t, 5, num(t, f.ctl("GET", "faults", nil), "pending", "Events"))
		f.ctl("DELETE", "faults", nil)
		assert.Empty(t, f.ctl("GET", "faults", nil)["pending"])
		assert.Positive(t, num(t, f.ctl("GET", "faults", nil), "injected"))
	})
	t.Run("refused", func(t *testing.T) {
		for _, body := range []string{
			`{"route":"NoSuchRoute","kind":"respond"}`,
			`{"route":"Token","kind":"explode"}`,
			`{"route":"Token","path":"/v6/token","kind":"respond"}`,
			`{"kind":"respond"}`,
			`{"path":"/v9/token","kind":"respond"}`,
			`{"route":"Token","kind":"respond","status":99}`,
			`{"route":"Token","kind":"respond","count":0}`,
			`{"route":"Token","kind":"delay","delayMs":-1}`,
			`{"route":"Token","kind":"respond","stauts":503}`,
			`{"route":`,
		} {
			r := f.do("POST", f.control+"faults", "", body)
			assert.Equal(t, http.StatusBadRequest, r.status, body)
			assert.NotEmpty(t, r.json(t)["error"], body)
		}
		assert.Empty(t, f.ctl("GET", "faults", nil)["pending"])
	})
}

func TestControlJournalAndCounters(t *testing.T) {
	t.Parallel()
	f := start(t, "--http")
	tok, sid, mid := f.session("v7", "operator")
	f.login("v7", "password")
	f.do("GET", "/v7/NoSuchThing", "", nil)
	f.ctl("POST", "faults", map[string]any{"route": "Mailbox", "kind": "respond", "status": 429})
	f.do("GET", "/v7/RestoreSessions/"+sid+"/organization/mailboxes/"+mid, tok, nil)

	var j struct {
		Entries []struct {
			Seq    int64
			Method string
			Path   string
			Query  string
			Route  string
			Status int
			Fault  string
			Bytes  int64
		}
		Last int64
	}
	b, _ := json.Marshal(f.ctl("GET", "journal", nil))
	require.NoError(t, json.Unmarshal(b, &j))
	var lines []string
	for i, e := range j.Entries {
		assert.Equal(t, int64(i+1), e.Seq)
		lines = append(lines, strings.Join(strings.Fields(e.Method+" "+e.Route+" "+http.StatusText(e.Status)+" "+e.Fault), " "))
	}
	assert.Equal(t, []string{
		"POST Token OK", "POST OperatorExplore OK", "GET Mailboxes OK", "POST Token OK",
		"GET Not Found", "GET Mailbox Too Many Requests respond 429",
	}, lines, "the control API's own requests are not in it")
	assert.Equal(t, int64(6), j.Last)
	assert.Equal(t, "/v7/NoSuchThing", j.Entries[4].Path)
	assert.Positive(t, j.Entries[0].Bytes)

	since := f.ctl("GET", "journal?since=4", nil)["entries"].([]any)
	require.Len(t, since, 2)
	assert.Equal(t, 5, num(t, since[0].(map[string]any), "seq"))
	r := f.do("GET", f.control+"journal?since=x", "", nil)
	assert.Equal(t, http.StatusBadRequest, r.status)

	c := f.ctl("GET", "counters", nil)
	assert.Equal(t, 1, num(t, c, "logins", "operator"))
	assert.Equal(t, 1, num(t, c, "logins", "password"))
	assert.Equal(t, 0, num(t, c, "logins", "refresh_token"))
	assert.Equal(t, 2, num(t, c, "logins", "total"))
	assert.Equal(t, 2, num(t, c, "tokenRequests"))
	assert.Equal(t, 1, num(t, c, "faultsInjected"))
	assert.Equal(t, 1, num(t, c, "requests", "Mailbox"))

	f.ctl("DELETE", "journal", nil)
	assert.Empty(t, f.ctl("GET", "journal", nil)["entries"])
}

func TestControlSettingsAndTokens(t *testing.T) {
	t.Parallel()
	f := start(t, "--http")
	got := f.ctl("POST", "settings", map[string]any{"tokenLifetimeSeconds": 120, "exportSize": 1234})
	assert.Equal(t, 120, num(t, got, "tokenLifetimeSeconds"))
	assert.Equal(t, 86400, num(t, got, "refreshTokenLifetimeSeconds"))
	assert.Equal(t, 1234, num(t, f.ctl("GET", "settings", nil), "exportSize"))
	form := url.Values{"grant_type": {"password"}, "username": {f.env["VB365_USERNAME"]}, "password": {f.env["VB365_PASSWORD"]}}
	r := f.do("POST", "/v8/token", "", form)
	require.Equal(t, http.StatusOK, r.status)
	tr := r.json(t)
	assert.Equal(t, 120, num(t, tr, "expires_in"))
	tok, refresh := tr["access_token"].(string), tr["refresh_token"].(string)

	for _, bad := range []string{`{"tokenLifetimeSeconds":0}`, `{"exportDelayMs":-5}`, `{"tokenLifetime":60}`} {
		r := f.do("POST", f.control+"settings", "", bad)
		assert.Equal(t, http.StatusBadRequest, r.status, bad)
	}

	// expire: the access token answers 401, its refresh token still works.
	assert.Equal(t, http.StatusOK, f.do("GET", "/v8/RestoreSessions", tok, nil).status)
	assert.Equal(t, 0, num(t, f.ctl("POST", "tokens/expire", nil), "activeAccessTokens"))
	r = f.do("GET", "/v8/RestoreSessions", tok, nil)
	assert.Equal(t, http.StatusUnauthorized, r.status)
	r = f.do("POST", "/v8/token", "", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	tok, refresh = r.json(t)["access_token"].(string), r.json(t)["refresh_token"].(string)
	assert.Equal(t, 1, num(t, f.ctl("GET", "counters", nil), "logins", "refresh_token"))

	// revoke: both answer no.
	assert.Equal(t, 0, num(t, f.ctl("POST", "tokens/revoke", nil), "activeAccessTokens"))
	assert.Equal(t, http.StatusUnauthorized, f.do("GET", "/v8/RestoreSessions", tok, nil).status)
	r = f.do("POST", "/v8/token", "", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}})
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, "invalid_grant", r.json(t)["error"])
}

func TestControlSessions(t *testing.T) {
	t.Parallel()
	f := start(t, "--http")
	tok, sid, mid := f.session("v6", "operator")
	ss := f.ctl("GET", "sessions", nil)["sessions"].([]any)
	require.Len(t, ss, 1)
	s0 := ss[0].(map[string]any)
	assert.Equal(t, sid, s0["id"])
	assert.Equal(t, "Working", s0["state"])
	assert.Nil(t, s0["endTime"])

	got := f.ctl("POST", "sessions/"+strings.ToUpper(sid)+"/expire", nil)
	assert.Equal(t, "Stopped", got["state"])
	assert.NotNil(t, got["endTime"])
	r := f.do("GET", "/v6/RestoreSessions/"+sid+"/organization/mailboxes/"+mid+"/folders", tok, nil)
	assert.Equal(t, http.StatusInternalServerError, r.status, "a stopped session's lists answer 500, as VB365's")
	r = f.do("GET", "/v6/RestoreSessions/"+sid, tok, nil)
	assert.Equal(t, "Stopped", r.json(t)["state"])

	r = f.do("POST", f.control+"sessions/00000000-0000-0000-0000-000000000000/expire", "", nil)
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Contains(t, r.json(t)["error"], "no restore session")
}

func TestControlActions(t *testing.T) {
	t.Parallel()
	f := start(t, "--http")
	tok, sid, mid := f.session("v6", "password")
	item := f.firstItem("v6", tok, sid, mid)
	base := "/v6/RestoreSessions/" + sid + "/organization/mailboxes/" + mid
	r := f.do("POST", base+"/exportToPst", tok, `{"contentKeyword":""}`)
	require.Equal(t, http.StatusOK, r.status)
	r = f.do("POST", base+"/items/sendToDifferentAddress", tok, map[string]any{"items": []map[string]string{{"id": item}}, "to": "x@example.com"})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	r = f.do("POST", base+"/items/restore", tok, map[string]any{"items": []map[string]string{{"id": item}}})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)

	c := f.ctl("GET", "counters", nil)
	assert.Equal(t, 1, num(t, c, "exports", "exportToPst"))
	assert.Equal(t, 1, num(t, c, "exports", "total"))
	assert.Equal(t, 1, num(t, c, "sends", "sendToDifferentAddress"))
	assert.Equal(t, 1, num(t, c, "restores", "restore"))
	assert.Equal(t, 1, num(t, c, "restores", "total"))
	var a struct {
		Actions []struct {
			Kind, Scope, SessionID, MailboxID, To string
			ItemIDs                               []string `json:"itemIds"`
			Size                                  int64
		}
	}
	b, _ := json.Marshal(f.ctl("GET", "actions", nil))
	require.NoError(t, json.Unmarshal(b, &a))
	require.Len(t, a.Actions, 3)
	assert.Equal(t, "exportToPst", a.Actions[0].Kind)
	assert.Equal(t, "mailbox", a.Actions[0].Scope)
	assert.Equal(t, int64(262144), a.Actions[0].Size)
	assert.Equal(t, "x@example.com", a.Actions[1].To)
	assert.Equal(t, []string{item}, a.Actions[2].ItemIDs)
	assert.Empty(t, f.ctl("GET", "restores", nil)["restores"], "operatorRestores only")
}

// TestControlPaths checks that the control API is apart from the API.
func TestControlPaths(t *testing.T) {
	t.Parallel()
	f := start(t, "--http")
	r := f.do("GET", f.control+"nothing/here", "", nil)
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Contains(t, r.json(t)["error"], "GET /_fake/ lists them")
	r = f.do("GET", f.control+"reset", "", nil)
	assert.Equal(t, http.StatusMethodNotAllowed, r.status)
	assert.Equal(t, "POST", r.header.Get("Allow"))

	// Under a version, /_fake is an unknown VB365 path, and nothing is reset.
	tok := f.login("v6", "operator")
	for _, p := range []string{"/v6/_fake/reset", "/v8/_fake/reset", "/_fakeX/reset", "/_FAKE/reset"} {
		r = f.do("POST", p, tok, nil)
		assert.Equal(t, http.StatusNotFound, r.status, p)
		m := r.json(t)
		assert.NotContains(t, m, "error", p)
		assert.Contains(t, m, "message", "%s: a VB365 error", p)
	}
	assert.Equal(t, http.StatusOK, f.do("GET", "/v6/RestoreSessions", tok, nil).status, "not reset")
	assert.Equal(t, 1, num(t, f.ctl("GET", "counters", nil), "logins", "total"))
}

// TestChaos: the same seed gives the same faults on the same requests;
// another seed, others. The counters tell what was executed.
func TestChaos(t *testing.T) {
	t.Parallel()
	type outcome struct{ journal, faults []string }
	runOnce := func(seed string) outcome {
		f := start(t, "--http", "--chaos", "0.3", "--seed", seed)
		assert.Equal(t, seed, f.env["VB365_FAKE_CHAOS_SEED"])
		assert.Equal(t, 0.3, f.ctl("GET", "chaos", nil)["rate"])
		form := url.Values{"grant_type": {"operator"}, "client_id": {f.env["VB365_CLIENT_ID"]}, "assertion": {f.env["VB365_ASSERTION"]}}
		for i := range 40 {
			switch i % 3 {
			case 0:
				_, _ = f.try("POST", "/v6/token", "", form)
			case 1:
				_, _ = f.try("GET", "/v7/RestorePortalSettings", "", nil)
			default:
				_, _ = f.try("GET", "/v8/ServiceInstance", "", nil)
			}
		}
		var o outcome
		var j struct {
			Entries []struct {
				Route, Fault string
				Status       int
				Chaos        bool
			}
		}
		b, _ := json.Marshal(f.ctl("GET", "journal", nil))
		require.NoError(t, json.Unmarshal(b, &j))
		require.Len(t, j.Entries, 40)
		acted := 0
		for _, e := range j.Entries {
			o.journal = append(o.journal, e.Route+" "+e.Fault)
			if e.Fault != "" {
				assert.True(t, e.Chaos, "only chaos faults here")
				o.faults = append(o.faults, e.Fault)
			}
			kind, _, _ := strings.Cut(e.Fault, " ")
			if e.Route == "Token" && (kind == "" || kind == "delay" || kind == "actThenRespond" || kind == "dropAfterAct") {
				acted++
			}
		}
		c := f.ctl("GET", "counters", nil)
		assert.Equal(t, acted, num(t, c, "logins", "operator"), "the logins the server executed, faults or not")
		assert.Equal(t, len(o.faults), num(t, c, "faultsInjected"))
		return o
	}
	a, b, other := runOnce("42"), runOnce("42"), runOnce("43")
	require.NotEmpty(t, a.faults, "a rate of 0.3 faults some of 40 requests")
	assert.Less(t, len(a.faults), 40)
	assert.Equal(t, a.journal, b.journal, "same seed, same faults on the same requests")
	assert.NotEqual(t, a.journal, other.journal, "another seed, other faults")

	// Set at run time, chaos starts its sequence again.
	f := start(t, "--http")
	f.ctl("POST", "chaos", map[string]any{"rate": 1, "seed": 5})
	_, err := f.try("GET", "/v6/RestorePortalSettings", "", nil)
	e := f.ctl("GET", "journal", nil)["entries"].([]any)[0].(map[string]any)
	assert.NotEmpty(t, e["fault"], "rate 1 faults every request (err %v)", err)
	assert.Equal(t, true, e["chaos"])
	f.ctl("POST", "chaos", map[string]any{"rate": 0})
	assert.Equal(t, http.StatusOK, f.do("GET", "/v6/RestorePortalSettings", "", nil).status)
	r := f.do("POST", f.control+"chaos", "", `{"rate":1.5}`)
	assert.Equal(t, http.StatusBadRequest, r.status)
}
