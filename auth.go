package vb365

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
)

// Secret is a string that never shows itself: fmt (every verb), slog and
// encoding/json print "REDACTED". Convert it with string(s) where the value
// is needed.
type Secret string

const redacted = "REDACTED"

// String implements fmt.Stringer.
func (Secret) String() string { return redacted }

// GoString implements fmt.GoStringer.
func (Secret) GoString() string { return redacted }

// Format implements fmt.Formatter: every verb prints REDACTED, also those
// (%d, %x, %t, ...) that fmt would otherwise apply to the string itself.
func (Secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// LogValue implements slog.LogValuer.
func (Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON implements json.Marshaler, for loggers that encode values as
// JSON. Request bodies carry secrets through their own plain-string fields.
func (Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// grant logs in at POST /vN/token with grant_type=password or operator, then
// renews with grant_type=refresh_token and the newest refresh token. A
// refused refresh falls back to a fresh login. Its fetch runs under the
// token cache's lock, so it needs none of its own.
type grant struct {
	c       *Client
	kind    string // "password" or "operator"
	user    string // username, or the operator's client_id
	secret  Secret // password, or the operator's assertion
	refresh Secret // the newest refresh token
}

func (g *grant) fetch(ctx context.Context) (*oauth2.Token, error) {
	if g.refresh != "" {
		form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {string(g.refresh)}}
		tok, err := g.request(ctx, "refresh_token", form)
		if err == nil {
			return tok, nil
		}
		if !errors.Is(err, ErrUnauthorized) {
			return nil, err
		}
		g.refresh = ""
	}
	form := url.Values{"grant_type": {g.kind}}
	if g.kind == "password" {
		form.Set("username", g.user)
		form.Set("password", string(g.secret))
	} else {
		form.Set("client_id", g.user)
		form.Set("assertion", string(g.secret))
	}
	return g.request(ctx, g.kind, form)
}

// tokenResponse is OAuthTokenResponse.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
}

// request sends one token request. It is never re-sent: a login that failed
// is reported, not repeated.
func (g *grant) request(ctx context.Context, grantType string, form url.Values) (*oauth2.Token, error) {
	c := g.c
	a, err := c.apiBase(ctx)
	if err != nil {
		return nil, &loginError{grant: grantType, err: err}
	}
	if a.version != V6 {
		// v7 and later also want an antiforgery token unless told not to.
		form.Set("disable_antiforgery_token", "true")
	}
	tokenURL := a.base + "/token"
	ctx = context.WithValue(ctx, callKey{}, loginCall) // never sent twice
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, &loginError{grant: grantType, err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if c.debug {
		c.logger.DebugContext(ctx, "vb365 token request", "grant_type", grantType)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = &wrapped{msg: "POST " + tokenURL + ": " + ue.Err.Error(), err: ue.Err}
		}
		return nil, &loginError{grant: grantType, err: err}
	}
	defer drain(resp.Body)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		apiErr := newAPIError(http.MethodPost, tokenURL, resp.StatusCode, body, string(g.secret), string(g.refresh))
		// 400 (invalid_grant) and 401 are refusals of the credentials.
		refused := resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnauthorized
		return nil, &loginError{grant: grantType, refused: refused, err: apiErr}
	}
	// The server declares the answer as */*; it is JSON whatever it says.
	var tr tokenResponse
	if err := decodeJSON(resp.Body, &tr); err != nil {
		return nil, &loginError{grant: grantType, err: &wrapped{msg: "reading the token answer: " + err.Error(), err: err}}
	}
	if tr.AccessToken == "" {
		return nil, &loginError{grant: grantType, err: errors.New("the token answer has no access_token")}
	}
	if tr.RefreshToken != "" {
		g.refresh = Secret(tr.RefreshToken)
	}
	tok := &oauth2.Token{AccessToken: tr.AccessToken, TokenType: "Bearer", ExpiresIn: tr.ExpiresIn}
	// expires_in counts from now on this machine's clock; the server's
	// ".expires" would carry the server's clock, and any skew with it.
	// Without expires_in the token is used until a 401.
	if tr.ExpiresIn > 0 {
		tok.Expiry = c.now().Add(time.Duration(tr.ExpiresIn) * time.Second)
	}
	if c.debug {
		c.logger.DebugContext(ctx, "vb365 token obtained", "grant_type", grantType, "expires_in", tr.ExpiresIn)
	}
	return tok, nil
}

// cachedToken is a token ready to send.
type cachedToken struct {
	header string    // "Bearer <access token>"
	renew  time.Time // when to get a new one; zero: only after a 401
}

// tokenCache hands out the current token and gets a new one when it is due,
// with one token request however many calls are waiting for it. It is
// x/oauth2's ReuseTokenSourceWithExpiry plus what that lacks: dropping the
// one token a 401 refused, and waits that the caller's context can end.
type tokenCache struct {
	fetch  func(context.Context) (*oauth2.Token, error)
	now    func() time.Time
	cur    atomic.Pointer[cachedToken]
	sem    chan struct{} // a lock that a context can give up waiting for
	closed bool          // under sem: no more tokens
}

func newTokenCache(fetch func(context.Context) (*oauth2.Token, error), now func() time.Time) *tokenCache {
	return &tokenCache{fetch: fetch, now: now, sem: make(chan struct{}, 1)}
}

func (tc *tokenCache) valid(t *cachedToken) bool {
	return t != nil && (t.renew.IsZero() || tc.now().Before(t.renew))
}

func (tc *tokenCache) token(ctx context.Context) (*cachedToken, error) {
	if t := tc.cur.Load(); tc.valid(t) {
		return t, nil
	}
	select {
	case tc.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-tc.sem }()
	if tc.closed {
		return nil, ErrClosed
	}
	if t := tc.cur.Load(); tc.valid(t) {
		return t, nil
	}
	tok, err := tc.fetch(ctx)
	if err != nil {
		return nil, err
	}
	if tok == nil || tok.AccessToken == "" {
		return nil, errors.New("vb365: the token source returned no access token")
	}
	t := &cachedToken{header: "Bearer " + tok.AccessToken}
	if !tok.Expiry.IsZero() {
		t.renew = tok.Expiry.Add(-renewEarly(tok.Expiry.Sub(tc.now())))
	}
	tc.cur.Store(t)
	return t, nil
}

// renewEarly is how long before its expiry a token is renewed: a tenth of
// its lifetime, at most a minute, so that a call never carries a token
// that runs out on the way.
func renewEarly(lifetime time.Duration) time.Duration {
	return min(lifetime/10, time.Minute)
}

// close hands out no more tokens and returns the current one, after any
// login under way has ended.
func (tc *tokenCache) close(ctx context.Context) (*cachedToken, error) {
	select {
	case tc.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-tc.sem }()
	tc.closed = true
	return tc.cur.Swap(nil), nil
}

// invalidate drops the token whose header a 401 refused, unless another
// call has already replaced it.
func (tc *tokenCache) invalidate(header string) {
	if t := tc.cur.Load(); t != nil && t.header == header {
		tc.cur.CompareAndSwap(t, nil)
	}
}
