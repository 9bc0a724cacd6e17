package vb365

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"time"
)

// defaultHTTPClient is the SDK's own client. It speaks HTTP/1.1: an HTTP/2
// transport re-sends a request after some stream errors when it can rebuild
// the body, which a restore must never be, while HTTP/1.1 re-sends a POST
// only when not a byte of it was written.
func defaultHTTPClient(roots *x509.CertPool) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 100
	t.MaxConnsPerHost = 32
	t.MaxIdleConnsPerHost = 32
	t.ForceAttemptHTTP2 = false
	t.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	t.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: t, CheckRedirect: noRedirects}
}

// noRedirects makes a redirect the answer: the API answers in place, and
// following a redirect would carry a request, its body and its secrets
// elsewhere.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// guardedClient is a copy of the caller's client that follows no redirects
// and whose transport is wrapped in a guard. With requests built only for
// the configured server and no redirects, the bearer token, a login's
// secrets and a restore's credentials reach no other host.
func guardedClient(hc *http.Client) *http.Client {
	c := *hc
	c.Transport = &guard{base: hc.Transport}
	c.CheckRedirect = noRedirects
	return &c
}

// keepIdle returns a copy of hc whose CloseIdleConnections does nothing,
// for go-retryablehttp: it closes its client's idle connections whenever a
// call fails for good, and the connections are shared by every call of the
// Client, which would then open new ones.
func keepIdle(hc *http.Client) *http.Client {
	c := *hc
	t := hc.Transport
	if t == nil {
		t = http.DefaultTransport
	}
	c.Transport = struct{ http.RoundTripper }{t}
	return &c
}

// guard is the bottom layer over the caller's transport. A call that must
// not be sent twice (an unsafe call, a login) cannot be replayed by the
// transport below it: its body cannot be rebuilt, and a call without a body
// gets an empty one, which an HTTP/2 transport does not replay either.
type guard struct {
	base http.RoundTripper // nil: http.DefaultTransport
}

// RoundTrip implements http.RoundTripper.
func (g *guard) RoundTrip(req *http.Request) (*http.Response, error) {
	// A request that already has no GetBody and a body of its own (the
	// SDK builds unsafe calls so) is left as it is.
	if (req.GetBody != nil || req.Body == nil || req.Body == http.NoBody) && sendOnce(req.Context()) {
		r2 := *req
		r2.GetBody = nil
		if r2.Body == nil || r2.Body == http.NoBody {
			r2.Body = io.NopCloser(strings.NewReader(""))
		}
		req = &r2
	}
	return g.transport().RoundTrip(req)
}

func (g *guard) transport() http.RoundTripper {
	if g.base == nil {
		return http.DefaultTransport
	}
	return g.base
}

// CloseIdleConnections closes the idle connections of the transport below.
func (g *guard) CloseIdleConnections() {
	if ci, ok := g.transport().(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// loginCall marks a token request in its context: it must not be sent twice.
var loginCall = &request{op: "login", unsafe: true}

// sendOnce reports whether the request of ctx must not be sent twice.
func sendOnce(ctx context.Context) bool {
	r, _ := ctx.Value(callKey{}).(*request)
	return r != nil && r.unsafe
}

// bounded is the top layer of the client's transport: it bounds each
// attempt of a call, a login or a logout. An attempt waits at most timeout
// for its answer's headers, counted from when it has a connection (a wait
// for a free one is not counted; dialling has the dialer's own bounds), and
// its body may then send nothing for as long; a download waits for its
// headers as long as the caller's context allows (a PST is built before its
// first byte) and its body is bounded by the request's stall instead, and a
// call whose server acts before it answers (request.actsFirst) waits for its
// headers as long too. A
// bound that runs out cancels the attempt alone, never the caller's
// context, and the attempt's error matches ErrTimeout. Every body it
// returns can be hurried (see hurry), bound or no bound.
//
// What an attempt needs (its watch, the connection trace, the body it
// returns) is one watchedBody; a call's first attempt uses the one that
// comes with the call's request, so that a call answered at once allocates
// none of it on its own, and the timer comes from a pool (see alarm).
type bounded struct {
	base    http.RoundTripper
	timeout time.Duration // 0: no bound
}

// RoundTrip implements http.RoundTripper.
func (b *bounded) RoundTrip(req *http.Request) (*http.Response, error) {
	r, _ := req.Context().Value(callKey{}).(*request)
	headers, stall := b.timeout, b.timeout
	if r != nil && r.stream != nil {
		headers, stall = 0, r.stall
	}
	if r != nil && r.actsFirst {
		headers = 0
	}
	ctx, cancel := context.WithCancelCause(req.Context())
	body := r.attemptBody()
	body.stall = max(stall, 0)
	w := &body.watch
	w.start(cancel, headers)
	if r != nil && r.staged() {
		w.staged = r
	}
	if headers > 0 {
		// A transport that reports no connection events is bounded from
		// the start.
		w.arm(headers, "no answer")
	}
	if headers > 0 || w.staged != nil {
		w.trace = httptrace.ClientTrace{GetConn: w.getConn, GotConn: w.gotConn}
		ctx = httptrace.WithClientTrace(ctx, &w.trace)
	}
	resp, err := b.base.RoundTrip(req.WithContext(ctx))
	if !w.disarm() {
		// The bound ran out as the answer came: the attempt is cancelled.
		if err == nil {
			_ = resp.Body.Close()
		}
		w.end()
		return nil, w.err()
	}
	if err != nil {
		cancel(nil)
		w.end()
		return nil, err
	}
	body.ReadCloser = resp.Body
	resp.Body = body
	return resp, nil
}

// attemptBody returns what a new attempt of r needs: the one that came with
// r for its first attempt, a new one for the others, and for logins (one
// request shared by all) and requests that are no call.
func (r *request) attemptBody() *watchedBody {
	if r == nil || r == loginCall || r.firstAttemptUsed {
		return new(watchedBody)
	}
	r.firstAttemptUsed = true
	return &r.firstAttempt
}

// CloseIdleConnections closes the idle connections of the transport below.
func (b *bounded) CloseIdleConnections() {
	if ci, ok := b.base.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// watch cancels one attempt when what it waits for does not come within
// its bound. One timer serves every wait of the attempt, and is moved as
// little as it can be: arming sets the deadline, and resets the timer only
// when it would ring after the new deadline; disarming leaves it running.
// A ring finds the deadline ahead (the wait was armed again since, or
// ended) and, if a wait is armed, resets the timer for it; the attempt is
// cancelled only by a ring that finds the armed deadline passed. So a
// call answered in time moves the timer twice, once to set it and once to
// stop it at the end, however many reads its body takes. The timer is the
// watch's from start to end only.
type watch struct {
	alarm   *alarm // the timer, from start to end
	cancel  context.CancelCauseFunc
	headers time.Duration // the bound of the wait for headers, from GotConn
	staged  *request      // the call whose stage the attempt reports, or nil
	trace   httptrace.ClientTrace

	mu      sync.Mutex
	armed   bool
	fired   bool
	ended   bool          // the attempt is over: nothing more is waited for
	expires time.Duration // when the wait armed runs out (see monotonic)
	ringing bool          // the timer is set to ring, at rings, and has not rung since
	rings   time.Duration
	bound   time.Duration // the bound of the current wait
	what    string        // what did not come in time
}

// start makes w the watch of an attempt that cancel ends.
func (w *watch) start(cancel context.CancelCauseFunc, headers time.Duration) {
	a := alarms.Get().(*alarm)
	a.mu.Lock()
	a.w = w
	a.mu.Unlock()
	w.alarm, w.cancel, w.headers = a, cancel, headers
}

// epoch is the origin of monotonic.
var epoch = time.Now()

// monotonic reads the monotonic clock alone, which is all a bound needs, and
// half of what time.Now reads.
func monotonic() time.Duration { return time.Since(epoch) }

// getConn and gotConn are the attempt's connection events: the wait for a
// connection is not counted, the wait for headers starts once it is there.
func (w *watch) getConn(string) {
	if w.staged != nil {
		w.staged.stage.Store(stageConnecting)
	}
	if w.headers > 0 {
		w.disarm()
	}
}

func (w *watch) gotConn(httptrace.GotConnInfo) {
	if w.staged != nil {
		w.staged.stage.Store(stageConnected)
	}
	if w.headers > 0 {
		w.arm(w.headers, "no answer")
	}
}

// arm starts a wait of at most d for what.
func (w *watch) arm(d time.Duration, what string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ended {
		return
	}
	w.armed, w.expires, w.bound, w.what = true, monotonic()+d, d, what
	if !w.fired && (!w.ringing || w.rings > w.expires) {
		w.ringing, w.rings = true, w.expires
		w.alarm.t.Reset(d)
	}
}

// disarm ends the wait and reports whether it ended in time.
func (w *watch) disarm() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.armed = false
	return !w.fired
}

// fire is the timer's ring: it cancels the attempt if the wait armed has
// run out, or sets the timer again for the wait's deadline.
func (w *watch) fire() {
	w.mu.Lock()
	w.ringing = false
	if w.ended || !w.armed || w.fired {
		w.mu.Unlock()
		return
	}
	if left := w.expires - monotonic(); left > 0 {
		w.ringing, w.rings = true, w.expires
		w.alarm.t.Reset(left)
		w.mu.Unlock()
		return
	}
	w.fired = true
	err := &timeoutError{what: w.what, bound: w.bound}
	w.mu.Unlock()
	w.cancel(err)
}

// end is the end of the attempt: its timer goes back to the pool, and the
// watch arms no more.
func (w *watch) end() {
	w.mu.Lock()
	if w.ended {
		w.mu.Unlock()
		return
	}
	w.ended, w.armed = true, false
	a := w.alarm
	a.t.Stop()
	a.mu.Lock()
	a.w = nil
	a.mu.Unlock()
	w.mu.Unlock()
	alarms.Put(a)
}

// err is the error of a wait that did not end in time.
func (w *watch) err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return &timeoutError{what: w.what, bound: w.bound}
}

// alarm is a timer that serves one watch at a time, from a pool: a timer
// and the function it runs cost two allocations, which an attempt would
// otherwise make each time. A firing meant for an earlier watch that
// comes late reaches the current one, which finds its own deadline ahead
// (or itself not armed) and sets the timer for itself, if anything; every
// Reset and Stop is made under the lock of the watch that owns the alarm,
// so a watch that has ended never moves the timer of the next.
type alarm struct {
	t  *time.Timer
	mu sync.Mutex
	w  *watch // the watch served, or nil
}

var alarms = sync.Pool{New: func() any {
	a := new(alarm)
	a.t = time.AfterFunc(time.Hour, a.ring)
	a.t.Stop()
	return a
}}

func (a *alarm) ring() {
	a.mu.Lock()
	w := a.w
	a.mu.Unlock()
	if w != nil {
		w.fire()
	}
}

// timeoutError is an attempt cut short by a bound. It matches ErrTimeout,
// and is a net.Error whose Timeout is true.
type timeoutError struct {
	what  string
	bound time.Duration
}

func (e *timeoutError) Error() string {
	return e.what + " within " + e.bound.String()
}

// Is reports whether target is ErrTimeout.
func (e *timeoutError) Is(target error) bool { return target == ErrTimeout }

// Timeout implements net.Error.
func (e *timeoutError) Timeout() bool { return true }

// Temporary implements net.Error.
func (e *timeoutError) Temporary() bool { return true }

// watchedBody is an answer's body whose reads wait at most stall (0: as
// long as they take) and, once hurried, end by a deadline; it ends its
// attempt's context when closed.
type watchedBody struct {
	io.ReadCloser
	watch
	stall    time.Duration
	deadline time.Time // zero: none
	eof      bool      // a read has returned io.EOF: nothing is left to drain
}

func (b *watchedBody) Read(p []byte) (int, error) {
	d := b.stall
	if !b.deadline.IsZero() {
		d = time.Until(b.deadline)
		if d <= 0 {
			return 0, &timeoutError{what: "the rest of the answer's body", bound: bodyGrace}
		}
	}
	if d <= 0 {
		n, err := b.ReadCloser.Read(p)
		b.eof = b.eof || err == io.EOF
		return n, err
	}
	b.arm(d, "no byte of the answer's body")
	n, err := b.ReadCloser.Read(p)
	if !b.disarm() {
		err = b.err()
	}
	b.eof = b.eof || err == io.EOF
	return n, err
}

func (b *watchedBody) Close() error {
	b.disarm()
	err := b.ReadCloser.Close()
	b.cancel(nil)
	b.end()
	return err
}

// bodyGrace is how long a body that is not all there yet is waited for
// once the call's result is known: an error answer's body, read for its
// message, and what is left of a body, read so that its connection can be
// reused. The error is returned then, not after a server that stalls.
const bodyGrace = time.Second

// hurry makes the rest of body, an answer's body from the client's
// transport, come within bodyGrace, or its reads fail.
func hurry(body io.Reader) {
	if b, ok := body.(*watchedBody); ok && b.deadline.IsZero() {
		b.deadline = time.Now().Add(bodyGrace)
	}
}

// readErrorBody reads the start of an error answer's body, as much of it
// as comes without stalling.
func readErrorBody(body io.Reader) []byte {
	hurry(body)
	b, _ := io.ReadAll(io.LimitReader(body, maxErrorBody))
	return b
}

// drain reads what is left of a body, within reason, so that the connection
// can be reused, and closes it. A body that sends nothing for bodyGrace is
// closed, and its connection with it.
func drain(body io.ReadCloser) {
	if b, ok := body.(*watchedBody); ok && b.eof {
		// The body has been read to its end (a JSON answer whose length
		// was announced): there is nothing to read.
		_ = b.Close()
		return
	}
	hurry(body)
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}
