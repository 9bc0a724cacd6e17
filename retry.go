package vb365

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// checkRetry is the retry policy: it says whether the attempt just made is
// sent again. The call's retry class comes with the request context.
// A call whose context has ended is not sent again; when the attempt would
// have been, the call ends with the context's error rather than with the
// answer meant to be retried.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	r, _ := ctx.Value(callKey{}).(*request)
	if r == nil {
		return false, nil
	}
	reason := retryReason(r, resp, err, c.maxWait)
	if reason == "" && err != nil && r.unsafe && !isCertError(err) && r.notSent(err) {
		reason = "request not sent"
	}
	if r.attempts++; reason == "" || r.attempts > c.retry.RetryMax {
		// The last attempt's answer becomes the call's.
		return false, nil
	}
	// An answer to be retried after the context ended gives the context's
	// error; a failed attempt already carries it, with the request named.
	if ctxErr := ctx.Err(); ctxErr != nil {
		if err == nil {
			return false, ctxErr
		}
		return false, nil
	}
	if resp != nil && resp.StatusCode == http.StatusInternalServerError {
		if err := c.checkSession(ctx, r, resp); err != nil {
			return false, err
		}
	}
	r.stage.Store(stageNone)
	if c.debug {
		c.logger.DebugContext(ctx, "vb365 retry", "op", r.op, "reason", reason)
	}
	if resp != nil {
		// Read what has come of the answer, and no more: retryablehttp
		// would wait for a body that stalls.
		drain(resp.Body)
	}
	return true, nil
}

// checkSession looks at the restore session of a call in it that answered
// 500, before the call is sent again: the server answers 500 in a session it
// has stopped (sessions stop on their own when idle), and sending the call
// again would only get more of them. It returns an error matching
// ErrSessionStopped when the session is stopped.
// The answer is read first, so that its connection is free for the look.
func (c *Client) checkSession(ctx context.Context, r *request, resp *http.Response) error {
	if r.sessionID() == "" || r.sessionChecked {
		return nil
	}
	apiErr := r.apiError(resp, resp.Request.Header.Get("Authorization"))
	drain(resp.Body)
	if s := c.stoppedSession(ctx, r); s != nil {
		return s.stoppedError(apiErr)
	}
	return nil
}

// stoppedSession looks, once a call, at the state of the restore session
// whose data r reads or acts on, and returns the session when the server
// has stopped it.
func (c *Client) stoppedSession(ctx context.Context, r *request) *RestoreSession {
	id := r.sessionID()
	if id == "" || r.sessionChecked {
		return nil
	}
	r.sessionChecked = true
	s, err := c.RestoreSessions.Get(ctx, id)
	if err != nil || s.State != SessionStateStopped {
		return nil
	}
	return s
}

func (s *RestoreSession) stoppedError(cause error) error {
	return &SessionStoppedError{SessionID: s.ID, State: s.State, Result: s.Result, Err: cause}
}

// retryReason names why an attempt of r is sent again, or returns "" when
// it is not. Safe calls are re-sent after connection errors and 408, 429,
// 500, 502, 503 and 504. Downloads (exports and saves) are too, but for 408
// and 500: the server builds the file before it answers, and its 500 is a
// verdict (most often: no 64-bit Outlook on the server) that comes again on
// every attempt. Unsafe calls are re-sent only when the server provably did
// not act: no connection was made (checkRetry also asks the attempt's
// trace), or it answered 408, 429, or 503 with Retry-After. No call waits
// longer than maxWait for a Retry-After.
func retryReason(r *request, resp *http.Response, err error, maxWait time.Duration) string {
	unsafe, download := r.unsafe, r.stream != nil
	if err != nil {
		switch {
		case isDialError(err):
			return "connection not made"
		case unsafe, isCertError(err):
			return ""
		}
		return "connection error"
	}
	ra, hasRA := retryAfter(resp)
	if hasRA && ra > maxWait {
		return ""
	}
	switch code := resp.StatusCode; code {
	case http.StatusRequestTimeout:
		if !download {
			return "408"
		}
	case http.StatusTooManyRequests:
		return "429"
	case http.StatusServiceUnavailable:
		if hasRA {
			return "503 with Retry-After"
		}
		if !unsafe {
			return "503"
		}
	case http.StatusInternalServerError:
		if !unsafe && !download {
			return "500"
		}
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		if !unsafe {
			return strconv.Itoa(code)
		}
	}
	return ""
}

func isCertError(err error) bool {
	var verr *tls.CertificateVerificationError
	var uerr x509.UnknownAuthorityError
	var herr x509.HostnameError
	return errors.As(err, &verr) || errors.As(err, &uerr) || errors.As(err, &herr)
}

// retryAfter reads a Retry-After header in seconds or as an HTTP date.
func retryAfter(resp *http.Response) (time.Duration, bool) {
	if resp == nil {
		return 0, false
	}
	v := resp.Header.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s < 0 {
			return 0, false
		}
		if s > int64(24*time.Hour/time.Second) {
			s = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

// backoff waits what Retry-After asks (checkRetry has refused waits past the
// cap), or else an exponential back-off from minWait with jitter, capped at
// maxWait.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if ra, ok := retryAfter(resp); ok {
		return min(ra, maxWait)
	}
	if minWait <= 0 {
		return 0
	}
	d := maxWait
	if attempt < 32 && minWait<<attempt > 0 {
		d = min(minWait<<attempt, maxWait)
	}
	return d/2 + rand.N(d/2+1)
}

// prepareRetry readies the copy of a request that the retry engine sends
// again: a new body, read from the start (the transport may still be
// reading the last attempt's), and a current token, since the wait may
// have outlived the token.
func (c *Client) prepareRetry(req *http.Request) error {
	if r, _ := req.Context().Value(callKey{}).(*request); r != nil && r.body != nil {
		req.Body = r.sentBody()
	}
	if c.tokens == nil || req.Header.Get("Authorization") == "" {
		return nil
	}
	tok, err := c.tokens.token(req.Context())
	if err != nil {
		return &renewError{err}
	}
	req.Header = req.Header.Clone()
	req.Header["Authorization"] = []string{tok.header}
	return nil
}

// renewError is a token renewal that failed between two attempts of a call;
// the attempt before it was one the server provably did not act on.
type renewError struct{ err error }

func (e *renewError) Error() string { return e.err.Error() }
func (e *renewError) Unwrap() error { return e.err }
