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
