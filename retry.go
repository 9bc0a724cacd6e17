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
	reason := retryReason(r.unsafe, resp, err, c.maxWait)
	if reason == "" && err != nil && r.unsafe && !isCertError(err) && r.notSent(err) {
		reason = "request not sent"
	}
	if reason == "" {
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
	r.stage.Store(stageNone)
	if c.debug {
		c.logger.DebugContext(ctx, "vb365 retry", "op", r.op, "reason", reason)
	}
	return true, nil
}

// retryReason names why an attempt is sent again, or returns "" when it is
// not. Safe calls are re-sent after connection errors and 408, 429, 500,
// 502, 503 and 504. Unsafe calls are re-sent only when the server provably
// did not act: no connection was made (checkRetry also asks the attempt's
// trace), or it answered 408, 429, or 503 with Retry-After. No call waits
// longer than maxWait for a Retry-After.
func retryReason(unsafe bool, resp *http.Response, err error, maxWait time.Duration) string {
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
	case http.StatusRequestTimeout, http.StatusTooManyRequests:
		return strconv.Itoa(code)
	case http.StatusServiceUnavailable:
		if hasRA {
			return "503 with Retry-After"
		}
		if !unsafe {
			return "503"
		}
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
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

// prepareRetry puts a current token on a request before it is sent again:
// the wait may have outlived the token.
func (c *Client) prepareRetry(req *http.Request) error {
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
