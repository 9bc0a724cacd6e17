package vb365test_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365/vb365test"
)

// opLogin logs in as the default operator on v and returns the token.
func opLogin(t *testing.T, s *vb365test.Server, v string) string {
	t.Helper()
	r := do(t, s, "POST", "/"+v+"/token", "", url.Values{"grant_type": {"operator"},
		"client_id": {vb365test.DefaultOperatorClientID}, "assertion": {vb365test.DefaultOperatorAssertion}})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	return r.json(t)["access_token"].(string)
}

func adminLogin(t *testing.T, s *vb365test.Server, v string) string {
	t.Helper()
	r := do(t, s, "POST", "/"+v+"/token", "", url.Values{"grant_type": {"password"},
		"username": {vb365test.DefaultUsername}, "password": {vb365test.DefaultPassword}})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	return r.json(t)["access_token"].(string)
}

// adminExport returns the path of alice's mailbox exportToPst in a new
// administrator session, and the token.
func adminExport(t *testing.T, s *vb365test.Server) (path, tok string) {
	t.Helper()
	tok = adminLogin(t, s, "v6")
	r := do(t, s, "POST", "/v6/Organization/Explore", tok, `{"dateTime":"2026-12-01T00:00:00Z"}`)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	sid := r.json(t)["id"].(string)
	mid := s.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com").ID()
	return "/v6/RestoreSessions/" + sid + "/organization/mailboxes/" + mid + "/exportToPst", tok
}

func TestExportDelay(t *testing.T) {
	t.Parallel()
	s := newServer(t, vb365test.WithExportDelay(time.Hour), vb365test.WithExportSize(10))
	path, tok := adminExport(t, s)
	assert.Equal(t, time.Hour, s.ExportDelay())

	// Nothing comes before the delay, not even the status line; the export
	// has been made all the same.
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	_, err := doErr(ctx, s.Client(), s.URL, "POST", path, tok, `{"contentKeyword":""}`)
	cancel()
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, 1, s.ActionCount(vb365test.ActionExportToPst), "acted before the wait")

	s.SetExportDelay(0)
	r := do(t, s, "POST", path, tok, `{"contentKeyword":""}`)
	assert.Equal(t, http.StatusOK, r.status)
	assert.Len(t, r.body, 10)

	// Close ends a pending wait.
	s.SetExportDelay(time.Hour)
	errc := make(chan error, 1)
	go func() {
		_, err := doErr(context.Background(), s.Client(), s.URL, "POST", path, tok, `{"contentKeyword":""}`)
		errc <- err
	}()
	require.Eventually(t, func() bool { return s.ActionCount(vb365test.ActionExportToPst) == 3 }, 5*time.Second, time.Millisecond)
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close waited for the export delay")
	}
	require.Error(t, <-errc, "no answer: the connection is closed")
}

func TestDotNetEscaping(t *testing.T) {
	t.Parallel()
	const id = "it's+<&>\"`é😀\x01\n\\"
	want := `\u0027it\u0027s\u002B\u003C\u0026\u003E\u0022\u0060\u00E9\uD83D\uDE00\u0001\n\\\u0027`
	for _, on := range []bool{true, false} {
		var opts []vb365test.Option
		if on {
			opts = append(opts, vb365test.WithDotNetEscaping())
		}
		s := newServer(t, opts...)
		tok := opLogin(t, s, "v8")
		r := do(t, s, "GET", "/v8/RestoreSessions/"+url.PathEscape(id), tok, nil)
		require.Equal(t, http.StatusNotFound, r.status)
		assert.Equal(t, strconv.Itoa(len(r.body)), r.header.Get("Content-Length"))
		m := r.json(t)
		assert.Equal(t, "Restore session with ID '"+id+"' was not found.", m["message"], "the same JSON either way")
		assert.Equal(t, "ResourceNotFound", m["errorCode"])
		if on {
			assert.Contains(t, string(r.body), want)
			assert.NotContains(t, string(r.body), "'")
		} else {
			assert.NotContains(t, string(r.body), want)
		}
	}

	// Downloads are not touched.
	s := newServer(t, vb365test.WithDotNetEscaping(), vb365test.WithExportSize(5000))
	path, tok := adminExport(t, s)
	r := do(t, s, "POST", path, tok, `{"contentKeyword":""}`)
	require.Equal(t, http.StatusOK, r.status)
	b, err := io.ReadAll(s.Actions()[0].Content())
	require.NoError(t, err)
	assert.Equal(t, b, r.body)
}

func TestFaultHang(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	tok := opLogin(t, s, "v6")
	s.InjectFault(vb365test.RouteOperatorExplore, vb365test.Hang())
	assert.Equal(t, "FaultHang", vb365test.FaultHang.String())
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err := doErr(ctx, s.Client(), s.URL, "POST", "/v6/Organization/OperatorExplore", tok, `{"reason":"x"}`)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Empty(t, s.Sessions(), "a hang does not act")

	// Close ends a hang that the client does not give up.
	s.InjectFault(vb365test.RouteOperatorExplore, vb365test.Hang())
	errc := make(chan error, 1)
	go func() {
		_, err := doErr(context.Background(), s.Client(), s.URL, "POST", "/v6/Organization/OperatorExplore", tok, `{}`)
		errc <- err
	}()
	require.Eventually(t, func() bool { return s.FaultsInjected() == 2 }, 5*time.Second, time.Millisecond)
	s.Close()
	require.Error(t, <-errc)
	assert.Empty(t, s.Sessions())
}

func TestChaosReproducible(t *testing.T) {
	t.Parallel()
	outcome := func(seed int64) []string {
		s := newServer(t, vb365test.WithChaos(0.4, seed), vb365test.WithJournal(100))
		hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		defer hc.CloseIdleConnections()
		for i := range 30 {
			p := []string{"/v6/RestorePortalSettings", "/v7/ServiceInstance", "/v8/token"}[i%3]
			_, _ = doErr(t.Context(), hc, s.URL, "GET", p, "", nil)
		}
		var out []string
		faults := 0
		for _, e := range s.Journal(0) {
			out = append(out, string(e.Route)+" "+e.Fault)
			if e.Fault != "" {
				faults++
				assert.True(t, e.Chaos)
			}
		}
		require.Len(t, out, 30)
		assert.Equal(t, faults, s.FaultsInjected())
		return out
	}
	a, b, c := outcome(7), outcome(7), outcome(8)
	assert.Equal(t, a, b)
	assert.NotEqual(t, a, c)

	// Queued faults come first, and the hook; chaos sees the rest.
	s := newServer(t, vb365test.WithChaos(1, 1))
	s.InjectFault(vb365test.RoutePortalSettings, vb365test.Respond(418, `{"message":"teapot"}`))
	r, err := doErr(t.Context(), s.Client(), s.URL, "GET", "/v6/RestorePortalSettings", "", nil)
	require.NoError(t, err)
	assert.Equal(t, 418, r.status)
	s.SetChaos(0, 1)
	rate, seed := s.Chaos()
	assert.Zero(t, rate)
	assert.Equal(t, int64(1), seed)
	assert.Equal(t, http.StatusOK, do(t, s, "GET", "/v6/RestorePortalSettings", "", nil).status)
}

func TestResetAndSettings(t *testing.T) {
	t.Parallel()
	s := newServer(t, vb365test.WithTokenLifetime(time.Minute), vb365test.WithExportSize(100), vb365test.WithJournal(10))
	tok := opLogin(t, s, "v6")
	r := do(t, s, "POST", "/v6/Organization/OperatorExplore", tok, `{}`)
	first := r.json(t)["id"]
	s.SetTokenLifetime(2*time.Minute, 0)
	a, rf := s.TokenLifetime()
	assert.Equal(t, 2*time.Minute, a)
	assert.Equal(t, vb365test.DefaultRefreshTokenLifetime, rf)
	s.SetExportSize(5)
	s.SetExportDelay(time.Second)
	s.InjectFault(vb365test.RouteEvents, vb365test.DropBeforeAct())
	require.Equal(t, 1, s.LoginCount(vb365test.GrantOperator))

	s.Reset()
	assert.Empty(t, s.Sessions())
	assert.Zero(t, s.LoginCount(""))
	assert.Zero(t, s.TokenRequests())
	assert.Zero(t, s.PendingFaults(vb365test.RouteEvents))
	assert.Empty(t, s.Journal(0))
	assert.Equal(t, int64(100), s.ExportSize())
	assert.Zero(t, s.ExportDelay())
	a, _ = s.TokenLifetime()
	assert.Equal(t, time.Minute, a)
	assert.Equal(t, http.StatusUnauthorized, do(t, s, "GET", "/v6/RestoreSessions", tok, nil).status)
	tok = opLogin(t, s, "v6")
	r = do(t, s, "POST", "/v6/Organization/OperatorExplore", tok, `{}`)
	assert.Equal(t, first, r.json(t)["id"])
	assert.Equal(t, 1, s.LoginCount(""))
	assert.Equal(t, int64(2), s.Journal(0)[1].Seq, "numbered from 1 again")
}

func TestJournalAndRequestLog(t *testing.T) {
	t.Parallel()
	logged := make(chan vb365test.JournalEntry, 10)
	var clientDone atomic.Bool
	sawDone := make(chan bool, 1)
	s := newServer(t, vb365test.WithJournal(2), vb365test.WithRequestLog(func(e vb365test.JournalEntry) {
		if e.Dropped {
			// The entry is made before the connection closes: the
			// client cannot have seen the drop yet, however long this
			// waits for it.
			for deadline := time.Now().Add(200 * time.Millisecond); !clientDone.Load() && time.Now().Before(deadline); {
				time.Sleep(time.Millisecond)
			}
			sawDone <- clientDone.Load()
		}
		logged <- e
	}))
	do(t, s, "GET", "/v6/RestorePortalSettings", "", nil)
	s.InjectFault(vb365test.RouteServiceInstance, vb365test.DropBeforeAct())
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}} // no silent retry of the GET
	_, err := doErr(t.Context(), hc, s.URL, "GET", "/v7/ServiceInstance?x=1", "", nil)
	clientDone.Store(true)
	require.Error(t, err)
	assert.False(t, <-sawDone, "journaled before the client saw the connection close")
	do(t, s, "GET", "/v8/nothing", "", nil)
	j := s.Journal(0)
	require.Len(t, j, 2, "the last two")
	assert.Equal(t, int64(2), j[0].Seq)
	assert.Equal(t, vb365test.RouteServiceInstance, j[0].Route)
	assert.Equal(t, "x=1", j[0].Query)
	assert.Zero(t, j[0].Status)
	assert.True(t, j[0].Dropped)
	assert.Equal(t, "dropBeforeAct", j[0].Fault)
	assert.Equal(t, vb365test.Route(""), j[1].Route)
	assert.Equal(t, http.StatusNotFound, j[1].Status)
	assert.Equal(t, "/v8/nothing", j[1].Path)
	assert.Len(t, s.Journal(2), 1)
	var seqs []int64
	for range 3 {
		seqs = append(seqs, (<-logged).Seq)
	}
	assert.Equal(t, []int64{1, 2, 3}, seqs, "the log sees every request")
}

func TestLoginCount(t *testing.T) {
	t.Parallel()
	s := newServer(t, vb365test.WithTokenQuota(3, time.Hour))
	opLogin(t, s, "v6")
	r := do(t, s, "POST", "/v6/token", "", url.Values{"grant_type": {"password"}, "username": {"x"}, "password": {"y"}})
	require.Equal(t, http.StatusBadRequest, r.status)
	r = do(t, s, "POST", "/v7/token", "", url.Values{"grant_type": {"password"},
		"username": {vb365test.DefaultUsername}, "password": {vb365test.DefaultPassword}})
	rt := r.json(t)["refresh_token"].(string)
	r = do(t, s, "POST", "/v7/token", "", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
	require.Equal(t, http.StatusTooManyRequests, r.status)
	assert.Equal(t, 1, s.LoginCount(vb365test.GrantOperator))
	assert.Equal(t, 1, s.LoginCount(vb365test.GrantPassword))
	assert.Equal(t, 0, s.LoginCount(vb365test.GrantRefreshToken), "throttled: no login")
	assert.Equal(t, 2, s.LoginCount(""))
	assert.Equal(t, 4, s.TokenRequests())
}

func TestControlAPIOption(t *testing.T) {
	t.Parallel()
	plain := newServer(t)
	r := do(t, plain, "GET", "/_fake/counters", "", nil)
	assert.Equal(t, http.StatusNotFound, r.status, "no control API without the option")
	assert.Contains(t, r.json(t), "message")
	assert.Empty(t, plain.Journal(0), "and no journal")

	s := newServer(t, vb365test.WithControlAPI())
	r = do(t, s, "GET", vb365test.ControlPrefix+"counters", "", nil)
	assert.Equal(t, http.StatusOK, r.status)
	do(t, s, "GET", "/v6/RestorePortalSettings", "", nil)
	assert.Len(t, s.Journal(0), 1, "the control API keeps a journal of API requests only")
}

func TestListener(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := newServer(t, vb365test.WithListener(l))
	assert.Equal(t, "http://"+l.Addr().String(), s.URL)
	assert.Equal(t, http.StatusOK, do(t, s, "GET", "/v6/RestorePortalSettings", "", nil).status)
}

func TestSeedData(t *testing.T) {
	t.Parallel()
	def := vb365test.DefaultOrganization()
	d := vb365test.SeedFromOrganization(def)
	b, err := json.Marshal(d)
	require.NoError(t, err)
	back, err := vb365test.ParseSeed(strings.NewReader(string(b)))
	require.NoError(t, err)
	org, err := back.Organization()
	require.NoError(t, err)
	require.Len(t, org.Mailboxes(), len(def.Mailboxes()))
	for i, m := range def.Mailboxes() {
		o := org.Mailboxes()[i]
		assert.Equal(t, m.ID(), o.ID())
		assert.Equal(t, m.IsArchive, o.IsArchive)
		var walk func(a, b []*vb365test.Folder)
		walk = func(a, b []*vb365test.Folder) {
			require.Len(t, b, len(a))
			for k := range a {
				assert.Equal(t, a[k].ID(), b[k].ID(), a[k].Name)
				assert.Equal(t, a[k].Type, b[k].Type)
				require.Len(t, b[k].Items(), len(a[k].Items()))
				for n, x := range a[k].Items() {
					y := b[k].Items()[n]
					assert.Equal(t, x.ID(), y.ID())
					assert.Equal(t, []string{x.ItemClass, x.Subject, x.From, x.To, x.Cc, x.Bcc, x.Importance},
						[]string{y.ItemClass, y.Subject, y.From, y.To, y.Cc, y.Bcc, y.Importance})
					assert.True(t, x.Sent.Equal(y.Sent) && x.Received.Equal(y.Received), "%s item %d times", a[k].Name, n)
					assert.Equal(t, x.Attachments, y.Attachments)
				}
				walk(a[k].Folders(), b[k].Folders())
			}
		}
		walk(m.Folders(), o.Folders())
	}

	require.Len(t, org.RestorePoints(), len(def.RestorePoints()))
	for i, p := range def.RestorePoints() {
		q := org.RestorePoints()[i]
		assert.Equal(t, p.ID(), q.ID())
		assert.True(t, p.BackupTime.Equal(q.BackupTime))
		assert.Equal(t, []bool{p.IsCopy, p.IsLongTermCopy, p.IsRetrieved}, []bool{q.IsCopy, q.IsLongTermCopy, q.IsRetrieved})
		var a, b []string
		for _, m := range p.Mailboxes() {
			a = append(a, m.ID())
		}
		for _, m := range q.Mailboxes() {
			b = append(b, m.ID())
		}
		assert.Equal(t, a, b)
	}

	opts, err := back.Options()
	require.NoError(t, err)
	s := newServer(t, opts...)
	assert.Equal(t, def.ID(), s.Organization().ID())

	for _, bad := range []string{
		`{"organizations":[]}`, `{"organizations":[{"name":""}]}`, `{"organizations":[{"name":"x"}],"extra":1}`,
		`{"organizations":[{"name":"x","mailboxes":[{"name":"a","email":"a@x","folders":[{"name":""}]}]}]}`,
		`{"organizations":[{"name":"x","mailboxes":[{"name":"a","email":"a@x","folders":[{"name":"f","generatedMessages":1000001}]}]}]}`,
		`{"organizations":[{"name":"x"}],"operators":[{"clientId":"c"}]}`,
		`{"organizations":[{"name":"x"}],"administrators":[{"password":"p"}]}`,
	} {
		_, err := vb365test.ParseSeed(strings.NewReader(bad))
		assert.Error(t, err, bad)
	}
}
