package vb365

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// RetryClass says whether a call made with Do may be sent again. It has no
// useful zero value: Do refuses a class that is neither Safe nor Unsafe, so
// that forgetting it never makes an action look safe to repeat.
type RetryClass int

// The retry classes of Do.
const (
	// Safe calls are re-sent on connection errors and 408, 429, 500, 502,
	// 503 and 504 answers: reads, and actions that are harmless to repeat
	// (stopping something stopped).
	Safe RetryClass = iota + 1
	// Unsafe calls are re-sent only when the server provably did not act
	// (no connection made, 408, 429, 503 with Retry-After, or a 401 with a
	// new token); after any other failure the error matches
	// ErrOutcomeUnknown. Starting a job, restoring, deleting, changing
	// settings: whatever happens twice when sent twice.
	Unsafe
)

// String returns "Safe" or "Unsafe".
func (rc RetryClass) String() string {
	switch rc {
	case Safe:
		return "Safe"
	case Unsafe:
		return "Unsafe"
	}
	return "RetryClass(" + strconv.Itoa(int(rc)) + ")"
}

// Do sends any operation of the API, for the many the SDK does not type
// (jobs, repositories, reports...), with the client's login, retries,
// errors and version prefix:
//
//	var jobs []struct{ ID, Name string }
//	err := client.Do(ctx, "GET", "/Jobs?limit=50", vb365.Safe, nil, &jobs)
//	err = client.Do(ctx, "POST", "/Jobs/"+url.PathEscape(id)+"/start", vb365.Unsafe, nil, nil)
//
// path is what follows the version ("/Jobs/{id}/start"), with its query if
// any. Do escapes nothing: escape each ID yourself with url.PathEscape (and
// query values with url.QueryEscape). It refuses an absolute URL, a path
// that does not start with "/", starts with a version ("/v7/..."), or
// climbs out of the version with "." or ".." segments (also escaped ones),
// before anything is sent.
//
// body is sent as JSON: json.RawMessage and []byte as they are (they must
// be valid JSON), anything else encoded with encoding/json; nil sends no
// body. A 2xx answer is decoded as JSON into out, at most 256 MiB of it; an
// empty answer leaves out as it is; nil discards the answer; a
// *json.RawMessage gets it undecoded. Every answer outside 2xx is an
// *APIError. class says whether the call may be sent again (see
// RetryClass). A client without credentials sends the call without a
// token, for the operations that need none.
func (c *Client) Do(ctx context.Context, method, path string, class RetryClass, body, out any) error {
	if err := checkCtx(ctx); err != nil {
		return err
	}
	if !isToken(method) {
		return invalidArg("method", "must be an HTTP method such as GET or POST")
	}
	if class != Safe && class != Unsafe {
		return invalidArg("class", "must be Safe or Unsafe")
	}
	p, query, err := doPath(path)
	if err != nil {
		return err
	}
	var b []byte
	switch v := body.(type) {
	case nil:
	case json.RawMessage:
		b = v
	case []byte:
		b = v
	default:
		if b, err = json.Marshal(body); err != nil {
			return &ArgumentError{Arg: "body", Problem: "cannot be encoded as JSON: " + err.Error()}
		}
	}
	if b != nil && !json.Valid(b) {
		return invalidArg("body", "is not valid JSON")
	}
	r := &request{
		op: "Do", method: method, path: p, query: query, body: b,
		unsafe: class == Unsafe, anonymous: c.tokens == nil,
		check: "check on the server whether the operation took effect before sending it again",
	}
	var into any
	if out != nil {
		into = &doAnswer{out: out}
	}
	return c.do(ctx, r, into)
}

// doPath checks the path of Do and splits off its query.
func doPath(path string) (p, query string, err error) {
	bad := func(problem string) (string, string, error) { return "", "", invalidArg("path", problem) }
	p, query, _ = strings.Cut(path, "?")
	switch {
	case !strings.HasPrefix(p, "/"):
		return bad("must be the part after the version, starting with \"/\" (\"/Jobs\"), not a URL")
	case strings.ContainsAny(path, "#\\") || strings.ContainsFunc(path, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return bad("must not contain '#', '\\' or control characters")
	}
	u, perr := url.Parse(p)
	if perr != nil || u.Host != "" || u.Scheme != "" {
		return bad("is not a URL path")
	}
	if q, qerr := url.ParseQuery(query); qerr != nil || (query != "" && len(q) == 0) {
		return bad("has a query that is not URL-encoded")
	}
	for i, seg := range strings.Split(p[1:], "/") {
		dec, derr := url.PathUnescape(seg)
		if derr != nil {
			return bad("has a bad escape in " + quote(seg))
		}
		if i == 0 && isVersion(dec) {
			return bad("must not start with the API version: the client adds it (" + quote(dec) + ")")
		}
		// An escaped "/" or "\" may be unescaped by the server's stack:
		// no part of a segment may be "." or "..".
		for _, part := range strings.FieldsFunc(dec, func(r rune) bool { return r == '/' || r == '\\' }) {
			if part == "." || part == ".." {
				return bad("must not climb out of the API version with \".\" or \"..\"")
			}
		}
	}
	return p, query, nil
}

// isVersion reports whether s looks like an API version segment ("v6").
func isVersion(s string) bool {
	if len(s) < 2 || (s[0] != 'v' && s[0] != 'V') {
		return false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// isToken reports whether s is an HTTP method: an RFC 9110 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]{}", c) >= 0 {
			return false
		}
	}
	return true
}

// doAnswer decodes the answer of Do into out: up to maxResponseBody bytes
// of JSON, and an empty answer leaves out as it is.
type doAnswer struct{ out any }

func (d *doAnswer) decodeBody(resp *http.Response) error {
	if resp.StatusCode == http.StatusNoContent {
		return nil
	}
	err := decodeJSONUpTo(resp.Body, d.out, maxResponseBody)
	if errors.Is(err, errEmptyAnswer) {
		return nil
	}
	return err
}
