package vb365test

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"time"
)

// Default credentials accepted by a server built without WithUser or
// WithOperator.
const (
	// DefaultUsername is the user name accepted by the password grant.
	DefaultUsername = "vb365admin@contoso.onmicrosoft.com"
	// DefaultPassword is the password accepted by the password grant.
	DefaultPassword = "Fake-Passw0rd!"
	// DefaultOperatorClientID is the client_id accepted by the operator
	// grant, in the "userObjectId.tenantId" form.
	DefaultOperatorClientID = "6b8f2c1e-3d4a-4f5b-9c7d-8e9f0a1b2c3d.1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
	// DefaultOperatorAssertion is the assertion (a Microsoft identity
	// platform access token in real life) accepted by the operator grant.
	DefaultOperatorAssertion = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.eyJvaWQiOiJmYWtlLW9wZXJhdG9yIn0."
)

// Default limits.
const (
	// DefaultTokenLifetime is the access-token lifetime (expires_in 3600).
	DefaultTokenLifetime = time.Hour
	// DefaultRefreshTokenLifetime is the refresh-token lifetime (the real
	// value is undocumented).
	DefaultRefreshTokenLifetime = 24 * time.Hour
	// DefaultPageLimitMax is the largest accepted limit query value.
	DefaultPageLimitMax = 10000
	// DefaultPageLimit is the limit used when the query has none.
	DefaultPageLimit = 30
	// DefaultExportSize is the size of the generated exportToPst and Save
	// bodies (see WithExportSize).
	DefaultExportSize = 256 << 10
)

// serverVersions are the build numbers reported by ServiceInstance.
var serverVersions = map[int]string{6: "6.0.0.367", 7: "7.0.0.2911", 8: "8.0.2.159"}

// Option configures a Server.
type Option func(*config)

type credential struct{ id, secret string }

type config struct {
	tokenLifetime   time.Duration
	refreshLifetime time.Duration
	now             func() time.Time
	org             *Organization
	users           []credential
	operators       []credential
	pageLimitMax    int
	versions        map[int]bool
	exportSize      int64
	exportDelay     time.Duration
	dotnetJSON      bool
	control         bool
	journalSize     int
	requestLog      func(JournalEntry)
	chaosRate       float64
	chaosSeed       int64
	listener        net.Listener
	certificate     *tls.Certificate
	tokenQuota      int
	tokenWindow     time.Duration
	sessionIdle     time.Duration
	scopes          []operatorScope
}

// WithTokenLifetime sets the access-token lifetime (expires_in). The server
// enforces it with its clock (see WithClock). Values below one second are
// ignored.
func WithTokenLifetime(d time.Duration) Option {
	return func(c *config) {
		if d >= time.Second {
			c.tokenLifetime = d
		}
	}
}

// WithRefreshTokenLifetime sets the refresh-token lifetime. Values below one
// second are ignored.
func WithRefreshTokenLifetime(d time.Duration) Option {
	return func(c *config) {
		if d >= time.Second {
			c.refreshLifetime = d
		}
	}
}

// WithClock sets the server clock used for token expiry and timestamps.
// now must be safe for concurrent use. nil keeps time.Now.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}

// WithOrganization sets the seed data (default DefaultOrganization()). The
// organization must not be modified afterwards. nil keeps the default.
func WithOrganization(org *Organization) Option {
	return func(c *config) { c.org = org }
}

// WithUser adds credentials accepted by grant_type=password. The first
// WithUser replaces the default DefaultUsername/DefaultPassword pair;
// further calls add more users.
func WithUser(username, password string) Option {
	return func(c *config) { c.users = append(c.users, credential{username, password}) }
}

// WithOperator adds credentials accepted by grant_type=operator. The first
// WithOperator replaces the default DefaultOperatorClientID /
// DefaultOperatorAssertion pair; further calls add more operators.
func WithOperator(clientID, assertion string) Option {
	return func(c *config) { c.operators = append(c.operators, credential{clientID, assertion}) }
}

// WithPageLimitMax sets the largest accepted limit query value (default
// 10000). Values below 1 are ignored.
func WithPageLimitMax(n int) Option {
	return func(c *config) {
		if n >= 1 {
			c.pageLimitMax = n
		}
	}
}

// WithVersions restricts the API versions served (default 6, 7 and 8). Paths
// of other versions answer 404, which lets clients test version probing.
// Versions other than 6, 7 and 8 are ignored; if none remains, all three are
// served.
func WithVersions(versions ...int) Option {
	return func(c *config) {
		m := map[int]bool{}
		for _, v := range versions {
			if v >= 6 && v <= 8 {
				m[v] = true
			}
		}
		if len(m) > 0 {
			c.versions = m
		}
	}
}

// WithExportSize sets the size in bytes of the bodies that exportToPst and
// Save answer (default DefaultExportSize). The bodies are generated on the
// fly from a deterministic generator and streamed in chunks, so sizes of
// gigabytes cost no memory. Negative values are ignored; 0 answers empty
// files. Change it on a running server with Server.SetExportSize.
func WithExportSize(n int64) Option {
	return func(c *config) {
		if n >= 0 {
			c.exportSize = n
		}
	}
}

// WithTokenQuota throttles the token endpoint as VB365 servers from v6 on
// do: past n token requests within any window of length per (on the
// server's clock, see WithClock), POST /vN/token answers 429 "Quota
// Exceeded", without Retry-After, and does not log in. The real quota is
// undocumented; without this option the fake does not throttle. Values
// below 1 turn throttling off.
func WithTokenQuota(n int, per time.Duration) Option {
	return func(c *config) {
		if n < 1 || per <= 0 {
			c.tokenQuota, c.tokenWindow = 0, 0
			return
		}
		c.tokenQuota, c.tokenWindow = n, per
	}
}

// WithSessionIdleTimeout makes the server stop a restore session on its own
// once it has gone d without use, as real servers do after a while (how long
// is undocumented). Use is a call under /RestoreSessions/{id}/organization/
// (browse, search, restore) or the session's creation; reading the session,
// its events or its statistics is not use. The server's clock (WithClock)
// decides, so a test moves the clock rather than sleeping. A session stopped
// so answers like one stopped with Stop or ExpireSession; its endTime is
// when the timeout ran out. 0, the default, or a negative d never stops a
// session on its own.
func WithSessionIdleTimeout(d time.Duration) Option {
	return func(c *config) { c.sessionIdle = max(d, 0) }
}

// WithExportDelay makes exportToPst and Save wait d after acting and
// before the first byte of their answer (status line and headers
// included), as the real server does while it builds the whole PST: the
// first byte can take minutes. The action is recorded (Actions) before the
// wait; a client that gives up during it, or Close, ends the wait and the
// connection without an answer. Change it on a running server with
// Server.SetExportDelay. 0, the default, or a negative d does not wait.
func WithExportDelay(d time.Duration) Option {
	return func(c *config) { c.exportDelay = max(d, 0) }
}

// WithDotNetEscaping makes every JSON answer escape its strings as the
// real server's System.Text.Json does with its default encoder: the
// characters " & ' + < > and ` as \u0022 \u0026 \u0027 \u002B \u003C
// \u003E \u0060, every non-ASCII character as \uXXXX (upper-case hex,
// UTF-16 surrogate pairs beyond U+FFFF), control characters as \b \f \n
// \r \t or \uXXXX, and \ as \\. Messages that repeat request values (an
// item ID with '+', a name with an apostrophe) then read like the real
// server's. The JSON means the same either way; without this option
// strings are written as encoding/json writes them. File downloads are
// not touched.
func WithDotNetEscaping() Option {
	return func(c *config) { c.dotnetJSON = true }
}

// WithControlAPI serves the control API under /_fake/ (see ControlPrefix):
// reset to the seed, faults, chaos, counters, the request journal, token
// lifetime, token and session expiry, JSON in and out, for test code in
// any language (cmd/vb365-fake serves it). It also keeps the request
// journal (WithJournal) with DefaultJournalSize entries unless WithJournal
// says otherwise. Without this option /_fake/ paths answer 404 like any
// path that is not the API's.
func WithControlAPI() Option {
	return func(c *config) { c.control = true }
}

// WithJournal keeps the last n requests the server answered on the API
// paths in the request journal (Server.Journal): method, path, route,
// status, the fault applied and timings. 0 turns it off (the default
// without WithControlAPI); negative values are ignored.
func WithJournal(n int) Option {
	return func(c *config) {
		if n >= 0 {
			c.journalSize = n
		}
	}
}

// WithRequestLog calls f with the journal entry of every request the
// server answered on the API paths, after the answer, from the request's
// goroutine (so f must be safe for concurrent use). cmd/vb365-fake's
// --verbose prints them. nil removes it.
func WithRequestLog(f func(JournalEntry)) Option {
	return func(c *config) { c.requestLog = f }
}

// WithChaos injects a random fault into about rate (0 to 1) of the
// requests on every route, reproducibly: whether the n-th request on a
// route gets a fault, and which, depends only on seed, the route and n,
// so two runs that send the same requests see the same faults, however
// requests to different routes interleave. See Server.SetChaos for the
// faults it picks. Queued faults (InjectFault) and the fault hook come
// first. A rate of 0 or less turns chaos off; above 1 counts as 1.
func WithChaos(rate float64, seed int64) Option {
	return func(c *config) { c.chaosRate, c.chaosSeed = clampRate(rate), seed }
}

// WithListener serves on l instead of a new listener on 127.0.0.1 with a
// port the system picks. The server takes l over and closes it in Close.
func WithListener(l net.Listener) Option {
	return func(c *config) { c.listener = l }
}

// WithCertificate makes NewTLSServer serve cert instead of the fixed
// certificate of net/http/httptest; CertPool and Client then trust cert's
// leaf, which must be self-signed (a CA) for that. NewServer ignores it.
func WithCertificate(cert tls.Certificate) Option {
	return func(c *config) { c.certificate = &cert }
}

// Server is a running fake VB365 REST server. Its methods are safe for
// concurrent use.
//
// Choices where the real server is undocumented: token errors are OAuth
// style 400 {"error","error_description"} (invalid_grant for bad
// credentials, unknown/used/expired/revoked refresh tokens and unsupported
// grants; invalid_request for a non-form body); a missing grant_type means
// password (the spec default); refresh tokens rotate (single use); logout
// revokes the caller's access token and its paired refresh token; 401 answers
// carry WWW-Authenticate: Bearer; a limit of 0 answers 400 like a negative
// one; a session and its events stay readable after Stop while its
// mailboxes, folders, items, searches and restores answer 500 with a
// message that does not say why, as real servers do (see ExpireSession);
// restore sessions are visible to every token; OperatorExplore's scope only sets scopeName (every
// mailbox is browsable), and its types are checked as the .NET binder
// checks enums: "" or an unknown value answers 400, null is unset, and a
// Team scope (v7 and later only) needs its team and a GUID id; v7/v8 accept disable_antiforgery_token but no
// antiforgery token is ever required.
//
// Administrator restores. Explore and OrganizationExplore need a
// password-grant token; any configured user counts as administrator and as
// tenant (the fake has one organization). Sessions they create are the same
// kind of session as OperatorExplore's. The restore, restoreTo,
// exportToPst, Save and send actions (and the OneDrive ones, see
// RouteOneDriveRestore) also need a password-grant token: the
// real server's answer to a restore operator is undocumented, and the fake
// answers 403, so clients see operators confined to operatorRestore (search,
// and reading items and folders, stay open to operators). Request bodies
// marked required by the spec answer 400 when empty; fields of other
// actions' bodies are ignored, like unknown JSON fields. Item lists are
// validated all or nothing (an empty list or an item without id: 400; an
// unknown item, folder or mailbox: 404, and nothing is done). restoreTo
// needs a target "mailbox" and sendToDifferentAddress a "to" (else 400).
// exportToPst with enablePstSizeLimit needs a positive pstSizeLimitBytes;
// when the export is larger than the limit the body is a zip (the real
// server splits the PST and zips the parts). Credential fields (userPassword,
// applicationCertificate, ...) are accepted and never stored or echoed:
// Action.SecretFields names those that were sent. Every executed action is
// recorded (Actions) and adds one event with status Success to the session
// (type Restore, Export, Save or Send), except a download resumed with a
// Range starting after byte 0, which is recorded but adds no event. v8
// restores answer {"sessionId": <the explore session's ID>} like
// operatorRestore; v6/v7 restores answer statistics that count every item
// as created.
//
// Downloads. exportToPst and Save answer 200 application/octet-stream with a
// Content-Length, Accept-Ranges: bytes, an ETag, a Last-Modified and a
// Content-Disposition file name. The body is of the export size
// (WithExportSize, SetExportSize) and its bytes depend only on the request's
// session, scope, IDs and options, so asking again yields the same file, as
// the real server keeps it in a temp folder (until ChangeExports; the ETag
// names the bytes). A single "Range: bytes=N-", "bytes=N-M" or "bytes=-N"
// answers 206 Partial Content with Content-Range; a start at or past the end
// answers 416 with "Content-Range: bytes */size"; other Range forms, and a
// Range whose If-Range names another file, are ignored (200). Fault
// FaultDropAfterBytes cuts a body off to test resuming.
//
// Search. The search routes take a query in a small subset of the
// Explorer's "criteria:value" language: whitespace-separated terms, all of
// which must match (AND; the word AND is allowed and ignored, OR and NOT
// are not supported). A term is criterion:value or a plain word; values may
// be "double quoted" to hold spaces. Text matching is a case-insensitive
// substring test. Criteria: subject, from, to, cc, bcc, importance,
// itemclass (also class, messageclass), attachment (an attachment name),
// hasattachments (yes/no/true/false), received and sent (a date
// 2006-01-02 or an RFC 3339 time, optionally prefixed by >, >=, <, <= or
// =; a bare date matches that UTC day). A plain word, or a term whose
// criterion is not one of these, matches subject or from. An empty query,
// a criterion without value or an unbalanced quote answers 400. A call
// without setId evaluates the query and stores the result as a set whose
// ID the page's setId carries (and its next link repeats); a call with that
// setId pages through the stored set and ignores the body (an unknown
// setId, or one from another session or scope, answers 404; a setId that is
// not a UUID, 400). Results are in seed order, mailboxes and folders depth
// first.
type Server struct {
	// URL is the base URL, "http://127.0.0.1:port" (or https for
	// NewTLSServer), without a version segment.
	URL string

	ts      *httptest.Server
	cfg     config
	idx     *orgIndex
	closing chan struct{}
	closed  sync.Once
	conns   atomic.Int64 // connections accepted
	open    atomic.Int64 // connections open now
	peak    atomic.Int64 // most connections open at once

	mu         sync.Mutex
	requests   map[Route]int
	faults     map[Route][]Fault
	hook       func(Route) (Fault, bool)
	faultCount int
	access     map[string]*accessToken
	refresh    map[string]*refreshToken
	sessions   []*session
	sessByID   map[string]*session
	restores   []Restore
	actions    []Action
	searchSets map[string]*searchSet
	searchSeq  int
	exportSize atomic.Int64
	exportRev  atomic.Pointer[exportRevision] // nil until the first download
	tokenTimes []time.Time                    // token requests let through, within the quota's window
	logins     map[string]int                 // tokens issued per grant_type (LoginCount)
	ext        extState                       // journal, chaos, settings, control API (extras.go)
}

// NewServer starts a plain-HTTP fake on 127.0.0.1. Call Close when done.
func NewServer(opts ...Option) *Server {
	s := newServer(opts)
	s.ts.Start()
	s.URL = s.ts.URL
	return s
}

// NewTLSServer starts an HTTPS fake on 127.0.0.1 with a self-signed
// certificate; trust it with CertPool or use Client. HTTP/2 is not enabled,
// so connection-drop faults behave like on HTTP/1.1.
func NewTLSServer(opts ...Option) *Server {
	s := newServer(opts)
	if c := s.cfg.certificate; c != nil {
		s.ts.TLS = &tls.Config{Certificates: []tls.Certificate{*c}, MinVersion: tls.VersionTLS12}
	}
	s.ts.StartTLS()
	s.URL = s.ts.URL
	return s
}

func newServer(opts []Option) *Server {
	cfg := config{
		tokenLifetime:   DefaultTokenLifetime,
		refreshLifetime: DefaultRefreshTokenLifetime,
		now:             time.Now,
		pageLimitMax:    DefaultPageLimitMax,
		versions:        map[int]bool{6: true, 7: true, 8: true},
		exportSize:      DefaultExportSize,
	}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.org == nil {
		cfg.org = DefaultOrganization()
	}
	if len(cfg.users) == 0 {
		cfg.users = []credential{{DefaultUsername, DefaultPassword}}
	}
	if len(cfg.operators) == 0 {
		cfg.operators = []credential{{DefaultOperatorClientID, DefaultOperatorAssertion}}
	}
	s := &Server{
		cfg:        cfg,
		idx:        buildIndex(cfg.org),
		closing:    make(chan struct{}),
		requests:   map[Route]int{},
		faults:     map[Route][]Fault{},
		access:     map[string]*accessToken{},
		refresh:    map[string]*refreshToken{},
		sessByID:   map[string]*session{},
		searchSets: map[string]*searchSet{},
	}
	s.exportSize.Store(cfg.exportSize)
	s.initExtras()
	ts := httptest.NewUnstartedServer(s.rootHandler())
	if cfg.listener != nil {
		_ = ts.Listener.Close()
		ts.Listener = cfg.listener
	}
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	ts.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		switch st {
		case http.StateNew:
			s.conns.Add(1)
			open := s.open.Add(1)
			for {
				peak := s.peak.Load()
				if open <= peak || s.peak.CompareAndSwap(peak, open) {
					break
				}
			}
		case http.StateClosed, http.StateHijacked:
			s.open.Add(-1)
		}
	}
	ts.Config.ReadHeaderTimeout = 30 * time.Second
	s.ts = ts
	return s
}

// Close stops the server: it aborts pending delay and hang faults and
// export delays, closes every connection and waits for running handlers.
// It is safe to call more than once.
func (s *Server) Close() {
	s.closed.Do(func() {
		close(s.closing)
		s.ts.CloseClientConnections()
		s.ts.Close()
	})
}

// CertPool returns a pool trusting the server certificate (nil for a
// plain-HTTP server).
func (s *Server) CertPool() *x509.CertPool {
	c := s.ts.Certificate()
	if c == nil {
		return nil
	}
	p := x509.NewCertPool()
	p.AddCert(c)
	return p
}

// Client returns an *http.Client configured for the server (trusting its
// certificate for a TLS server). Its idle connections are closed by Close.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Organization returns the seed data the server serves. Do not modify it.
func (s *Server) Organization() *Organization { return s.cfg.org }

// Requests reports how many requests were received on route r, faulted or
// not (requests on unknown paths are not counted).
func (s *Server) Requests(r Route) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[r]
}

// TokenRequests reports Requests(RouteToken).
func (s *Server) TokenRequests() int { return s.Requests(RouteToken) }

// ConnectionsOpened reports how many TCP connections the server accepted.
func (s *Server) ConnectionsOpened() int { return int(s.conns.Load()) }

// PeakConnections reports the most TCP connections that were open at once.
func (s *Server) PeakConnections() int { return int(s.peak.Load()) }

// Restore is one operatorRestore the server executed: of mailbox items
// (RouteOperatorRestore) or of OneDrive documents
// (RouteOneDriveOperatorRestore). The fields of the other workload are
// empty.
type Restore struct {
	// SessionID is the explore (restore) session the request was made in.
	SessionID string
	// MailboxID is the mailbox the items belong to ("" for OneDrive).
	MailboxID string
	// ItemIDs are the restored mailbox item IDs, in request order.
	ItemIDs []string
	// Folder is the target folder of mailbox items ("" = original
	// location; OneDrive documents always go back to it).
	Folder string
	// Reason is the free-text reason.
	Reason string
	// ChangedItems, DeletedItems and MarkRestoredAsUnread echo the
	// mailbox options.
	ChangedItems, DeletedItems, MarkRestoredAsUnread bool

	// OneDriveID is the OneDrive the documents belong to ("" for mailboxes).
	OneDriveID string
	// DocumentIDs are the restored documents (documentsRestoreConfigs'
	// document.id, as the seed spells them), in request order.
	DocumentIDs []string
	// DocumentVersions are the configs' documentVersion, in the same
	// order: "All", "Last" or "" for null.
	DocumentVersions []string
	// DocumentVersionIDs are the documents' versionId, in the same order
	// (0 for null): which version each document sent was, as browsed.
	DocumentVersionIDs []int64
	// DocumentAction is documentAction: "Overwrite" or "Keep".
	DocumentAction string

	// APIVersion is the path version used: "v6", "v7" or "v8".
	APIVersion string
	// Time is the server-clock time of the restore.
	Time time.Time
}

// Restores returns every operatorRestore the server executed (acted on), in
// order. Faults of kind FaultRespond and FaultDropBeforeAct do not execute.
func (s *Server) Restores() []Restore {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Restore, len(s.restores))
	for i, r := range s.restores {
		r.ItemIDs = append([]string(nil), r.ItemIDs...)
		r.DocumentIDs = append([]string(nil), r.DocumentIDs...)
		r.DocumentVersions = append([]string(nil), r.DocumentVersions...)
		r.DocumentVersionIDs = append([]int64(nil), r.DocumentVersionIDs...)
		out[i] = r
	}
	return out
}

// RestoreCount reports len(Restores()).
func (s *Server) RestoreCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.restores)
}

// Session is a snapshot of a restore session created through the server.
type Session struct {
	// ID is the session UUID.
	ID string
	// Name is the session name.
	Name string
	// Type is Vex, Veod, Vesp or Vet.
	Type string
	// State is "Working" or "Stopped".
	State string
	// InitiatedBy is the userName of the token that created it.
	InitiatedBy string
	// Reason is the reason given to OperatorExplore.
	Reason string
	// CreationTime and EndTime (zero while working) on the server clock.
	CreationTime, EndTime time.Time
	// APIVersion is the version used to create it ("v6", "v7", "v8").
	APIVersion string
	// Events is the number of events the session holds.
	Events int
	// Route is the route that created it: RouteOperatorExplore,
	// RouteExplore or RouteOrganizationExplore.
	Route Route
	// RepositoryID is the repositoryId sent on v8 (OperatorExplore and
	// OrganizationExplore), in lower case, or "".
	RepositoryID string
	// RestorePointID is the restore point the session shows: the latest
	// of the organization's points taken at or before the explore's
	// dateTime (its time of creation when none was sent), in the
	// repository of RepositoryID when one was sent and otherwise not a
	// copy; "" when there is none, where a real server opens an empty
	// session. The fake serves the seed's data whatever the point.
	RestorePointID string
}

// Sessions returns snapshots of every restore session, in creation order.
func (s *Server) Sessions() []Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Session, len(s.sessions))
	for i, ss := range s.sessions {
		s.stopIfIdle(ss)
		out[i] = Session{
			ID: ss.id, Name: ss.name, Type: ss.typ, State: ss.state, InitiatedBy: ss.initiatedBy,
			Reason: ss.reason, CreationTime: ss.created, EndTime: ss.ended, APIVersion: ss.version,
			Events: len(ss.events), Route: ss.route, RepositoryID: ss.repository, RestorePointID: ss.point,
		}
	}
	return out
}

func (s *Server) now() time.Time { return s.cfg.now() }

// SetExportSize sets the size in bytes of the bodies exportToPst and Save
// answer from now on (see WithExportSize). Negative values are ignored.
func (s *Server) SetExportSize(n int64) {
	if n >= 0 {
		s.exportSize.Store(n)
	}
}

// ExportSize reports the current export size.
func (s *Server) ExportSize() int64 { return s.exportSize.Load() }

// Action is one administrator action the server executed: on mailboxes
// restore, restoreTo, exportToPst, save, sendToDefaultAddress or
// sendToDifferentAddress; on OneDrives restore, copyTo, save or send.
// Secrets sent with it (passwords, certificates) are never recorded.
type Action struct {
	// Kind is one of the Action* constants: "restore", "restoreTo",
	// "exportToPst", "save", "sendToDefaultAddress",
	// "sendToDifferentAddress", "copyTo" or "send".
	Kind string
	// Scope is one of the Scope* constants: "items", "item", "folder",
	// "mailbox" or "mailboxes" (the bulk restore) for mailboxes; "oneDrive",
	// "oneDrives" (the bulk restore), "documents", "document",
	// "documentVersion", "folders", "folder" or "folderVersion" for
	// OneDrives (OneDriveID is set).
	Scope string
	// SessionID is the restore session the request was made in.
	SessionID string
	// MailboxID is the mailbox acted on ("" for the bulk restore and for
	// OneDrive).
	MailboxID string
	// MailboxIDs are the mailboxes of a bulk restore, in request order.
	MailboxIDs []string
	// FolderID is the folder of the "folder" and "folderVersion" scopes
	// (a mailbox folder or a OneDrive folder).
	FolderID string
	// ItemIDs are the mailbox items of the "items" (request order) and
	// "item" scopes.
	ItemIDs []string
	// Items is how many items the action covered (a folder's items with
	// its subfolders', a mailbox's, ...; for OneDrive the documents, a
	// folder's with its subfolders').
	Items int

	// OneDriveID is the OneDrive acted on ("" for mailboxes and for the
	// bulk restore).
	OneDriveID string
	// OneDriveIDs are the OneDrives of a bulk OneDrive restore, in request
	// order.
	OneDriveIDs []string
	// DocumentIDs are the documents of the "documents" (request order),
	// "document" and "documentVersion" scopes.
	DocumentIDs []string
	// FolderIDs are the OneDrive folders of the "folders" scope, in
	// request order.
	FolderIDs []string
	// VersionID is the version of the "documentVersion" and
	// "folderVersion" scopes (1 is the oldest), else 0.
	VersionID int
	// DocumentAction echoes a OneDrive restore's documentAction
	// ("Overwrite", "Keep"; "" for null).
	DocumentAction string
	// DocumentVersion and DocumentLastVersionAction echo copyTo's
	// documentVersion ("All", "Last") and documentLastVersionAction
	// ("Overwrite", "Merge"); "" for null.
	DocumentVersion, DocumentLastVersionAction string
	// TargetOneDrive is copyTo's target onedrive: its id, or its url when
	// it has no id.
	TargetOneDrive string
	// RestorePermissions and SendSharedLinksNotification echo copyTo's
	// options (OneDrive and folder scopes); null is false.
	RestorePermissions, SendSharedLinksNotification bool
	// AsZip echoes a single document's save option asZip; null is false.
	AsZip bool
	// SkipItemChecks echoes a OneDrive send's skipItemChecks.
	SkipItemChecks bool

	// TargetMailbox, TargetFolder, CASServer, OfficeRegion and
	// OfficeOrganizationName echo restoreTo's mailbox, folder, casServer,
	// officeRegion and officeOrganizationName; for OneDrive TargetFolder
	// is copyTo's folder, and OfficeRegion and OfficeOrganizationName a
	// restore's or copyTo's officeRegion and organizationName.
	TargetMailbox, TargetFolder, CASServer, OfficeRegion, OfficeOrganizationName string
	// The restore options (restoreTo, the bulk restores, copyTo's
	// changedItems and deletedItems); null is false.
	ChangedItems, DeletedItems, MarkRestoredAsUnread, SkipUnresolved bool
	ExcludeDrafts, ExcludeDeletedItems, ExcludeInPlaceHoldItems      bool
	ExcludeLitigationHoldItems                                       bool

	// UserName is the userName (office365UserName for the bulk mailbox
	// restore, officeUsername for the bulk OneDrive restore) sent with a
	// restore; ApplicationID and ImpersonationAccountName echo those
	// fields, OnPremisesUserName the bulk OneDrive restore's
	// onpremisesUsername. They are not secrets.
	UserName, ApplicationID, ImpersonationAccountName, OnPremisesUserName string
	// UserCode is the device code sent with a restore (see
	// RouteDeviceCode); the server checked that the session issued it.
	UserCode string
	// SecretFields names the secret fields that were sent non-empty
	// (userPassword, applicationCertificate, applicationCertificatePassword,
	// office365UserPassword, onPremisesUserPassword; for the bulk OneDrive
	// restore officeUserpassword and onpremisesUserpassword), in that
	// order. Their values are never kept.
	SecretFields []string

	// ContentKeyword echoes exportToPst's contentKeyword (folder, mailbox).
	ContentKeyword string
	// PSTSizeLimitBytes is pstSizeLimitBytes when enablePstSizeLimit is
	// true, else 0.
	PSTSizeLimitBytes int64

	// From, To, Subject and Text echo sendToDifferentAddress's fields.
	From, To, Subject, Text string

	// Size is the full size of the generated file (exportToPst, save).
	Size int64
	// RangeStart and RangeEnd are the served byte range [RangeStart,
	// RangeEnd) of a download; a full download is [0, Size).
	RangeStart, RangeEnd int64
	// ContentType and FileName describe the download.
	ContentType, FileName string

	// APIVersion is the path version used: "v6", "v7" or "v8".
	APIVersion string
	// Time is the server-clock time of the action.
	Time time.Time

	gen content
}

// Content returns the whole generated file of a download (exportToPst,
// save) as the server serves it, generated on demand, to compare with what
// a client wrote. It is empty for other kinds.
func (a Action) Content() *io.SectionReader {
	return io.NewSectionReader(a.gen, 0, a.gen.size)
}

// Actions returns every administrator action the server executed, in
// order. A resumed download (Range) is recorded too, with its RangeStart.
// Faults of kind FaultRespond and FaultDropBeforeAct do not execute. The
// operator's operatorRestore is recorded by Restores, not here.
func (s *Server) Actions() []Action {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Action, len(s.actions))
	for i, a := range s.actions {
		a.MailboxIDs = append([]string(nil), a.MailboxIDs...)
		a.ItemIDs = append([]string(nil), a.ItemIDs...)
		a.OneDriveIDs = append([]string(nil), a.OneDriveIDs...)
		a.DocumentIDs = append([]string(nil), a.DocumentIDs...)
		a.FolderIDs = append([]string(nil), a.FolderIDs...)
		a.SecretFields = append([]string(nil), a.SecretFields...)
		out[i] = a
	}
	return out
}

// ActionCount reports how many executed actions have Kind kind; "" counts
// them all.
func (s *Server) ActionCount(kind string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, a := range s.actions {
		if kind == "" || a.Kind == kind {
			n++
		}
	}
	return n
}
