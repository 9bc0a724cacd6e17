package vb365

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"hash/maphash"
	"iter"
	"net/url"
	"reflect"
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

// pageWire is a page as it comes from the server. Its results are counted
// before they are decoded, so that a page of more than MaxPageSize results
// is refused before it takes memory (three bytes of JSON, "{},", decode
// into a struct of hundreds), and hashed, so that a page sent again is
// noticed.
type pageWire[T any] struct {
	Offset     int        `json:"offset"`
	Limit      int        `json:"limit"`
	SetID      string     `json:"setId"`
	Results    results[T] `json:"results"`
	TotalCount *int       `json:"totalCount"`
	Links      PageLinks  `json:"_links"`
}

// page returns the Page the wire form holds; they share the results.
func (w *pageWire[T]) page() Page[T] {
	return Page[T]{Offset: w.Offset, Limit: w.Limit, SetID: w.SetID, Results: w.Results.items,
		TotalCount: w.TotalCount, Links: w.Links}
}

// results decodes a page's results into items, reusing its memory.
type results[T any] struct {
	items []T
	sum   uint64 // hash of the results' JSON
}

// pageSeed seeds the hashes of pages, which are compared within one process.
var pageSeed = maphash.MakeSeed()

// errTooManyResults refuses a page larger than any the server serves.
var errTooManyResults = errors.New("the page holds more than " + strconv.Itoa(MaxPageSize) + " results")

// UnmarshalJSON implements json.Unmarshaler. b is valid JSON: the decoder
// checked it before handing it over.
func (r *results[T]) UnmarshalJSON(b []byte) error {
	items := r.items[:cap(r.items)]
	// Zero the kept results: decoding into a reused element would keep
	// fields that the new one lacks.
	clear(items)
	r.items, r.sum = items[:0], maphash.Bytes(pageSeed, b)
	n, ok := countElements(b, MaxPageSize)
	switch {
	case !ok && string(bytes.TrimSpace(b)) == "null":
		return nil
	case !ok:
		return &json.UnmarshalTypeError{Value: "non-array", Type: reflect.TypeFor[[]T](), Field: "results"}
	case n > MaxPageSize:
		return errTooManyResults
	}
	return json.Unmarshal(b, &r.items)
}

// countElements counts the elements of the JSON array in b, which must be
// valid JSON, and stops counting past limit. ok is false when b is not an
// array. It is a fraction of the cost of decoding, so that a page can be
// refused before its results take any memory.
func countElements(b []byte, limit int) (n int, ok bool) {
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 || b[0] != '[' {
		return 0, false
	}
	depth, empty := 0, true
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			empty = false
			// Jump to the closing quote: one not escaped by an odd
			// number of backslashes.
			for {
				j := bytes.IndexByte(b[i+1:], '"')
				if j < 0 {
					return n, true
				}
				i += 1 + j
				k := i - 1
				for b[k] == '\\' {
					k--
				}
				if (i-1-k)%2 == 0 {
					break
				}
			}
		case '[', '{':
			if depth++; depth > 1 {
				empty = false
			}
		case ']', '}':
			if depth--; depth == 0 {
				if !empty {
					n++
				}
				return n, true
			}
		case ',':
			if depth == 1 {
				if n++; n > limit {
					return n, true
				}
			}
		case ' ', '\t', '\r', '\n':
		default:
			empty = false
		}
	}
	return n, true
}

func listPage[T any](ctx context.Context, l lister, opts *ListOptions) (*Page[T], error) {
	offset, limit, err := opts.validate("opts")
	if err != nil {
		return nil, err
	}
	var w pageWire[T]
	if err := l.page(ctx, offset, limit, "", &w); err != nil {
		return nil, err
	}
	p := w.page()
	return &p, nil
}

// listAll walks a list page by page. It stops after yielding an error, and
// when the caller stops. The page's memory is reused from page to page, so
// iterating holds one page at a time however long the list. A page whose
// results repeat an earlier page's is an error: a server that ignores the
// offset would otherwise send the same page forever.
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
		var w pageWire[T]
		var seen map[uint64]struct{}
		setID := ""
		for {
			w = pageWire[T]{Results: results[T]{items: w.Results.items[:0]}}
			if err := l.page(ctx, offset, limit, setID, &w); err != nil {
				yield(zero, err)
				return
			}
			p := w.page()
			if len(p.Results) > 0 {
				if _, again := seen[w.Results.sum]; again {
					yield(zero, errors.New("vb365: "+l.op+": the page at offset "+strconv.Itoa(offset)+
						" repeats an earlier page; the server does not page forward, stopping"))
					return
				}
				if seen == nil {
					seen = make(map[uint64]struct{})
				}
				seen[w.Results.sum] = struct{}{}
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
