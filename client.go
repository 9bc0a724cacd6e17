// Package vb365 is a client for the Veeam Backup for Microsoft 365 REST API,
// built around the restore-operator workflow of Restore Portal: log in as a
// restore operator, open a restore session, browse mailboxes, folders and
// items, restore items, follow the result and stop the session.
//
// Every call that is safe to repeat (reads, Stop, downloads) is retried on
// connection errors and on 408, 429, 500, 502, 503 and 504 answers. Calls that act (OperatorExplore,
// OperatorRestore) are re-sent only when the server provably did not act;
// any other failure returns an error that matches ErrOutcomeUnknown, so that
// a restore is never sent twice by the SDK.
package vb365

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/oauth2"
)

// Version is this SDK's version, sent in the default User-Agent.
const Version = "0.1.0"

// APIVersion is a version of the VB365 REST API: the path segment after the
// host ("/v6/...").
type APIVersion string

// The API versions this SDK speaks. V6 is the default.
const (
	V6 APIVersion = "v6"
	V7 APIVersion = "v7"
	V8 APIVersion = "v8"
	// Auto asks the server at the first call which versions it serves
	// (see DetectAPIVersion) and speaks the newest.
	Auto APIVersion = "auto"
)

// versions lists the versions this SDK speaks, newest first.
var versions = []APIVersion{V8, V7, V6}

// Defaults for NewClient.
const (
	// DefaultMaxRetries is how many times a call is re-sent at most.
	DefaultMaxRetries = 4
	// DefaultMinRetryWait is the first back-off between attempts.
	DefaultMinRetryWait = 500 * time.Millisecond
	// DefaultMaxRetryWait caps every wait between attempts, Retry-After
	// included: a server asking for a longer wait gets its error returned.
	DefaultMaxRetryWait = 30 * time.Second
	// DefaultPageSize is the page size of List and All when
	// ListOptions.Limit is 0.
	DefaultPageSize = 500
	// MaxPageSize is the largest page the server serves.
	MaxPageSize = 10000
	// DefaultRequestTimeout bounds each attempt of a call or a login (see
	// WithRequestTimeout).
	DefaultRequestTimeout = 2 * time.Minute
)

// maxResponseBody bounds a successful JSON answer: a page of MaxPageSize
// results (smaller pages have smaller bounds, see maxPageBody).
const maxResponseBody = 256 << 20

// maxObjectBody bounds a successful JSON answer that is one object.
const maxObjectBody = 4 << 20

// Client talks to one VB365 server. It is safe for concurrent use; create one
// per server and credentials, and reuse it.
type Client struct {
	// RestoreSessions opens, lists, follows and stops restore sessions.
	RestoreSessions *RestoreSessionsService
	// Mailboxes browses and restores mailbox data in a restore session.
	Mailboxes *MailboxesService
	// OneDrives browses the OneDrives, folders and documents of a restore
	// session.
	OneDrives *OneDrivesService
	// RestorePoints lists the points in time a restore session can show.
	RestorePoints *RestorePointsService
	// Organizations lists the organizations added to the server.
	Organizations *OrganizationsService

	common service

	host      string                  // scheme://host:port, no path
	api       atomic.Pointer[apiBase] // nil until Auto has asked the server
	detectMu  chan struct{}           // one version detection at a time
	closed    atomic.Bool
	hc        *http.Client
	retry     *retryablehttp.Client
	maxWait   time.Duration
	tokens    *tokenCache                         // nil without credentials
	forget    func(context.Context)               // forgets the tokens kept in a TokenStore, or nil
	kept      func(context.Context) *oauth2.Token // the kept access token not yet loaded, or nil
	logger    *slog.Logger
	debug     bool // logger enabled at debug level
	userAgent string
	// userAgentValue is userAgent as a header value, shared by every
	// request.
	userAgentValue []string
	now            func() time.Time // the clock for token expiry
	operator       bool             // logged in with grant_type=operator
}

type service struct{ client *Client }

// apiBase is the API version the client speaks and its URL prefix.
type apiBase struct {
	version APIVersion
	base    string // host + "/" + version
}

// Option configures a Client in NewClient.
type Option func(*settings) error

type settings struct {
	version    APIVersion
	grant      *grant
	ts         oauth2.TokenSource
	creds      int
	hc         *http.Client
	rootCAs    *x509.CertPool
	maxRetries int
	minWait    time.Duration
	maxWait    time.Duration
	logger     *slog.Logger
	userAgent  string
	timeout    time.Duration
	allowHTTP  bool
	store      TokenStore
}

// WithPassword logs in with grant_type=password, as an administrator, and
// renews the token with grant_type=refresh_token.
func WithPassword(username, password string) Option {
	return func(s *settings) error {
		if strings.TrimSpace(username) == "" {
			return invalidArg("username", "must not be empty")
		}
		if password == "" {
			return invalidArg("password", "must not be empty")
		}
		s.creds++
		s.grant = &grant{kind: "password", user: username, secret: Secret(password)}
		return nil
	}
}

// WithOperator logs in as a restore operator with grant_type=operator.
// clientID is "<userObjectId>.<tenantId>" (the operator's Microsoft Entra
// object ID and tenant ID); assertion is the operator's Microsoft access
// token for the Restore Portal application (see RestorePortalSettings),
// sent as it is. The token is renewed with grant_type=refresh_token.
//
// The Microsoft token behind an assertion lives about an hour, and a new
// login is needed whenever the server refuses a refresh: a program that runs
// longer should use WithOperatorSource.
func WithOperator(clientID, assertion string) Option {
	return func(s *settings) error {
		if assertion == "" {
			return invalidArg("assertion", "must not be empty")
		}
		return WithOperatorSource(clientID, func(context.Context) (string, error) { return assertion, nil })(s)
	}
}

// WithOperatorSource logs in as a restore operator, as WithOperator, with
// an assertion that assertion fetches fresh for every new login: the first
// one, and each one after the server refused a refresh. A service that runs
// for days gets a new Microsoft token from its identity library there (an
// MSAL token cache, say). The string is sent as it is: a bare access token
// or a whole token response as JSON, as the server is set up to take.
// assertion runs on the login's context, never at the same time as
// itself; an error from it fails the login, and the call that waited for it.
func WithOperatorSource(clientID string, assertion func(ctx context.Context) (string, error)) Option {
	return func(s *settings) error {
		if strings.TrimSpace(clientID) == "" {
			return invalidArg("clientID", "must not be empty")
		}
		if assertion == nil {
			return invalidArg("assertion", "must not be nil")
		}
		s.creds++
		s.grant = &grant{kind: "operator", user: clientID, assertion: assertion}
		return nil
	}
}

// WithRequestTimeout bounds each attempt of an API call or a login: from
// sending the request until the answer's headers have arrived; the answer's
// body may then send nothing for as long before the attempt is broken off.
// An attempt that runs out fails with an error matching ErrTimeout: a read
// is then retried as after any other failure, and an unsafe call returns an
// error matching ErrOutcomeUnknown too. The default is
// DefaultRequestTimeout; 0 turns the bound off, leaving the calls to the
// caller's context. Downloads wait for their first byte without this bound
// (a PST is built before it is sent), and are bounded by
// DownloadOptions.StallTimeout instead.
func WithRequestTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d < 0 {
			return invalidArg("d", "must not be negative")
		}
		s.timeout = d
		return nil
	}
}

// WithAllowHTTP allows plain http to a host that is not loopback. Without
// it NewClient refuses an http URL whose host is not in 127.0.0.0/8, ::1 or
// "localhost" when credentials are given: passwords, assertions and tokens
// would travel in clear.
func WithAllowHTTP() Option {
	return func(s *settings) error {
		s.allowHTTP = true
		return nil
	}
}

// WithTokenSource uses the caller's VB365 access tokens. After a 401 the
// client asks ts for a token once more and re-sends the call once; a ts that
// caches (oauth2.ReuseTokenSource) answers the same token, and the call then
// fails with ErrUnauthorized.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(s *settings) error {
		if ts == nil {
			return invalidArg("ts", "must not be nil")
		}
		s.creds++
		s.ts = ts
		return nil
	}
}

// WithHTTPClient sends every request through hc's transport, with hc's
// timeout and cookie jar. hc itself is not changed; the SDK uses a copy that
// follows no redirects (a redirected restore or login would carry its body
// elsewhere) and whose transport never replays a call that must not be sent
// twice. After a failed call the retry engine closes the transport's idle
// connections. Without WithHTTPClient the SDK uses its own client, which
// speaks HTTP/1.1 and keeps up to 32 connections to the server.
func WithHTTPClient(hc *http.Client) Option {
	return func(s *settings) error {
		if hc == nil {
			return invalidArg("hc", "must not be nil")
		}
		s.hc = hc
		return nil
	}
}

// WithRootCAs verifies the server's certificate against pool instead of the
// system roots, for servers with a self-signed or private certificate.
// Verification stays on. It cannot be combined with WithHTTPClient.
func WithRootCAs(pool *x509.CertPool) Option {
	return func(s *settings) error {
		if pool == nil {
			return invalidArg("pool", "must not be nil")
		}
		s.rootCAs = pool
		return nil
	}
}

// WithAPIVersion selects the API version: V6 (the default), V7, V8, or
// Auto to ask the server at the first call.
func WithAPIVersion(v APIVersion) Option {
	return func(s *settings) error {
		switch v {
		case V6, V7, V8, Auto:
			s.version = v
			return nil
		}
		return invalidArg("v", "unknown API version "+quote(string(v))+" (want v6, v7, v8 or auto)")
	}
}

// WithRetry sets how many times a call is re-sent at most (0: never), and the
// bounds of the wait between attempts. maxWait also caps Retry-After: when
// the server asks for a longer wait, the call fails with the server's answer
// instead.
func WithRetry(maxRetries int, minWait, maxWait time.Duration) Option {
	return func(s *settings) error {
		switch {
		case maxRetries < 0:
			return invalidArg("maxRetries", "must not be negative")
		case minWait < 0:
			return invalidArg("minWait", "must not be negative")
		case maxWait < minWait:
			return invalidArg("maxWait", "must not be less than minWait")
		}
		s.maxRetries, s.minWait, s.maxWait = maxRetries, minWait, maxWait
		return nil
	}
}

// WithLogger logs requests, answers, retries and logins to l at debug level,
// and outcome-unknown failures at warn level. Secrets are never logged. The
// client is silent by default.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		if l == nil {
			return invalidArg("l", "must not be nil")
		}
		s.logger = l
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(s *settings) error {
		if strings.TrimSpace(ua) == "" {
			return invalidArg("ua", "must not be empty")
		}
		s.userAgent = ua
		return nil
	}
}

// NewClient returns a client for the server at serverURL, such as
// "https://vb365.example.com:4443", with no API version in it. Without a
// credentials option (WithOperator, WithOperatorSource, WithPassword or
// WithTokenSource) only
// anonymous calls such as RestorePortalSettings work.
func NewClient(serverURL string, opts ...Option) (*Client, error) {
	s := settings{
		version:    V6,
		maxRetries: DefaultMaxRetries,
		minWait:    DefaultMinRetryWait,
		maxWait:    DefaultMaxRetryWait,
		userAgent:  "vb365-go/" + Version,
		timeout:    DefaultRequestTimeout,
	}
	for _, opt := range opts {
		if opt == nil {
			return nil, invalidArg("opts", "must not contain nil")
		}
		if err := opt(&s); err != nil {
			return nil, err
		}
	}
	host, err := parseServerURL(serverURL)
	if err != nil {
		return nil, err
	}
	if s.creds > 0 && !s.allowHTTP && strings.HasPrefix(host, "http:") && !isLoopback(host) {
		return nil, invalidArg("serverURL", "is plain http to a host that is not loopback: the credentials would travel in clear; use https, or WithAllowHTTP")
	}
	if s.creds > 1 {
		return nil, invalidArg("opts", "only one of WithPassword, WithOperator, WithOperatorSource and WithTokenSource may be given")
	}
	if s.store != nil && s.grant == nil {
		return nil, invalidArg("opts", "WithTokenStore keeps the tokens of WithPassword, WithOperator or WithOperatorSource; give one of them")
	}
	if s.hc != nil && s.rootCAs != nil {
		return nil, invalidArg("opts", "WithRootCAs cannot be combined with WithHTTPClient; set the CA pool in the client's transport")
	}

	c := &Client{
		host:      host,
		detectMu:  make(chan struct{}, 1),
		hc:        s.hc,
		maxWait:   s.maxWait,
		logger:    s.logger,
		userAgent: s.userAgent,
		now:       time.Now,
	}
	c.userAgentValue = []string{c.userAgent}
	if c.hc == nil {
		c.hc = defaultHTTPClient(s.rootCAs)
	} else {
		c.hc = guardedClient(c.hc)
	}
	c.hc.Transport = &bounded{base: c.hc.Transport, timeout: s.timeout}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	if s.version != Auto {
		c.api.Store(&apiBase{version: s.version, base: host + "/" + string(s.version)})
	}
	c.debug = c.logger.Enabled(context.Background(), slog.LevelDebug)
	c.retry = &retryablehttp.Client{
		HTTPClient:   keepIdle(c.hc),
		RetryWaitMin: s.minWait,
		RetryWaitMax: s.maxWait,
		RetryMax:     s.maxRetries,
		CheckRetry:   c.checkRetry,
		Backoff:      backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		PrepareRetry: c.prepareRetry,
	}
	if c.debug {
		c.retry.RequestLogHook = c.logAttempt
	}
	switch {
	case s.grant != nil:
		s.grant.c, s.grant.store = c, s.store
		c.tokens = newTokenCache(s.grant.fetch, c.now)
		if g := s.grant; g.store != nil {
			c.forget = func(ctx context.Context) { g.save(ctx, nil) }
			c.kept = g.loadStore
		}
		c.operator = s.grant.kind == "operator"
	case s.ts != nil:
		ts := s.ts
		c.tokens = newTokenCache(func(context.Context) (*oauth2.Token, error) { return ts.Token() }, c.now)
	}

	c.common.client = c
	c.RestoreSessions = (*RestoreSessionsService)(&c.common)
	c.Mailboxes = (*MailboxesService)(&c.common)
	c.OneDrives = (*OneDrivesService)(&c.common)
	c.RestorePoints = (*RestorePointsService)(&c.common)
	c.Organizations = (*OrganizationsService)(&c.common)
	return c, nil
}

// APIVersion returns the API version the client speaks; Auto until the
// first call has asked the server.
func (c *Client) APIVersion() APIVersion {
	if a := c.api.Load(); a != nil {
		return a.version
	}
	return Auto
}

// isLoopback reports whether host ("scheme://host:port") names this
// machine: "localhost", 127.0.0.0/8 or ::1.
func isLoopback(host string) bool {
	u, err := url.Parse(host)
	if err != nil {
		return false
	}
	h := u.Hostname()
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func parseServerURL(serverURL string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(serverURL))
	switch {
	case err != nil:
		return "", invalidArg("serverURL", "not a URL")
	case u.Scheme != "https" && u.Scheme != "http":
		return "", invalidArg("serverURL", "scheme must be https or http")
	case u.Host == "":
		return "", invalidArg("serverURL", "has no host")
	case u.User != nil:
		return "", invalidArg("serverURL", "must not carry credentials; use WithPassword or WithOperator")
	case u.RawQuery != "" || u.Fragment != "":
		return "", invalidArg("serverURL", "must not have a query or fragment")
	case strings.Trim(u.Path, "/") != "":
		return "", invalidArg("serverURL", "must not have a path (give the API version with WithAPIVersion)")
	}
	return u.Scheme + "://" + u.Host, nil
}

// request describes one API call.
type request struct {
	op        string // operation name for errors and logs ("OperatorRestore")
	method    string
	path      string                  // escaped, after the version ("/RestoreSessions/...")
	query     string                  // encoded, without "?"
	vquery    func(APIVersion) string // version-dependent query parameters, appended to query
	url       string                  // set by do: the full URL without query, for errors
	body      []byte                  // JSON, encoded once, sent again on every attempt
	unsafe    bool                    // not idempotent: re-sent only when the server provably did not act
	anonymous bool                    // no bearer token
	since     APIVersion              // the first API version that has the operation; "": all
	check     string                  // for unsafe calls: how to find out whether the server acted
	// stream, when set, takes a 2xx answer's body instead of JSON decoding.
	stream func(*http.Response) error
	// rangeFrom, when positive, asks for the body from this byte on.
	rangeFrom int64
	// ifRange, with rangeFrom, is the If-Range validator of the answer
	// being resumed (an ETag or a Last-Modified date).
	ifRange string
	// stall, for a download (stream set), is how long its body may send
	// nothing before the attempt is broken off.
	stall time.Duration
	// actsBefore, when set, is the first API version whose server answers
	// the call at once; before it the server acts before it answers (a
	// restore up to v7), and do sets actsFirst: the answer's headers are
	// awaited as long as the caller's context allows, as a download's are.
	actsBefore APIVersion
	actsFirst  bool
	// secrets are values the request carries (passwords of restore
	// credentials) that are redacted from errors should the server repeat
	// them.
	secrets []string
	// vcheck, when set, refuses the call for the API version the client
	// speaks, once it is known (Auto asks the server first).
	vcheck func(APIVersion) error
	// stage is how far the current attempt of an unsafe call got.
	stage atomic.Int32
	// attempts counts the call's attempts for the retry policy, and
	// sessionChecked is set once the state of the call's restore session
	// was looked at (checkSession); do resets both.
	attempts       int
	sessionChecked bool

	// What sending the call needs comes with it, for its first attempt:
	// the context that carries the call (callKey), the request of the
	// retry engine, the body sent, and the attempt's watch and answer
	// body (see bounded). A call sent again after a 401, a download
	// resumed, and retries take new ones: an earlier attempt's body may
	// still be read by the transport.
	cctx             callCtx
	rreq             retryablehttp.Request
	firstBody        bytes.Reader
	firstBodyUsed    bool
	firstAttempt     watchedBody
	firstAttemptUsed bool
}

// callCtx is the context of a call's attempts: the caller's, carrying the
// call for the retry policy and the transport (callKey).
type callCtx struct {
	context.Context
	r *request
}

// Value implements context.Context.
func (c *callCtx) Value(key any) any {
	if _, ok := key.(callKey); ok {
		return c.r
	}
	return c.Context.Value(key)
}

// callContext returns ctx carrying r.
func (r *request) callContext(ctx context.Context) context.Context {
	if r.cctx.r != nil {
		// Sent before (a download resumed): the earlier context may
		// still be looked at by its attempt's transport.
		return &callCtx{Context: ctx, r: r}
	}
	r.cctx = callCtx{Context: ctx, r: r}
	return &r.cctx
}

// sentBody returns the body of a new attempt of r: r.body, from the start.
// It is a *bytes.Reader behind io.NopCloser, which net/http knows to be in
// memory: it sends the headers and the body together rather than flushing
// the headers first.
func (r *request) sentBody() io.ReadCloser {
	if !r.firstBodyUsed {
		r.firstBodyUsed = true
		r.firstBody.Reset(r.body)
		return io.NopCloser(&r.firstBody)
	}
	return io.NopCloser(bytes.NewReader(r.body))
}

// getBody is the request's GetBody: a new body, from the start, for a
// transport that sends the request again (HTTP/2 after some stream
// errors, HTTP/1 when a reused connection turned out closed before a byte
// was written). Only calls that are safe to repeat have one.
func (r *request) getBody() (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(r.body)), nil
}

// sessionID returns the ID of the restore session whose data r reads or
// acts on (a path under /RestoreSessions/{id}/organization), or "".
func (r *request) sessionID() string {
	rest, ok := strings.CutPrefix(r.path, "/RestoreSessions/")
	if !ok {
		return ""
	}
	id, tail, ok := strings.Cut(rest, "/")
	if !ok || !strings.HasPrefix(tail, "organization") {
		return ""
	}
	id, err := url.PathUnescape(id)
	if err != nil {
		return ""
	}
	return id
}

// Stages of an attempt, as net/http's trace reports them.
const (
	stageNone       = iota
	stageConnecting // asking the transport for a connection
	stageConnected  // a connection is in hand: the request may be on its way
)

// staged reports whether the transport is to report to r how far each
// attempt gets (see bounded), so that a failure while still getting a
// connection (a refused dial, a TLS handshake, a wait for a free connection
// cut short) is known to have sent nothing. A transport that reports
// nothing leaves every failure in doubt. Logins are never re-sent after a
// failure, and share one request.
func (r *request) staged() bool { return r.unsafe && r != loginCall }

// notSent reports whether the failed attempt never had a connection.
func (r *request) notSent(err error) bool {
	return isDialError(err) || r.stage.Load() == stageConnecting
}

// callKey carries the call in the context, for the retry policy.
type callKey struct{}

// do sends r and decodes a 2xx JSON answer into out (nil: the body is
// discarded). It is the one request path of the SDK.
func (c *Client) do(ctx context.Context, r *request, out any) error {
	if err := checkCtx(ctx); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.closed.Load() {
		return ErrClosed
	}
	if !r.anonymous && c.tokens == nil {
		return errors.New("vb365: " + r.op + " needs credentials: give NewClient WithOperator, WithPassword or WithTokenSource")
	}
	a, err := c.apiBase(ctx)
	if err != nil {
		return err
	}
	if r.since != "" && a.version < r.since {
		return fmt.Errorf("vb365: %s needs API %s or later; the server is spoken to in %s: %w", r.op, r.since, a.version, errors.ErrUnsupported)
	}
	if r.vcheck != nil {
		if err := r.vcheck(a.version); err != nil {
			return err
		}
	}
	r.actsFirst = r.actsBefore != "" && a.version < r.actsBefore
	r.url = a.base + r.path
	u, q := r.url, r.query
	if r.vquery != nil {
		q += r.vquery(a.version)
	}
	if q != "" {
		u += "?" + q
	}
	r.sessionChecked = false
	ctx = r.callContext(ctx)
	for relogin := false; ; relogin = true {
		var auth string
		var authValue []string
		if !r.anonymous {
			tok, err := c.tokens.token(ctx)
			if err != nil {
				return err
			}
			auth, authValue = tok.header, tok.value
			if authValue == nil {
				authValue = []string{auth}
			}
		}
		r.stage.Store(stageNone) // a login's own connection does not count
		r.attempts = 0           // a call re-sent after a 401 has its whole retry budget
		resp, err := c.send(ctx, r, u, authValue)
		if err != nil {
			return c.transportError(ctx, r, err)
		}
		// The server decided nothing on a 401, so even an unsafe call may
		// be sent again once with a new token.
		if resp.StatusCode == http.StatusUnauthorized && !r.anonymous && !relogin {
			drain(resp.Body)
			c.tokens.invalidate(auth)
			if c.debug {
				c.logger.DebugContext(ctx, "vb365 401: logging in again", "op", r.op)
			}
			continue
		}
		return c.handle(ctx, r, resp, out, auth)
	}
}

// call sends r and returns its decoded answer. pathErr is the error of
// building r's path, returned before anything is sent.
func call[T any](ctx context.Context, c *Client, r *request, pathErr error) (*T, error) {
	if pathErr != nil {
		return nil, pathErr
	}
	out := new(T)
	if err := c.do(ctx, r, out); err != nil {
		return nil, err
	}
	return out, nil
}

// send sends r to u with the Authorization header auth (nil: none) and
// the client's retries. The request is built as net/http builds one, with
// what the retry engine would add made by hand: the body of each attempt
// is read from r.body (see sentBody and prepareRetry), and only calls that
// are safe to repeat get a GetBody. Header values are shared, never
// changed: a retry's new token goes into a copy of the header (see
// prepareRetry).
func (c *Client) send(ctx context.Context, r *request, u string, auth []string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, r.method, u, nil)
	if err != nil {
		return nil, err
	}
	h := req.Header
	if r.body != nil {
		req.Body, req.ContentLength = r.sentBody(), int64(len(r.body))
		if !r.unsafe {
			req.GetBody = r.getBody
		}
		h["Content-Type"] = jsonHeader
	}
	if r.stream == nil {
		h["Accept"] = jsonHeader
	}
	h["User-Agent"] = c.userAgentValue
	if auth != nil {
		h["Authorization"] = auth
	}
	if r.rangeFrom > 0 {
		h["Range"] = []string{"bytes=" + strconv.FormatInt(r.rangeFrom, 10) + "-"}
		if r.ifRange != "" {
			h["If-Range"] = []string{r.ifRange}
		}
	}
	r.rreq = retryablehttp.Request{Request: req}
	resp, err := c.retry.Do(&r.rreq)
	if err != nil && resp != nil {
		drain(resp.Body)
	}
	return resp, err
}

var jsonHeader = []string{"application/json"}

// handle turns an answer into the result of the call. auth is the
// Authorization header sent, kept out of an error's text should the server
// repeat it.
func (c *Client) handle(ctx context.Context, r *request, resp *http.Response, out any, auth string) error {
	defer drain(resp.Body)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := r.apiError(resp, auth)
		if !r.unsafe || !mayHaveActed(resp) {
			return apiErr
		}
		// A 500 in a session the server has stopped is most likely its
		// refusal to act there; the caller is told both.
		if resp.StatusCode == http.StatusInternalServerError {
			if s := c.stoppedSession(ctx, r); s != nil {
				return c.outcomeUnknown(ctx, r, s.stoppedError(apiErr))
			}
		}
		return c.outcomeUnknown(ctx, r, apiErr)
	}
	if r.stream != nil {
		return r.stream(resp)
	}
	if out == nil {
		return nil
	}
	var err error
	switch d, ok := out.(bodyDecoder); {
	case ok:
		err = d.decodeBody(resp)
	case resp.StatusCode == http.StatusNoContent || resp.ContentLength == 0:
		err = errEmptyAnswer
	default:
		err = decodeObject(resp, out)
	}
	if err != nil {
		return c.decodeError(ctx, r, err)
	}
	return nil
}

// apiError reads a non-2xx answer to r into an *APIError, with the secrets
// the request carried (auth, the Authorization header sent, and r.secrets)
// redacted should the server have repeated them.
func (r *request) apiError(resp *http.Response, auth string) *APIError {
	body := readErrorBody(resp.Body)
	return newAPIError(r.method, r.url, resp.StatusCode, body, append([]string{strings.TrimPrefix(auth, "Bearer ")}, r.secrets...)...)
}

// bodyDecoder is a result that reads its answer's body itself (pages, and
// the answers of Do), also when the answer is empty.
type bodyDecoder interface {
	decodeBody(*http.Response) error
}

var errEmptyAnswer = errors.New("empty answer")

// errTooLarge refuses an answer longer than max bytes.
func errTooLarge(max int64) error {
	return errors.New("the answer is longer than " + strconv.FormatInt(max, 10) + " bytes")
}

// smallAnswer bounds the answers that decodeObject reads whole before it
// decodes them.
const smallAnswer = 64 << 10

// decodeObject decodes an answer that is one object into out, as decodeJSON
// does. An answer whose length is announced, and small, is read whole into
// a buffer reused from call to call and decoded from it, without a
// decoder of its own nor a copy of the bytes as they are read; should it
// not decode so (an error, a zoneless timestamp, bytes after the object),
// or not arrive whole, decodeJSON decodes the same bytes, followed by the
// same read error: the result and the error are decodeJSON's.
func decodeObject(resp *http.Response, out any) error {
	n := resp.ContentLength
	if n <= 0 || n > smallAnswer {
		return decodeJSON(resp.Body, out)
	}
	rec := recordPool.Get().(*recorded)
	defer rec.release()
	rec.buf = slices.Grow(rec.buf[:0], int(n))[:n]
	m, rerr := io.ReadFull(resp.Body, rec.buf)
	if rerr == nil && json.Unmarshal(rec.buf, out) == nil {
		return nil
	}
	var rd io.Reader = bytes.NewReader(rec.buf[:m])
	if rerr != nil {
		rd = io.MultiReader(rd, errReader{rerr})
	}
	return decodeJSON(rd, out)
}

// errReader is a reader that fails with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// decodeJSON decodes one object of at most maxObjectBody bytes. The bytes
// read are kept, in a buffer reused from call to call, so that an object
// whose timestamps lack a zone can be decoded again (timestamps.go).
func decodeJSON(body io.Reader, out any) error { return decodeJSONUpTo(body, out, maxObjectBody) }

// decodeJSONUpTo decodes one JSON value of at most max bytes.
func decodeJSONUpTo(body io.Reader, out any, max int64) error {
	rec := newRecorded(capped{r: body, left: max, max: max})
	defer rec.release()
	err := json.NewDecoder(rec).Decode(out)
	if err != nil {
		err = rec.decodeZoneless(out, err)
	}
	if err != nil {
		if errors.Is(err, io.EOF) {
			return errEmptyAnswer
		}
		return err
	}
	return nil
}

// capped reads r and fails once more than max bytes have come; left is
// what remains of max.
type capped struct {
	r         io.Reader
	left, max int64
}

func (c *capped) Read(p []byte) (int, error) {
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	if c.left -= int64(n); c.left < 0 {
		return n, errTooLarge(c.max)
	}
	return n, err
}

// decodeError reports a 2xx answer that could not be read. For an unsafe
// call the server has acted, but the caller cannot know its result.
func (c *Client) decodeError(ctx context.Context, r *request, err error) error {
	err = &wrapped{msg: "vb365: " + r.op + ": reading the answer to " + r.method + " " + r.url + ": " + err.Error(), err: err}
	if r.unsafe {
		return c.outcomeUnknown(ctx, r, err)
	}
	return err
}

// transportError reports a call that got no answer.
func (c *Client) transportError(ctx context.Context, r *request, err error) error {
	var re *renewError
	var ue *url.Error
	if errors.As(err, &re) || !errors.As(err, &ue) {
		// The failure came between attempts (a cancelled wait, a failed
		// token renewal): the last attempt was one the server provably
		// did not act on.
		return err
	}
	// url.Error repeats the URL with its query; name the operation instead.
	err = &wrapped{msg: "vb365: " + r.op + ": " + ue.Op + " " + r.url + ": " + ue.Err.Error(), err: ue.Err}
	if r.unsafe && !r.notSent(ue.Err) {
		return c.outcomeUnknown(ctx, r, err)
	}
	return err
}

// wrapped is an error with its own text that unwraps to its cause.
type wrapped struct {
	msg string
	err error
}

func (w *wrapped) Error() string { return w.msg }
func (w *wrapped) Unwrap() error { return w.err }

func (c *Client) outcomeUnknown(ctx context.Context, r *request, cause error) error {
	c.logger.WarnContext(ctx, "vb365 outcome unknown", "op", r.op, "method", r.method, "path", r.path)
	return &OutcomeUnknownError{Op: r.op, Method: r.method, URL: r.url, Check: r.check, Err: cause}
}

// isDialError reports whether err happened before a connection to the
// server existed, so that no byte of the request reached it.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// mayHaveActed reports whether a non-2xx answer to an unsafe call leaves
// open whether the server acted. 4xx answers are decisions not to act, and
// so are the redirects that ask for the request to be sent elsewhere (307,
// 308); other redirects to a POST usually follow one that was done. A 503
// with Retry-After is a server that turned the request away.
func mayHaveActed(resp *http.Response) bool {
	switch code := resp.StatusCode; {
	case code >= 300 && code < 400:
		return code != http.StatusTemporaryRedirect && code != http.StatusPermanentRedirect
	case code < 500:
		return false
	}
	if resp.StatusCode == http.StatusServiceUnavailable {
		_, ok := retryAfter(resp)
		return !ok
	}
	return true
}

func (c *Client) logAttempt(_ retryablehttp.Logger, req *http.Request, attempt int) {
	r, _ := req.Context().Value(callKey{}).(*request)
	op := ""
	if r != nil {
		op = r.op
	}
	c.logger.DebugContext(req.Context(), "vb365 request", "op", op, "method", req.Method, "path", req.URL.Path, "attempt", attempt+1)
}

func quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return "\"" + strings.ToValidUTF8(s, "?") + "\""
}

// CloseIdleConnections closes the connections the client keeps open for
// reuse. It does not end the login; a later call opens new connections.
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }
