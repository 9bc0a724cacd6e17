package vb365test_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365/vb365test"
)

func subjects(t *testing.T, page map[string]any) []string {
	t.Helper()
	var out []string
	for _, r := range page["results"].([]any) {
		out = append(out, r.(map[string]any)["subject"].(string))
	}
	return out
}

// want lists the subjects of items matching pred, in seed order.
func want(items []*vb365test.Item, pred func(*vb365test.Item) bool) []string {
	var out []string
	for _, it := range items {
		if pred(it) {
			out = append(out, it.Subject)
		}
	}
	return out
}

// allItems returns the items of folders and their subfolders, depth first.
func allItems(folders []*vb365test.Folder) []*vb365test.Item {
	var out []*vb365test.Item
	for _, f := range folders {
		out = append(out, f.Items()...)
		out = append(out, allItems(f.Folders())...)
	}
	return out
}

func TestSearch(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			org := s.Organization()
			alice := org.MailboxByEmail("alice@contoso.onmicrosoft.com")
			inbox := alice.Folder("Inbox")
			op := operatorToken(t, s, v)
			sid := explore(t, s, v, op)
			var every []*vb365test.Item
			for _, m := range org.Mailboxes() {
				every = append(every, allItems(m.Folders())...)
			}
			aliceItems := allItems(alice.Folders())
			inboxItems := allItems([]*vb365test.Folder{inbox})
			all := "/" + v + "/RestoreSessions/" + sid + "/organization/mailboxes/search?limit=1000"
			mbx := mailboxPath(v, sid, alice.ID()) + "/search?limit=1000"
			fld := mailboxPath(v, sid, alice.ID()) + "/folders/" + url.PathEscape(inbox.ID()) + "/search?limit=1000"
			lower := strings.ToLower
			has := func(s, sub string) bool { return strings.Contains(lower(s), lower(sub)) }
			nov10 := time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC)
			for _, tc := range []struct {
				path, query string
				want        []string
			}{
				{all, "subject:falcon", want(every, func(it *vb365test.Item) bool { return has(it.Subject, "falcon") })},
				{all, "from:bob", want(every, func(it *vb365test.Item) bool { return has(it.From, "bob") })},
				{all, "budget", want(every, func(it *vb365test.Item) bool { return has(it.Subject, "budget") || has(it.From, "budget") })},
				{mbx, "from:bob AND subject:re", want(aliceItems, func(it *vb365test.Item) bool { return has(it.From, "bob") && has(it.Subject, "re") })},
				{mbx, `subject:"budget review"`, want(aliceItems, func(it *vb365test.Item) bool { return has(it.Subject, "budget review") })},
				{mbx, "Re:", want(aliceItems, func(it *vb365test.Item) bool { return has(it.Subject, "re:") || has(it.From, "re:") })},
				{mbx, "to:bob", want(aliceItems, func(it *vb365test.Item) bool { return has(it.To, "bob") })},
				{mbx, "cc:bob", want(aliceItems, func(it *vb365test.Item) bool { return has(it.Cc, "bob") })},
				{mbx, "importance:high", want(aliceItems, func(it *vb365test.Item) bool { return it.Importance == "High" })},
				{mbx, "hasattachments:yes", want(aliceItems, func(it *vb365test.Item) bool { return len(it.Attachments) > 0 })},
				{mbx, "attachment:.pdf itemclass:ipm.note", want(aliceItems, func(it *vb365test.Item) bool { return len(it.Attachments) > 0 })},
				{mbx, "received:2026-11-10", want(aliceItems, func(it *vb365test.Item) bool {
					return !it.Received.Before(nov10) && it.Received.Before(nov10.AddDate(0, 0, 1))
				})},
				{mbx, "received:>=2026-11-15", want(aliceItems, func(it *vb365test.Item) bool { return !it.Received.Before(nov10.AddDate(0, 0, 5)) })},
				{mbx, "received:<2026-11-05T00:00:00Z", want(aliceItems, func(it *vb365test.Item) bool { return it.Received.Before(nov10.AddDate(0, 0, -5)) })},
				{mbx, "sent:>2026-11-12", want(aliceItems, func(it *vb365test.Item) bool {
					return !it.Sent.IsZero() && !it.Sent.Before(nov10.AddDate(0, 0, 3))
				})},
				{fld, "falcon", want(inboxItems, func(it *vb365test.Item) bool { return has(it.Subject, "falcon") })},
				{fld, "from:contoso", want(inboxItems, func(it *vb365test.Item) bool { return has(it.From, "contoso") })},
				{mbx, "subject:nothing-like-this", nil},
			} {
				if !strings.Contains(tc.query, "nothing") {
					require.NotEmpty(t, tc.want, tc.query)
				}
				r := do(t, s, "POST", tc.path, op, map[string]string{"query": tc.query})
				require.Equal(t, http.StatusOK, r.status, "%s: %s", tc.query, r.body)
				page := r.json(t)
				require.Equal(t, tc.want, subjects(t, page), tc.query)
				require.NotEmpty(t, page["setId"])
				total, hasTotal := page["totalCount"]
				require.Equal(t, v != "v8", hasTotal)
				if hasTotal {
					require.Equal(t, float64(len(tc.want)), total)
				}
			}
			// The sanity of the expectations themselves.
			require.Len(t, want(every, func(it *vb365test.Item) bool { return has(it.Subject, "falcon") }), 3)

			// Administrators search too; errors.
			pw := passwordToken(t, s, v)
			require.Equal(t, http.StatusOK, do(t, s, "POST", mbx, pw, map[string]string{"query": "x"}).status)
			for _, q := range []any{nil, map[string]string{}, map[string]string{"query": "  "}, map[string]string{"query": `subject:"open`},
				map[string]string{"query": "subject:"}, map[string]string{"query": "received:someday"}, map[string]string{"query": "hasattachments:maybe"}} {
				r := do(t, s, "POST", mbx, op, q)
				require.Equal(t, http.StatusBadRequest, r.status, "%v", q)
			}
			require.Equal(t, http.StatusNotFound, do(t, s, "POST", mailboxPath(v, sid, alice.ID())+"/folders/nope/search", op, map[string]string{"query": "x"}).status)
			require.Equal(t, http.StatusNotFound, do(t, s, "POST", mailboxPath(v, sid, "00000000-0000-0000-0000-000000000000")+"/search", op, map[string]string{"query": "x"}).status)
			require.Equal(t, http.StatusMethodNotAllowed, do(t, s, "GET", mbx, op, nil).status)
			require.Equal(t, 23, s.Requests(vb365test.RouteMailboxSearch))
			require.Equal(t, 3, s.Requests(vb365test.RouteMailboxesSearch))
			require.Equal(t, 3, s.Requests(vb365test.RouteFolderSearch))
		})
	}
}

func TestSearchSetPaging(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			org := vb365test.NewOrganization("Paging")
			mb := org.AddMailbox("Big", "big@paging.onmicrosoft.com")
			other := org.AddMailbox("Other", "other@paging.onmicrosoft.com")
			in := mb.AddFolder("Inbox", "Inbox")
			in.AddMessages(250)
			in.AddFolder("Sub", "None").AddMessage("Unrelated", "x@y", time.Now())
			s := newServer(t, vb365test.WithOrganization(org))
			op := operatorToken(t, s, v)
			sid := explore(t, s, v, op)
			base := mailboxPath(v, sid, mb.ID()) + "/search"

			first := do(t, s, "POST", base+"?limit=100", op, map[string]string{"query": "subject:message"})
			require.Equal(t, http.StatusOK, first.status, string(first.body))
			p := first.json(t)
			setID := p["setId"].(string)
			require.Len(t, p["results"], 100)
			next := p["_links"].(map[string]any)["next"].(map[string]any)["href"].(string)
			require.Contains(t, next, "setId="+setID)
			require.Contains(t, next, "offset=100")
			seen := map[string]bool{}
			for _, r := range p["results"].([]any) {
				seen[r.(map[string]any)["id"].(string)] = true
			}
			// Later pages: the set is kept; the body is not evaluated again.
			for next != "" {
				r := do(t, s, "POST", next, op, map[string]string{"query": "subject:unrelated"})
				require.Equal(t, http.StatusOK, r.status, string(r.body))
				pg := r.json(t)
				require.Equal(t, setID, pg["setId"])
				for _, it := range pg["results"].([]any) {
					id := it.(map[string]any)["id"].(string)
					require.False(t, seen[id])
					seen[id] = true
				}
				next = ""
				if n, ok := pg["_links"].(map[string]any)["next"]; ok {
					next = n.(map[string]any)["href"].(string)
				}
			}
			require.Len(t, seen, 250)
			// An empty body is fine with a setId.
			last := do(t, s, "POST", base+"?offset=240&limit=100&setId="+setID, op, nil)
			require.Equal(t, http.StatusOK, last.status, string(last.body))
			require.Len(t, last.json(t)["results"], 10)

			// A new search without setId makes a new set.
			again := do(t, s, "POST", base, op, map[string]string{"query": "subject:message"}).json(t)
			require.NotEqual(t, setID, again["setId"])

			// Unknown, malformed and foreign set IDs.
			require.Equal(t, http.StatusNotFound, do(t, s, "POST", base+"?setId=00000000-0000-0000-0000-000000000000", op, nil).status)
			require.Equal(t, http.StatusBadRequest, do(t, s, "POST", base+"?setId=nope", op, nil).status)
			allPath := "/" + v + "/RestoreSessions/" + sid + "/organization/mailboxes/search"
			require.Equal(t, http.StatusNotFound, do(t, s, "POST", allPath+"?setId="+setID, op, nil).status)
			fpath := mailboxPath(v, sid, mb.ID()) + "/folders/" + url.PathEscape(in.ID()) + "/search"
			require.Equal(t, http.StatusNotFound, do(t, s, "POST", fpath+"?setId="+setID, op, nil).status)
			// Another mailbox's search cannot use it either.
			require.Equal(t, http.StatusNotFound, do(t, s, "POST", mailboxPath(v, sid, other.ID())+"/search?setId="+setID, op, nil).status)
			// Folder search covers subfolders.
			require.Equal(t, []string{"Unrelated"}, subjects(t, do(t, s, "POST", fpath, op, map[string]string{"query": "unrelated"}).json(t)))
			// Another session cannot use the set; a stopped session answers 500.
			sid2 := explore(t, s, v, op)
			require.Equal(t, http.StatusNotFound, do(t, s, "POST", mailboxPath(v, sid2, mb.ID())+"/search?setId="+setID, op, nil).status)
			do(t, s, "POST", "/"+v+"/RestoreSessions/"+sid+"/Stop", op, nil)
			require.Equal(t, http.StatusInternalServerError, do(t, s, "POST", base+"?setId="+setID, op, nil).status)
		})
	}
}
