package vb365test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

type pageParams struct{ offset, limit int }

// window returns the [lo, hi) slice bounds of the page within total.
func (p pageParams) window(total int) (int, int) {
	lo := min(p.offset, total)
	hi := lo + min(p.limit, total-lo)
	return lo, hi
}

// pageView returns the views of the results in the page's window of n
// results; view(i) makes the view of result i.
func pageView[V any](p pageParams, n int, view func(i int) V) []V {
	lo, hi := p.window(n)
	res := make([]V, 0, hi-lo)
	for i := lo; i < hi; i++ {
		res = append(res, view(i))
	}
	return res
}

// parsePage reads offset and limit; on bad values it answers 400.
// offset defaults to 0; limit defaults to 30 and must be 1..max.
func (s *Server) parsePage(w http.ResponseWriter, req *http.Request, c call) (pageParams, bool) {
	p := pageParams{offset: 0, limit: DefaultPageLimit}
	if v, ok := query(req, "offset"); ok && v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeError(w, c.version, http.StatusBadRequest, "The offset value must be a non-negative integer.")
			return p, false
		}
		p.offset = n
	}
	if v, ok := query(req, "limit"); ok && v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > s.cfg.pageLimitMax {
			writeError(w, c.version, http.StatusBadRequest,
				"The limit value must be an integer between 1 and "+strconv.Itoa(s.cfg.pageLimitMax)+".")
			return p, false
		}
		p.limit = n
	}
	return p, true
}

type pageJSON struct {
	Offset     int    `json:"offset"`
	Limit      int    `json:"limit"`
	SetID      string `json:"setId"`
	Results    any    `json:"results"`
	Links      links  `json:"_links"`
	TotalCount *int   `json:"totalCount,omitempty"`
}

// writePage answers a page. base is the escaped path with version; extra
// holds the filter parameters to repeat in links.
func (s *Server) writePage(w http.ResponseWriter, c call, base string, extra url.Values, p pageParams, total int, results any) {
	s.writePageSet(w, c, base, extra, p, total, results, hashUUID("set", s.cfg.org.id, strings.ToLower(base), extra.Encode()))
}

// writePageSet is writePage with the given setId.
func (s *Server) writePageSet(w http.ResponseWriter, c call, base string, extra url.Values, p pageParams, total int, results any, setID string) {
	href := func(off int) link {
		q := "offset=" + strconv.Itoa(off) + "&limit=" + strconv.Itoa(p.limit)
		if len(extra) > 0 {
			q += "&" + extra.Encode()
		}
		return link{base + "?" + q}
	}
	l := links{"self": href(p.offset), "first": href(0)}
	if p.offset > 0 {
		l["prev"] = href(max(0, p.offset-p.limit))
	}
	if p.offset+p.limit < total {
		l["next"] = href(p.offset + p.limit)
	}
	pg := pageJSON{
		Offset:  p.offset,
		Limit:   p.limit,
		SetID:   setID,
		Results: results,
		Links:   l,
	}
	if c.version <= 7 {
		t := total
		pg.TotalCount = &t
	}
	writeJSON(w, http.StatusOK, pg)
}
