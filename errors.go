package vb365

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Sentinel errors. An *APIError matches the one for its status code with
// errors.Is, so callers need not compare status codes themselves:
//
//	if errors.Is(err, vb365.ErrNotFound) { ... }
var (
	// ErrBadRequest matches an *APIError with status 400.
	ErrBadRequest = errors.New("vb365: bad request")
	// ErrUnauthorized matches an *APIError with status 401, and a login
	// that the token endpoint refused.
	ErrUnauthorized = errors.New("vb365: unauthorized")
	// ErrForbidden matches an *APIError with status 403.
	ErrForbidden = errors.New("vb365: forbidden")
	// ErrNotFound matches an *APIError with status 404.
	ErrNotFound = errors.New("vb365: not found")
	// ErrConflict matches an *APIError with status 409.
	ErrConflict = errors.New("vb365: conflict")
	// ErrRateLimited matches an *APIError with status 429.
	ErrRateLimited = errors.New("vb365: rate limited")

	// ErrOutcomeUnknown matches the error of an unsafe call (one that is
	// not idempotent, such as OperatorRestore) that failed after the
	// request may have reached the server: a 5xx answer, a connection
	// dropped after the request was written, a timeout, or a cancelled
	// context. The SDK does not send such a call again. The server may or
	// may not have acted; check before sending the call again (for a
	// restore, read the restore session's events).
	ErrOutcomeUnknown = errors.New("vb365: outcome unknown")

	// ErrTimeout matches the error of an attempt that ran past
	// WithRequestTimeout (no answer's headers in time, or an answer's body
	// that sent nothing for as long), and of a download whose body sent
	// nothing for DownloadOptions.StallTimeout. For an unsafe call the
	// error matches ErrOutcomeUnknown too: the request may have arrived.
	ErrTimeout = errors.New("vb365: timed out")

	// ErrSessionStopped matches the error of a call in a restore session
	// that the server has stopped (a session stops on its own after a
	// while without calls, and when it is stopped by someone else). Open a
	// new session.
	ErrSessionStopped = errors.New("vb365: restore session stopped")

	// ErrClosed is returned by calls on a client after Close.
	ErrClosed = errors.New("vb365: client closed")

	// ErrInvalidArgument matches an error for input that the SDK refused
	// before sending any request. The error's text names the argument.
	ErrInvalidArgument = errors.New("vb365: invalid argument")
)

// maxErrorBody bounds how much of a non-2xx body is read and kept.
const maxErrorBody = 64 << 10

// keptErrorBody bounds the copy of the body kept in APIError.Body.
const keptErrorBody = 4 << 10

// APIError is the error for every answer outside 2xx. Its fields come from
// the server's RESTExceptionInfo body ({"message", "errorCode"}) or, for the
// token endpoint, from an OAuth error body ({"error", "error_description"}).
// Bodies that are HTML, empty or otherwise not JSON still give an APIError;
// Message then holds the start of the text.
type APIError struct {
	// StatusCode is the HTTP status code.
	StatusCode int
	// Code is the Veeam errorCode (v7 and later, such as "ResourceNotFound")
	// or the OAuth error ("invalid_grant") from the token endpoint. It is
	// empty when the server sent none.
	Code ErrorCode
	// Message is the server's message.
	Message string
	// Method and URL name the request; URL carries no query string.
	Method string
	URL    string
	// Body is the start of the response body (at most 4 KiB), for
	// diagnosis.
	Body []byte
}

// ErrorCode is a Veeam errorCode (v7 and later). Codes this SDK does not know
// are kept as they come.
type ErrorCode string

// Error implements error, so that an error code can be matched:
// errors.Is(err, vb365.ErrorCodeResourceNotFound) holds for an *APIError
// with that code.
func (c ErrorCode) Error() string { return "vb365: error code " + string(c) }

// Error codes documented for v7 and v8.
const (
	ErrorCodeProxyOffline                      ErrorCode = "ProxyOffline"
	ErrorCodeOutdatedChangeToken               ErrorCode = "OutdatedChangeToken"
	ErrorCodeResourceAccessDenied              ErrorCode = "ResourceAccessDenied"
	ErrorCodeResourceNotFound                  ErrorCode = "ResourceNotFound"
	ErrorCodeParameterValidationFailure        ErrorCode = "ParameterValidationFailure"
	ErrorCodeOrganizationTransfer              ErrorCode = "OrganizationTransfer"
	ErrorCodeRepositoryOwnerChangeTooManyLinks ErrorCode = "RepositoryOwnerChangeTooManyLinks"
	ErrorCodeTimeout                           ErrorCode = "Timeout"
	ErrorCodeOperationConflict                 ErrorCode = "OperationConflict"
	ErrorCodeHTTPError                         ErrorCode = "HttpError"
)

// Error implements error.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("vb365: ")
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.URL)
	b.WriteString(": ")
	fmt.Fprintf(&b, "%d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Code != "" {
		b.WriteString(" (")
		b.WriteString(string(e.Code))
		b.WriteByte(')')
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Is reports whether target is the sentinel error for e's status code, or
// e's ErrorCode.
func (e *APIError) Is(target error) bool {
	if code, ok := target.(ErrorCode); ok {
		return code != "" && e.Code == code
	}
	switch target {
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	}
	return false
}

// errorBody is the union of RESTExceptionInfo and an OAuth error.
type errorBody struct {
	Message          string `json:"message"`
	ErrorCode        string `json:"errorCode"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// Bounds of the server's text kept in an APIError: a broken or hostile
// server must not make an error message of megabytes, or of many lines.
const (
	maxMessage = 1000
	maxCode    = 100
)

// newAPIError builds the error for a non-2xx answer from at most
// maxErrorBody bytes of its body, with the secrets of the request (a
// bearer token, a password) redacted should the server have repeated them.
func newAPIError(method, url string, status int, body []byte, secrets ...string) *APIError {
	e := parseAPIError(method, url, status, redact(body, secrets))
	// Decoding may have unescaped a secret the body held escaped.
	e.Message = string(redact([]byte(e.Message), secrets))
	e.Code = ErrorCode(redact([]byte(e.Code), secrets))
	return e
}

// redact replaces each secret in b with REDACTED. A server may repeat a
// secret in the form the request carried it (as it is, JSON-escaped in a
// body, form-encoded in a login form) and escape that once more: redact
// looks for each of these forms as it is, JSON-escaped as Go escapes it
// (<, > and & as \u003c...), JSON-escaped as .NET's System.Text.Json does
// by default (", ', +, <, >, &, ` and every non-ASCII character as \uXXXX
// of UTF-16, hex digits in either case), and form-encoded (a space as + or
// as %20). Longer forms go first, so that a secret holding another is
// redacted whole. Secrets shorter than four bytes are left: they would
// redact ordinary text.
func redact(b []byte, secrets []string) []byte {
	var forms []string
	for _, s := range secrets {
		if len(s) < 4 || len(s) > len(b) { // no form is shorter than s
			continue
		}
		for _, w := range []string{s, goJSON(s), url.QueryEscape(s)} {
			forms = append(forms, w, goJSON(w), netJSON(w, "0123456789ABCDEF"), netJSON(w, "0123456789abcdef"),
				url.QueryEscape(w), url.PathEscape(w))
		}
	}
	slices.SortFunc(forms, func(x, y string) int { return cmp.Or(cmp.Compare(len(y), len(x)), strings.Compare(x, y)) })
	for _, f := range slices.Compact(forms) {
		if bytes.Contains(b, []byte(f)) {
			b = bytes.ReplaceAll(b, []byte(f), []byte(redacted))
		}
	}
	return b
}

// goJSON is s JSON-escaped as encoding/json escapes it, without quotes.
func goJSON(s string) string {
	q, _ := json.Marshal(s)
	return string(q[1 : len(q)-1])
}

// netJSON is s JSON-escaped as System.Text.Json's default encoder escapes
// it, without quotes, with the given hex digits.
func netJSON(s, hex string) string {
	const short, letters = "\b\f\n\r\t\\", "bfnrt\\"
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if i := strings.IndexRune(short, r); i >= 0 {
			b.WriteByte('\\')
			b.WriteByte(letters[i])
		} else if r < 0x20 || r > 0x7e || strings.ContainsRune("\"'+<>&`", r) {
			for _, u := range utf16.AppendRune(nil, r) {
				b.WriteString(`\u`)
				for shift := 12; shift >= 0; shift -= 4 {
					b.WriteByte(hex[u>>shift&0xf])
				}
			}
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func parseAPIError(method, url string, status int, body []byte) *APIError {
	e := &APIError{StatusCode: status, Method: method, URL: url}
	if len(body) > 0 {
		e.Body = bytes.Clone(body[:min(len(body), keptErrorBody)])
	}
	var eb errorBody
	if json.Unmarshal(body, &eb) == nil {
		e.Message = oneLine(eb.Message, maxMessage)
		e.Code = ErrorCode(oneLine(eb.ErrorCode, maxCode))
		if e.Code == "" {
			e.Code = ErrorCode(oneLine(eb.Error, maxCode))
		}
		if e.Message == "" {
			e.Message = oneLine(eb.ErrorDescription, maxMessage)
		}
		return e
	}
	e.Message = textSnippet(body)
	return e
}

// textSnippet turns a body that is not JSON (an HTML error page, say) into
// one short line of valid UTF-8.
func textSnippet(body []byte) string {
	const max = 200
	return oneLine(string(body[:min(len(body), 4*max)]), max)
}

// oneLine makes s one line of valid UTF-8 of at most max bytes (and an
// ellipsis): control characters become spaces, runs of spaces one space,
// so that a server's text cannot forge log lines or terminal escapes.
func oneLine(s string, max int) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			clean = false
			break
		}
	}
	if clean && len(s) <= max && !strings.Contains(s, "  ") && strings.TrimSpace(s) == s {
		return s
	}
	s = strings.ToValidUTF8(s[:min(len(s), 4*max)], "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		s = s[:max]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	return s
}

// ArgumentError is the error for an argument that the SDK refused before
// sending any request. It matches ErrInvalidArgument.
type ArgumentError struct {
	// Arg names the argument, as in the method's signature or the
	// request struct's field ("sessionID", "req.ItemIDs").
	Arg string
	// Problem says what is wrong with it.
	Problem string
}

// Error implements error.
func (e *ArgumentError) Error() string {
	return "vb365: invalid argument " + e.Arg + ": " + e.Problem
}

// Is reports whether target is ErrInvalidArgument.
func (e *ArgumentError) Is(target error) bool { return target == ErrInvalidArgument }

func invalidArg(arg, problem string) error { return &ArgumentError{Arg: arg, Problem: problem} }

// OutcomeUnknownError is the error of an unsafe call that failed after the
// request may have reached the server. It matches ErrOutcomeUnknown, and
// through Unwrap the cause: an *APIError for a 5xx answer, a network error,
// or the context's error.
type OutcomeUnknownError struct {
	// Op names the operation ("OperatorRestore").
	Op string
	// Method and URL name the request; URL carries no query string.
	Method, URL string
	// Check tells how to find out whether the server acted.
	Check string
	// Err is the cause.
	Err error
}

// Error implements error.
func (e *OutcomeUnknownError) Error() string {
	cause := "no cause recorded"
	if e.Err != nil {
		cause = e.Err.Error()
	}
	return "vb365: " + e.Op + " (" + e.Method + " " + e.URL + "): outcome unknown, the server may have acted: " +
		cause + "; not sent again: " + e.Check
}

// Unwrap returns ErrOutcomeUnknown and the cause.
func (e *OutcomeUnknownError) Unwrap() []error { return []error{ErrOutcomeUnknown, e.Err} }

// loginError is a login that the token endpoint refused or that failed on
// the way. A refusal matches ErrUnauthorized.
type loginError struct {
	grant   string
	refused bool
	err     error
}

func (e *loginError) Error() string {
	if e.refused {
		return "vb365: login (grant_type=" + e.grant + ") refused: " + e.err.Error()
	}
	return "vb365: login (grant_type=" + e.grant + ") failed: " + e.err.Error()
}

func (e *loginError) Unwrap() []error {
	if e.refused {
		return []error{ErrUnauthorized, e.err}
	}
	return []error{e.err}
}

// SessionStoppedError is the error of a call in a restore session that has
// ended: a call that the server answered 500 in a session it has stopped
// (sessions stop on their own after a while without calls; the SDK looks
// at the session's state before it would send such a call again), and a
// Wait whose session stopped, or failed, before its events said the restore
// finished. It matches ErrSessionStopped, and through Unwrap the server's
// answer when there is one.
type SessionStoppedError struct {
	// SessionID is the restore session's ID.
	SessionID string
	// State and Result are the session's, as the server reported them.
	State  SessionState
	Result SessionResult
	// Err is the call's error: an *APIError for the 500 answer; nil for
	// Wait.
	Err error
}

// Error implements error.
func (e *SessionStoppedError) Error() string {
	msg := "vb365: restore session " + quote(e.SessionID) + " ended (state " + oneLine(string(e.State), maxCode) +
		", result " + oneLine(string(e.Result), maxCode) + ")"
	if e.Err == nil {
		return msg + " before its events said the restore finished"
	}
	return msg + "; the server stops sessions left idle, open a new one: " + e.Err.Error()
}

// Unwrap returns ErrSessionStopped and the call's error.
func (e *SessionStoppedError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrSessionStopped}
	}
	return []error{ErrSessionStopped, e.Err}
}
