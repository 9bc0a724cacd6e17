package vb365test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"
)

// FaultKind says what a Fault does to the request it is applied to.
type FaultKind int

const (
	// FaultRespond answers Status, Header and Body without acting: the
	// real handler does not run (no token issued, no restore executed).
	FaultRespond FaultKind = iota
	// FaultActThenRespond runs the real handler (it acts: a restore is
	// recorded, a session created...), discards its answer and answers
	// Status, Header and Body instead, e.g. a 502 after acting.
	FaultActThenRespond
	// FaultDropBeforeAct closes the TCP connection without acting or
	// answering. Note that net/http's Transport silently retries an
	// idempotent request (GET, or any request with an Idempotency-Key
	// header) that fails this way on a reused connection; each retry
	// consumes the next fault.
	FaultDropBeforeAct
	// FaultDropAfterAct runs the real handler, discards its answer and
	// closes the TCP connection without answering.
	FaultDropAfterAct
	// FaultDelay waits Delay (or until the request's context is done or the
	// server is closing), then handles the request normally. The request
	// is still handled when the client gave up waiting, like a real server
	// that does not notice the disconnect; it is not handled once Close
	// has been called.
	FaultDelay
	// FaultDropAfterBytes runs the real handler (it acts: a download is
	// recorded, its event added), lets its status, headers (Content-Length
	// included) and the first Bytes bytes of its body through, then closes
	// the TCP connection: the client sees a body that breaks off, as when a
	// large download is interrupted. An answer whose body has Bytes bytes
	// or fewer is delivered whole. Use it on RouteExportToPst, RouteSave or
	// RouteOneDriveSave to test resuming with Range.
	FaultDropAfterBytes
	// FaultHang reads the request and never answers nor acts: the
	// connection stays open until the client gives up (its context ends,
	// or it closes the connection) or the server closes, then it is closed
	// without an answer, as with a server or proxy that hangs. Test a
	// client's timeouts with it.
	FaultHang
)

// String returns the constant's name.
func (k FaultKind) String() string {
	switch k {
	case FaultRespond:
		return "FaultRespond"
	case FaultActThenRespond:
		return "FaultActThenRespond"
	case FaultDropBeforeAct:
		return "FaultDropBeforeAct"
	case FaultDropAfterAct:
		return "FaultDropAfterAct"
	case FaultDelay:
		return "FaultDelay"
	case FaultDropAfterBytes:
		return "FaultDropAfterBytes"
	case FaultHang:
		return "FaultHang"
	}
	return "FaultKind(" + strconv.Itoa(int(k)) + ")"
}

// Fault is one injected misbehaviour, applied to one request.
type Fault struct {
	// Kind selects the behaviour.
	Kind FaultKind
	// Status is the answer status for FaultRespond and FaultActThenRespond
	// (0 means 500).
	Status int
	// Header is added to the answer for FaultRespond and FaultActThenRespond.
	Header http.Header
	// Body is the answer body for FaultRespond and FaultActThenRespond. If
	// it is not empty and Header has no Content-Type, application/json is
	// used.
	Body string
	// Delay is the wait for FaultDelay.
	Delay time.Duration
	// Bytes is how many body bytes FaultDropAfterBytes lets through
	// (negative means 0).
	Bytes int64

	chaos bool // picked by chaos mode (WithChaos), for the journal
}

// Respond returns a FaultRespond fault answering status and body without acting.
func Respond(status int, body string) Fault {
	return Fault{Kind: FaultRespond, Status: status, Body: body}
}

// ActThenRespond returns a FaultActThenRespond fault: the request is executed,
// then answered with status and body.
func ActThenRespond(status int, body string) Fault {
	return Fault{Kind: FaultActThenRespond, Status: status, Body: body}
}

// RetryAfter returns a FaultRespond fault answering status with a
// Retry-After header of seconds and a {"message"} body.
func RetryAfter(status, seconds int) Fault {
	h := http.Header{}
	h.Set("Retry-After", strconv.Itoa(seconds))
	return Fault{Kind: FaultRespond, Status: status, Header: h,
		Body: `{"message":"` + http.StatusText(status) + `"}`}
}

// DropBeforeAct returns a FaultDropBeforeAct fault.
func DropBeforeAct() Fault { return Fault{Kind: FaultDropBeforeAct} }

// DropAfterAct returns a FaultDropAfterAct fault.
func DropAfterAct() Fault { return Fault{Kind: FaultDropAfterAct} }

// DropAfterBytes returns a FaultDropAfterBytes fault that cuts the answer's
// body off after n bytes.
func DropAfterBytes(n int64) Fault { return Fault{Kind: FaultDropAfterBytes, Bytes: n} }

// Delay returns a FaultDelay fault waiting d.
func Delay(d time.Duration) Fault { return Fault{Kind: FaultDelay, Delay: d} }

// Hang returns a FaultHang fault.
func Hang() Fault { return Fault{Kind: FaultHang} }

// InjectFault queues faults for route r. Each request on r consumes the
// oldest queued fault (first in, first out); when the queue is empty the
// fault hook, if any, is consulted.
func (s *Server) InjectFault(r Route, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[r] = append(s.faults[r], faults...)
}

// ClearFaults drops the faults queued for every route (the hook is kept).
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = map[Route][]Fault{}
}

// PendingFaults reports how many faults are still queued for route r.
func (s *Server) PendingFaults(r Route) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.faults[r])
}

// SetFaultHook sets a function consulted for every request whose route has
// no queued fault; returning true applies the returned fault. It is called
// without the server lock held, concurrently for concurrent requests, so it
// must be goroutine-safe (it may call Server methods). nil removes the hook.
func (s *Server) SetFaultHook(hook func(r Route) (Fault, bool)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hook = hook
}

// FaultsInjected reports how many faults were applied so far.
func (s *Server) FaultsInjected() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faultCount
}

// nextFault counts the request and returns the fault to apply, if any.
func (s *Server) nextFault(r Route) (Fault, bool) {
	s.mu.Lock()
	s.requests[r]++
	if q := s.faults[r]; len(q) > 0 {
		f := q[0]
		if len(q) == 1 {
			delete(s.faults, r)
		} else {
			s.faults[r] = q[1:]
		}
		s.faultCount++
		s.mu.Unlock()
		return f, true
	}
	hook := s.hook
	s.mu.Unlock()
	var (
		f  Fault
		ok bool
	)
	if hook != nil {
		f, ok = hook(r)
	}
	if !ok {
		f, ok = s.chaosFault(r) // chaos.go
	}
	if ok {
		s.mu.Lock()
		s.faultCount++
		s.mu.Unlock()
	}
	return f, ok
}

// applyFault serves req under fault f; handle is the real handler.
func (s *Server) applyFault(w http.ResponseWriter, req *http.Request, f Fault, handle http.HandlerFunc) {
	noteFault(req, f) // journal.go
	switch f.Kind {
	case FaultHang:
		// Read the body, so that net/http notices when the client
		// closes the connection.
		if req.Body != nil && req.Body != http.NoBody {
			_, _ = io.Copy(io.Discard, io.LimitReader(req.Body, 8<<20))
		}
		select {
		case <-req.Context().Done():
		case <-s.closing:
		}
		drop(w)
	case FaultDelay:
		// Read the body first, so the request can still be handled when
		// the client gives up during the wait.
		if req.Body != nil && req.Body != http.NoBody {
			b, err := io.ReadAll(io.LimitReader(req.Body, 8<<20))
			if err != nil {
				drop(w)
				return
			}
			req.Body = io.NopCloser(bytes.NewReader(b))
		}
		if f.Delay > 0 {
			t := time.NewTimer(f.Delay)
			select {
			case <-t.C:
			case <-req.Context().Done():
			case <-s.closing:
			}
			t.Stop()
		}
		select {
		case <-s.closing:
			drop(w)
			return
		default:
		}
		handle(w, req)
	case FaultActThenRespond:
		handle(&discardWriter{}, req)
		writeFault(w, f)
	case FaultDropBeforeAct:
		drop(w)
	case FaultDropAfterAct:
		handle(&discardWriter{}, req)
		drop(w)
	case FaultDropAfterBytes:
		handle(&cutWriter{w: w, left: max(f.Bytes, 0)}, req)
	default: // FaultRespond and unknown kinds
		writeFault(w, f)
	}
}

func writeFault(w http.ResponseWriter, f Fault) {
	for k, vs := range f.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if f.Body != "" && w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	}
	st := f.Status
	if st == 0 {
		st = http.StatusInternalServerError
	}
	w.WriteHeader(st)
	_, _ = w.Write([]byte(f.Body))
}

// errAnswerDiscarded stops a handler whose answer a fault replaces.
var errAnswerDiscarded = errors.New("vb365test: answer discarded by a fault")

// discardWriter takes a handler's answer and throws it away. Writes fail,
// so a streaming handler (a large download) stops at once.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header {
	if d.h == nil {
		d.h = http.Header{}
	}
	return d.h
}
func (d *discardWriter) Write([]byte) (int, error) { return 0, errAnswerDiscarded }
func (d *discardWriter) WriteHeader(int)           {}

// cutWriter passes an answer through until left body bytes have been
// written, then closes the connection.
type cutWriter struct {
	w    http.ResponseWriter
	left int64
	cut  bool
}

func (c *cutWriter) Header() http.Header { return c.w.Header() }

func (c *cutWriter) WriteHeader(code int) {
	if !c.cut {
		c.w.WriteHeader(code)
	}
}

func (c *cutWriter) Write(p []byte) (int, error) {
	if c.cut {
		return 0, errAnswerDiscarded
	}
	if int64(len(p)) <= c.left {
		n, err := c.w.Write(p)
		c.left -= int64(n)
		return n, err
	}
	n, _ := c.w.Write(p[:c.left])
	c.left, c.cut = 0, true
	if fl, ok := c.w.(http.Flusher); ok {
		fl.Flush()
	}
	drop(c.w)
	return n, errAnswerDiscarded
}

// drop closes the connection without answering.
func drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		// Not reachable with HTTP/1.1; abort the handler as a fallback.
		// http.ErrAbortHandler is recovered silently by net/http.
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
