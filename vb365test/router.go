package vb365test

import (
	"net/http"
	"net/url"
	"strings"
)

// Route names one endpoint of the fake, independent of the API version.
// Routes are matched case-insensitively, like the real .NET server; links
// in answers use the spec casing.
type Route string

// Routes served by the fake. Paths are relative to /vN (N = 6, 7 or 8).
const (
	// RouteToken is POST /token (form-urlencoded; grants password,
	// refresh_token and operator).
	RouteToken Route = "Token"
	// RouteLogout is POST /token/logout (v7: 200, v8: 204; absent in v6).
	RouteLogout Route = "Logout"
	// RoutePortalSettings is GET /RestorePortalSettings (anonymous).
	RoutePortalSettings Route = "RestorePortalSettings"
	// RouteServiceInstance is GET /ServiceInstance (401 without a token,
	// which clients use to probe versions).
	RouteServiceInstance Route = "ServiceInstance"
	// RouteOperatorExplore is POST /Organization/OperatorExplore (operator
	// token; v6/v7: 200, v8: 201).
	RouteOperatorExplore Route = "OperatorExplore"
	// RouteSessions is GET /RestoreSessions (paged).
	RouteSessions Route = "RestoreSessions"
	// RouteSession is GET /RestoreSessions/{id}.
	RouteSession Route = "RestoreSession"
	// RouteSessionOrganization is GET /RestoreSessions/{id}/organization.
	RouteSessionOrganization Route = "RestoreSessionOrganization"
	// RouteStop is POST /RestoreSessions/{id}/Stop (v6/v7: 200 with the
	// session, v8: 204).
	RouteStop Route = "Stop"
	// RouteEvents is GET /RestoreSessions/{id}/Events (paged).
	RouteEvents Route = "Events"
	// RouteEvent is GET /RestoreSessions/{id}/Events/{eventId}.
	RouteEvent Route = "Event"
	// RouteMailboxes is GET /RestoreSessions/{id}/organization/mailboxes (paged).
	RouteMailboxes Route = "Mailboxes"
	// RouteMailbox is GET .../mailboxes/{mailboxId}.
	RouteMailbox Route = "Mailbox"
	// RouteFolders is GET .../mailboxes/{mailboxId}/folders (paged).
	RouteFolders Route = "Folders"
	// RouteFolder is GET .../mailboxes/{mailboxId}/folders/{folderId}.
	RouteFolder Route = "Folder"
	// RouteItems is GET .../mailboxes/{mailboxId}/items (paged).
	RouteItems Route = "Items"
	// RouteItem is GET .../mailboxes/{mailboxId}/items/{itemId}.
	RouteItem Route = "Item"
	// RouteOperatorRestore is POST .../mailboxes/{mailboxId}/items/operatorRestore
	// (operator token, else 403). Empty or missing items answer 400; an
	// unknown item ID answers 404 and nothing is restored (validation is
	// all-or-nothing); a stopped session answers 404. On success the server
	// records a Restore, appends a "Restore"/"Success" event to the explore
	// session and answers 200 {"sessionId": <the explore session's ID>}: the
	// real server's relation between the two IDs is undocumented, and this
	// choice lets clients follow up with GET /RestoreSessions/{sessionId}/Events.
	RouteOperatorRestore Route = "OperatorRestore"
)

// Routes lists every Route constant.
func Routes() []Route {
	return []Route{RouteToken, RouteLogout, RoutePortalSettings, RouteServiceInstance,
		RouteOperatorExplore, RouteSessions, RouteSession, RouteSessionOrganization, RouteStop,
		RouteEvents, RouteEvent, RouteMailboxes, RouteMailbox, RouteFolders, RouteFolder,
		RouteItems, RouteItem, RouteOperatorRestore}
}

// call is a routed request.
type call struct {
	route   Route
	version int      // 6, 7 or 8
	vs      string   // "v6"...
	method  string   // expected method
	params  []string // path parameters, unescaped, in order
}

// match routes an escaped path. ok is false for unknown paths and versions.
func (s *Server) match(rawPath string) (c call, ok bool) {
	segs := strings.Split(strings.TrimPrefix(rawPath, "/"), "/")
	if n := len(segs); n > 1 && segs[n-1] == "" {
		segs = segs[:n-1] // tolerate one trailing slash
	}
	if len(segs) < 2 {
		return c, false
	}
	switch strings.ToLower(segs[0]) {
	case "v6":
		c.version = 6
	case "v7":
		c.version = 7
	case "v8":
		c.version = 8
	default:
		return c, false
	}
	if !s.cfg.versions[c.version] {
		return c, false
	}
	c.vs = "v" + string(rune('0'+c.version))
	p := make([]string, len(segs)-1)
	for i, sg := range segs[1:] {
		u, err := url.PathUnescape(sg)
		if err != nil || u == "" {
			return c, false
		}
		p[i] = u
	}
	lc := make([]string, len(p))
	for i := range p {
		lc[i] = strings.ToLower(p[i])
	}
	set := func(r Route, m string, params ...string) (call, bool) {
		c.route, c.method, c.params = r, m, params
		return c, true
	}
	switch {
	case len(p) == 1 && lc[0] == "token":
		return set(RouteToken, http.MethodPost)
	case len(p) == 2 && lc[0] == "token" && lc[1] == "logout" && c.version >= 7:
		return set(RouteLogout, http.MethodPost)
	case len(p) == 1 && lc[0] == "restoreportalsettings":
		return set(RoutePortalSettings, http.MethodGet)
	case len(p) == 1 && lc[0] == "serviceinstance":
		return set(RouteServiceInstance, http.MethodGet)
	case len(p) == 2 && lc[0] == "organization" && lc[1] == "operatorexplore":
		return set(RouteOperatorExplore, http.MethodPost)
	case len(p) >= 1 && lc[0] == "restoresessions":
	default:
		return c, false
	}
	// /RestoreSessions...
	switch {
	case len(p) == 1:
		return set(RouteSessions, http.MethodGet)
	case len(p) == 2:
		return set(RouteSession, http.MethodGet, p[1])
	case len(p) == 3 && lc[2] == "stop":
		return set(RouteStop, http.MethodPost, p[1])
	case len(p) == 3 && lc[2] == "events":
		return set(RouteEvents, http.MethodGet, p[1])
	case len(p) == 4 && lc[2] == "events":
		return set(RouteEvent, http.MethodGet, p[1], p[3])
	case len(p) == 3 && lc[2] == "organization":
		return set(RouteSessionOrganization, http.MethodGet, p[1])
	case len(p) < 4 || lc[2] != "organization" || lc[3] != "mailboxes":
		return c, false
	}
	sid := p[1]
	switch {
	case len(p) == 4:
		return set(RouteMailboxes, http.MethodGet, sid)
	case len(p) == 5:
		return set(RouteMailbox, http.MethodGet, sid, p[4])
	case len(p) == 6 && lc[5] == "folders":
		return set(RouteFolders, http.MethodGet, sid, p[4])
	case len(p) == 7 && lc[5] == "folders":
		return set(RouteFolder, http.MethodGet, sid, p[4], p[6])
	case len(p) == 6 && lc[5] == "items":
		return set(RouteItems, http.MethodGet, sid, p[4])
	case len(p) == 7 && lc[5] == "items" && lc[6] == "operatorrestore":
		return set(RouteOperatorRestore, http.MethodPost, sid, p[4])
	case len(p) == 7 && lc[5] == "items":
		return set(RouteItem, http.MethodGet, sid, p[4], p[6])
	}
	return c, false
}

// serveHTTP is the root handler: route, count, fault, handle.
func (s *Server) serveHTTP(w http.ResponseWriter, req *http.Request) {
	c, ok := s.match(req.URL.EscapedPath())
	if !ok {
		v := 6
		if mc, _ := s.matchVersionOnly(req.URL.EscapedPath()); mc > 0 {
			v = mc
		}
		writeError(w, v, http.StatusNotFound, "The requested resource was not found.")
		return
	}
	handle := func(w http.ResponseWriter, req *http.Request) { s.dispatch(w, req, c) }
	if f, ok := s.nextFault(c.route); ok {
		s.applyFault(w, req, f, handle)
		return
	}
	handle(w, req)
}

// matchVersionOnly returns the served version of a path (0 if none), to shape 404s.
func (s *Server) matchVersionOnly(rawPath string) (int, bool) {
	seg, _, _ := strings.Cut(strings.TrimPrefix(rawPath, "/"), "/")
	switch strings.ToLower(seg) {
	case "v7":
		if s.cfg.versions[7] {
			return 7, true
		}
	case "v8":
		if s.cfg.versions[8] {
			return 8, true
		}
	}
	return 0, false
}

// dispatch checks the method and runs the route handler.
func (s *Server) dispatch(w http.ResponseWriter, req *http.Request, c call) {
	if req.Method != c.method {
		w.Header().Set("Allow", c.method)
		writeError(w, c.version, http.StatusMethodNotAllowed, "The requested resource does not support http method '"+req.Method+"'.")
		return
	}
	switch c.route {
	case RouteToken:
		s.handleToken(w, req, c)
		return
	case RoutePortalSettings:
		s.handlePortalSettings(w, req, c)
		return
	}
	tok, ok := s.authenticate(w, req, c)
	if !ok {
		return
	}
	switch c.route {
	case RouteLogout:
		s.handleLogout(w, req, c, tok)
	case RouteServiceInstance:
		s.handleServiceInstance(w, req, c)
	case RouteOperatorExplore:
		s.handleExplore(w, req, c, tok)
	case RouteSessions:
		s.handleSessions(w, req, c)
	case RouteSession:
		s.handleSession(w, req, c)
	case RouteSessionOrganization:
		s.handleSessionOrganization(w, req, c)
	case RouteStop:
		s.handleStop(w, req, c)
	case RouteEvents:
		s.handleEvents(w, req, c)
	case RouteEvent:
		s.handleEvent(w, req, c)
	case RouteMailboxes:
		s.handleMailboxes(w, req, c)
	case RouteMailbox:
		s.handleMailbox(w, req, c)
	case RouteFolders:
		s.handleFolders(w, req, c)
	case RouteFolder:
		s.handleFolder(w, req, c)
	case RouteItems:
		s.handleItems(w, req, c)
	case RouteItem:
		s.handleItem(w, req, c)
	case RouteOperatorRestore:
		s.handleOperatorRestore(w, req, c, tok)
	}
}
