package vb365

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// badIDs are IDs that name nothing on the server, and some that would walk
// the request elsewhere if they were sent.
var badIDs = map[string]string{
	"empty":          "",
	"blank":          "   ",
	"tabs":           "\t\n",
	"dot-dot":        "..",
	"dot-dot-slash":  "../token",
	"inner dot-dot":  "a/../../v6/token",
	"escaped":        "..%2F..%2Ftoken",
	"very long":      strings.Repeat("x", maxIDLength+1),
	"NUL":            "id\x00",
	"header newline": "id\r\nX-Injected: 1",
}

// countingServer answers every request with 500 and counts them, logins
// included: a refused argument must reach it never.
func countingServer(t *testing.T) (*Client, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.URL, WithOperator(testClientID, testAssertion), WithAPIVersion(V8), WithRetry(0, 0, 0))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c, &hits
}

// refused asserts that call returned an *ArgumentError for arg, without
// panicking.
func refused(t *testing.T, name, arg string, call func() error) {
	t.Helper()
	var err error
	func() {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panic: %v", p)
			}
		}()
		err = call()
	}()
	require.ErrorIs(t, err, ErrInvalidArgument, "%s: %v", name, err)
	var argErr *ArgumentError
	require.ErrorAs(t, err, &argErr, name)
	assert.Equal(t, arg, argErr.Arg, "%s: %v", name, err)
	assert.Contains(t, err.Error(), arg, "%s: the message names the argument", name)
	assert.Less(t, len(err.Error()), 300, "%s: the message does not repeat a long argument", name)
}

// TestEveryIDArgumentRefusesBadIDs gives every ID that a public method takes
// (parameters, and IDs inside requests, options and scopes) each bad ID, and
// expects an ErrInvalidArgument naming it, before any request and without
// panicking.
func TestEveryIDArgumentRefusesBadIDs(t *testing.T) {
	t.Parallel()
	c, hits := countingServer(t)
	ctx := t.Context()
	rs, mb := c.RestoreSessions, c.Mailboxes
	now := time.Now()
	type idCase struct {
		method, arg string
		call        func(id string) error
	}
	cases := []idCase{
		{"RestoreSessions.Get", "sessionID", func(id string) error { return first(rs.Get(ctx, id)) }},
		{"RestoreSessions.Stop", "sessionID", func(id string) error { return rs.Stop(ctx, id) }},
		{"RestoreSessions.Events", "sessionID", func(id string) error { return iterErr(rs.Events(ctx, id, nil)) }},
		{"RestoreSessions.Event", "sessionID", func(id string) error { return first(rs.Event(ctx, id, "e1")) }},
		{"RestoreSessions.Event", "eventID", func(id string) error { return first(rs.Event(ctx, "s1", id)) }},
		{"RestoreSessions.Statistics", "sessionID", func(id string) error { return first(rs.Statistics(ctx, id)) }},
		{"RestoreSessions.DeviceCode", "sessionID", func(id string) error { return first(rs.DeviceCode(ctx, id)) }},
		{"Mailboxes.Find", "sessionID", func(id string) error { return first(mb.Find(ctx, id, "alice@contoso.com")) }},
		{"Mailboxes.RestoreMailboxes", "sessionID", func(id string) error {
			return first(c.Mailboxes.RestoreMailboxes(ctx, id, []string{"m1"}, nil))
		}},
		{"Mailboxes.RestoreMailboxes", "mailboxIDs[1]", func(id string) error {
			return first(c.Mailboxes.RestoreMailboxes(ctx, "s1", []string{"m1", id}, nil))
		}},
		{"RestoreSessions.Wait", "sessionID", func(id string) error { return first(rs.Wait(ctx, id, nil)) }},
		{"RestoreSessions.ExploreOrganization", "organizationID", func(id string) error {
			return first(rs.ExploreOrganization(ctx, id, &ExploreRequest{DateTime: now}))
		}},
		{"RestoreSessions.ExploreOrganization", "req.RepositoryID", func(id string) error {
			return first(rs.ExploreOrganization(ctx, "o1", &ExploreRequest{DateTime: now, RepositoryID: id}))
		}},
		{"RestoreSessions.OperatorExplore", "req.Scope.ID", func(id string) error {
			return first(rs.OperatorExplore(ctx, &OperatorExploreRequest{DateTime: now, Scope: &RbacItem{Type: RbacItemUser, ID: id}}))
		}},
		{"RestoreSessions.OperatorExplore", "req.RepositoryID", func(id string) error {
			return first(rs.OperatorExplore(ctx, &OperatorExploreRequest{DateTime: now, RepositoryID: id}))
		}},
		{"Mailboxes.List", "sessionID", func(id string) error { return first(mb.List(ctx, id, nil)) }},
		{"Mailboxes.All", "sessionID", func(id string) error { return iterErr(mb.All(ctx, id, nil)) }},
		{"Mailboxes.SearchAll", "sessionID", func(id string) error { return iterErr(mb.SearchAll(ctx, id, "q", nil)) }},
		{"Mailboxes.Items", "opts.FolderID", func(id string) error {
			return iterErr(mb.Items(ctx, "s1", "m1", &ItemListOptions{FolderID: id}))
		}},
		{"Mailboxes.Search", "opts.FolderID", func(id string) error {
			return iterErr(mb.Search(ctx, "s1", "m1", "q", &SearchOptions{FolderID: id}))
		}},
		{"Mailboxes.GetItem", "itemID", func(id string) error { return first(mb.GetItem(ctx, "s1", "m1", id)) }},
		{"Mailboxes.GetFolder", "folderID", func(id string) error { return first(mb.GetFolder(ctx, "s1", "m1", id)) }},
		{"Mailboxes.OperatorRestore", "req.ItemIDs[1]", func(id string) error {
			return first(mb.OperatorRestore(ctx, "s1", "m1", &OperatorRestoreRequest{ItemIDs: []string{"i1", id}}))
		}},
	}
	// Folders' parent accepts RootFolders and IDs; blank is not "no parent".
	folders := func(id string) error {
		return iterErr(mb.Folders(ctx, "s1", "m1", &FolderListOptions{ParentID: id}))
	}
	// Every method that takes a session and a mailbox.
	twoIDs := map[string]func(sessionID, mailboxID string) error{
		"Mailboxes.Get":     func(s, m string) error { return first(mb.Get(ctx, s, m)) },
		"Mailboxes.Folders": func(s, m string) error { return iterErr(mb.Folders(ctx, s, m, nil)) },
		"Mailboxes.Items":   func(s, m string) error { return iterErr(mb.Items(ctx, s, m, nil)) },
		"Mailboxes.Search":  func(s, m string) error { return iterErr(mb.Search(ctx, s, m, "q", nil)) },
		"Mailboxes.GetItem": func(s, m string) error { return first(mb.GetItem(ctx, s, m, "i1")) },
		"Mailboxes.GetFolder": func(s, m string) error {
			return first(mb.GetFolder(ctx, s, m, "f1"))
		},
		"Mailboxes.OperatorRestore": func(s, m string) error {
			return first(mb.OperatorRestore(ctx, s, m, &OperatorRestoreRequest{ItemIDs: []string{"i1"}}))
		},
		"Mailboxes.Restore": func(s, m string) error { return first(mb.Restore(ctx, s, m, ScopeMailbox(), nil)) },
		"Mailboxes.RestoreTo": func(s, m string) error {
			return first(mb.RestoreTo(ctx, s, m, ScopeMailbox(), &RestoreToRequest{Mailbox: "bob@contoso.com"}))
		},
		"Mailboxes.SendToDefaultAddress": func(s, m string) error {
			return mb.SendToDefaultAddress(ctx, s, m, ScopeItem("i1"))
		},
		"Mailboxes.SendToDifferentAddress": func(s, m string) error {
			return mb.SendToDifferentAddress(ctx, s, m, ScopeItem("i1"), &SendRequest{To: "bob@contoso.com"})
		},
		"Mailboxes.ExportToPST": func(s, m string) error {
			return first(mb.ExportToPST(ctx, s, m, ScopeMailbox(), io.Discard, nil))
		},
		"Mailboxes.Save": func(s, m string) error { return first(mb.Save(ctx, s, m, ScopeItem("i1"), io.Discard, nil)) },
	}
	for name, call := range twoIDs {
		cases = append(cases,
			idCase{name, "sessionID", func(id string) error { return call(id, "m1") }},
			idCase{name, "mailboxID", func(id string) error { return call("s1", id) }})
	}
	// Every action that takes a scope, with each kind of scope ID.
	scoped := map[string]func(Scope) error{
		"Mailboxes.Restore": func(sc Scope) error { return first(mb.Restore(ctx, "s1", "m1", sc, nil)) },
		"Mailboxes.RestoreTo": func(sc Scope) error {
			return first(mb.RestoreTo(ctx, "s1", "m1", sc, &RestoreToRequest{Mailbox: "bob@contoso.com"}))
		},
		"Mailboxes.ExportToPST": func(sc Scope) error {
			return first(mb.ExportToPST(ctx, "s1", "m1", sc, io.Discard, nil))
		},
		"Mailboxes.Save":                 func(sc Scope) error { return first(mb.Save(ctx, "s1", "m1", sc, io.Discard, nil)) },
		"Mailboxes.SendToDefaultAddress": func(sc Scope) error { return mb.SendToDefaultAddress(ctx, "s1", "m1", sc) },
		"Mailboxes.SendToDifferentAddress": func(sc Scope) error {
			return mb.SendToDifferentAddress(ctx, "s1", "m1", sc, &SendRequest{To: "bob@contoso.com"})
		},
	}
	for name, call := range scoped {
		cases = append(cases,
			idCase{name, "scope.ItemID", func(id string) error { return call(ScopeItem(id)) }},
			idCase{name, "scope.ItemIDs[0]", func(id string) error { return call(ScopeItems(id, "i2")) }})
		if name != "Mailboxes.Save" && !strings.HasPrefix(name, "Mailboxes.Send") {
			cases = append(cases, idCase{name, "scope.FolderID", func(id string) error { return call(ScopeFolder(id)) }})
		}
	}

	// Empty means "not given" for these.
	optional := map[string]bool{"req.RepositoryID": true, "opts.FolderID": true}
	n := 0
	for _, tc := range cases {
		for label, id := range badIDs {
			if id == "" && optional[tc.arg] {
				continue
			}
			refused(t, tc.method+"("+tc.arg+" "+label+")", tc.arg, func() error { return tc.call(id) })
			n++
		}
	}
	for label, id := range badIDs {
		if id != "" { // empty ParentID means "the whole tree"
			refused(t, "Mailboxes.Folders(opts.ParentID "+label+")", "opts.ParentID", func() error { return folders(id) })
			n++
		}
	}
	assert.Greater(t, n, 500)
	t.Logf("%d bad IDs refused", n)
	assert.Zero(t, hits.Load(), "no request reached the server, not even a login")
}

// TestNilRequestsZeroTimesAndBadOptionsAreRefused covers the arguments other
// than IDs: nil and incomplete requests, zero times, negative offsets,
// limits and sizes, and options that do not fit the call.
func TestNilRequestsZeroTimesAndBadOptionsAreRefused(t *testing.T) {
	t.Parallel()
	c, hits := countingServer(t)
	ctx := t.Context()
	rs, mb := c.RestoreSessions, c.Mailboxes
	cases := []struct {
		name, arg string
		call      func() error
	}{
		{"OperatorExplore(nil)", "req", func() error { return first(rs.OperatorExplore(ctx, nil)) }},
		{"OperatorExplore(zero time)", "req.DateTime", func() error { return first(rs.OperatorExplore(ctx, &OperatorExploreRequest{})) }},
		{"Explore(nil)", "req", func() error { return first(rs.Explore(ctx, nil)) }},
		{"Explore(zero time)", "req.DateTime", func() error { return first(rs.Explore(ctx, &ExploreRequest{})) }},
		{"ExploreOrganization(nil)", "req", func() error { return first(rs.ExploreOrganization(ctx, "o1", nil)) }},
		{"ExploreOrganization(zero time)", "req.DateTime", func() error {
			return first(rs.ExploreOrganization(ctx, "o1", &ExploreRequest{DateTime: time.Time{}}))
		}},
		{"Explore(repository)", "req.RepositoryID", func() error {
			return first(rs.Explore(ctx, &ExploreRequest{DateTime: time.Now(), RepositoryID: "r1"}))
		}},
		{"OperatorRestore(nil)", "req", func() error { return first(mb.OperatorRestore(ctx, "s1", "m1", nil)) }},
		{"OperatorRestore(no items)", "req.ItemIDs", func() error {
			return first(mb.OperatorRestore(ctx, "s1", "m1", &OperatorRestoreRequest{ItemIDs: []string{}}))
		}},
		{"RestoreMailboxes(no mailboxes)", "mailboxIDs", func() error {
			return first(mb.RestoreMailboxes(ctx, "s1", nil, nil))
		}},
		{"RestoreTo(nil)", "req", func() error { return first(mb.RestoreTo(ctx, "s1", "m1", ScopeMailbox(), nil)) }},
		{"RestoreTo(no mailbox)", "req.Mailbox", func() error {
			return first(mb.RestoreTo(ctx, "s1", "m1", ScopeMailbox(), &RestoreToRequest{}))
		}},
		{"SendToDifferentAddress(nil)", "req", func() error {
			return mb.SendToDifferentAddress(ctx, "s1", "m1", ScopeItem("i1"), nil)
		}},
		{"SendToDifferentAddress(no To)", "req.To", func() error {
			return mb.SendToDifferentAddress(ctx, "s1", "m1", ScopeItem("i1"), &SendRequest{})
		}},
		{"Restore(zero scope)", "scope", func() error { return first(mb.Restore(ctx, "s1", "m1", Scope{}, nil)) }},
		{"Restore(empty items)", "scope.ItemIDs", func() error { return first(mb.Restore(ctx, "s1", "m1", ScopeItems(), nil)) }},
		{"Save(folder scope)", "scope", func() error { return first(mb.Save(ctx, "s1", "m1", ScopeFolder("f1"), io.Discard, nil)) }},
		{"SendToDefaultAddress(mailbox scope)", "scope", func() error {
			return mb.SendToDefaultAddress(ctx, "s1", "m1", ScopeMailbox())
		}},
		{"ExportToPST(nil writer)", "w", func() error { return first(mb.ExportToPST(ctx, "s1", "m1", ScopeMailbox(), nil, nil)) }},
		{"Save(nil writer)", "w", func() error { return first(mb.Save(ctx, "s1", "m1", ScopeItem("i1"), nil, nil)) }},
		{"ExportToPST(negative size)", "opts.PSTSizeLimitBytes", func() error {
			return first(mb.ExportToPST(ctx, "s1", "m1", ScopeMailbox(), io.Discard, &ExportOptions{PSTSizeLimitBytes: -1}))
		}},
		{"ExportToPST(keyword on items)", "opts.ContentKeyword", func() error {
			return first(mb.ExportToPST(ctx, "s1", "m1", ScopeItem("i1"), io.Discard, &ExportOptions{ContentKeyword: "x"}))
		}},
		{"Search(empty query)", "query", func() error { return iterErr(mb.Search(ctx, "s1", "m1", "", nil)) }},
		{"SearchAll(empty query)", "query", func() error { return iterErr(mb.SearchAll(ctx, "s1", "", nil)) }},
		{"RestoreSessions.List(end before start)", "opts.EndTimeTo", func() error {
			return first(rs.List(ctx, &RestoreSessionListOptions{EndTimeFrom: time.Now(), EndTimeTo: time.Now().Add(-time.Minute)}))
		}},
		{"Find(empty email)", "email", func() error { return first(mb.Find(ctx, "s1", "")) }},
		{"Wait(negative interval)", "opts.PollInterval", func() error {
			return first(rs.Wait(ctx, "s1", &WaitOptions{PollInterval: -time.Second}))
		}},
	}
	// Every list, with each bad page selection.
	lists := map[string]func(*ListOptions) error{
		"RestoreSessions.List":   func(o *ListOptions) error { return first(rs.List(ctx, &RestoreSessionListOptions{ListOptions: *o})) },
		"RestoreSessions.All":    func(o *ListOptions) error { return iterErr(rs.All(ctx, &RestoreSessionListOptions{ListOptions: *o})) },
		"RestoreSessions.Events": func(o *ListOptions) error { return iterErr(rs.Events(ctx, "s1", o)) },
		"Mailboxes.List":         func(o *ListOptions) error { return first(mb.List(ctx, "s1", o)) },
		"Mailboxes.All":          func(o *ListOptions) error { return iterErr(mb.All(ctx, "s1", o)) },
		"Mailboxes.Folders": func(o *ListOptions) error {
			return iterErr(mb.Folders(ctx, "s1", "m1", &FolderListOptions{ListOptions: *o, ParentID: RootFolders}))
		},
		"Mailboxes.Items": func(o *ListOptions) error {
			return iterErr(mb.Items(ctx, "s1", "m1", &ItemListOptions{ListOptions: *o}))
		},
		"Mailboxes.Search": func(o *ListOptions) error {
			return iterErr(mb.Search(ctx, "s1", "m1", "q", &SearchOptions{ListOptions: *o}))
		},
		"Mailboxes.SearchAll": func(o *ListOptions) error { return iterErr(mb.SearchAll(ctx, "s1", "q", o)) },
	}
	pages := []struct {
		label, arg string
		opts       ListOptions
	}{
		{"negative offset", "opts.Offset", ListOptions{Offset: -1}},
		{"very negative offset", "opts.Offset", ListOptions{Offset: -1 << 62}},
		{"negative limit", "opts.Limit", ListOptions{Limit: -1}},
		{"limit past the maximum", "opts.Limit", ListOptions{Limit: MaxPageSize + 1}},
	}
	for name, call := range lists {
		for _, p := range pages {
			cases = append(cases, struct {
				name, arg string
				call      func() error
			}{name + "(" + p.label + ")", p.arg, func() error { return call(&p.opts) }})
		}
	}
	for _, tc := range cases {
		refused(t, tc.name, tc.arg, tc.call)
	}
	assert.Zero(t, hits.Load(), "no request reached the server, not even a login")
}

// TestClientSettingsRefuseBadInput covers NewClient, its options and
// DetectAPIVersion, which check their arguments before any request too.
func TestClientSettingsRefuseBadInput(t *testing.T) {
	t.Parallel()
	_, hits := countingServer(t)
	cases := []struct {
		name, arg string
		call      func() error
	}{
		{"blank server URL", "serverURL", func() error { return first(NewClient("   ")) }},
		{"URL with a version", "serverURL", func() error { return first(NewClient("https://host/../v6")) }},
		{"blank username", "username", func() error { return first(NewClient("https://host", WithPassword(" \t", "pw"))) }},
		{"blank client ID", "clientID", func() error { return first(NewClient("https://host", WithOperator("  ", "a"))) }},
		{"empty assertion", "assertion", func() error { return first(NewClient("https://host", WithOperator("c", ""))) }},
		{"negative wait", "minWait", func() error { return first(NewClient("https://host", WithRetry(1, -time.Second, 0))) }},
		{"blank user agent", "ua", func() error { return first(NewClient("https://host", WithUserAgent(" "))) }},
		{"nil root CAs", "pool", func() error { return first(NewClient("https://host", WithRootCAs(nil))) }},
		{"nil HTTP client", "hc", func() error { return first(NewClient("https://host", WithHTTPClient(nil))) }},
		{"DetectAPIVersion blank URL", "serverURL", func() error { return first(DetectAPIVersion(t.Context(), " ")) }},
	}
	for _, tc := range cases {
		refused(t, tc.name, tc.arg, tc.call)
	}
	assert.Zero(t, hits.Load())
}

// TestBlankRequiredStringsAreRefused expects whitespace-only values of
// required free-text fields to be refused like blank IDs.
func TestBlankRequiredStringsAreRefused(t *testing.T) {
	t.Parallel()
	c, hits := countingServer(t)
	ctx := t.Context()
	refused(t, "RestoreTo", "req.Mailbox", func() error {
		return first(c.Mailboxes.RestoreTo(ctx, "s1", "m1", ScopeMailbox(), &RestoreToRequest{Mailbox: "  "}))
	})
	refused(t, "SendToDifferentAddress", "req.To", func() error {
		return c.Mailboxes.SendToDifferentAddress(ctx, "s1", "m1", ScopeItem("i1"), &SendRequest{To: " \t"})
	})
	refused(t, "Search", "query", func() error { return iterErr(c.Mailboxes.Search(ctx, "s1", "m1", "  ", nil)) })
	refused(t, "SearchAll", "query", func() error { return iterErr(c.Mailboxes.SearchAll(ctx, "s1", "\n", nil)) })
	refused(t, "Find", "email", func() error { return first(c.Mailboxes.Find(ctx, "s1", " \t")) })
	assert.Zero(t, hits.Load())
}

// TestNilContextIsRefused expects a nil context to be refused, as
// http.NewRequestWithContext does, instead of a nil-pointer panic.
func TestNilContextIsRefused(t *testing.T) {
	t.Parallel()
	c, hits := countingServer(t)
	var nilCtx context.Context
	refused(t, "RestoreSessions.Get", "ctx", func() error { return first(c.RestoreSessions.Get(nilCtx, "s1")) })
	refused(t, "Mailboxes.All", "ctx", func() error { return iterErr(c.Mailboxes.All(nilCtx, "s1", nil)) })
	refused(t, "DetectAPIVersion", "ctx", func() error { return first(DetectAPIVersion(nilCtx, "https://host")) })
	refused(t, "Close", "ctx", func() error { return c.Close(nilCtx) })
	assert.Zero(t, hits.Load())
}
