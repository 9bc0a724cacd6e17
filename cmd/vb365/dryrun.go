package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
)

// dryRun is the HTTP transport of a --dry-run, given to the SDK with
// vb365.WithHTTPClient: once armed, it answers every request but the
// login and the look-ups (GET) itself, with an empty success, and records
// it. So the command runs as it would, through the same SDK calls, and
// prints what it would have sent.
type dryRun struct {
	base http.RoundTripper

	mu    sync.Mutex
	armed bool
	sent  []dryRequest
}

// dryRequest is a request the dry run kept from the server.
type dryRequest struct {
	method, path string
	body         []byte // as sent, secrets included: print only redactBody's
}

// newDryRun returns a dry run whose look-ups go to the server, trusting
// pool (nil: the system's roots) as vb365.WithRootCAs would.
func newDryRun(pool *x509.CertPool) *dryRun {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &dryRun{base: t}
}

func (d *dryRun) client() *http.Client { return &http.Client{Transport: d} }

// arm starts keeping requests from the server; before, everything is sent
// (the demo's own restore session).
func (d *dryRun) arm() {
	if d == nil {
		return
	}
	d.mu.Lock()
	d.armed = true
	d.mu.Unlock()
}

// tokenPath is the login, its renewal and its logout.
var tokenPath = regexp.MustCompile(`^/v[0-9]+/token(/logout)?$`)

// RoundTrip implements http.RoundTripper.
func (d *dryRun) RoundTrip(req *http.Request) (*http.Response, error) {
	d.mu.Lock()
	armed := d.armed
	d.mu.Unlock()
	if !armed || req.Method == http.MethodGet || req.Method == http.MethodHead || tokenPath.MatchString(req.URL.Path) {
		return d.base.RoundTrip(req)
	}
	var body []byte
	if req.Body != nil {
		var err error
		body, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
	}
	path := req.URL.EscapedPath()
	if req.URL.RawQuery != "" {
		path += "?" + req.URL.RawQuery
	}
	d.mu.Lock()
	d.sent = append(d.sent, dryRequest{method: req.Method, path: path, body: body})
	d.mu.Unlock()
	// The answer is never shown: it names a session (what a restore
	// answers) so that the SDK takes the call as done.
	answer, contentType := `{"sessionId":"00000000-0000-0000-0000-000000000000"}`, "application/json"
	if !strings.Contains(req.Header.Get("Accept"), "json") { // a download
		answer, contentType = "", "application/octet-stream"
	}
	return &http.Response{
		Status: "200 OK", StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {contentType}},
		Body:          io.NopCloser(strings.NewReader(answer)),
		ContentLength: int64(len(answer)),
		Request:       req,
	}, nil
}

// CloseIdleConnections closes the look-ups' idle connections, as the SDK's
// own transport does at the end of a run.
func (d *dryRun) CloseIdleConnections() {
	if ci, ok := d.base.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

func (d *dryRun) requests() []dryRequest {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]dryRequest(nil), d.sent...)
}

// dryRunJSON is what --dry-run --output json prints for each request.
type dryRunJSON struct {
	DryRun bool            `json:"dryRun"`
	Method string          `json:"method"`
	Path   string          `json:"path"`
	Body   json.RawMessage `json:"body"`
}

// dryReport ends a dry run whose action returned err: it prints the
// requests kept from the server.
func (a *app) dryReport(err error) error {
	if err != nil {
		return err
	}
	sent := a.dry.requests()
	if len(sent) == 0 {
		return errors.New("dry run: the command made no request to show")
	}
	for _, r := range sent {
		body := redactBody(r.body)
		switch {
		case a.out.json:
			if err := a.out.jsonLine(dryRunJSON{DryRun: true, Method: r.method, Path: r.path, Body: body}); err != nil {
				return err
			}
		case a.out.tsv:
			if _, err := fmt.Fprintf(a.out.w, "%s\t%s\t%s\n", r.method, r.path, body); err != nil {
				return err
			}
		default:
			var pretty bytes.Buffer
			if json.Indent(&pretty, body, "  ", "  ") != nil {
				pretty.Reset()
				pretty.Write(body)
			}
			if _, err := fmt.Fprintf(a.out.w, "Dry run: nothing was sent. The request would be:\n  %s %s\n  %s\n", r.method, r.path, pretty.String()); err != nil {
				return err
			}
		}
	}
	return nil
}

// secretName matches the JSON names of secrets in a request body: the
// passwords and certificates of restore credentials, tokens, assertions.
var secretName = regexp.MustCompile(`(?i)password|secret|token|assertion|certificate|key$`)

// redacted replaces a secret in what the CLI prints.
const redacted = "REDACTED"

// redactBody returns body, a JSON request body, with the value of every
// field whose name is a secret's replaced by "REDACTED": what --dry-run
// prints. A body that is not JSON is not shown; no body is null.
func redactBody(body []byte) json.RawMessage {
	if len(bytes.TrimSpace(body)) == 0 {
		return json.RawMessage("null")
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		b, _ := json.Marshal(fmt.Sprintf("(%d bytes that are not JSON, not shown)", len(body)))
		return b
	}
	b, _ := json.Marshal(redactValue(v))
	return b
}

func redactValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if secretName.MatchString(k) && x != nil && x != "" {
				v[k] = redacted
				continue
			}
			v[k] = redactValue(x)
		}
	case []any:
		for i, x := range v {
			v[i] = redactValue(x)
		}
	}
	return v
}
