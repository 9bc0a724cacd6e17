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
	// RouteStatistics is GET /RestoreSessions/{id}/Statistics (v8 only):
	// RESTRestoreSessionStatistics, counting the items that the session's
	// restores restored, with one detail per restore.
	RouteStatistics Route = "Statistics"
	// RouteDeviceCode is POST /RestoreSessions/{id}/organization/restoreDeviceCode
	// (body RESTDeviceCodeRequestOptions, required: an empty one answers
	// 400; a targetApplicationId that is not a GUID or a targetRegion
	// outside the enum, 400). Administrator tokens only (operator: 403); a
	// stopped session answers 500 like its other organization calls. Each
	// call issues a new device code for the session, answered 200
	// RESTDeviceCodeResponse (userCode, verificationUrl, expiresIn 900,
	// message), and earlier codes stay valid until they expire. A restore
	// or restoreTo of the session whose body carries a userCode the
	// session did not issue, or one past its lifetime on the server's
	// clock, answers 400 and does nothing. See Server.DeviceCodes.
	RouteDeviceCode Route = "DeviceCode"
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

	// RouteExplore is POST /Organization/Explore: a restore session for the
	// tenant organization the caller logged in to (body RESTExploreOptions:
	// dateTime, type, showDeleted, showAllVersions). It needs a
	// password-grant (administrator or tenant) token; an operator token
	// answers 403. v6/v7: 200, v8: 201 (with Location), body
	// RESTRestoreSession. The body is required (an empty one answers 400).
	RouteExplore Route = "Explore"
	// RouteOrganizationExplore is POST /Organizations/{organizationId}/explore:
	// a restore session for an organization on the backup provider's side
	// (body RESTExploreOptions; v8 RESTOrganizationExploreOptions, which adds
	// repositoryId). organizationId must be the seed Organization's ID()
	// (else 404). Tokens, status codes and body as RouteExplore.
	RouteOrganizationExplore Route = "OrganizationExplore"

	// RouteMailboxesSearch is POST .../organization/mailboxes/search: search
	// the items of every mailbox. Query offset, limit and setId; body
	// RESTSearchOptions {"query": "..."}; answer 200
	// PageOfRESTExchangeItemsComposed (see Server for the query language
	// and result sets). Operator and administrator tokens may search.
	RouteMailboxesSearch Route = "MailboxesSearch"
	// RouteMailboxSearch is POST .../mailboxes/{mailboxId}/search: search one
	// mailbox, as RouteMailboxesSearch.
	RouteMailboxSearch Route = "MailboxSearch"
	// RouteFolderSearch is POST .../mailboxes/{mailboxId}/folders/{folderId}/search:
	// search a folder and its subfolders, as RouteMailboxesSearch.
	RouteFolderSearch Route = "FolderSearch"

	// RouteRestore is POST .../mailboxes/{mailboxId}/items/restore,
	// .../items/{itemId}/restore, .../folders/{folderId}/restore,
	// .../mailboxes/{mailboxId}/restore and the bulk
	// .../organization/mailboxes/restore (body RestBulkRestoreOptions):
	// restore to the original location. Answer 200 with v6/v7
	// RESTItemsRestoreStatistics (items, item), RESTFoldersRestoreStatistics
	// (folder, mailbox) or RESTBulkRestoreStatistics (bulk); v8
	// RESTAsyncRestoreResponse {"sessionId"} (the explore session's ID, as
	// for operatorRestore). Administrator tokens only (operator: 403).
	RouteRestore Route = "Restore"
	// RouteRestoreTo is POST .../items/restoreTo, .../items/{itemId}/restoreTo,
	// .../folders/{folderId}/restoreTo and .../mailboxes/{mailboxId}/restoreTo:
	// restore to another mailbox (body RESTRestoreToDifferentLocation; the
	// target "mailbox" is required). Answers as RouteRestore.
	RouteRestoreTo Route = "RestoreTo"
	// RouteExportToPst is POST .../items/exportToPst, .../items/{itemId}/exportToPst,
	// .../folders/{folderId}/exportToPst and .../mailboxes/{mailboxId}/exportToPst:
	// answer 200 application/octet-stream, a generated PST body of the
	// export size (see WithExportSize), with Range support. Administrator
	// tokens only.
	RouteExportToPst Route = "ExportToPst"
	// RouteSave is POST .../items/Save and .../items/{itemId}/save: answer
	// 200 application/octet-stream (MSG file, or a zip for several items),
	// as RouteExportToPst. Administrator tokens only.
	RouteSave Route = "Save"
	// RouteSendToDefaultAddress is POST .../items/sendToDefaultAddress and
	// .../items/{itemId}/sendToDefaultAddress: v6/v7 200 with an empty
	// body, v8 204. Administrator tokens only.
	RouteSendToDefaultAddress Route = "SendToDefaultAddress"
	// RouteSendToDifferentAddress is POST .../items/sendToDifferentAddress and
	// .../items/{itemId}/sendToDifferentAddress (body from, to, subject,
	// text; "to" is required): answers as RouteSendToDefaultAddress.
	RouteSendToDifferentAddress Route = "SendToDifferentAddress"
)

// Routes of the organizations, their restore points and the logged-in
// user (see organizations.go). Every version serves them unless a route
// says otherwise.
const (
	// RouteOrganizations is GET /Organizations (administrator tokens;
	// operator: 403): the seed Organization as RestOrganizationComposed.
	// v6 and v7 answer an array; v8 a page, with the filters msid and
	// backedUpOrganizationId. extendedView adds isBackedup,
	// firstBackuptime and lastBackuptime (from the restore points); it is
	// required on v6 (else 400) and false by default on v7 and v8.
	RouteOrganizations Route = "Organizations"
	// RouteOrganization is GET /Organizations/{organizationId}: the seed
	// Organization when the ID is its ID() (else 404), as
	// RouteOrganizations.
	RouteOrganization Route = "Organization"
	// RouteLoggedInUser is GET /Organization/LoggedInUser
	// (RESTRbacLoggedInUser). An operator's id is the object ID part of
	// their client_id and their name is as WithOperatorScope says; a
	// password-grant user's name is the user name.
	RouteLoggedInUser Route = "LoggedInUser"
	// RouteOperatorInfo is GET /Organization/LoggedInUser/OperatorInfo:
	// isOperator is true for operator tokens, false for others.
	RouteOperatorInfo Route = "OperatorInfo"
	// RouteEffectiveScope is GET /Organization/LoggedInUser/EffectiveScope
	// (RESTRbacEffectiveScope): the operator's users (WithOperatorScope;
	// ids as Mailbox.UserID), no sites, and on v7 and v8 no teams. Other
	// tokens answer 403.
	RouteEffectiveScope Route = "EffectiveScope"
	// RouteRestorePoints is GET /RestorePoints: the seed's restore points
	// (Organization.AddRestorePoint), newest first. v6 answers an array
	// and filters by organizationId, jobId, repositoryId, backupTime (the
	// points taken at or before it), isLongTermCopy and isRetrieved; v7
	// and v8 answer a page and filter by from, to (inclusive), orderAsc
	// and isCopy instead of backupTime; v8 also by userId (a
	// Mailbox.UserID), groupId, siteId and teamId (the fake backs up no
	// groups, sites or teams: nothing matches). A GUID filter that is not
	// a GUID, and a bad time or boolean, answer 400; parameters of other
	// versions are ignored. Operator tokens get the points holding their
	// scope on v6, and 403 on v7 and v8, where they have
	// RouteLoggedInUserRestorePoints.
	RouteRestorePoints Route = "RestorePoints"
	// RouteLoggedInUserRestorePoints is GET
	// /Organization/LoggedInUser/RestorePoints (v7 and v8; operator
	// tokens, else 403): an array of the points holding a user of the
	// operator's scope, newest first, filtered by isCopy and rbacItem (an
	// EffectiveScope ID; one outside the scope answers 404).
	RouteLoggedInUserRestorePoints Route = "LoggedInUserRestorePoints"
)

// Routes lists every Route constant.
func Routes() []Route {
	return []Route{RouteToken, RouteLogout, RoutePortalSettings, RouteServiceInstance,
		RouteOperatorExplore, RouteSessions, RouteSession, RouteSessionOrganization, RouteStop,
		RouteEvents, RouteEvent, RouteStatistics, RouteDeviceCode, RouteMailboxes, RouteMailbox, RouteFolders, RouteFolder,
		RouteItems, RouteItem, RouteOperatorRestore,
		RouteExplore, RouteOrganizationExplore, RouteMailboxesSearch, RouteMailboxSearch, RouteFolderSearch,
		RouteRestore, RouteRestoreTo, RouteExportToPst, RouteSave, RouteSendToDefaultAddress, RouteSendToDifferentAddress,
		RouteOrganizations, RouteOrganization, RouteLoggedInUser, RouteOperatorInfo, RouteEffectiveScope,
		RouteRestorePoints, RouteLoggedInUserRestorePoints,
		RouteOneDrives, RouteOneDrive, RouteOneDriveDocuments, RouteOneDriveDocument, RouteOneDriveDocumentVersions,
		RouteOneDriveFolders, RouteOneDriveFolder,
		RouteOneDriveDocumentVersion, RouteOneDriveFolderVersions, RouteOneDriveFolderVersion,
		RouteOneDriveOperatorRestore, RouteOneDriveRestore, RouteOneDriveCopyTo, RouteOneDriveSave, RouteOneDriveSend,
		RouteOneDrivesSearch, RouteOneDriveSearch, RouteOneDriveFolderSearch}
}

// Action kinds (Action.Kind), named after the endpoints.
const (
	ActionRestore                = "restore"
	ActionRestoreTo              = "restoreTo"
	ActionExportToPst            = "exportToPst"
	ActionSave                   = "save"
	ActionSendToDefaultAddress   = "sendToDefaultAddress"
	ActionSendToDifferentAddress = "sendToDifferentAddress"
)

// Action scopes (Action.Scope).
const (
	ScopeItems     = "items"     // .../items/<action>, IDs in the body
	ScopeItem      = "item"      // .../items/{itemId}/<action>
	ScopeFolder    = "folder"    // .../folders/{folderId}/<action> (mailbox or OneDrive folder)
	ScopeMailbox   = "mailbox"   // .../mailboxes/{mailboxId}/<action>
	ScopeMailboxes = "mailboxes" // .../organization/mailboxes/restore (bulk)
)

// actionRoutes maps a lower-case action path segment to its route and kind.
var actionRoutes = map[string]struct {
	route Route
	kind  string
}{
	"restore":                {RouteRestore, ActionRestore},
	"restoreto":              {RouteRestoreTo, ActionRestoreTo},
	"exporttopst":            {RouteExportToPst, ActionExportToPst},
	"save":                   {RouteSave, ActionSave},
	"sendtodefaultaddress":   {RouteSendToDefaultAddress, ActionSendToDefaultAddress},
	"sendtodifferentaddress": {RouteSendToDifferentAddress, ActionSendToDifferentAddress},
}

// actionScopes lists the actions the spec (identical in v6, v7 and v8)
// offers per scope.
var actionScopes = map[string]map[string]bool{
	ScopeItems:     {ActionRestore: true, ActionRestoreTo: true, ActionExportToPst: true, ActionSave: true, ActionSendToDefaultAddress: true, ActionSendToDifferentAddress: true},
	ScopeItem:      {ActionRestore: true, ActionRestoreTo: true, ActionExportToPst: true, ActionSave: true, ActionSendToDefaultAddress: true, ActionSendToDifferentAddress: true},
	ScopeFolder:    {ActionRestore: true, ActionRestoreTo: true, ActionExportToPst: true},
	ScopeMailbox:   {ActionRestore: true, ActionRestoreTo: true, ActionExportToPst: true},
	ScopeMailboxes: {ActionRestore: true},
}

// call is a routed request.
type call struct {
	route   Route
	version int      // 6, 7 or 8
	vs      string   // "v6"...
	method  string   // expected method
	params  []string // path parameters, unescaped, in order
	kind    string   // action routes: Action.Kind
	scope   string   // action routes: Action.Scope
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
	case len(p) == 2 && lc[0] == "organization" && lc[1] == "explore":
		return set(RouteExplore, http.MethodPost)
	case len(p) == 3 && lc[0] == "organizations" && lc[2] == "explore":
		return set(RouteOrganizationExplore, http.MethodPost, p[1])
	case len(p) == 1 && lc[0] == "organizations":
		return set(RouteOrganizations, http.MethodGet)
	case len(p) == 2 && lc[0] == "organizations":
		return set(RouteOrganization, http.MethodGet, p[1])
	case len(p) == 2 && lc[0] == "organization" && lc[1] == "loggedinuser":
		return set(RouteLoggedInUser, http.MethodGet)
	case len(p) == 3 && lc[0] == "organization" && lc[1] == "loggedinuser" && lc[2] == "operatorinfo":
		return set(RouteOperatorInfo, http.MethodGet)
	case len(p) == 3 && lc[0] == "organization" && lc[1] == "loggedinuser" && lc[2] == "effectivescope":
		return set(RouteEffectiveScope, http.MethodGet)
	case len(p) == 3 && lc[0] == "organization" && lc[1] == "loggedinuser" && lc[2] == "restorepoints" && c.version >= 7:
		return set(RouteLoggedInUserRestorePoints, http.MethodGet)
	case len(p) == 1 && lc[0] == "restorepoints":
		return set(RouteRestorePoints, http.MethodGet)
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
	case len(p) == 3 && lc[2] == "statistics" && c.version >= 8:
		return set(RouteStatistics, http.MethodGet, p[1])
	case len(p) == 3 && lc[2] == "organization":
		return set(RouteSessionOrganization, http.MethodGet, p[1])
	case len(p) == 4 && lc[2] == "organization" && lc[3] == "restoredevicecode":
		return set(RouteDeviceCode, http.MethodPost, p[1])
	case len(p) >= 4 && lc[2] == "organization" && lc[3] == "onedrives":
		return matchOneDrive(p, lc, set)
	case len(p) < 4 || lc[2] != "organization" || lc[3] != "mailboxes":
		return c, false
	}
	sid := p[1]
	action := func(scope, seg string, params ...string) (call, bool) {
		a, ok := actionRoutes[seg]
		if !ok || !actionScopes[scope][a.kind] {
			return c, false
		}
		c.kind, c.scope = a.kind, scope
		return set(a.route, http.MethodPost, params...)
	}
	switch {
	case len(p) == 4:
		return set(RouteMailboxes, http.MethodGet, sid)
	case len(p) == 5 && lc[4] == "search":
		return set(RouteMailboxesSearch, http.MethodPost, sid)
	case len(p) == 5 && lc[4] == "restore":
		return action(ScopeMailboxes, lc[4], sid)
	case len(p) == 5:
		return set(RouteMailbox, http.MethodGet, sid, p[4])
	case len(p) == 6 && lc[5] == "search":
		return set(RouteMailboxSearch, http.MethodPost, sid, p[4])
	case len(p) == 6 && lc[5] == "folders":
		return set(RouteFolders, http.MethodGet, sid, p[4])
	case len(p) == 6 && lc[5] == "items":
		return set(RouteItems, http.MethodGet, sid, p[4])
	case len(p) == 6:
		return action(ScopeMailbox, lc[5], sid, p[4])
	case len(p) == 7 && lc[5] == "folders":
		return set(RouteFolder, http.MethodGet, sid, p[4], p[6])
	case len(p) == 7 && lc[5] == "items" && lc[6] == "operatorrestore":
		return set(RouteOperatorRestore, http.MethodPost, sid, p[4])
	case len(p) == 7 && lc[5] == "items":
		if _, ok := actionRoutes[lc[6]]; ok {
			return action(ScopeItems, lc[6], sid, p[4])
		}
		return set(RouteItem, http.MethodGet, sid, p[4], p[6])
	case len(p) == 8 && lc[5] == "items":
		return action(ScopeItem, lc[7], sid, p[4], p[6])
	case len(p) == 8 && lc[5] == "folders" && lc[7] == "search":
		return set(RouteFolderSearch, http.MethodPost, sid, p[4], p[6])
	case len(p) == 8 && lc[5] == "folders":
		return action(ScopeFolder, lc[7], sid, p[4], p[6])
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
	case RouteStatistics:
		s.handleStatistics(w, req, c)
	case RouteDeviceCode:
		s.handleDeviceCode(w, req, c, tok)
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
	case RouteExplore, RouteOrganizationExplore:
		s.handleAdminExplore(w, req, c, tok)
	case RouteMailboxesSearch, RouteMailboxSearch, RouteFolderSearch:
		s.handleSearch(w, req, c)
	case RouteRestore, RouteRestoreTo, RouteExportToPst, RouteSave, RouteSendToDefaultAddress, RouteSendToDifferentAddress:
		s.handleAction(w, req, c, tok)
	case RouteOrganizations:
		s.handleOrganizations(w, req, c, tok)
	case RouteOrganization:
		s.handleOrganization(w, req, c, tok)
	case RouteLoggedInUser:
		s.handleLoggedInUser(w, req, c, tok)
	case RouteOperatorInfo:
		s.handleOperatorInfo(w, req, c, tok)
	case RouteEffectiveScope:
		s.handleEffectiveScope(w, req, c, tok)
	case RouteRestorePoints:
		s.handleRestorePoints(w, req, c, tok)
	case RouteLoggedInUserRestorePoints:
		s.handleOperatorRestorePoints(w, req, c, tok)
	case RouteOneDrives:
		s.handleOneDrives(w, req, c)
	case RouteOneDrive:
		s.handleOneDrive(w, req, c)
	case RouteOneDriveDocuments, RouteOneDriveFolders:
		s.handleDriveList(w, req, c)
	case RouteOneDriveDocument, RouteOneDriveFolder:
		s.handleDriveItem(w, req, c)
	case RouteOneDriveDocumentVersions:
		s.handleDocumentVersions(w, req, c)
	case RouteOneDriveDocumentVersion, RouteOneDriveFolderVersion:
		s.handleDriveItemVersion(w, req, c)
	case RouteOneDriveFolderVersions:
		s.handleFolderVersions(w, req, c)
	case RouteOneDriveOperatorRestore:
		s.handleOneDriveOperatorRestore(w, req, c, tok)
	case RouteOneDriveRestore, RouteOneDriveCopyTo, RouteOneDriveSave, RouteOneDriveSend:
		s.handleOneDriveAction(w, req, c, tok)
	case RouteOneDrivesSearch, RouteOneDriveSearch, RouteOneDriveFolderSearch:
		s.handleOneDriveSearch(w, req, c)
	}
}
