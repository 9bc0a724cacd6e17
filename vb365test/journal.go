package vb365test

import (
	"bufio"
	"context"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultJournalSize is how many requests the journal keeps with
// WithControlAPI and no WithJournal.
const DefaultJournalSize = 10000

// JournalEntry is one request the server answered on the API paths (the
// control API's own requests are not journaled).
type JournalEntry struct {
	// Seq numbers the entries from 1 (Reset and ClearJournal start again).
	Seq int64 `json:"seq"`
	// Time is when the request arrived, on the server clock (WithClock).
	Time time.Time `json:"time"`
	// Method, Path (escaped, without the query) and Query (raw) of the
	// request.
	Method string `json:"method"`
	Path   string `json:"path"`
	Query  string `json:"query,omitempty"`
	// Route is the route the path matched, "" for a path the server does
	// not serve (404).
	Route Route `json:"route,omitempty"`
	// Status is the status answered; 0 when the connection was closed
	// without an answer.
	Status int `json:"status"`
	// Dropped is true when the server closed the connection instead of
	// answering, or in the middle of the body (FaultDropAfterBytes).
	Dropped bool `json:"dropped,omitempty"`
	// Bytes is how many body bytes were written.
	Bytes int64 `json:"bytes"`
	// Fault names the fault applied ("" for none): its kind in the control
	// API's spelling ("respond", "actThenRespond", "dropBeforeAct",
	// "dropAfterAct", "delay", "dropAfterBytes", "hang"), then the status,
	// the delay or the byte count where it has one: "respond 503",
	// "delay 120ms", "dropAfterBytes 1000".
	Fault string `json:"fault,omitempty"`
	// Chaos is true when chaos mode picked the fault.
	Chaos bool `json:"chaos,omitempty"`
	// Duration is how long the server took, from the request's arrival to
	// the end of its answer.
	Duration time.Duration `json:"-"`
	// DurationMillis is Duration in milliseconds.
	DurationMillis float64 `json:"durationMs"`
}

// Journal returns the journaled requests with Seq above since, oldest
// first (see WithJournal); since 0 returns all that are kept.
func (s *Server) Journal(since int64) []JournalEntry {
	s.ext.jmu.Lock()
	defer s.ext.jmu.Unlock()
	out := make([]JournalEntry, 0, len(s.ext.journal))
	for _, e := range s.ext.journal {
		if e.Seq > since {
			out = append(out, e)
		}
	}
	return out
}

// ClearJournal empties the journal and numbers the next entry 1.
func (s *Server) ClearJournal() {
	s.ext.jmu.Lock()
	defer s.ext.jmu.Unlock()
	s.ext.journal, s.ext.jseq = nil, 0
}

func (s *Server) addJournal(e JournalEntry) JournalEntry {
	s.ext.jmu.Lock()
	defer s.ext.jmu.Unlock()
	s.ext.jseq++
	e.Seq = s.ext.jseq
	if n := s.cfg.journalSize; n > 0 {
		if len(s.ext.journal) >= n {
			k := len(s.ext.journal) - n + 1
			s.ext.journal = append(s.ext.journal[:0], s.ext.journal[k:]...)
		}
		s.ext.journal = append(s.ext.journal, e)
	}
	return e
}

type journalKey struct{}

// noteFault records on req's journal entry that f was applied.
func noteFault(req *http.Request, f Fault) {
	e, _ := req.Context().Value(journalKey{}).(*JournalEntry)
	if e == nil {
		return
	}
	e.Fault, e.Chaos = faultText(f), f.chaos
}

func faultText(f Fault) string {
	name := faultKindNames[f.Kind]
	if name == "" {
		name = f.Kind.String()
	}
	switch f.Kind {
	case FaultRespond, FaultActThenRespond:
		st := f.Status
		if st == 0 {
			st = http.StatusInternalServerError
		}
		return name + " " + strconv.Itoa(st)
	case FaultDelay:
		return name + " " + f.Delay.String()
	case FaultDropAfterBytes:
		return name + " " + strconv.FormatInt(max(f.Bytes, 0), 10)
	}
	return name
}

// faultKindNames are the kinds' names in the control API and the journal.
var faultKindNames = map[FaultKind]string{
	FaultRespond:        "respond",
	FaultActThenRespond: "actThenRespond",
	FaultDropBeforeAct:  "dropBeforeAct",
	FaultDropAfterAct:   "dropAfterAct",
	FaultDelay:          "delay",
	FaultDropAfterBytes: "dropAfterBytes",
	FaultHang:           "hang",
}

// rootHandler is the server's handler: the control API under /_fake/ when
// enabled, else the API (serveHTTP), wrapped for the journal and .NET
// escaping when they are on.
func (s *Server) rootHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if s.ext.control != nil && isControlPath(req.URL.EscapedPath()) {
			s.ext.control.ServeHTTP(w, req)
			return
		}
		if s.cfg.journalSize == 0 && s.cfg.requestLog == nil && !s.cfg.dotnetJSON {
			s.serveHTTP(w, req)
			return
		}
		start := time.Now()
		e := &JournalEntry{Time: s.now(), Method: req.Method, Path: req.URL.EscapedPath(), Query: req.URL.RawQuery}
		if c, ok := s.match(e.Path); ok {
			e.Route = c.route
		}
		rw := &recordingWriter{w: w, escape: s.cfg.dotnetJSON}
		rw.commit = func() {
			e.Status, e.Dropped, e.Bytes = rw.status, rw.dropped, rw.bytes
			if !rw.sent {
				e.Status = 0
			}
			e.Duration = time.Since(start)
			e.DurationMillis = float64(e.Duration.Microseconds()) / 1000
			entry := s.addJournal(*e)
			if f := s.cfg.requestLog; f != nil {
				f(entry)
			}
		}
		defer rw.finish()
		s.serveHTTP(rw, req.WithContext(context.WithValue(req.Context(), journalKey{}, e)))
	})
}

// isControlPath reports whether the escaped path is /_fake or below it.
func isControlPath(p string) bool {
	return p == ControlPrefix[:len(ControlPrefix)-1] || strings.HasPrefix(p, ControlPrefix)
}

// recordingWriter notes what an answer was (journal) and, with escape,
// rewrites JSON answers with .NET escaping (WithDotNetEscaping): it keeps
// a JSON body until the handler returns. It commits the journal entry
// before the client can see the answer end (before the write that
// completes the Content-Length, before closing the connection, or when
// the handler returns), so a client that has its answer finds it in the
// journal.
type recordingWriter struct {
	w       http.ResponseWriter
	escape  bool
	commit  func() // records the entry; called once, through done
	status  int
	bytes   int64
	dropped bool

	wrote     bool   // WriteHeader called
	sent      bool   // the status line went out
	hold      bool   // keeping a JSON body for escaping
	buf       []byte // the kept body
	length    int64  // Content-Length of the answer, -1 if none
	committed bool
}

// done commits the journal entry, once.
func (r *recordingWriter) done() {
	if !r.committed {
		r.committed = true
		r.commit()
	}
}

func (r *recordingWriter) Header() http.Header { return r.w.Header() }

func (r *recordingWriter) WriteHeader(code int) {
	if r.wrote {
		return
	}
	if code >= 100 && code < 200 {
		r.w.WriteHeader(code)
		return
	}
	r.wrote, r.status = true, code
	if r.escape && isJSON(r.w.Header().Get("Content-Type")) {
		r.hold = true
		return
	}
	r.sent = true
	r.length = -1
	if n, err := strconv.ParseInt(r.w.Header().Get("Content-Length"), 10, 64); err == nil {
		r.length = n
	}
	if r.length == 0 || code == http.StatusNoContent || code == http.StatusNotModified {
		r.done()
	}
	r.w.WriteHeader(code)
}

func (r *recordingWriter) Write(p []byte) (int, error) {
	if !r.wrote {
		r.WriteHeader(http.StatusOK)
	}
	if r.hold {
		r.buf = append(r.buf, p...)
		return len(p), nil
	}
	if r.length >= 0 && r.bytes+int64(len(p)) >= r.length && !r.committed {
		r.bytes += int64(len(p)) // this write completes the answer
		r.done()
		n, err := r.w.Write(p)
		r.bytes += int64(n) - int64(len(p))
		return n, err
	}
	n, err := r.w.Write(p)
	r.bytes += int64(n)
	return n, err
}

// Flush sends what is kept as it is (the body is incomplete, so it cannot
// be rewritten) and flushes.
func (r *recordingWriter) Flush() {
	r.release(false)
	if f, ok := r.w.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack lets drop close the connection.
func (r *recordingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	r.dropped = true
	r.done()
	return http.NewResponseController(r.w).Hijack()
}

func (r *recordingWriter) Unwrap() http.ResponseWriter { return r.w }

// finish sends a kept body, escaped, and commits the entry (when the
// handler returns).
func (r *recordingWriter) finish() {
	if !r.dropped {
		r.release(true)
		if !r.wrote { // net/http answers 200 for a handler that wrote nothing
			r.wrote, r.sent, r.status = true, true, http.StatusOK
		}
	}
	r.done()
}

// release writes the header and the kept body, rewritten (and the entry
// committed first) when rewrite is set, and stops keeping.
func (r *recordingWriter) release(rewrite bool) {
	if !r.hold {
		return
	}
	r.hold = false
	b := r.buf
	r.buf = nil
	r.sent = true
	if rewrite {
		b = dotnetEscape(b)
		r.w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		r.bytes += int64(len(b))
		r.done()
		r.w.WriteHeader(r.status)
		_, _ = r.w.Write(b)
		return
	}
	r.w.WriteHeader(r.status)
	n, _ := r.w.Write(b)
	r.bytes += int64(n)
}

func isJSON(ct string) bool {
	mt, _, _ := mime.ParseMediaType(ct)
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}
