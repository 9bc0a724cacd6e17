package vb365test_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365/vb365test"
)

// stoppedCalls are the browse, search and restore calls of a session, each
// of which a stopped session answers 500.
func stoppedCalls(s *vb365test.Server, v, sid string) []struct{ method, path string } {
	alice := s.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
	inbox := alice.Folder("Inbox")
	mp := mailboxPath(v, sid, alice.ID())
	fp := mp + "/folders/" + url.PathEscape(inbox.ID())
	ip := mp + "/items/" + url.PathEscape(inbox.Items()[0].ID())
	return []struct{ method, path string }{
		{"GET", "/" + v + "/RestoreSessions/" + sid + "/organization/mailboxes"},
		{"GET", mp},
		{"GET", mp + "/folders"},
		{"GET", fp},
		{"GET", mp + "/items"},
		{"GET", ip},
		{"POST", "/" + v + "/RestoreSessions/" + sid + "/organization/mailboxes/search"},
		{"POST", mp + "/search"},
		{"POST", fp + "/search"},
		{"POST", mp + "/items/operatorRestore"},
	}
}

// requireStopped checks that session sid of s answers as a stopped session:
// GET and events work, the browse and restore calls answer 500 and act not.
func requireStopped(t *testing.T, s *vb365test.Server, v, tok, sid string, events int) {
	t.Helper()
	got := do(t, s, "GET", "/"+v+"/RestoreSessions/"+sid, tok, nil)
	require.Equal(t, http.StatusOK, got.status)
	require.Equal(t, "Stopped", got.json(t)["state"])
	require.NotNil(t, got.json(t)["endTime"])
	ev := do(t, s, "GET", "/"+v+"/RestoreSessions/"+sid+"/Events", tok, nil)
	require.Equal(t, http.StatusOK, ev.status)
	require.Len(t, ev.json(t)["results"], events)
	require.Equal(t, http.StatusOK, do(t, s, "GET", "/"+v+"/RestoreSessions/"+sid+"/organization", tok, nil).status)

	alice := s.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
	restores := s.RestoreCount()
	body := map[string]any{"query": "subject:budget", "items": []map[string]string{{"id": alice.Folder("Inbox").Items()[0].ID()}}}
	for _, c := range stoppedCalls(s, v, sid) {
		var b any
		if c.method == "POST" {
			b = body
		}
		r := do(t, s, c.method, c.path, tok, b)
		require.Equal(t, http.StatusInternalServerError, r.status, "%s %s: %s", c.method, c.path, r.body)
		msg, _ := r.json(t)["message"].(string)
		assert.NotEmpty(t, msg)
		assert.NotContains(t, strings.ToLower(msg), "stop", "the real server does not say why")
	}
	require.Equal(t, restores, s.RestoreCount(), "a stopped session restores nothing")
}

func TestStoppedSessionAnswers500(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			op := operatorToken(t, s, v)
			sid := explore(t, s, v, op)
			// Working, the calls answer.
			for _, c := range stoppedCalls(s, v, sid)[:6] {
				require.Equal(t, http.StatusOK, do(t, s, c.method, c.path, op, nil).status, c.path)
			}
			item := s.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com").Folder("Inbox").Items()[0]
			rpath := stoppedCalls(s, v, sid)[9].path
			require.Equal(t, http.StatusOK, do(t, s, "POST", rpath, op, restoreBody(item.ID())).status)

			require.Less(t, do(t, s, "POST", "/"+v+"/RestoreSessions/"+sid+"/Stop", op, nil).status, 300)
			requireStopped(t, s, v, op, sid, 1)
			// An unknown session is still 404.
			unknown := stoppedCalls(s, v, "00000000-0000-0000-0000-000000000000")[0].path
			require.Equal(t, http.StatusNotFound, do(t, s, "GET", unknown, op, nil).status)
		})
	}
}

func TestExpireSession(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	s := newServer(t, vb365test.WithClock(clk.Now))
	op := operatorToken(t, s, "v8")
	sid := explore(t, s, "v8", op)
	other := explore(t, s, "v8", op)
	clk.Advance(time.Minute)

	require.True(t, s.ExpireSession(strings.ToUpper(sid)))
	requireStopped(t, s, "v8", op, sid, 0)
	got := do(t, s, "GET", "/v8/RestoreSessions/"+sid, op, nil).json(t)
	require.Equal(t, "2026-12-01T09:01:00.0000000Z", got["endTime"])
	require.Equal(t, "Stopped", s.Sessions()[0].State)
	require.Equal(t, "Working", s.Sessions()[1].State, "only that session")
	require.Equal(t, http.StatusOK, do(t, s, "GET", stoppedCalls(s, "v8", other)[0].path, op, nil).status)

	clk.Advance(time.Minute)
	require.True(t, s.ExpireSession(sid), "again: changes nothing")
	require.Equal(t, "2026-12-01T09:01:00.0000000Z", do(t, s, "GET", "/v8/RestoreSessions/"+sid, op, nil).json(t)["endTime"])
	require.False(t, s.ExpireSession("00000000-0000-0000-0000-000000000000"))
}

func TestSessionIdleTimeout(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	clk := &fakeClock{t: start}
	s := newServer(t, vb365test.WithClock(clk.Now), vb365test.WithSessionIdleTimeout(10*time.Minute))
	op := operatorToken(t, s, "v7")
	sid := explore(t, s, "v7", op)
	mailboxes := stoppedCalls(s, "v7", sid)[0].path

	clk.Advance(9 * time.Minute)
	require.Equal(t, http.StatusOK, do(t, s, "GET", mailboxes, op, nil).status, "a browse call is use")
	clk.Advance(9 * time.Minute) // 18 minutes since creation, 9 since use
	require.Equal(t, "Working", s.Sessions()[0].State)
	// Reading the session and its events is not use.
	require.Equal(t, "Working", do(t, s, "GET", "/v7/RestoreSessions/"+sid, op, nil).json(t)["state"])
	require.Equal(t, http.StatusOK, do(t, s, "GET", "/v7/RestoreSessions/"+sid+"/Events", op, nil).status)
	clk.Advance(time.Minute)
	require.Equal(t, "Stopped", s.Sessions()[0].State, "10 minutes after the last use")
	require.Equal(t, start.Add(19*time.Minute), s.Sessions()[0].EndTime, "when the timeout ran out")
	requireStopped(t, s, "v7", op, sid, 0)
	clk.Advance(time.Minute)
	require.Equal(t, start.Add(19*time.Minute), s.Sessions()[0].EndTime)

	// Without the option sessions never stop on their own.
	clk2 := &fakeClock{t: start}
	s2 := newServer(t, vb365test.WithClock(clk2.Now), vb365test.WithTokenLifetime(1000*time.Hour), vb365test.WithSessionIdleTimeout(0))
	op2 := operatorToken(t, s2, "v7")
	sid2 := explore(t, s2, "v7", op2)
	clk2.Advance(999 * time.Hour)
	require.Equal(t, http.StatusOK, do(t, s2, "GET", stoppedCalls(s2, "v7", sid2)[0].path, op2, nil).status)
	require.Equal(t, "Working", s2.Sessions()[0].State)
}
