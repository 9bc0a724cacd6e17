package vb365test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ControlPrefix is the path under which WithControlAPI serves the control
// API. No VB365 path starts with it: theirs start with /v6/, /v7/ or /v8/,
// and the API answers 404 to /vN/_fake/... as to any unknown path.
//
// Every endpoint answers JSON; a request body, where one is taken, is JSON
// whatever its Content-Type (so curl -d works), and unknown fields are
// refused with 400. Errors answer {"error": "..."} with 400, 404 or 405.
//
//	GET    /_fake/                      what the server serves: versions, organization, credentials, routes, endpoints
//	POST   /_fake/reset                 back to the seed (Server.Reset)
//	GET    /_fake/counters              restores, exports, sends, logins per grant, requests per route...
//	GET    /_fake/journal?since=N       the requests answered after entry N (Server.Journal)
//	DELETE /_fake/journal               empty the journal
//	GET    /_fake/faults                faults queued per route, faults applied so far
//	POST   /_fake/faults                queue a fault: {"route", "kind", "status", "headers", "body", "delayMs", "bytes", "count"}
//	DELETE /_fake/faults                drop the queued faults
//	GET    /_fake/chaos                 chaos mode: {"rate", "seed"}
//	POST   /_fake/chaos                 set chaos mode and start its sequence again: {"rate": 0.05, "seed": 42}
//	GET    /_fake/settings              token lifetimes, export size and delay
//	POST   /_fake/settings              change some of them: {"tokenLifetimeSeconds": 60}
//	POST   /_fake/tokens/expire         every access token issued so far answers 401; refresh still works
//	POST   /_fake/tokens/revoke         every access and refresh token issued so far is revoked
//	GET    /_fake/sessions              the restore sessions
//	POST   /_fake/sessions/{id}/expire  stop a session as the server does when it is idle
//	GET    /_fake/restores              the operatorRestores executed (Server.Restores)
//	GET    /_fake/actions               the administrator actions executed (Server.Actions)
//
// A fault names its route by name ("route": "OperatorRestore", see Routes,
// case-insensitive) or by an API path ("path": "/v8/RestoreSessions/...";
// the fault then applies to that path's route, whatever the IDs in it).
// Its kind is one of "respond" (answer status, headers and body without
// acting), "actThenRespond", "dropBeforeAct", "dropAfterAct", "delay"
// (delayMs, then the normal answer), "dropAfterBytes" (bytes) and "hang".
// status defaults to 500 and body to {"message": <the status text>}; body
// may be a JSON string (sent as it is) or any JSON value (sent as JSON).
// count queues that many (default 1); each request on the route uses one.
const ControlPrefix = "/_fake/"

// controlEndpoint is one endpoint of the control API.
type controlEndpoint struct {
	method, path, doc string
	serve             func(s *Server, w http.ResponseWriter, req *http.Request, arg string)
}

// controlEndpoints lists the endpoints; a path segment "{id}" takes any
// value, passed as arg. It is set in init, as GET /_fake/ lists it.
var controlEndpoints []controlEndpoint

func init() {
	controlEndpoints = []controlEndpoint{
		{"GET", "", "what the server serves: versions, organization, credentials, routes, endpoints", (*Server).ctlInfo},
		{"POST", "reset", "back to the seed data, with no token, session, counter, fault or journal entry", (*Server).ctlReset},
		{"GET", "counters", "restores, exports, sends, logins per grant and requests per route executed", (*Server).ctlCounters},
		{"GET", "journal", "the requests answered, oldest first; ?since=N for those after entry N", (*Server).ctlJournal},
		{"DELETE", "journal", "empty the journal", (*Server).ctlClearJournal},
		{"GET", "faults", "the faults queued per route and the number applied", (*Server).ctlFaults},
		{"POST", "faults", "queue a fault on a route", (*Server).ctlInjectFault},
		{"DELETE", "faults", "drop every queued fault", (*Server).ctlClearFaults},
		{"GET", "chaos", "chaos mode's rate and seed", (*Server).ctlChaos},
		{"POST", "chaos", "set chaos mode's rate and seed and start its sequence again", (*Server).ctlSetChaos},
		{"GET", "settings", "token lifetimes, export size and export delay", (*Server).ctlSettings},
		{"POST", "settings", "change token lifetimes, export size or export delay", (*Server).ctlSetSettings},
		{"POST", "tokens/expire", "make every access token issued so far expired (401); refresh tokens keep working", (*Server).ctlExpireTokens},
		{"POST", "tokens/revoke", "revoke every access and refresh token issued so far", (*Server).ctlRevokeTokens},
		{"GET", "sessions", "the restore sessions", (*Server).ctlSessions},
		{"POST", "sessions/{id}/expire", "stop a restore session as the server does when it is idle", (*Server).ctlExpireSession},
		{"GET", "restores", "the operatorRestores executed", (*Server).ctlRestores},
		{"GET", "actions", "the administrator actions executed (restore, restoreTo, exportToPst, save, sends; OneDrive restore, copyTo, save, send)", (*Server).ctlActions},
	}
}

// controlHandler returns the control API's handler.
func (s *Server) controlHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		// Empty segments are skipped, so that "$VB365_FAKE_CONTROL/reset"
		// (with two slashes) works too.
		segs := nonEmpty(strings.TrimPrefix(req.URL.EscapedPath(), ControlPrefix[:len(ControlPrefix)-1]))
		var allow []string
		for _, ep := range controlEndpoints {
			arg, ok := matchControl(ep.path, segs)
			if !ok {
				continue
			}
			if ep.method != req.Method {
				allow = append(allow, ep.method)
				continue
			}
			w.Header().Set("Cache-Control", "no-store")
			ep.serve(s, w, req, arg)
			return
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			ctlError(w, http.StatusMethodNotAllowed, req.Method+" is not allowed here; use "+strings.Join(allow, " or "))
			return
		}
		ctlError(w, http.StatusNotFound, "no control endpoint "+req.URL.Path+"; GET "+ControlPrefix+" lists them")
	})
}

// nonEmpty returns the non-empty segments of a slash-separated path.
func nonEmpty(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r == '/' })
}

// matchControl matches the path segments against pattern.
func matchControl(pattern string, segs []string) (arg string, ok bool) {
	ps := nonEmpty(pattern)
	if len(ps) != len(segs) {
		return "", false
	}
	for i, p := range ps {
		if p == "{id}" {
			v, err := url.PathUnescape(segs[i])
			if err != nil || v == "" {
				return "", false
			}
			arg = v
			continue
		}
		if p != segs[i] {
			return "", false
		}
	}
	return arg, true
}

func ctlJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	b = append(b, '\n')
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func ctlError(w http.ResponseWriter, status int, msg string) {
	ctlJSON(w, status, map[string]string{"error": msg})
}

// ctlRead decodes an optional JSON body into v; on failure it answers 400.
func ctlRead(w http.ResponseWriter, req *http.Request, v any) bool {
	b, err := io.ReadAll(http.MaxBytesReader(w, req.Body, 1<<20))
	if err != nil {
		ctlError(w, http.StatusBadRequest, "the body could not be read: "+err.Error())
		return false
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return true
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		ctlError(w, http.StatusBadRequest, "the body is not the JSON this endpoint takes: "+err.Error())
		return false
	}
	return true
}

func (s *Server) ctlInfo(w http.ResponseWriter, _ *http.Request, _ string) {
	versions := []string{}
	for _, v := range []int{6, 7, 8} {
		if s.cfg.versions[v] {
			versions = append(versions, "v"+strconv.Itoa(v))
		}
	}
	admins, operators := []map[string]string{}, []map[string]string{}
	for _, c := range s.cfg.users {
		admins = append(admins, map[string]string{"username": c.id, "password": c.secret})
	}
	for _, c := range s.cfg.operators {
		operators = append(operators, map[string]string{"clientId": c.id, "assertion": c.secret})
	}
	kinds := []string{}
	for k := FaultRespond; k <= FaultHang; k++ {
		kinds = append(kinds, faultKindNames[k])
	}
	endpoints := []map[string]string{}
	for _, ep := range controlEndpoints {
		endpoints = append(endpoints, map[string]string{"method": ep.method, "path": ControlPrefix + ep.path, "doc": ep.doc})
	}
	ctlJSON(w, http.StatusOK, map[string]any{
		"versions":       versions,
		"organization":   map[string]string{"id": s.cfg.org.id, "name": s.cfg.org.Name},
		"administrators": admins,
		"operators":      operators,
		"routes":         Routes(),
		"faultKinds":     kinds,
		"endpoints":      endpoints,
	})
}

func (s *Server) ctlReset(w http.ResponseWriter, _ *http.Request, _ string) {
	s.Reset()
	ctlJSON(w, http.StatusOK, map[string]bool{"reset": true})
}

// counters is what GET /_fake/counters answers: what the server executed.
type counters struct {
	Restores           map[string]int `json:"restores"`
	Exports            map[string]int `json:"exports"`
	Sends              map[string]int `json:"sends"`
	Logins             map[string]int `json:"logins"`
	TokenRequests      int            `json:"tokenRequests"`
	Sessions           int            `json:"sessions"`
	ActiveAccessTokens int            `json:"activeAccessTokens"`
	FaultsInjected     int            `json:"faultsInjected"`
	Requests           map[Route]int  `json:"requests"`
}

func (s *Server) ctlCounters(w http.ResponseWriter, _ *http.Request, _ string) {
	c := counters{
		Restores: map[string]int{}, Exports: map[string]int{}, Sends: map[string]int{},
		Logins: map[string]int{GrantPassword: 0, GrantOperator: 0, GrantRefreshToken: 0}, Requests: map[Route]int{},
	}
	c.ActiveAccessTokens = s.ActiveAccessTokens()
	s.mu.Lock()
	c.Restores["operatorRestore"] = len(s.restores)
	for _, k := range []string{ActionRestore, ActionRestoreTo, ActionCopyTo} {
		c.Restores[k] = 0
	}
	for _, k := range []string{ActionExportToPst, ActionSave} {
		c.Exports[k] = 0
	}
	for _, k := range []string{ActionSendToDefaultAddress, ActionSendToDifferentAddress, ActionSend} {
		c.Sends[k] = 0
	}
	for _, a := range s.actions {
		for _, m := range []map[string]int{c.Restores, c.Exports, c.Sends} {
			if _, ok := m[a.Kind]; ok {
				m[a.Kind]++
			}
		}
	}
	for g, n := range s.logins {
		c.Logins[g] = n
	}
	for r, n := range s.requests {
		c.Requests[r] = n
	}
	c.TokenRequests = s.requests[RouteToken]
	c.Sessions = len(s.sessions)
	c.FaultsInjected = s.faultCount
	s.mu.Unlock()
	for _, m := range []map[string]int{c.Restores, c.Exports, c.Sends, c.Logins} {
		t := 0
		for _, n := range m {
			t += n
		}
		m["total"] = t
	}
	ctlJSON(w, http.StatusOK, c)
}

func (s *Server) ctlJournal(w http.ResponseWriter, req *http.Request, _ string) {
	var since int64
	if v := req.URL.Query().Get("since"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			ctlError(w, http.StatusBadRequest, "since must be a non-negative integer")
			return
		}
		since = n
	}
	entries := s.Journal(since)
	s.ext.jmu.Lock()
	last := s.ext.jseq
	s.ext.jmu.Unlock()
	ctlJSON(w, http.StatusOK, map[string]any{"entries": entries, "last": last})
}

func (s *Server) ctlClearJournal(w http.ResponseWriter, _ *http.Request, _ string) {
	s.ClearJournal()
	ctlJSON(w, http.StatusOK, map[string]bool{"cleared": true})
}

func (s *Server) ctlFaults(w http.ResponseWriter, _ *http.Request, _ string) {
	s.mu.Lock()
	pending := map[Route]int{}
	for r, q := range s.faults {
		pending[r] = len(q)
	}
	n := s.faultCount
	s.mu.Unlock()
	ctlJSON(w, http.StatusOK, map[string]any{"pending": pending, "injected": n})
}

// faultRequest is the body of POST /_fake/faults.
type faultRequest struct {
	Route   string            `json:"route"`
	Path    string            `json:"path"`
	Kind    string            `json:"kind"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
	DelayMs int64             `json:"delayMs"`
	Bytes   int64             `json:"bytes"`
	Count   *int              `json:"count"`
}

func (s *Server) ctlInjectFault(w http.ResponseWriter, req *http.Request, _ string) {
	var fr faultRequest
	if !ctlRead(w, req, &fr) {
		return
	}
	r, err := s.controlRoute(fr.Route, fr.Path)
	if err != nil {
		ctlError(w, http.StatusBadRequest, err.Error())
		return
	}
	f, err := fr.fault()
	if err != nil {
		ctlError(w, http.StatusBadRequest, err.Error())
		return
	}
	n := 1
	if fr.Count != nil {
		n = *fr.Count
	}
	if n < 1 || n > 10000 {
		ctlError(w, http.StatusBadRequest, "count must be between 1 and 10000")
		return
	}
	fs := make([]Fault, n)
	for i := range fs {
		fs[i] = f
	}
	s.InjectFault(r, fs...)
	ctlJSON(w, http.StatusOK, map[string]any{"route": r, "fault": faultText(f), "pending": s.PendingFaults(r)})
}

// controlRoute resolves a route name or an API path.
func (s *Server) controlRoute(name, path string) (Route, error) {
	switch {
	case name != "" && path != "":
		return "", errors.New("give route or path, not both")
	case name != "":
		for _, r := range Routes() {
			if strings.EqualFold(string(r), name) {
				return r, nil
			}
		}
		return "", errors.New("no route " + strconv.Quote(name) + "; GET " + ControlPrefix + " lists them")
	case path != "":
		u, err := url.Parse(path)
		if err != nil {
			return "", errors.New("path: " + err.Error())
		}
		c, ok := s.match(u.EscapedPath())
		if !ok {
			return "", errors.New("the fake serves no route at " + strconv.Quote(path) + " (a path starts with /v6/, /v7/ or /v8/)")
		}
		return c.route, nil
	}
	return "", errors.New("route (a route name) or path (an API path) is required")
}

// fault builds the Fault fr describes.
func (fr faultRequest) fault() (Fault, error) {
	var kind FaultKind
	found := false
	for k, n := range faultKindNames {
		if strings.EqualFold(n, fr.Kind) {
			kind, found = k, true
		}
	}
	if !found {
		names := make([]string, 0, len(faultKindNames))
		for k := FaultRespond; k <= FaultHang; k++ {
			names = append(names, faultKindNames[k])
		}
		return Fault{}, errors.New("kind must be one of " + strings.Join(names, ", "))
	}
	f := Fault{Kind: kind}
	switch kind {
	case FaultRespond, FaultActThenRespond:
		f.Status = fr.Status
		if f.Status == 0 {
			f.Status = http.StatusInternalServerError
		}
		if f.Status < 200 || f.Status > 599 {
			return Fault{}, errors.New("status must be between 200 and 599")
		}
		if len(fr.Headers) > 0 {
			f.Header = http.Header{}
			for k, v := range fr.Headers {
				f.Header.Set(k, v)
			}
		}
		var str string
		switch {
		case len(fr.Body) == 0 || string(fr.Body) == "null":
			b, _ := json.Marshal(map[string]string{"message": http.StatusText(f.Status)})
			f.Body = string(b)
		case json.Unmarshal(fr.Body, &str) == nil:
			f.Body = str
		default:
			var buf bytes.Buffer
			if err := json.Compact(&buf, fr.Body); err != nil {
				return Fault{}, errors.New("body: " + err.Error())
			}
			f.Body = buf.String()
		}
	case FaultDelay:
		if fr.DelayMs < 0 {
			return Fault{}, errors.New("delayMs must not be negative")
		}
		f.Delay = time.Duration(fr.DelayMs) * time.Millisecond
	case FaultDropAfterBytes:
		if fr.Bytes < 0 {
			return Fault{}, errors.New("bytes must not be negative")
		}
		f.Bytes = fr.Bytes
	}
	return f, nil
}

func (s *Server) ctlClearFaults(w http.ResponseWriter, _ *http.Request, _ string) {
	s.ClearFaults()
	ctlJSON(w, http.StatusOK, map[string]bool{"cleared": true})
}

type chaosJSON struct {
	Rate *float64 `json:"rate"`
	Seed *int64   `json:"seed"`
}

func (s *Server) ctlChaos(w http.ResponseWriter, _ *http.Request, _ string) {
	rate, seed := s.Chaos()
	ctlJSON(w, http.StatusOK, chaosJSON{&rate, &seed})
}

func (s *Server) ctlSetChaos(w http.ResponseWriter, req *http.Request, _ string) {
	var c chaosJSON
	if !ctlRead(w, req, &c) {
		return
	}
	rate, seed := s.Chaos()
	if c.Rate != nil {
		if *c.Rate < 0 || *c.Rate > 1 {
			ctlError(w, http.StatusBadRequest, "rate must be between 0 and 1")
			return
		}
		rate = *c.Rate
	}
	if c.Seed != nil {
		seed = *c.Seed
	}
	s.SetChaos(rate, seed)
	s.ctlChaos(w, req, "")
}

type settingsJSON struct {
	TokenLifetimeSeconds        *int64 `json:"tokenLifetimeSeconds"`
	RefreshTokenLifetimeSeconds *int64 `json:"refreshTokenLifetimeSeconds"`
	ExportSize                  *int64 `json:"exportSize"`
	ExportDelayMs               *int64 `json:"exportDelayMs"`
}

func (s *Server) ctlSettings(w http.ResponseWriter, _ *http.Request, _ string) {
	a, r := s.TokenLifetime()
	as, rs := int64(a/time.Second), int64(r/time.Second)
	size, delay := s.ExportSize(), s.ExportDelay().Milliseconds()
	ctlJSON(w, http.StatusOK, settingsJSON{&as, &rs, &size, &delay})
}

func (s *Server) ctlSetSettings(w http.ResponseWriter, req *http.Request, _ string) {
	var st settingsJSON
	if !ctlRead(w, req, &st) {
		return
	}
	const maxSeconds = int64(10 * 365 * 24 * 3600)
	for _, v := range []struct {
		name string
		p    *int64
		min  int64
		max  int64
	}{
		{"tokenLifetimeSeconds", st.TokenLifetimeSeconds, 1, maxSeconds},
		{"refreshTokenLifetimeSeconds", st.RefreshTokenLifetimeSeconds, 1, maxSeconds},
		{"exportSize", st.ExportSize, 0, 1 << 50},
		{"exportDelayMs", st.ExportDelayMs, 0, maxSeconds * 1000},
	} {
		if v.p != nil && (*v.p < v.min || *v.p > v.max) {
			ctlError(w, http.StatusBadRequest, v.name+" must be between "+strconv.FormatInt(v.min, 10)+" and "+strconv.FormatInt(v.max, 10))
			return
		}
	}
	var access, refresh time.Duration
	if st.TokenLifetimeSeconds != nil {
		access = time.Duration(*st.TokenLifetimeSeconds) * time.Second
	}
	if st.RefreshTokenLifetimeSeconds != nil {
		refresh = time.Duration(*st.RefreshTokenLifetimeSeconds) * time.Second
	}
	s.SetTokenLifetime(access, refresh)
	if st.ExportSize != nil {
		s.SetExportSize(*st.ExportSize)
	}
	if st.ExportDelayMs != nil {
		s.SetExportDelay(time.Duration(*st.ExportDelayMs) * time.Millisecond)
	}
	s.ctlSettings(w, req, "")
}

func (s *Server) ctlExpireTokens(w http.ResponseWriter, _ *http.Request, _ string) {
	s.ExpireTokens()
	ctlJSON(w, http.StatusOK, map[string]int{"activeAccessTokens": s.ActiveAccessTokens()})
}

func (s *Server) ctlRevokeTokens(w http.ResponseWriter, _ *http.Request, _ string) {
	s.RevokeTokens()
	ctlJSON(w, http.StatusOK, map[string]int{"activeAccessTokens": s.ActiveAccessTokens()})
}

type sessionSnapshotJSON struct {
	ID           string     `json:"id"`
	Name         string     `json:"name"`
	Type         string     `json:"type"`
	State        string     `json:"state"`
	InitiatedBy  string     `json:"initiatedBy"`
	Reason       string     `json:"reason"`
	CreationTime time.Time  `json:"creationTime"`
	EndTime      *time.Time `json:"endTime"`
	APIVersion   string     `json:"apiVersion"`
	Events       int        `json:"events"`
	Route        Route      `json:"route"`
}

func snapshotJSON(ss Session) sessionSnapshotJSON {
	j := sessionSnapshotJSON{ID: ss.ID, Name: ss.Name, Type: ss.Type, State: ss.State, InitiatedBy: ss.InitiatedBy,
		Reason: ss.Reason, CreationTime: ss.CreationTime, APIVersion: ss.APIVersion, Events: ss.Events, Route: ss.Route}
	if !ss.EndTime.IsZero() {
		t := ss.EndTime
		j.EndTime = &t
	}
	return j
}

func (s *Server) ctlSessions(w http.ResponseWriter, _ *http.Request, _ string) {
	out := []sessionSnapshotJSON{}
	for _, ss := range s.Sessions() {
		out = append(out, snapshotJSON(ss))
	}
	ctlJSON(w, http.StatusOK, map[string]any{"sessions": out})
}

func (s *Server) ctlExpireSession(w http.ResponseWriter, _ *http.Request, id string) {
	if !s.ExpireSession(id) {
		ctlError(w, http.StatusNotFound, "no restore session "+strconv.Quote(id))
		return
	}
	all := s.Sessions()
	i := slices.IndexFunc(all, func(ss Session) bool { return strings.EqualFold(ss.ID, id) })
	if i < 0 { // a Reset in between
		ctlError(w, http.StatusNotFound, "no restore session "+strconv.Quote(id))
		return
	}
	ctlJSON(w, http.StatusOK, snapshotJSON(all[i]))
}

type restoreJSON struct {
	SessionID            string    `json:"sessionId"`
	MailboxID            string    `json:"mailboxId"`
	ItemIDs              []string  `json:"itemIds"`
	Folder               string    `json:"folder"`
	Reason               string    `json:"reason"`
	ChangedItems         bool      `json:"changedItems"`
	DeletedItems         bool      `json:"deletedItems"`
	MarkRestoredAsUnread bool      `json:"markRestoredAsUnread"`
	OneDriveID           string    `json:"oneDriveId,omitempty"`
	DocumentIDs          []string  `json:"documentIds,omitempty"`
	DocumentVersions     []string  `json:"documentVersions,omitempty"`
	DocumentAction       string    `json:"documentAction,omitempty"`
	APIVersion           string    `json:"apiVersion"`
	Time                 time.Time `json:"time"`
}

func (s *Server) ctlRestores(w http.ResponseWriter, _ *http.Request, _ string) {
	out := []restoreJSON{}
	for _, r := range s.Restores() {
		out = append(out, restoreJSON{
			SessionID: r.SessionID, MailboxID: r.MailboxID, ItemIDs: r.ItemIDs, Folder: r.Folder, Reason: r.Reason,
			ChangedItems: r.ChangedItems, DeletedItems: r.DeletedItems, MarkRestoredAsUnread: r.MarkRestoredAsUnread,
			OneDriveID: r.OneDriveID, DocumentIDs: r.DocumentIDs, DocumentVersions: r.DocumentVersions, DocumentAction: r.DocumentAction,
			APIVersion: r.APIVersion, Time: r.Time,
		})
	}
	ctlJSON(w, http.StatusOK, map[string]any{"restores": out})
}

type actionJSON struct {
	Kind           string    `json:"kind"`
	Scope          string    `json:"scope"`
	SessionID      string    `json:"sessionId"`
	MailboxID      string    `json:"mailboxId,omitempty"`
	MailboxIDs     []string  `json:"mailboxIds,omitempty"`
	FolderID       string    `json:"folderId,omitempty"`
	ItemIDs        []string  `json:"itemIds,omitempty"`
	OneDriveID     string    `json:"oneDriveId,omitempty"`
	OneDriveIDs    []string  `json:"oneDriveIds,omitempty"`
	DocumentIDs    []string  `json:"documentIds,omitempty"`
	FolderIDs      []string  `json:"folderIds,omitempty"`
	VersionID      int       `json:"versionId,omitempty"`
	Items          int       `json:"items"`
	TargetMailbox  string    `json:"targetMailbox,omitempty"`
	TargetFolder   string    `json:"targetFolder,omitempty"`
	TargetOneDrive string    `json:"targetOneDrive,omitempty"`
	To             string    `json:"to,omitempty"`
	Size           int64     `json:"size,omitempty"`
	RangeStart     int64     `json:"rangeStart,omitempty"`
	RangeEnd       int64     `json:"rangeEnd,omitempty"`
	FileName       string    `json:"fileName,omitempty"`
	SecretFields   []string  `json:"secretFields,omitempty"`
	APIVersion     string    `json:"apiVersion"`
	Time           time.Time `json:"time"`
}

func (s *Server) ctlActions(w http.ResponseWriter, _ *http.Request, _ string) {
	out := []actionJSON{}
	for _, a := range s.Actions() {
		out = append(out, actionJSON{
			Kind: a.Kind, Scope: a.Scope, SessionID: a.SessionID, MailboxID: a.MailboxID, MailboxIDs: a.MailboxIDs,
			FolderID: a.FolderID, ItemIDs: a.ItemIDs, OneDriveID: a.OneDriveID, OneDriveIDs: a.OneDriveIDs,
			DocumentIDs: a.DocumentIDs, FolderIDs: a.FolderIDs, VersionID: a.VersionID, Items: a.Items,
			TargetMailbox: a.TargetMailbox, TargetFolder: a.TargetFolder, TargetOneDrive: a.TargetOneDrive, To: a.To, Size: a.Size, RangeStart: a.RangeStart, RangeEnd: a.RangeEnd,
			FileName: a.FileName, SecretFields: a.SecretFields, APIVersion: a.APIVersion, Time: a.Time,
		})
	}
	ctlJSON(w, http.StatusOK, map[string]any{"actions": out})
}
