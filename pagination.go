package vb365

import (
	"context"
	"iter"
	"net/url"
	"strconv"
)

// ListOptions selects a page of a list. The zero value is the first page of
// DefaultPageSize results.
type ListOptions struct {
	// Offset is how many results to skip.
	Offset int
	// Limit is the page size: 0 means DefaultPageSize; at most MaxPageSize.
	Limit int
}

// Page is one page of a list, as the server sent it.
type Page[T any] struct {
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
	// SetID names the result set the server keeps for this listing.
	SetID   string `json:"setId"`
	Results []T    `json:"results"`
	// TotalCount is sent by v6 and v7 servers only.
	TotalCount *int `json:"totalCount"`
	// Links holds the page's HAL navigation links, relative to the server.
	Links PageLinks `json:"_links"`
}

// PageLinks are the navigation links of a page.
type PageLinks struct {
	Self  *Link `json:"self"`
	First *Link `json:"first"`
	Prev  *Link `json:"prev"`
	Next  *Link `json:"next"`
}

// Link is a HAL link.
type Link struct {
	Href string `json:"href"`
}

// last reports whether no page follows p, which was asked for with limit.
// The server's next link decides where it sends links; otherwise a short
// page ends the list.
func (p *Page[T]) last(limit int) bool {
	if len(p.Results) == 0 {
		return true
	}
	if p.Links.Self != nil || p.Links.First != nil {
		return p.Links.Next == nil
	}
	if p.Limit > 0 {
		limit = p.Limit
	}
	if p.TotalCount != nil && p.Offset+len(p.Results) >= *p.TotalCount {
		return true
	}
	return len(p.Results) < limit
}

func (o *ListOptions) validate(arg string) (offset, limit int, err error) {
	if o == nil {
		return 0, DefaultPageSize, nil
	}
	switch {
	case o.Offset < 0:
		return 0, 0, invalidArg(arg+".Offset", "must not be negative")
	case o.Limit < 0:
		return 0, 0, invalidArg(arg+".Limit", "must not be negative")
	case o.Limit > MaxPageSize:
		return 0, 0, invalidArg(arg+".Limit", "must be at most "+strconv.Itoa(MaxPageSize))
	case o.Limit == 0:
		return o.Offset, DefaultPageSize, nil
	}
	return o.Offset, o.Limit, nil
}

// lister fetches the pages of one list: a GET of path with offset, limit
// and extra query parameters, or a POST of body for searches.
type lister struct {
	c     *Client
	op    string
	path  string
	extra string // encoded query parameters after offset and limit, with a leading "&"
	// vextra adds query parameters whose names depend on the API version.
	vextra func(APIVersion) string
	method string // "" means GET
	body   []byte
	// keepSet sends the first page's setId with the later pages, so that
	// they come from the result set the server keeps (searches).
	keepSet bool
}

func (l *lister) page(ctx context.Context, offset, limit int, setID string, into any) error {
	q := make([]byte, 0, 32+len(l.extra))
	q = append(q, "offset="...)
	q = strconv.AppendInt(q, int64(offset), 10)
	q = append(q, "&limit="...)
	q = strconv.AppendInt(q, int64(limit), 10)
	if setID != "" {
		q = append(q, "&setId="...)
		q = append(q, url.QueryEscape(setID)...)
	}
	q = append(q, l.extra...)
	method := l.method
	if method == "" {
		method = "GET"
	}
	return l.c.do(ctx, &request{op: l.op, method: method, path: l.path, query: string(q), vquery: l.vextra, body: l.body}, into)
}

func listPage[T any](ctx context.Context, l lister, opts *ListOptions) (*Page[T], error) {
	offset, limit, err := opts.validate("opts")
	if err != nil {
		return nil, err
	}
	p := new(Page[T])
	if err := l.page(ctx, offset, limit, "", p); err != nil {
		return nil, err
	}
	return p, nil
}

// listAll walks a list page by page. It stops after yielding an error, and
// when the caller stops. The page's memory is reused from page to page, so
// iterating holds one page at a time however long the list.
func listAll[T any](ctx context.Context, l lister, opts *ListOptions, argErr error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if argErr != nil {
			yield(zero, argErr)
			return
		}
		offset, limit, err := opts.validate("opts")
		if err != nil {
			yield(zero, err)
			return
		}
		var p Page[T]
		setID := ""
		for {
			// Zero the kept results: decoding into a reused element would
			// keep fields that the new one lacks.
			r := p.Results[:cap(p.Results)]
			clear(r)
			p = Page[T]{Results: r[:0]}
			if err := l.page(ctx, offset, limit, setID, &p); err != nil {
				yield(zero, err)
				return
			}
			for i := range p.Results {
				if !yield(p.Results[i], nil) {
					return
				}
			}
			if p.last(limit) {
				return
			}
			offset += len(p.Results)
			if l.keepSet && setID == "" {
				setID = p.SetID
			}
		}
	}
}
