package vb365

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"hash/maphash"
	"io"
	"iter"
	"net/http"
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

// last reports whether no page follows p, which was asked for at offset
// with limit. An empty page ends every list. A page with totalCount (v6,
// v7) ends the list once the results asked for and received reach the
// total, and the server sends no next link: a short page, or links
// without next, end nothing while the count says more remain (servers
// answer pages shorter than asked for, and drop next, in the middle of a
// list). The count goes by the offset asked for, not the page's own
// offset field, which a server may omit. Without a count, the server's
// next link decides where it sends links; otherwise a short page ends the
// list.
func (p *Page[T]) last(offset, limit int) bool {
	if len(p.Results) == 0 {
		return true
	}
	if p.TotalCount != nil {
		return offset+len(p.Results) >= *p.TotalCount && p.Links.Next == nil
	}
	if p.Links.Self != nil || p.Links.First != nil {
		return p.Links.Next == nil
	}
	if p.Limit > 0 {
		limit = p.Limit
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
	// vcheck refuses options that the API version lacks, once the version
	// is known (see request.vcheck).
	vcheck func(APIVersion) error
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
	return l.c.do(ctx, &request{op: l.op, method: method, path: l.path, query: string(q), vquery: l.vextra, vcheck: l.vcheck, body: l.body}, into)
}

// pageWire reads a page from the server. The body is scanned as it
// arrives, before anything is decoded: a page of more than MaxPageSize
// results is refused before it takes memory (three bytes of JSON, "{},",
// decode into a struct of hundreds), and the results are hashed so that a
// page sent again is noticed. The page is then decoded in one pass; its
// results' memory and the body's buffer are reused from page to page.
type pageWire[T any] struct {
	Page[T]
	limit int    // the page size asked for
	buf   []byte // the body
	sum   uint64 // hash of the results' JSON
}

// pageSeed seeds the hashes of pages, which are compared within one process.
var pageSeed = maphash.MakeSeed()

// errTooManyResults refuses a page larger than any the server serves.
var errTooManyResults = errors.New("the page holds more than " + strconv.Itoa(MaxPageSize) + " results")

// maxPageBody bounds the body of a page of limit results: generous for any
// real page, and far below what an endless answer would take.
func maxPageBody(limit int) int64 {
	return min(1<<20+int64(limit)<<16, maxResponseBody)
}

// decodeBody implements bodyDecoder.
func (w *pageWire[T]) decodeBody(resp *http.Response) error {
	max := maxPageBody(w.limit)
	buf := w.buf[:0]
	// Content-Length sizes the buffer up to a few MiB; a larger claim has
	// to be backed by bytes as they come.
	if n := min(resp.ContentLength, max, 4<<20); n > int64(cap(buf)) {
		buf = make([]byte, 0, n+1)
	}
	body := capped{r: resp.Body, left: max, max: max}
	var sc pageScan
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if !sc.scan(buf, MaxPageSize) {
			return errTooManyResults
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	w.buf, w.sum = buf, sc.sum.Sum64()
	if len(bytes.TrimSpace(buf)) == 0 {
		return errEmptyAnswer
	}
	// Decoding into a kept result would keep fields the new one lacks.
	items := w.Results[:cap(w.Results)]
	clear(items)
	w.Page = Page[T]{Results: items[:0]}
	err := json.Unmarshal(buf, &w.Page)
	if err != nil {
		if fixed, ok := retryZoneless(buf, &w.Page, err); ok {
			items = w.Results[:cap(w.Results)]
			clear(items)
			w.Page = Page[T]{Results: items[:0]}
			err = json.Unmarshal(fixed, &w.Page)
		}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) && se.Offset >= int64(len(buf)) && (sc.depth > 0 || sc.inString) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// pageScan counts and hashes, as a page's body arrives, the elements of
// the arrays that are values of its top-level object: a page has one, its
// results. It reads the JSON's structure only (strings are skipped whole),
// a fraction of the cost of decoding it; the decoder checks the rest.
type pageScan struct {
	pos      int  // bytes scanned
	depth    int  // containers open
	inString bool // pos is inside a string
	inArray  bool // the open depth-2 container is a counted array
	empty    bool // the counted array has no element yet
	start    int  // where the counted array began
	n        int  // elements counted
	sum      maphash.Hash
}

// scan goes on over b, the body so far, and reports false once more than
// limit elements are counted.
func (s *pageScan) scan(b []byte, limit int) bool {
	if s.pos == 0 {
		s.sum.SetSeed(pageSeed)
	}
	i := s.pos
	for ; i < len(b); i++ {
		if s.inString {
			// Jump to the closing quote: one not escaped by an odd number
			// of backslashes. The string's opening quote is in b, so the
			// look back stops there.
			// Most strings are short: a loop finds their end sooner
			// than a call that searches long ones fast.
			j, end := i, min(i+16, len(b))
			for j < end && b[j] != '"' {
				j++
			}
			if j == end {
				k := bytes.IndexByte(b[j:], '"')
				if k < 0 {
					i = len(b)
					break
				}
				j += k
			}
			i = j
			k := i - 1
			for b[k] == '\\' {
				k--
			}
			if (i-1-k)%2 == 0 {
				s.inString = false
			}
			continue
		}
		switch c := b[i]; c {
		case ' ', '\t', '\r', '\n':
		case '"':
			s.inString, s.empty = true, false
		case '[', '{':
			s.depth++
			switch s.depth {
			case 2:
				s.inArray, s.empty, s.start = c == '[', true, i
			case 3:
				s.empty = false
			}
		case ']', '}':
			if s.depth == 2 && s.inArray {
				if !s.empty {
					s.n++
				}
				s.sum.Write(b[s.start : i+1])
				s.inArray = false
			}
			s.depth--
		case ',':
			if s.depth == 2 && s.inArray {
				s.n++
			}
		default:
			s.empty = false
		}
		if s.n > limit {
			return false
		}
	}
	s.pos = i
	return true
}

func listPage[T any](ctx context.Context, l lister, opts *ListOptions) (*Page[T], error) {
	offset, limit, err := opts.validate("opts")
	if err != nil {
		return nil, err
	}
	w := pageWire[T]{limit: limit}
	if err := l.page(ctx, offset, limit, "", &w); err != nil {
		return nil, err
	}
	p := w.Page // not &w.Page, which would keep the body's buffer
	return &p, nil
}

// listAll walks a list page by page. It stops after yielding an error, and
// when the caller stops, and otherwise goes on until Page.last says the
// list is done: with totalCount, not before the total. The page's memory is
// reused from page to page, so iterating holds one page at a time however
// long the list. A page whose results repeat an earlier page's is an error:
// a server that ignores the offset would otherwise send the same page
// forever.
func listAll[T any](ctx context.Context, l lister, opts *ListOptions, argErr error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		err := argErr
		if err == nil {
			err = walkPages(ctx, l, opts, func(results []T) bool {
				for i := range results {
					if !yield(results[i], nil) {
						return false
					}
				}
				return true
			})
		}
		if err != nil {
			var zero T
			yield(zero, err)
		}
	}
}

// listAllAs is listAll for results decoded as W, the server's shape, and
// yielded as the T that fix completes in place (the IDs that only the
// answer's links carry). fix runs on each result as it is yielded, in the
// loop that yields it: no pass of its own over the page.
func listAllAs[W, T any](ctx context.Context, l lister, opts *ListOptions, argErr error, fix func(*W) *T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		err := argErr
		if err == nil {
			err = walkPages(ctx, l, opts, func(results []W) bool {
				for i := range results {
					if !yield(*fix(&results[i]), nil) {
						return false
					}
				}
				return true
			})
		}
		if err != nil {
			var zero T
			yield(zero, err)
		}
	}
}

// walkPages fetches the pages of a list in turn and hands each page's
// results to visit, until visit returns false (nil is returned), the list
// ends (nil), or a page fails (its error is returned).
func walkPages[T any](ctx context.Context, l lister, opts *ListOptions, visit func([]T) bool) error {
	offset, limit, err := opts.validate("opts")
	if err != nil {
		return err
	}
	w := pageWire[T]{limit: limit}
	var seen map[uint64]struct{}
	setID := ""
	for {
		if err := l.page(ctx, offset, limit, setID, &w); err != nil {
			return err
		}
		p := &w.Page
		if len(p.Results) > 0 {
			if _, again := seen[w.sum]; again {
				return errors.New("vb365: " + l.op + ": the page at offset " + strconv.Itoa(offset) +
					" repeats an earlier page; the server does not page forward, stopping")
			}
			if seen == nil {
				seen = make(map[uint64]struct{})
			}
			seen[w.sum] = struct{}{}
		}
		if !visit(p.Results) {
			return nil
		}
		if p.last(offset, limit) {
			return nil
		}
		offset += len(p.Results)
		if l.keepSet && setID == "" {
			setID = p.SetID
		}
	}
}

// maxListBody bounds the answer of a list the server sends whole, as one
// JSON array (see listUnpaged): tens of thousands of restore points.
const maxListBody = 32 << 20

// arrayAnswer reads an answer that is one JSON array.
type arrayAnswer[T any] struct{ results []T }

// decodeBody implements bodyDecoder.
func (a *arrayAnswer[T]) decodeBody(resp *http.Response) error {
	buf, err := io.ReadAll(&capped{r: resp.Body, left: maxListBody, max: maxListBody})
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(buf)) == 0 {
		return errEmptyAnswer
	}
	err = json.Unmarshal(buf, &a.results)
	if err != nil {
		if fixed, ok := retryZoneless(buf, &a.results, err); ok {
			a.results = nil
			err = json.Unmarshal(fixed, &a.results)
		}
	}
	return err
}

// listUnpaged walks a list that the server answers whole, as one JSON
// array, from offset on: one request, whatever the list's length.
func listUnpaged[T any](ctx context.Context, c *Client, r *request, offset int) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var a arrayAnswer[T]
		if err := c.do(ctx, r, &a); err != nil {
			var zero T
			yield(zero, err)
			return
		}
		for i := offset; i < len(a.results); i++ {
			if !yield(a.results[i], nil) {
				return
			}
		}
	}
}

// listFor walks a list whose path or shape depends on the API version:
// when iteration starts it learns the version (asking the server once for
// Auto) and walks the list that pick returns for it. argErr, when set, is
// yielded before anything is sent; so is pick's error.
func listFor[T any](ctx context.Context, c *Client, argErr error, pick func(APIVersion) (iter.Seq2[T, error], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if argErr != nil {
			yield(zero, argErr)
			return
		}
		v, err := c.speaking(ctx)
		if err != nil {
			yield(zero, err)
			return
		}
		seq, err := pick(v)
		if err != nil {
			yield(zero, err)
			return
		}
		for x, err := range seq {
			if !yield(x, err) {
				return
			}
		}
	}
}

// speaking returns the API version the client speaks, asking the server
// first when it was made with Auto.
func (c *Client) speaking(ctx context.Context) (APIVersion, error) {
	if err := checkCtx(ctx); err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if c.closed.Load() {
		return "", ErrClosed
	}
	a, err := c.apiBase(ctx)
	if err != nil {
		return "", err
	}
	return a.version, nil
}
