package vb365

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
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
// refused refresh falls back to a fresh login. Its fetch runs in the token
// cache's one login at a time, so it needs no lock of its own.
type grant struct {
	c         *Client
	kind      string                                    // "password" or "operator"
	user      string                                    // username, or the operator's client_id
	secret    Secret                                    // the password
	assertion func(ctx context.Context) (string, error) // the operator's assertion, fresh for each login
	refresh   Secret                                    // the newest refresh token
	store     TokenStore                                // keeps the tokens across processes, or nil
	loaded    bool                                      // store was read
}

// TokenStore keeps a login's tokens across processes, so that a program run
// again and again (a script calling a CLI a hundred times) does not log in
// each time: VB365 throttles its token endpoint. The client reads the store
// once, before its first login, and saves the tokens after every login and
// renewal. Tokens are secrets: keep them where only their user can read
// them. A password or an assertion is never given to a store.
type TokenStore interface {
	// Load returns the tokens kept, or nil when there are none. An error is
	// taken as none: the client logs in.
	Load(ctx context.Context) (*oauth2.Token, error)
	// Save keeps tok, the newest access and refresh tokens; nil forgets
	// them (the server refused them, or Close ended the login). An error
	// does not fail the login that made the tokens.
	Save(ctx context.Context, tok *oauth2.Token) error
}

// WithTokenStore keeps the tokens of a WithPassword, WithOperator or
// WithOperatorSource login in store across processes (see TokenStore). A
// kept access token that has not expired is used without a login; an
// expired one is renewed with the kept refresh token, and a refused refresh
// falls back to a fresh login, as always. Close forgets the kept tokens.
func WithTokenStore(store TokenStore) Option {
	return func(s *settings) error {
		if store == nil {
			return invalidArg("store", "must not be nil")
		}
		s.store = store
		return nil
	}
}

// loadStore returns the kept access token while it is valid, and takes the
// kept refresh token for the next renewal. It reads the store once.
func (g *grant) loadStore(ctx context.Context) *oauth2.Token {
	if g.store == nil || g.loaded {
		return nil
	}
	g.loaded = true
	tok, err := g.store.Load(ctx)
	if err != nil || tok == nil {
		if err != nil && g.c.debug {
			g.c.logger.DebugContext(ctx, "vb365 token store: nothing loaded", "error", err.Error())
		}
		return nil
	}
	if tok.RefreshToken != "" {
		g.refresh = Secret(tok.RefreshToken)
	}
	if tok.AccessToken == "" || tok.Expiry.IsZero() || !g.c.now().Before(tok.Expiry) {
		return nil
	}
	return &oauth2.Token{AccessToken: tok.AccessToken, TokenType: "Bearer", Expiry: tok.Expiry}
}

// save gives the store the newest tokens, or nil to forget them.
func (g *grant) save(ctx context.Context, tok *oauth2.Token) {
	if g.store == nil {
		return
	}
	if tok != nil {
		tok = &oauth2.Token{AccessToken: tok.AccessToken, TokenType: "Bearer", RefreshToken: string(g.refresh), Expiry: tok.Expiry}
	}
	if err := g.store.Save(ctx, tok); err != nil && g.c.debug {
		g.c.logger.DebugContext(ctx, "vb365 token store: not saved", "error", err.Error())
	}
}

func (g *grant) fetch(ctx context.Context) (*oauth2.Token, error) {
	if tok := g.loadStore(ctx); tok != nil {
		return tok, nil
	}
	tok, err := g.login(ctx)
	if err == nil {
		g.save(ctx, tok)
	}
	return tok, err
}

// login gets new tokens: a renewal with the refresh token, or a fresh
// login when there is none or the server refused it.
func (g *grant) login(ctx context.Context) (*oauth2.Token, error) {
	if g.refresh != "" {
		form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {string(g.refresh)}}
		tok, err := g.request(ctx, "refresh_token", form, string(g.refresh))
		if err == nil {
			return tok, nil
		}
		if !errors.Is(err, ErrUnauthorized) {
			return nil, err
		}
		g.refresh = ""
		g.save(ctx, nil)
	}
	form := url.Values{"grant_type": {g.kind}}
	if g.kind == "password" {
		form.Set("username", g.user)
		form.Set("password", string(g.secret))
		return g.request(ctx, g.kind, form, string(g.secret))
	}
	assertion, err := g.assertion(ctx)
	switch {
	case err != nil:
		return nil, &loginError{grant: g.kind, err: &wrapped{msg: "getting the assertion: " + err.Error(), err: err}}
	case assertion == "":
		return nil, &loginError{grant: g.kind, err: errors.New("the assertion source returned an empty assertion")}
	}
	form.Set("client_id", g.user)
	form.Set("assertion", assertion)
	return g.request(ctx, g.kind, form, assertion)
}

// tokenResponse is OAuthTokenResponse.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
}

// maxTokenLifetime caps expires_in: a larger one (or one past what a
// time.Duration holds) is taken as this.
const maxTokenLifetime = 365 * 24 * time.Hour

// request sends one token request; secret is the grant's secret, kept out
// of errors. A login the server turned away unread (429, or 503 with
// Retry-After: VB365 throttles its token endpoint) is sent again after the
// wait it asks for, within WithRetry's limits. Any other failed login is
// reported, never sent again.
func (g *grant) request(ctx context.Context, grantType string, form url.Values, secret string) (*oauth2.Token, error) {
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
	ctx = context.WithValue(ctx, callKey{}, loginCall) // never replayed by the transport
	body := form.Encode()
	var timer *time.Timer
	for attempt := 0; ; attempt++ {
		tok, wait, err := g.send(ctx, attempt, tokenURL, grantType, body, secret)
		if wait < 0 || attempt >= c.retry.RetryMax {
			return tok, err
		}
		if c.debug {
			c.logger.DebugContext(ctx, "vb365 token request throttled: sending it again", "grant_type", grantType, "wait", wait)
		}
		if timer == nil {
			timer = time.NewTimer(wait)
			defer timer.Stop()
		} else {
			timer.Reset(wait)
		}
		select {
		case <-ctx.Done():
			return nil, &loginError{grant: grantType, err: err}
		case <-timer.C:
		}
	}
}

// send makes one attempt of a token request. wait is how long to wait
// before sending it again, or negative when it must not be sent again.
func (g *grant) send(ctx context.Context, attempt int, tokenURL, grantType, body, secret string) (*oauth2.Token, time.Duration, error) {
	c := g.c
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, strings.NewReader(body))
	if err != nil {
		return nil, -1, &loginError{grant: grantType, err: err}
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
		return nil, -1, &loginError{grant: grantType, err: err}
	}
	defer drain(resp.Body)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		raw := readErrorBody(resp.Body)
		apiErr := newAPIError(http.MethodPost, tokenURL, resp.StatusCode, raw, secret, string(g.refresh))
		// 400 (invalid_grant) and 401 are refusals of the credentials.
		refused := resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnauthorized
		return nil, throttled(resp, raw, attempt, c.retry.RetryWaitMin, c.retry.RetryWaitMax), &loginError{grant: grantType, refused: refused, err: apiErr}
	}
	// The server declares the answer as */*; it is JSON whatever it says.
	var tr tokenResponse
	if err := decodeJSON(resp.Body, &tr); err != nil {
		return nil, -1, &loginError{grant: grantType, err: &wrapped{msg: "reading the token answer: " + err.Error(), err: err}}
	}
	if tr.AccessToken == "" {
		return nil, -1, &loginError{grant: grantType, err: errors.New("the token answer has no access_token")}
	}
	if tr.RefreshToken != "" {
		g.refresh = Secret(tr.RefreshToken)
	}
	tok := &oauth2.Token{AccessToken: tr.AccessToken, TokenType: "Bearer", ExpiresIn: tr.ExpiresIn}
	// expires_in counts from now on this machine's clock; the server's
	// ".expires" would carry the server's clock, and any skew with it.
	// Without expires_in the token is used until a 401.
	if tr.ExpiresIn > 0 {
		lifetime := maxTokenLifetime
		if tr.ExpiresIn < int64(maxTokenLifetime/time.Second) {
			lifetime = time.Duration(tr.ExpiresIn) * time.Second
		}
		tok.Expiry = c.now().Add(lifetime)
	}
	if c.debug {
		c.logger.DebugContext(ctx, "vb365 token obtained", "grant_type", grantType, "expires_in", tr.ExpiresIn)
	}
	return tok, -1, nil
}

// throttled says how long to wait before sending again a token request that
// the server turned away unread: a 429, or a 503 with Retry-After. The wait
// is what the server asks for (a Retry-After header, or a "retryAfter" in
// the body, as Veeam's other REST servers send it), or else a back-off; it
// is negative when the request must not be sent again, also when the server
// asks for a wait past maxWait.
func throttled(resp *http.Response, body []byte, attempt int, minWait, maxWait time.Duration) time.Duration {
	ra, hasRA := retryAfter(resp)
	if !hasRA {
		ra, hasRA = bodyRetryAfter(body)
	}
	switch {
	case resp.StatusCode != http.StatusTooManyRequests && (resp.StatusCode != http.StatusServiceUnavailable || !hasRA):
		return -1
	case hasRA && ra > maxWait:
		return -1
	case hasRA:
		return ra
	}
	return backoff(minWait, maxWait, attempt, nil)
}

// bodyRetryAfter reads {"errors":[{"retryAfter":seconds}]} or
// {"retryAfter":seconds}.
func bodyRetryAfter(body []byte) (time.Duration, bool) {
	var hint struct {
		RetryAfter *float64 `json:"retryAfter"`
		Errors     []struct {
			RetryAfter *float64 `json:"retryAfter"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &hint) != nil {
		return 0, false
	}
	s := hint.RetryAfter
	for _, e := range hint.Errors {
		if s == nil {
			s = e.RetryAfter
		}
	}
	if s == nil || *s < 0 || *s > 24*3600 {
		return 0, false
	}
	return time.Duration(*s * float64(time.Second)), true
}

// cachedToken is a token ready to send.
type cachedToken struct {
	header string    // "Bearer <access token>"
	value  []string  // header as a header value, shared by the requests that carry it
	renew  time.Time // when to get a new one; zero: only after a 401
}

// tokenCache hands out the current token and gets a new one when it is due,
// with one login however many calls are waiting for it. It is x/oauth2's
// ReuseTokenSourceWithExpiry plus what that lacks: dropping the one token a
// 401 refused, waits that the caller's context can end, and logins that go
// on when the caller who started them gives up, so that their tokens (a
// rotated refresh token above all) are kept for the next call.
type tokenCache struct {
	fetch func(context.Context) (*oauth2.Token, error)
	now   func() time.Time
	cur   atomic.Pointer[cachedToken]
	life  context.Context    // ends when the cache is closed
	end   context.CancelFunc // ends life: cancels a login under way

	mu     sync.Mutex
	flight *login // the login under way, or nil
	closed bool   // no more tokens
}

// login is one run of fetch; done is closed when tok or err is set.
type login struct {
	done chan struct{}
	tok  *cachedToken
	err  error
}

func newTokenCache(fetch func(context.Context) (*oauth2.Token, error), now func() time.Time) *tokenCache {
	life, end := context.WithCancel(context.Background())
	return &tokenCache{fetch: fetch, now: now, life: life, end: end}
}

func (tc *tokenCache) valid(t *cachedToken) bool {
	return t != nil && (t.renew.IsZero() || tc.now().Before(t.renew))
}

// token returns the current token, or waits for a new one until ctx ends.
// A login runs on a context of its own, with ctx's values but not its end:
// each of its attempts is bounded by WithRequestTimeout, and Close ends it.
func (tc *tokenCache) token(ctx context.Context) (*cachedToken, error) {
	if t := tc.cur.Load(); tc.valid(t) {
		return t, nil
	}
	tc.mu.Lock()
	if tc.closed {
		tc.mu.Unlock()
		return nil, ErrClosed
	}
	if t := tc.cur.Load(); tc.valid(t) {
		tc.mu.Unlock()
		return t, nil
	}
	l := tc.flight
	if l == nil {
		l = &login{done: make(chan struct{})}
		tc.flight = l
		go tc.run(context.WithoutCancel(ctx), l)
	}
	tc.mu.Unlock()
	select {
	case <-l.done:
		return l.tok, l.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (tc *tokenCache) run(ctx context.Context, l *login) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(tc.life, cancel)
	l.tok, l.err = tc.get(ctx)
	stop()
	cancel()
	if l.err == nil {
		tc.cur.Store(l.tok)
	}
	tc.mu.Lock()
	tc.flight = nil
	tc.mu.Unlock()
	close(l.done)
}

func (tc *tokenCache) get(ctx context.Context) (*cachedToken, error) {
	tok, err := tc.fetch(ctx)
	if err != nil {
		return nil, err
	}
	if tok == nil || tok.AccessToken == "" {
		return nil, errors.New("vb365: the token source returned no access token")
	}
	t := &cachedToken{header: "Bearer " + tok.AccessToken}
	t.value = []string{t.header}
	if !tok.Expiry.IsZero() {
		t.renew = tok.Expiry.Add(-renewEarly(tok.Expiry.Sub(tc.now())))
	}
	return t, nil
}

// renewEarly is how long before its expiry a token is renewed: a tenth of
// its lifetime, at most a minute, so that a call never carries a token
// that runs out on the way.
func renewEarly(lifetime time.Duration) time.Duration {
	return min(lifetime/10, time.Minute)
}

// close hands out no more tokens and returns the current one, after any
// login under way has ended. When ctx ends first, the login is cancelled
// and close returns ctx's error.
func (tc *tokenCache) close(ctx context.Context) (*cachedToken, error) {
	tc.mu.Lock()
	tc.closed = true
	l := tc.flight
	tc.mu.Unlock()
	defer tc.end()
	if l != nil {
		select {
		case <-l.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return tc.cur.Swap(nil), nil
}

// invalidate drops the token whose header a 401 refused, unless another
// call has already replaced it.
func (tc *tokenCache) invalidate(header string) {
	if t := tc.cur.Load(); t != nil && t.header == header {
		tc.cur.CompareAndSwap(t, nil)
	}
}
