package vb365

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pagedMailboxes serves total mailboxes in pages, with _links when links is
// set, and records the offsets and limits asked for.
func pagedMailboxes(f *fakeAPI, total int, links bool, asked *[]string) {
	f.handle("GET /v6/RestoreSessions/s1/organization/mailboxes", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		offset, _ := strconv.Atoi(q.Get("offset"))
		limit, _ := strconv.Atoi(q.Get("limit"))
		*asked = append(*asked, q.Get("offset")+"/"+q.Get("limit"))
		var res []string
		for i := offset; i < min(offset+limit, total); i++ {
			res = append(res, fmt.Sprintf(`{"id":"m%d","name":"n%d"}`, i, i))
		}
		l := ""
		if links {
			l = `,"_links":{"self":{"href":"/v6/x"}`
			if offset+limit < total {
				l += `,"next":{"href":"/v6/x?offset=` + strconv.Itoa(offset+limit) + `"}`
			}
			l += "}"
		}
		writeJSON(w, 200, fmt.Sprintf(`{"offset":%d,"limit":%d,"setId":"set-1","results":[%s],"totalCount":%d%s}`,
			offset, limit, strings.Join(res, ","), total, l))
	})
}

func TestAllWalksPages(t *testing.T) {
	t.Parallel()
	for _, links := range []bool{true, false} {
		for _, total := range []int{0, 1, 9, 10, 25} {
			c, f := setup(t)
			var asked []string
			pagedMailboxes(f, total, links, &asked)
			var got []string
			for m, err := range c.Mailboxes.All(t.Context(), "s1", &ListOptions{Limit: 10}) {
				require.NoError(t, err)
				got = append(got, m.ID)
			}
			require.Len(t, got, total)
			for i, id := range got {
				assert.Equal(t, fmt.Sprintf("m%d", i), id)
			}
			wantPages := max(1, (total+9)/10)
			if !links && total > 0 && total%10 == 0 {
				wantPages = total / 10 // totalCount ends it without an empty page
			}
			assert.Len(t, asked, wantPages, "total %d links %v: %v", total, links, asked)
		}
	}
}

func TestAllStartsAtOffsetAndStopsWhenCallerStops(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	var asked []string
	pagedMailboxes(f, 100, true, &asked)
	n := 0
	for m, err := range c.Mailboxes.All(t.Context(), "s1", &ListOptions{Offset: 40, Limit: 7}) {
		require.NoError(t, err)
		if n == 0 {
			assert.Equal(t, "m40", m.ID)
		}
		n++
		if n == 10 {
			break
		}
	}
	assert.Equal(t, []string{"40/7", "47/7"}, asked)
}

func TestAllYieldsErrorOnceAndStops(t *testing.T) {
	t.Parallel()
	c, f := setup(t, WithRetry(0, 0, 0))
	calls := f.handle("GET /v6/RestoreSessions/s1/organization/mailboxes", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("offset") == "0" {
			writeJSON(w, 200, `{"offset":0,"limit":2,"results":[{"id":"a"},{"id":"b"}],"_links":{"self":{"href":"x"},"next":{"href":"y"}}}`)
			return
		}
		writeJSON(w, 404, `{"message":"Restore session not found."}`)
	})
	var ids []string
	var errs []error
	for m, err := range c.Mailboxes.All(t.Context(), "s1", &ListOptions{Limit: 2}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, m.ID)
	}
	assert.Equal(t, []string{"a", "b"}, ids)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrNotFound)
	assert.Equal(t, int32(2), calls.Load())
}

func TestAllChecksContextBetweenPages(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	var asked []string
	pagedMailboxes(f, 100, true, &asked)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var last error
	n := 0
	for _, err := range c.Mailboxes.All(ctx, "s1", &ListOptions{Limit: 10}) {
		if err != nil {
			last = err
			break
		}
		if n++; n == 10 {
			cancel()
		}
	}
	assert.ErrorIs(t, last, context.Canceled)
	assert.Len(t, asked, 1, "no page asked for after the cancel")
}

func TestListReturnsOnePage(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	var asked []string
	pagedMailboxes(f, 25, true, &asked)
	p, err := c.Mailboxes.List(t.Context(), "s1", &ListOptions{Offset: 20, Limit: 10})
	require.NoError(t, err)
	assert.Len(t, p.Results, 5)
	assert.Equal(t, "set-1", p.SetID)
	require.NotNil(t, p.TotalCount)
	assert.Equal(t, 25, *p.TotalCount)
	assert.Nil(t, p.Links.Next)

	_, err = c.Mailboxes.List(t.Context(), "s1", nil)
	require.NoError(t, err)
	assert.Equal(t, "0/"+strconv.Itoa(DefaultPageSize), asked[1], "nil options: the first page of the default size")
}

func TestReusedPageDoesNotLeakFields(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	f.handle("GET /v6/RestoreSessions/s1/organization/mailboxes/m1/items", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("offset") == "0" {
			writeJSON(w, 200, `{"offset":0,"limit":1,"results":[{"id":"a","subject":"first","attachments":[{"name":"x"}]}],"_links":{"self":{},"next":{}}}`)
			return
		}
		writeJSON(w, 200, `{"offset":1,"limit":1,"results":[{"id":"b"}],"_links":{"self":{}}}`)
	})
	var items []Item
	for it, err := range c.Mailboxes.Items(t.Context(), "s1", "m1", &ItemListOptions{ListOptions: ListOptions{Limit: 1}}) {
		require.NoError(t, err)
		items = append(items, it)
	}
	require.Len(t, items, 2)
	assert.Equal(t, "first", items[0].Subject)
	assert.Len(t, items[0].Attachments, 1)
	assert.Empty(t, items[1].Subject, "the second item has no subject of its own")
	assert.Empty(t, items[1].Attachments)
}

func TestFolderAndItemFilterPerVersion(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v                  APIVersion
		rootParam, itemKey string
	}{{V6, "null", "folderId"}, {V7, "root", "parentId"}, {V8, "root", "parentId"}} {
		c, f := setup(t, WithAPIVersion(tc.v))
		var folderQuery, itemQuery string
		f.handle("GET /"+string(tc.v)+"/RestoreSessions/s1/organization/mailboxes/m1/folders", func(w http.ResponseWriter, r *http.Request) {
			folderQuery = r.URL.RawQuery
			writeJSON(w, 200, `{"offset":0,"limit":30,"results":[]}`)
		})
		f.handle("GET /"+string(tc.v)+"/RestoreSessions/s1/organization/mailboxes/m1/items", func(w http.ResponseWriter, r *http.Request) {
			itemQuery = r.URL.RawQuery
			writeJSON(w, 200, `{"offset":0,"limit":30,"results":[]}`)
		})
		require.NoError(t, iterErr(c.Mailboxes.Folders(t.Context(), "s1", "m1", &FolderListOptions{ParentID: RootFolders, Name: "In*"})))
		assert.Equal(t, "offset=0&limit=500&name=In%2A&parentId="+tc.rootParam, folderQuery)
		require.NoError(t, iterErr(c.Mailboxes.Items(t.Context(), "s1", "m1", &ItemListOptions{FolderID: "F+/="})))
		assert.Equal(t, "offset=0&limit=500&"+tc.itemKey+"=F%2B%2F%3D", itemQuery)
	}
}

// shortPages serves real mailboxes, at most size per page whatever limit
// is asked for, with totalCount claimed, and records the offsets and
// limits asked for. page shapes the rest of each page: the offset field
// and _links.
func shortPages(f *fakeAPI, real, size, claimed int, page func(offset, n int) string, asked *[]string) {
	f.handle("GET /v6/RestoreSessions/s1/organization/mailboxes", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		offset, _ := strconv.Atoi(q.Get("offset"))
		*asked = append(*asked, q.Get("offset")+"/"+q.Get("limit"))
		if len(*asked) > 50 {
			writeJSON(w, 400, `{"message":"the test's bound of 50 pages"}`)
			return
		}
		var res []string
		for i := offset; i < min(offset+size, real); i++ {
			res = append(res, fmt.Sprintf(`{"id":"m%d"}`, i))
		}
		writeJSON(w, 200, fmt.Sprintf(`{"results":[%s],"totalCount":%d%s}`,
			strings.Join(res, ","), claimed, page(offset, len(res))))
	})
}

func collectIDs(t *testing.T, c *Client, opts *ListOptions) []string {
	t.Helper()
	var got []string
	for m, err := range c.Mailboxes.All(t.Context(), "s1", opts) {
		require.NoError(t, err)
		got = append(got, m.ID)
	}
	return got
}

func wantIDs(from, to int) []string {
	var ids []string
	for i := from; i < to; i++ {
		ids = append(ids, fmt.Sprintf("m%d", i))
	}
	return ids
}

// A server that answers fewer results than asked for, in the middle of a
// list, with a totalCount that says more remain: the list goes on to the
// total, and asks no page past it.
func TestAllGoesOnToTotalCountPastShortPages(t *testing.T) {
	t.Parallel()
	for name, page := range map[string]func(offset, n int) string{
		"no offset field, no links": func(int, int) string { return "" },
		"offset field":              func(offset, _ int) string { return `,"offset":` + strconv.Itoa(offset) + `,"limit":10` },
		"offset field always 0":     func(int, int) string { return `,"offset":0,"limit":10` },
		"links without next": func(offset, _ int) string {
			return `,"offset":` + strconv.Itoa(offset) + `,"limit":10,"_links":{"self":{"href":"/v6/x"},"first":{"href":"/v6/x"}}`
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, f := setup(t)
			var asked []string
			shortPages(f, 19, 4, 19, page, &asked)
			assert.Equal(t, wantIDs(0, 19), collectIDs(t, c, &ListOptions{Limit: 10}))
			assert.Equal(t, []string{"0/10", "4/10", "8/10", "12/10", "16/10"}, asked)
		})
	}
}

// The count is taken from the offset asked for: a list that starts at an
// offset ends at the total, not that many results later.
func TestAllCountsFromTheOffsetAskedFor(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	var asked []string
	shortPages(f, 19, 4, 19, func(int, int) string { return "" }, &asked)
	assert.Equal(t, wantIDs(10, 19), collectIDs(t, c, &ListOptions{Offset: 10, Limit: 10}))
	assert.Equal(t, []string{"10/10", "14/10", "18/10"}, asked)
}

// Full pages whose links never carry next, as v7 servers have sent them
// (980 of 1,900 mailboxes listed): totalCount says more remain.
func TestAllFollowsTotalCountWhenLinksLackNext(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	var asked []string
	shortPages(f, 25, 10, 25, func(offset, _ int) string {
		return `,"offset":` + strconv.Itoa(offset) + `,"limit":10,"_links":{"self":{"href":"/v6/x"}}`
	}, &asked)
	assert.Equal(t, wantIDs(0, 25), collectIDs(t, c, &ListOptions{Limit: 10}))
	assert.Equal(t, []string{"0/10", "10/10", "20/10"}, asked)
}

// A totalCount larger than what the server has: the list ends on the
// first empty page, and asks nothing after it.
func TestAllEndsOnEmptyPageBeforeTotalCount(t *testing.T) {
	t.Parallel()
	for _, links := range []bool{false, true} {
		c, f := setup(t)
		var asked []string
		shortPages(f, 25, 10, 40, func(offset, n int) string {
			if !links {
				return ""
			}
			l := `,"_links":{"self":{"href":"/v6/x"}`
			if n > 0 {
				l += `,"next":{"href":"/v6/x?offset=` + strconv.Itoa(offset+n) + `"}`
			}
			return l + "}"
		}, &asked)
		assert.Equal(t, wantIDs(0, 25), collectIDs(t, c, &ListOptions{Limit: 10}), "links %v", links)
		assert.Equal(t, []string{"0/10", "10/10", "20/10", "25/10"}, asked, "links %v", links)
	}
}

// totalCount does not end a list whose page still links to a next one.
func TestAllFollowsNextPastTotalCount(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	var asked []string
	shortPages(f, 25, 10, 10, func(offset, n int) string {
		if n == 0 {
			return ""
		}
		return `,"_links":{"self":{"href":"/v6/x"},"next":{"href":"/v6/x?offset=` + strconv.Itoa(offset+n) + `"}}`
	}, &asked)
	assert.Equal(t, wantIDs(0, 25), collectIDs(t, c, &ListOptions{Limit: 10}))
	assert.Equal(t, []string{"0/10", "10/10", "20/10", "25/10"}, asked)
}

// A server that ignores the offset and claims a total it never reaches is
// stopped by the repeated page, not followed forever.
func TestAllTotalCountStillStopsOnRepeatedPage(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	calls := f.handle("GET /v6/RestoreSessions/s1/organization/mailboxes", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"offset":0,"limit":10,"results":[{"id":"a"},{"id":"b"}],"totalCount":1000}`)
	})
	var ids []string
	var errs []error
	for m, err := range c.Mailboxes.All(t.Context(), "s1", &ListOptions{Limit: 10}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, m.ID)
	}
	assert.Equal(t, []string{"a", "b"}, ids)
	require.Len(t, errs, 1)
	assert.ErrorContains(t, errs[0], "repeats an earlier page")
	assert.Equal(t, int32(2), calls.Load())
}

// Without totalCount (v8), a short page ends the list, and so do links
// without next, as before.
func TestAllWithoutTotalCountStopsOnShortPageOrMissingNext(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		size int
		tail string
	}{
		"short page":         {4, ""},
		"links without next": {10, `,"_links":{"self":{"href":"/v8/x"}}`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, f := setup(t, WithAPIVersion(V8))
			var asked []string
			f.handle("GET /v8/RestoreSessions/s1/organization/mailboxes", func(w http.ResponseWriter, r *http.Request) {
				asked = append(asked, r.URL.Query().Get("offset"))
				var res []string
				for i := range tc.size {
					res = append(res, fmt.Sprintf(`{"id":"m%d"}`, i))
				}
				writeJSON(w, 200, `{"offset":0,"limit":10,"results":[`+strings.Join(res, ",")+`]`+tc.tail+`}`)
			})
			assert.Equal(t, wantIDs(0, tc.size), collectIDs(t, c, &ListOptions{Limit: 10}))
			assert.Equal(t, []string{"0"}, asked)
		})
	}
}
