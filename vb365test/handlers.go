package vb365test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

type link struct {
	Href string `json:"href"`
}

type links map[string]link

// query returns the first value of name, matched case-insensitively like
// ASP.NET model binding, and whether it was present.
func query(req *http.Request, name string) (string, bool) {
	for k, vs := range req.URL.Query() {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs[0], true
		}
	}
	return "", false
}

// readJSON decodes a JSON request body into v. An empty body leaves v
// untouched and reports empty. On failure it answers 415 or 400.
func readJSON(w http.ResponseWriter, req *http.Request, c call, v any) (empty, ok bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, 8<<20))
	if err != nil {
		writeError(w, c.version, http.StatusRequestEntityTooLarge, "The request body is too large.")
		return false, false
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return true, true
	}
	mt, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if mt != "application/json" && !strings.HasSuffix(mt, "+json") && mt != "text/json" {
		writeError(w, c.version, http.StatusUnsupportedMediaType, "The request entity's media type is not supported; use application/json.")
		return false, false
	}
	if err := json.Unmarshal(body, v); err != nil {
		writeError(w, c.version, http.StatusBadRequest, "The request body is not valid JSON: "+jsonErrorText(err))
		return false, false
	}
	return false, true
}

func jsonErrorText(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return "syntax error at offset " + strconv.FormatInt(se.Offset, 10) + "."
	case errors.As(err, &te):
		return "wrong type for field '" + te.Field + "'."
	}
	return "malformed body."
}

func (s *Server) handlePortalSettings(w http.ResponseWriter, _ *http.Request, _ call) {
	writeJSON(w, http.StatusOK, map[string]any{
		"applicationId":    s.cfg.org.PortalApplicationID,
		"msalAuthorityUri": "https://login.microsoftonline.com/",
		"isEnabled":        true,
	})
}

func (s *Server) handleServiceInstance(w http.ResponseWriter, _ *http.Request, c call) {
	writeJSON(w, http.StatusOK, map[string]any{
		"installationId": hashUUID("installation", s.cfg.org.id),
		"version":        serverVersions[c.version],
	})
}

// ---- restore sessions ----

type sessionJSON struct {
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	Organization string  `json:"organization"`
	Type         string  `json:"type"`
	CreationTime string  `json:"creationTime"`
	EndTime      *string `json:"endTime"`
	State        string  `json:"state"`
	Result       string  `json:"result"`
	InitiatedBy  string  `json:"initiatedBy"`
	Details      string  `json:"details"`
	ScopeName    string  `json:"scopeName"`
	ClientHost   string  `json:"clientHost"`
	Reason       string  `json:"reason"`
	ETag         *int64  `json:"eTag,omitempty"`
	Links        links   `json:"_links"`
}

// sessionView renders ss; the caller holds s.mu.
func (s *Server) sessionView(c call, ss *session) sessionJSON {
	base := "/" + c.vs + "/RestoreSessions/" + ss.id
	j := sessionJSON{
		ID: ss.id, Name: ss.name, Organization: s.cfg.org.Name, Type: ss.typ,
		CreationTime: formatTime(ss.created), EndTime: formatTimePtr(ss.ended), State: ss.state,
		Result: "Success", InitiatedBy: ss.initiatedBy, Details: "", ScopeName: ss.scopeName,
		ClientHost: ss.clientHost, Reason: ss.reason,
		Links: links{
			"self":         {base},
			"organization": {base + "/organization"},
			"events":       {base + "/Events"},
		},
	}
	if ss.typ == "Vex" {
		j.Links["mailboxes"] = link{base + "/organization/mailboxes"}
	}
	if c.version >= 8 {
		e := ss.etag
		j.ETag = &e
	}
	return j
}

type exploreOptions struct {
	DateTime        *string `json:"dateTime"`
	Type            *string `json:"type"`
	ShowDeleted     *bool   `json:"showDeleted"`
	ShowAllVersions *bool   `json:"showAllVersions"`
	Scope           *struct {
		Type string `json:"type"`
		ID   string `json:"id"`
		User *struct {
			DisplayName string  `json:"displayName"`
			Name        string  `json:"name"`
			Type        *string `json:"type"`
		} `json:"user"`
		Group *struct {
			DisplayName string  `json:"displayName"`
			Type        *string `json:"type"`
		} `json:"group"`
		Site *struct {
			Title string `json:"title"`
		} `json:"site"`
		Team *struct {
			DisplayName string `json:"displayName"`
			Mail        string `json:"mail"`
		} `json:"team"`
	} `json:"scope"`
	Reason       string  `json:"reason"`
	RepositoryID *string `json:"repositoryId"`
}

var dateInputLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05.000", "2006-01-02 15:04:05", "2006.01.02 15:04:05", "2006-01-02"}

// parseInputTime parses a time a client sent, in any of dateInputLayouts
// (a time without a zone is UTC).
func parseInputTime(v string) (time.Time, bool) {
	for _, l := range dateInputLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func (s *Server) handleExplore(w http.ResponseWriter, req *http.Request, c call, p principal) {
	if !requireOperator(w, c, p) {
		return
	}
	s.explore(w, req, c, p, true)
}

// handleAdminExplore serves RouteExplore and RouteOrganizationExplore.
func (s *Server) handleAdminExplore(w http.ResponseWriter, req *http.Request, c call, p principal) {
	if !requireAdmin(w, c, p) {
		return
	}
	if c.route == RouteOrganizationExplore && !strings.EqualFold(c.params[0], s.cfg.org.id) {
		writeError(w, c.version, http.StatusNotFound, "Organization with ID '"+c.params[0]+"' was not found.")
		return
	}
	s.explore(w, req, c, p, false)
}

// explore creates a restore session. operator selects the
// RESTOperatorExploreOptions body (scope, reason) over RESTExploreOptions.
func (s *Server) explore(w http.ResponseWriter, req *http.Request, c call, p principal, operator bool) {
	var o exploreOptions
	empty, ok := readJSON(w, req, c, &o)
	if !ok {
		return
	}
	if empty && !operator {
		writeError(w, c.version, http.StatusBadRequest, "The request body is required.")
		return
	}
	if !operator {
		o.Scope, o.Reason = nil, "" // not part of RESTExploreOptions
	}
	repo := ""
	if c.version >= 8 && (operator || c.route == RouteOrganizationExplore) && o.RepositoryID != nil && *o.RepositoryID != "" {
		if !isUUID(*o.RepositoryID) {
			writeError(w, c.version, http.StatusBadRequest, "The repositoryId value is not a valid GUID.")
			return
		}
		repo = strings.ToLower(*o.RepositoryID)
	}
	var at time.Time // the point in time; zero: now
	if o.DateTime != nil && *o.DateTime != "" {
		t, ok := parseInputTime(*o.DateTime)
		if !ok {
			writeError(w, c.version, http.StatusBadRequest, "The dateTime value is not a valid date and time.")
			return
		}
		at = t
	}
	typ := "Vex"
	if o.Type != nil && *o.Type != "" {
		typ = ""
		for _, t := range []string{"Vex", "Veod", "Vesp", "Vet"} {
			if strings.EqualFold(t, *o.Type) && (t != "Vet" || c.version >= 7) {
				typ = t
			}
		}
		if typ == "" {
			writeError(w, c.version, http.StatusBadRequest, "The type value is not valid.")
			return
		}
	}
	scopeName := s.cfg.org.Name
	if sc := o.Scope; sc != nil {
		// The .NET binder refuses a value outside an enum, "" included;
		// null leaves it unset. Teams are scopes from v7 on.
		scopeTypes := []string{"Group", "User", "Site"}
		if c.version >= 7 {
			scopeTypes = append(scopeTypes, "Team")
		}
		if !inEnum(&sc.Type, scopeTypes...) {
			writeError(w, c.version, http.StatusBadRequest, "The scope type value '"+sc.Type+"' is not valid.")
			return
		}
		if sc.User != nil && !inEnum(sc.User.Type, "User", "SharedMailbox", "PublicMailbox") {
			writeError(w, c.version, http.StatusBadRequest, "The scope user type value '"+*sc.User.Type+"' is not valid.")
			return
		}
		if sc.Group != nil && !inEnum(sc.Group.Type, "Office365", "Security", "Distribution", "DynamicDistribution", "Unknown") {
			writeError(w, c.version, http.StatusBadRequest, "The scope group type value '"+*sc.Group.Type+"' is not valid.")
			return
		}
		if strings.EqualFold(sc.Type, "Team") && (sc.Team == nil || !isUUID(sc.ID)) {
			writeError(w, c.version, http.StatusBadRequest, "A Team scope needs the team, and its id must be a GUID.")
			return
		}
		if c.version < 7 {
			sc.Team = nil // not part of the v6 RESTRbacItemComposed
		}
		switch {
		case sc.Team != nil && sc.Team.DisplayName != "":
			scopeName = sc.Team.DisplayName
		case sc.User != nil && sc.User.DisplayName != "":
			scopeName = sc.User.DisplayName
		case sc.User != nil && sc.User.Name != "":
			scopeName = sc.User.Name
		case sc.Group != nil && sc.Group.DisplayName != "":
			scopeName = sc.Group.DisplayName
		case sc.Site != nil && sc.Site.Title != "":
			scopeName = sc.Site.Title
		}
	}
	host, _, err := net.SplitHostPort(req.RemoteAddr)
	if err != nil {
		host = req.RemoteAddr
	}
	s.mu.Lock()
	n := len(s.sessions) + 1
	now := s.now()
	if at.IsZero() {
		at = now
	}
	ss := &session{
		id:          hashUUID("session", s.cfg.org.id, strconv.Itoa(n)),
		name:        fmt.Sprintf("Restore session %d (%s)", n, p.userName),
		typ:         typ,
		state:       "Working",
		initiatedBy: p.userName,
		reason:      o.Reason,
		scopeName:   scopeName,
		clientHost:  host,
		version:     c.vs,
		created:     now,
		lastUsed:    now,
		etag:        1,
		route:       c.route,
		repository:  repo,
		point:       s.pointAt(at, repo),
	}
	s.sessions = append(s.sessions, ss)
	s.sessByID[ss.id] = ss
	view := s.sessionView(c, ss)
	s.mu.Unlock()
	status := http.StatusOK
	if c.version >= 8 {
		status = http.StatusCreated
		w.Header().Set("Location", view.Links["self"].Href)
	}
	writeJSON(w, status, view)
}

// stoppedMessage is what a stopped session's browse and restore calls
// answer with status 500: like the real server's, it does not say that the
// session stopped.
const stoppedMessage = "The server did not provide a meaningful reply."

// lookupSession finds a session (caller holds s.mu); it answers 404 when
// the session is unknown. With live set (the calls under
// /RestoreSessions/{id}/organization/...: browse, search, restore) it
// answers 500 when the session is stopped, and otherwise counts the call
// as use of the session (WithSessionIdleTimeout).
func (s *Server) lookupSession(w http.ResponseWriter, c call, id string, live bool) *session {
	ss := s.sessByID[strings.ToLower(id)]
	if ss == nil {
		writeError(w, c.version, http.StatusNotFound, "Restore session with ID '"+id+"' was not found.")
		return nil
	}
	s.stopIfIdle(ss)
	if !live {
		return ss
	}
	if ss.state != "Working" {
		writeError(w, c.version, http.StatusInternalServerError, stoppedMessage)
		return nil
	}
	ss.lastUsed = s.now()
	return ss
}

// stopIfIdle stops ss if it went unused for the idle timeout, as of when
// the timeout ran out (caller holds s.mu).
func (s *Server) stopIfIdle(ss *session) {
	if d := s.cfg.sessionIdle; d > 0 && ss.state == "Working" && !s.now().Before(ss.lastUsed.Add(d)) {
		stopSession(ss, ss.lastUsed.Add(d))
	}
}

// stopSession stops ss at time at, unless it is stopped (caller holds s.mu).
func stopSession(ss *session, at time.Time) {
	if ss.state != "Stopped" {
		ss.state = "Stopped"
		ss.ended = at
		ss.etag++
	}
}

// ExpireSession stops the restore session with ID id as the server does on
// its own after a while without use (see WithSessionIdleTimeout): GET of
// the session answers state "Stopped" and its events stay readable, while
// its browse and restore calls answer 500. It reports whether the session
// exists; stopping a stopped session changes nothing.
func (s *Server) ExpireSession(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessByID[strings.ToLower(id)]
	if ss == nil {
		return false
	}
	stopSession(ss, s.now())
	return true
}

// inEnum reports whether v is nil (JSON null, unset) or one of values,
// compared as the .NET binder does, without regard to case; it sets v to
// the value's own casing.
func inEnum(v *string, values ...string) bool {
	if v == nil {
		return true
	}
	for _, e := range values {
		if strings.EqualFold(*v, e) {
			*v = e
			return true
		}
	}
	return false
}

// handleSessions serves GET /RestoreSessions. startTimeFrom and
// startTimeTo bound the creation time on every version, endTimeFrom and
// endTimeTo the end time on v8 (sessions still working have none and are
// left out); the bounds are inclusive. v8 sorts by orderBy (CreationTime,
// the default, or EndTime, where sessions without an end come first, as
// .NET sorts nulls) and orderAsc (default false: newest first); v6 and v7
// list in creation order. Parameters a version does not have are ignored,
// as the real server ignores unknown query parameters.
func (s *Server) handleSessions(w http.ResponseWriter, req *http.Request, c call) {
	pp, ok := s.parsePage(w, req, c)
	if !ok {
		return
	}
	var from, to, endFrom, endTo time.Time
	extra := url.Values{}
	bounds := []struct {
		name string
		dst  *time.Time
	}{{"startTimeFrom", &from}, {"startTimeTo", &to}}
	if c.version >= 8 {
		bounds = append(bounds, []struct {
			name string
			dst  *time.Time
		}{{"endTimeFrom", &endFrom}, {"endTimeTo", &endTo}}...)
	}
	for _, f := range bounds {
		if v, ok := query(req, f.name); ok && v != "" {
			t, ok := parseInputTime(v)
			if !ok {
				writeError(w, c.version, http.StatusBadRequest, "The "+f.name+" value is not a valid date and time.")
				return
			}
			*f.dst = t
			extra.Set(f.name, v)
		}
	}
	orderBy, asc := "", false
	if c.version >= 8 {
		orderBy = "CreationTime"
		if v, ok := query(req, "orderBy"); ok && v != "" {
			if !inEnum(&v, "CreationTime", "EndTime") {
				writeError(w, c.version, http.StatusBadRequest, "The orderBy value '"+v+"' is not valid.")
				return
			}
			orderBy = v
			extra.Set("orderBy", v)
		}
		if v, ok := query(req, "orderAsc"); ok && v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				writeError(w, c.version, http.StatusBadRequest, "The orderAsc value '"+v+"' is not valid.")
				return
			}
			asc = b
			extra.Set("orderAsc", v)
		}
	}
	s.mu.Lock()
	var sel []*session
	for _, ss := range s.sessions {
		s.stopIfIdle(ss)
		if (!from.IsZero() && ss.created.Before(from)) || (!to.IsZero() && ss.created.After(to)) {
			continue
		}
		if (!endFrom.IsZero() || !endTo.IsZero()) &&
			(ss.ended.IsZero() || (!endFrom.IsZero() && ss.ended.Before(endFrom)) || (!endTo.IsZero() && ss.ended.After(endTo))) {
			continue
		}
		sel = append(sel, ss)
	}
	if orderBy != "" {
		key := func(ss *session) time.Time {
			if orderBy == "EndTime" {
				return ss.ended
			}
			return ss.created
		}
		// Stable, so that sessions of one time keep their creation order
		// and pages do not overlap.
		slices.SortStableFunc(sel, func(a, b *session) int {
			if asc {
				return key(a).Compare(key(b))
			}
			return key(b).Compare(key(a))
		})
	}
	res := pageView(pp, len(sel), func(i int) sessionJSON { return s.sessionView(c, sel[i]) })
	s.mu.Unlock()
	s.writePage(w, c, "/"+c.vs+"/RestoreSessions", extra, pp, len(sel), res)
}

func (s *Server) handleSession(w http.ResponseWriter, _ *http.Request, c call) {
	s.mu.Lock()
	ss := s.lookupSession(w, c, c.params[0], false)
	if ss == nil {
		s.mu.Unlock()
		return
	}
	view := s.sessionView(c, ss)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, view)
}

func (s *Server) handleSessionOrganization(w http.ResponseWriter, _ *http.Request, c call) {
	s.mu.Lock()
	ss := s.lookupSession(w, c, c.params[0], false)
	s.mu.Unlock()
	if ss == nil {
		return
	}
	base := "/" + c.vs + "/RestoreSessions/" + ss.id + "/organization"
	writeJSON(w, http.StatusOK, map[string]any{
		"id": s.cfg.org.id, "name": s.cfg.org.Name, "type": "Office365",
		"_links": links{"self": {base}, "mailboxes": {base + "/mailboxes"}},
	})
}

func (s *Server) handleStop(w http.ResponseWriter, _ *http.Request, c call) {
	s.mu.Lock()
	ss := s.lookupSession(w, c, c.params[0], false)
	if ss == nil {
		s.mu.Unlock()
		return
	}
	stopSession(ss, s.now())
	s.mu.Unlock()
	if c.version >= 8 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// ---- events ----

type eventJSON struct {
	ID                     string  `json:"id"`
	Type                   string  `json:"type"`
	Status                 string  `json:"status"`
	StartTime              string  `json:"startTime"`
	EndTime                *string `json:"endTime"`
	Duration               string  `json:"duration"`
	Title                  string  `json:"title"`
	Message                string  `json:"message"`
	Order                  int     `json:"order"`
	ItemName               string  `json:"itemName"`
	ItemType               string  `json:"itemType"`
	ItemSizeBytes          int64   `json:"itemSizeBytes"`
	Source                 string  `json:"source"`
	Target                 string  `json:"target"`
	OrganizationID         string  `json:"organizationId,omitempty"`
	BackedUpOrganizationID string  `json:"backedUpOrganizationId,omitempty"`
	Links                  links   `json:"_links"`
}

func (s *Server) eventView(c call, ss *session, e *event) eventJSON {
	base := "/" + c.vs + "/RestoreSessions/" + ss.id
	j := eventJSON{
		ID: e.id, Type: e.typ, Status: e.status, StartTime: formatTime(e.start), EndTime: formatTimePtr(e.end),
		Duration: formatDuration(e.end.Sub(e.start)), Title: e.title, Message: e.message, Order: e.order,
		ItemName: e.itemName, ItemType: e.itemType, ItemSizeBytes: e.size, Source: e.source, Target: e.target,
		Links: links{"self": {base + "/Events/" + e.id}, "restoreSession": {base}},
	}
	if c.version >= 8 {
		j.OrganizationID = s.cfg.org.id
		j.BackedUpOrganizationID = s.cfg.org.id
	}
	return j
}

func (s *Server) handleEvents(w http.ResponseWriter, req *http.Request, c call) {
	pp, ok := s.parsePage(w, req, c)
	if !ok {
		return
	}
	s.mu.Lock()
	ss := s.lookupSession(w, c, c.params[0], false)
	if ss == nil {
		s.mu.Unlock()
		return
	}
	res := pageView(pp, len(ss.events), func(i int) eventJSON { return s.eventView(c, ss, ss.events[i]) })
	total := len(ss.events)
	s.mu.Unlock()
	s.writePage(w, c, "/"+c.vs+"/RestoreSessions/"+ss.id+"/Events", nil, pp, total, res)
}

func (s *Server) handleEvent(w http.ResponseWriter, _ *http.Request, c call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.lookupSession(w, c, c.params[0], false)
	if ss == nil {
		return
	}
	for _, e := range ss.events {
		if strings.EqualFold(e.id, c.params[1]) {
			writeJSON(w, http.StatusOK, s.eventView(c, ss, e))
			return
		}
	}
	writeError(w, c.version, http.StatusNotFound, "Restore session event with ID '"+c.params[1]+"' was not found.")
}

type statisticsJSON struct {
	TotalItemsCount    int64               `json:"totalItemsCount"`
	RestoredItemsCount int64               `json:"restoredItemsCount"`
	FailedItemsCount   int64               `json:"failedItemsCount"`
	SkippedItemsCount  int64               `json:"skippedItemsCount"`
	Warnings           []string            `json:"warnings"`
	Errors             []string            `json:"errors"`
	Items              []restoreDetailJSON `json:"items"`
}

type restoreDetailJSON struct {
	ID                       string   `json:"id"`
	Type                     string   `json:"itemRestoreDetailsType"`
	Title                    string   `json:"title"`
	Name                     string   `json:"name"`
	ItemType                 string   `json:"itemType"`
	Status                   string   `json:"status"`
	Warnings                 []string `json:"warnings"`
	MailboxEmail             string   `json:"mailboxEmail,omitempty"`
	CreatedMailboxItemsCount *int64   `json:"createdMailboxItemsCount,omitempty"`
}

func (s *Server) handleStatistics(w http.ResponseWriter, _ *http.Request, c call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.lookupSession(w, c, c.params[0], false)
	if ss == nil {
		return
	}
	st := statisticsJSON{Warnings: []string{}, Errors: []string{}, Items: []restoreDetailJSON{}}
	for _, e := range ss.events {
		if e.typ != "Restore" {
			continue
		}
		st.TotalItemsCount += e.items
		st.RestoredItemsCount += e.items
		n := e.items
		d := restoreDetailJSON{
			ID: e.id, Type: "Item", Title: e.title, Name: e.itemName, ItemType: "ExchangeMailbox",
			Status: e.status, Warnings: []string{}, MailboxEmail: e.source, CreatedMailboxItemsCount: &n,
		}
		if e.oneDrive { // RESTItemRestoreDetails of a OneDriveItem: no mailbox fields
			d.ItemType, d.MailboxEmail, d.CreatedMailboxItemsCount = "OneDriveItem", "", nil
		}
		st.Items = append(st.Items, d)
	}
	writeJSON(w, http.StatusOK, st)
}

// ---- mailboxes, folders, items ----

// exchangeSession resolves a working Exchange session; it answers 404 for
// an unknown session or one of other data, 500 for a stopped one.
func (s *Server) exchangeSession(w http.ResponseWriter, c call) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.lookupSession(w, c, c.params[0], true)
	if ss == nil {
		return "", false
	}
	if ss.typ != "Vex" {
		writeError(w, c.version, http.StatusNotFound, "Restore session with ID '"+ss.id+"' has no Exchange data.")
		return "", false
	}
	return ss.id, true
}

// lookupMailbox resolves the live session and the mailbox of c.params[1].
func (s *Server) lookupMailbox(w http.ResponseWriter, c call) (string, *mbIndex, bool) {
	sid, ok := s.exchangeSession(w, c)
	if !ok {
		return "", nil, false
	}
	mi := s.idx.byID[strings.ToLower(c.params[1])]
	if mi == nil {
		writeError(w, c.version, http.StatusNotFound, "Mailbox with ID '"+c.params[1]+"' was not found.")
		return "", nil, false
	}
	return sid, mi, true
}

func mailboxesPath(c call, sid string) string {
	return "/" + c.vs + "/RestoreSessions/" + sid + "/organization/mailboxes"
}

type mailboxJSON struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	IsArchive bool   `json:"isArchive"`
	IsPublic  bool   `json:"isPublic"`
	Links     links  `json:"_links"`
}

func mailboxView(c call, sid string, m *Mailbox) mailboxJSON {
	base := mailboxesPath(c, sid) + "/" + m.id
	return mailboxJSON{ID: m.id, Name: m.Name, Email: m.Email, IsArchive: m.IsArchive, IsPublic: m.IsPublic,
		Links: links{
			"self":           {base},
			"restoreSession": {"/" + c.vs + "/RestoreSessions/" + sid},
			"folders":        {base + "/folders"},
			"items":          {base + "/items"},
		}}
}

func (s *Server) handleMailboxes(w http.ResponseWriter, req *http.Request, c call) {
	pp, ok := s.parsePage(w, req, c)
	if !ok {
		return
	}
	sid, ok := s.exchangeSession(w, c)
	if !ok {
		return
	}
	all := s.idx.mailboxes
	res := pageView(pp, len(all), func(i int) mailboxJSON { return mailboxView(c, sid, all[i].mb) })
	s.writePage(w, c, mailboxesPath(c, sid), nil, pp, len(all), res)
}

func (s *Server) handleMailbox(w http.ResponseWriter, _ *http.Request, c call) {
	sid, mi, ok := s.lookupMailbox(w, c)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, mailboxView(c, sid, mi.mb))
}

type folderJSON struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Type        string `json:"type"`
	Category    string `json:"category"`
	Description string `json:"description"`
	MailboxID   string `json:"mailboxId,omitempty"`
	Links       links  `json:"_links"`
}

// resourceLinkBase is the start of the links of a mailbox's folders and
// items. The real server writes these in lower case, unlike its routes
// and the pages' links (the help center's examples show
// ".../restoresessions/{id}/organization/mailboxes/{id}/folders/{id}"), so
// the fake does too: clients must read links without regard to case.
func resourceLinkBase(c call, sid, mailboxID string) string {
	return "/" + c.vs + "/restoresessions/" + sid + "/organization/mailboxes/" + mailboxID
}

func folderView(c call, sid string, f *Folder) folderJSON {
	mbase := resourceLinkBase(c, sid, f.mailbox.id)
	base := mbase + "/folders/" + url.PathEscape(f.id)
	j := folderJSON{ID: f.id, Name: f.Name, Type: f.Type, Category: f.Category, Description: f.Description,
		Links: links{
			"self":    {base},
			"mailbox": {mbase},
			"items":   {mbase + "/items?" + itemsParam(c) + "=" + url.QueryEscape(f.id)},
		}}
	if f.parent != nil {
		j.Links["parent"] = link{mbase + "/folders/" + url.PathEscape(f.parent.id)}
	}
	if c.version >= 8 {
		j.MailboxID = f.mailbox.id
	}
	return j
}

// itemsParam is the items query parameter naming a folder: folderId in v6,
// parentId in v7 and v8 (per the specs).
func itemsParam(c call) string {
	if c.version == 6 {
		return "folderId"
	}
	return "parentId"
}

func (s *Server) handleFolders(w http.ResponseWriter, req *http.Request, c call) {
	pp, ok := s.parsePage(w, req, c)
	if !ok {
		return
	}
	sid, mi, ok := s.lookupMailbox(w, c)
	if !ok {
		return
	}
	extra := url.Values{}
	sel := mi.folders // whole tree
	if pid, ok := query(req, "parentId"); ok && pid != "" {
		extra.Set("parentId", pid)
		if strings.EqualFold(pid, "root") || strings.EqualFold(pid, "null") {
			sel = mi.mb.folders
		} else {
			f := mi.folderByID[pid]
			if f == nil {
				writeError(w, c.version, http.StatusNotFound, "Folder with ID '"+pid+"' was not found.")
				return
			}
			sel = f.children
		}
	}
	if name, ok := query(req, "name"); ok && name != "" {
		extra.Set("name", name)
		var filtered []*Folder
		for _, f := range sel {
			if wildcardMatch(strings.ToLower(name), strings.ToLower(f.Name)) {
				filtered = append(filtered, f)
			}
		}
		sel = filtered
	}
	res := pageView(pp, len(sel), func(i int) folderJSON { return folderView(c, sid, sel[i]) })
	s.writePage(w, c, mailboxesPath(c, sid)+"/"+mi.mb.id+"/folders", extra, pp, len(sel), res)
}

func (s *Server) handleFolder(w http.ResponseWriter, _ *http.Request, c call) {
	sid, mi, ok := s.lookupMailbox(w, c)
	if !ok {
		return
	}
	f := mi.folderByID[c.params[2]]
	if f == nil {
		writeError(w, c.version, http.StatusNotFound, "Folder with ID '"+c.params[2]+"' was not found.")
		return
	}
	writeJSON(w, http.StatusOK, folderView(c, sid, f))
}

// wildcardMatch matches name against pattern with * (any run) and ? (one rune).
func wildcardMatch(pattern, name string) bool {
	p, n := []rune(pattern), []rune(name)
	pi, ni, star, mark := 0, 0, -1, 0
	for ni < len(n) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == n[ni]):
			pi++
			ni++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ni
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			ni = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

type attachmentJSON struct {
	Name      string `json:"name"`
	SizeBytes int64  `json:"sizeBytes"`
}

type itemJSON struct {
	ID          string           `json:"id"`
	MailboxID   string           `json:"mailboxId,omitempty"`
	ItemClass   string           `json:"itemClass"`
	Subject     string           `json:"subject"`
	From        string           `json:"from"`
	To          string           `json:"to"`
	Cc          string           `json:"cc"`
	Bcc         string           `json:"bcc"`
	Sent        *string          `json:"sent,omitempty"`
	Received    *string          `json:"received,omitempty"`
	Reminder    bool             `json:"reminder"`
	Importance  string           `json:"importance"`
	Attachments []attachmentJSON `json:"attachments"`
	Links       links            `json:"_links"`
}

func itemView(c call, sid string, it *Item) itemJSON {
	f := it.folder
	mbase := resourceLinkBase(c, sid, f.mailbox.id)
	imp := it.Importance
	if imp == "" {
		imp = "Normal"
	}
	cls := it.ItemClass
	if cls == "" {
		cls = "IPM.Note"
	}
	j := itemJSON{ID: it.id, ItemClass: cls, Subject: it.Subject, From: it.From, To: it.To, Cc: it.Cc, Bcc: it.Bcc,
		Sent: formatTimePtr(it.Sent), Received: formatTimePtr(it.Received), Importance: imp,
		Attachments: make([]attachmentJSON, 0, len(it.Attachments)),
		Links: links{
			"self":    {mbase + "/items/" + url.PathEscape(it.id)},
			"mailbox": {mbase},
			"folder":  {mbase + "/folders/" + url.PathEscape(f.id)},
		}}
	for _, a := range it.Attachments {
		j.Attachments = append(j.Attachments, attachmentJSON(a))
	}
	if c.version >= 8 {
		j.MailboxID = f.mailbox.id
	}
	return j
}

func (s *Server) handleItems(w http.ResponseWriter, req *http.Request, c call) {
	pp, ok := s.parsePage(w, req, c)
	if !ok {
		return
	}
	sid, mi, ok := s.lookupMailbox(w, c)
	if !ok {
		return
	}
	extra := url.Values{}
	sel := mi.items // every item of the mailbox
	param := itemsParam(c)
	if fid, ok := query(req, param); ok && fid != "" && !strings.EqualFold(fid, "root") && !strings.EqualFold(fid, "null") {
		extra.Set(param, fid)
		f := mi.folderByID[fid]
		if f == nil {
			writeError(w, c.version, http.StatusNotFound, "Folder with ID '"+fid+"' was not found.")
			return
		}
		sel = f.items
	}
	res := pageView(pp, len(sel), func(i int) itemJSON { return itemView(c, sid, sel[i]) })
	s.writePage(w, c, mailboxesPath(c, sid)+"/"+mi.mb.id+"/items", extra, pp, len(sel), res)
}

func (s *Server) handleItem(w http.ResponseWriter, _ *http.Request, c call) {
	sid, mi, ok := s.lookupMailbox(w, c)
	if !ok {
		return
	}
	it := mi.itemByID[c.params[2]]
	if it == nil {
		writeError(w, c.version, http.StatusNotFound, "Item with ID '"+c.params[2]+"' was not found.")
		return
	}
	writeJSON(w, http.StatusOK, itemView(c, sid, it))
}

// ---- operatorRestore ----

type restoreOptions struct {
	ChangedItems         bool   `json:"changedItems"`
	DeletedItems         bool   `json:"deletedItems"`
	MarkRestoredAsUnread bool   `json:"markRestoredAsUnread"`
	Folder               string `json:"folder"`
	Items                []struct {
		ID string `json:"id"`
	} `json:"items"`
	Reason string `json:"reason"`
}

func (s *Server) handleOperatorRestore(w http.ResponseWriter, req *http.Request, c call, p principal) {
	if !requireOperator(w, c, p) {
		return
	}
	var o restoreOptions
	if _, ok := readJSON(w, req, c, &o); !ok {
		return
	}
	if len(o.Items) == 0 {
		writeError(w, c.version, http.StatusBadRequest, "The items collection must contain at least one item.")
		return
	}
	_, mi, ok := s.lookupMailbox(w, c)
	if !ok {
		return
	}
	ids := make([]string, len(o.Items))
	var size int64
	for i, it := range o.Items {
		if it.ID == "" {
			writeError(w, c.version, http.StatusBadRequest, "Item "+strconv.Itoa(i)+" has no id.")
			return
		}
		found := mi.itemByID[it.ID]
		if found == nil {
			writeError(w, c.version, http.StatusNotFound, "Item with ID '"+it.ID+"' was not found in mailbox '"+mi.mb.id+"'.")
			return
		}
		for _, a := range found.Attachments {
			size += a.SizeBytes
		}
		size += int64(len(found.Subject)) + 1024
		ids[i] = it.ID
	}
	target := o.Folder
	where := "the original location"
	if target != "" {
		where = "folder '" + target + "'"
	}
	s.mu.Lock()
	ss := s.lookupSession(w, c, c.params[0], true)
	if ss == nil {
		s.mu.Unlock()
		return
	}
	now := s.now()
	s.restores = append(s.restores, Restore{
		SessionID: ss.id, MailboxID: mi.mb.id, ItemIDs: ids, Folder: o.Folder, Reason: o.Reason,
		ChangedItems: o.ChangedItems, DeletedItems: o.DeletedItems, MarkRestoredAsUnread: o.MarkRestoredAsUnread,
		APIVersion: c.vs, Time: now,
	})
	order := len(ss.events) + 1
	name := fmt.Sprintf("%d items", len(ids))
	if len(ids) == 1 {
		name = mi.itemByID[ids[0]].Subject
	}
	ss.events = append(ss.events, &event{
		id:       hashUUID("event", ss.id, strconv.Itoa(order)),
		typ:      "Restore",
		status:   "Success",
		title:    "Restore items of " + mi.mb.Email,
		message:  fmt.Sprintf("Restored %d item(s) of mailbox %s to %s.", len(ids), mi.mb.Email, where),
		itemName: name,
		itemType: "Message",
		source:   mi.mb.Email,
		target:   mi.mb.Email + targetSuffix(target),
		start:    now,
		end:      now.Add(time.Second),
		order:    order,
		size:     size,
		items:    int64(len(ids)),
	})
	ss.etag++
	sid := ss.id
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{"sessionId": sid})
}

func targetSuffix(folder string) string {
	if folder == "" {
		return ""
	}
	return "/" + folder
}
