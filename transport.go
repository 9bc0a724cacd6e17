package vb365

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"strings"
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
	if sendOnce(req.Context()) {
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
