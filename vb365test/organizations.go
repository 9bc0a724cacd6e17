package vb365test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file serves the organizations, their restore points, and who the
// caller is: GET /Organizations, /Organizations/{id}, /RestorePoints and
// /Organization/LoggedInUser with OperatorInfo, EffectiveScope and (v7+)
// RestorePoints.

// DefaultOperatorName is the name LoggedInUser answers for the operator
// with DefaultOperatorClientID, unless WithOperatorScope names them.
const DefaultOperatorName = "helpdesk@contoso.onmicrosoft.com"

// RestorePoint is one backup of an Organization: the point in time a
// restore session can show. Add them with Organization.AddRestorePoint.
// Only Exchange data is backed up.
type RestorePoint struct {
	// BackupTime is when the backup was taken.
	BackupTime time.Time
	// IsCopy marks a point made by the backup copy job, in the copy
	// repository (see JobID and RepositoryID).
	IsCopy bool
	// IsLongTermCopy marks a copy in an archive tier of object storage.
	IsLongTermCopy bool
	// IsRetrieved marks a point brought back by a data retrieval job.
	IsRetrieved bool

	id        string
	org       *Organization
	mailboxes []*Mailbox // nil: all of the organization's
}

// AddRestorePoint adds a backup of the mailboxes taken at backupTime, by
// the organization's backup job into its repository; no mailboxes means all
// of the organization's, as they are when the server starts. Set IsCopy,
// IsLongTermCopy or IsRetrieved on the result for other kinds of point.
func (o *Organization) AddRestorePoint(backupTime time.Time, mailboxes ...*Mailbox) *RestorePoint {
	p := &RestorePoint{
		BackupTime: backupTime,
		org:        o,
		mailboxes:  slices.Clone(mailboxes),
		id:         hashUUID("restorepoint", o.id, strconv.Itoa(len(o.points)), backupTime.UTC().Format(time.RFC3339Nano)),
	}
	o.points = append(o.points, p)
	return p
}

// RestorePoints returns the organization's restore points in the order
// they were added.
func (o *Organization) RestorePoints() []*RestorePoint { return slices.Clone(o.points) }

// ID returns the restore point's ID (a UUID).
func (p *RestorePoint) ID() string { return p.id }

// JobID returns the ID of the job that made the point: the organization's
// backup job, or its backup copy job for a copy.
func (p *RestorePoint) JobID() string {
	if p.IsCopy {
		return hashUUID("copy-job", p.org.id)
	}
	return hashUUID("backup-job", p.org.id)
}

// RepositoryID returns the ID of the repository that holds the point: the
// organization's backup repository, or its object storage repository for
// a copy.
func (p *RestorePoint) RepositoryID() string {
	if p.IsCopy {
		return hashUUID("copy-repository", p.org.id)
	}
	return hashUUID("repository", p.org.id)
}

// Mailboxes returns the mailboxes the point holds.
func (p *RestorePoint) Mailboxes() []*Mailbox {
	if p.mailboxes == nil {
		return p.org.Mailboxes()
	}
	return slices.Clone(p.mailboxes)
}

// holds reports whether the point holds a mailbox of user u.
func (p *RestorePoint) holds(u *orgUser) bool {
	if p.mailboxes == nil {
		return true
	}
	for _, m := range p.mailboxes {
		if strings.EqualFold(m.Email, u.email) {
			return true
		}
	}
	return false
}

// UserID returns the RBAC ID of the mailbox's user, as EffectiveScope
// answers it and the RbacItem of OperatorExplore and the rbacItem and
// userId filters of restore points take it: like the real server's, two
// GUIDs run together (the second is the on-premises part, zero here). A
// user's mailboxes (an archive and its primary) share it.
func (m *Mailbox) UserID() string {
	return hashUUID("user", m.org.id, strings.ToLower(m.Email)) + "00000000-0000-0000-0000-000000000000"
}

// orgUser is a user of the organization: the mailboxes of one address.
type orgUser struct {
	id, name, email, typ string
}

// indexUsers lists the organization's users, by first mailbox.
func (x *orgIndex) indexUsers() {
	x.userByID = map[string]*orgUser{}
	seen := map[string]*orgUser{}
	for _, m := range x.org.mailboxes {
		key := strings.ToLower(m.Email)
		u := seen[key]
		if u == nil {
			u = &orgUser{id: m.UserID(), name: m.Name, email: m.Email, typ: "User"}
			seen[key] = u
			x.users = append(x.users, u)
			x.userByID[strings.ToLower(u.id)] = u
		}
		if !m.IsArchive {
			u.name = m.Name
		}
		if m.IsPublic {
			u.typ = "PublicMailbox"
		}
	}
}

// operatorScope is what WithOperatorScope set for one operator.
type operatorScope struct {
	clientID, name string
	emails         []string
}

// WithOperatorScope sets who the restore operator with client_id clientID
// is and what they may restore: LoggedInUser answers name as their name,
// and EffectiveScope the users whose mailbox addresses are emails
// (case-insensitively; addresses of no mailbox are left out). Their own
// restore points (GET /Organization/LoggedInUser/RestorePoints, and GET
// /v6/RestorePoints for them) are the points holding a mailbox of those
// users. An operator without WithOperatorScope may restore every user of
// the organization, and is named DefaultOperatorName (the default
// operator) or by their client_id. The scope is not enforced elsewhere:
// OperatorExplore's scope only names the session.
func WithOperatorScope(clientID, name string, emails ...string) Option {
	return func(c *config) {
		c.scopes = append(c.scopes, operatorScope{clientID: clientID, name: name, emails: slices.Clone(emails)})
	}
}

// operator returns the name and scope of the operator who logged in with
// clientID.
func (s *Server) operator(clientID string) (string, []*orgUser) {
	for _, sc := range slices.Backward(s.cfg.scopes) {
		if !strings.EqualFold(sc.clientID, clientID) {
			continue
		}
		var users []*orgUser
		for _, u := range s.idx.users {
			if slices.ContainsFunc(sc.emails, func(e string) bool { return strings.EqualFold(e, u.email) }) {
				users = append(users, u)
			}
		}
		return sc.name, users
	}
	name := clientID
	if strings.EqualFold(clientID, DefaultOperatorClientID) {
		name = DefaultOperatorName
	}
	return name, s.idx.users
}

// pointAt returns the ID of the restore point a session opened at at
// shows: the latest point taken at or before it, in repository repo when
// one is given and otherwise not a copy; "" when there is none.
func (s *Server) pointAt(at time.Time, repo string) string {
	var best *RestorePoint
	for _, p := range s.cfg.org.points {
		if repo != "" && !strings.EqualFold(p.RepositoryID(), repo) || repo == "" && p.IsCopy || p.BackupTime.After(at) {
			continue
		}
		if best == nil || p.BackupTime.After(best.BackupTime) {
			best = p
		}
	}
	if best == nil {
		return ""
	}
	return best.id
}

// ---- who the caller is ----

func (s *Server) handleLoggedInUser(w http.ResponseWriter, _ *http.Request, c call, p principal) {
	if p.kind == kindOperator {
		name, _ := s.operator(p.userName)
		objectID, _, _ := strings.Cut(p.userName, ".")
		writeJSON(w, http.StatusOK, map[string]any{"id": objectID, "name": name})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": hashUUID("admin", strings.ToLower(p.userName)), "name": p.userName})
}

func (s *Server) handleOperatorInfo(w http.ResponseWriter, _ *http.Request, c call, p principal) {
	base := "/" + c.vs + "/Organization/LoggedInUser"
	l := links{"self": {base + "/OperatorInfo"}, "loggedInUser": {base}}
	if p.kind == kindOperator {
		l["effectiveScope"] = link{base + "/EffectiveScope"}
	}
	writeJSON(w, http.StatusOK, map[string]any{"isOperator": p.kind == kindOperator, "_links": l})
}

func (s *Server) handleEffectiveScope(w http.ResponseWriter, _ *http.Request, c call, p principal) {
	if p.kind != kindOperator {
		writeError(w, c.version, http.StatusForbidden, "Access denied. The logged-in user is not a restore operator and has no scope.")
		return
	}
	_, users := s.operator(p.userName)
	out := make([]map[string]any, 0, len(users))
	for _, u := range users {
		out = append(out, map[string]any{
			"type": "User",
			"id":   u.id,
			"user": map[string]any{"id": u.id, "displayName": u.name, "name": u.email, "type": u.typ},
		})
	}
	body := map[string]any{"users": out, "sites": []any{}}
	if c.version >= 7 {
		body["teams"] = []any{}
	}
	writeJSON(w, http.StatusOK, body)
}

// ---- restore points ----

// pointFilter is what the query of a restore point list asks for.
type pointFilter struct {
	org, job, repo            string
	backupTime, from, to      time.Time
	asc                       bool
	copy, longTerm, retrieved *bool
	user                      *orgUser   // userId, rbacItem: a point holds this user
	none                      bool       // a filter no point can match (groupId, siteId, teamId, an unknown userId)
	users                     []*orgUser // the operator's scope, when not nil: a point holds one of them
	extra                     url.Values // the parameters given, for the page's links
}

// keep reports whether p passes f.
func (f *pointFilter) keep(p *RestorePoint) bool {
	switch {
	case f.none,
		f.org != "" && !strings.EqualFold(f.org, p.org.id),
		f.job != "" && !strings.EqualFold(f.job, p.JobID()),
		f.repo != "" && !strings.EqualFold(f.repo, p.RepositoryID()),
		!f.backupTime.IsZero() && p.BackupTime.After(f.backupTime),
		!f.from.IsZero() && p.BackupTime.Before(f.from),
		!f.to.IsZero() && p.BackupTime.After(f.to),
		f.copy != nil && *f.copy != p.IsCopy,
		f.longTerm != nil && *f.longTerm != p.IsLongTermCopy,
		f.retrieved != nil && *f.retrieved != p.IsRetrieved,
		f.user != nil && !p.holds(f.user):
		return false
	}
	if f.users != nil {
		return slices.ContainsFunc(f.users, p.holds)
	}
	return true
}

// parsePointQuery reads the named query parameters into f; on a bad value
// it answers 400. Parameters the version does not have are not named, and
// are ignored like any unknown parameter.
func (s *Server) parsePointQuery(w http.ResponseWriter, req *http.Request, c call, f *pointFilter, names []string) bool {
	f.extra = url.Values{}
	for _, name := range names {
		v, ok := query(req, name)
		if !ok || v == "" {
			continue
		}
		f.extra.Set(name, v)
		bad := func(what string) bool {
			writeError(w, c.version, http.StatusBadRequest, "The "+name+" value is not a valid "+what+".")
			return false
		}
		switch name {
		case "organizationId", "jobId", "repositoryId", "teamId":
			if !isUUID(v) {
				return bad("GUID")
			}
			switch name {
			case "organizationId":
				f.org = v
			case "jobId":
				f.job = v
			case "repositoryId":
				f.repo = v
			default:
				f.none = true // the fake backs up no team
			}
		case "backupTime", "from", "to":
			t, ok := parseInputTime(v)
			if !ok {
				return bad("date and time")
			}
			switch name {
			case "backupTime":
				f.backupTime = t
			case "from":
				f.from = t
			default:
				f.to = t
			}
		case "orderAsc", "isCopy", "isLongTermCopy", "isRetrieved":
			b, err := strconv.ParseBool(strings.ToLower(v))
			if err != nil {
				return bad("boolean")
			}
			switch name {
			case "orderAsc":
				f.asc = b
			case "isCopy":
				f.copy = &b
			case "isLongTermCopy":
				f.longTerm = &b
			default:
				f.retrieved = &b
			}
		case "userId", "rbacItem":
			if f.user = s.idx.userByID[strings.ToLower(v)]; f.user == nil && name == "userId" {
				f.none = true
			}
		case "groupId", "siteId":
			f.none = true // the fake backs up no group or site
		}
	}
	return true
}

// points returns the organization's points that pass f, newest first (the
// fake's choice where the spec says nothing), oldest first with orderAsc.
func (s *Server) points(f *pointFilter) []*RestorePoint {
	var out []*RestorePoint
	for _, p := range s.cfg.org.points {
		if f.keep(p) {
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b *RestorePoint) int {
		if f.asc {
			return a.BackupTime.Compare(b.BackupTime)
		}
		return b.BackupTime.Compare(a.BackupTime)
	})
	return out
}

// pointView renders p in the shape of c's version.
func pointView(c call, p *RestorePoint) map[string]any {
	j := map[string]any{
		"id":             p.id,
		"repositoryId":   p.RepositoryID(),
		"backupTime":     formatTime(p.BackupTime),
		"jobId":          p.JobID(),
		"organizationId": p.org.id,
		"isExchange":     true,
		"isSharePoint":   false,
		"isOneDrive":     false,
		"isTeams":        false,
		"isLongTermCopy": p.IsLongTermCopy,
		"isRetrieved":    p.IsRetrieved,
		"_links": links{
			"self":         {"/" + c.vs + "/RestorePoints/" + p.id},
			"organization": {"/" + c.vs + "/Organizations/" + p.org.id},
		},
	}
	if p.IsRetrieved {
		j["retrievalId"] = hashUUID("retrieval", p.id)
	}
	if c.version >= 7 {
		j["isCopy"] = p.IsCopy
		j["isDeleted"] = false
	}
	if c.version >= 8 {
		j["eTag"] = 1
		j["objectsEtag"] = 1
		j["immutabilityExpiresOn"] = nil
	}
	return j
}

func pointViews(c call, ps []*RestorePoint) []map[string]any {
	out := make([]map[string]any, 0, len(ps))
	for _, p := range ps {
		out = append(out, pointView(c, p))
	}
	return out
}

func (s *Server) handleRestorePoints(w http.ResponseWriter, req *http.Request, c call, p principal) {
	if p.kind == kindOperator && c.version >= 7 {
		writeError(w, c.version, http.StatusForbidden, "Access denied. Restore operators get their restore points at /"+c.vs+"/Organization/LoggedInUser/RestorePoints.")
		return
	}
	names := []string{"organizationId", "jobId", "repositoryId", "isLongTermCopy", "isRetrieved"}
	switch c.version {
	case 6:
		names = append(names, "backupTime")
	case 7:
		names = append(names, "from", "to", "orderAsc", "isCopy")
	default:
		names = append(names, "from", "to", "orderAsc", "isCopy", "userId", "groupId", "siteId", "teamId")
	}
	f := &pointFilter{}
	if !s.parsePointQuery(w, req, c, f, names) {
		return
	}
	if p.kind == kindOperator {
		_, f.users = s.operator(p.userName)
		if f.users == nil {
			f.users = []*orgUser{}
		}
	}
	if c.version == 6 {
		writeJSON(w, http.StatusOK, pointViews(c, s.points(f)))
		return
	}
	pp, ok := s.parsePage(w, req, c)
	if !ok {
		return
	}
	sel := s.points(f)
	lo, hi := pp.window(len(sel))
	s.writePage(w, c, "/"+c.vs+"/RestorePoints", f.extra, pp, len(sel), pointViews(c, sel[lo:hi]))
}

func (s *Server) handleOperatorRestorePoints(w http.ResponseWriter, req *http.Request, c call, p principal) {
	if !requireOperator(w, c, p) {
		return
	}
	f := &pointFilter{}
	if !s.parsePointQuery(w, req, c, f, []string{"rbacItem", "isCopy"}) {
		return
	}
	_, f.users = s.operator(p.userName)
	if f.users == nil {
		f.users = []*orgUser{}
	}
	if id := f.extra.Get("rbacItem"); id != "" {
		if f.user == nil || !slices.Contains(f.users, f.user) {
			writeError(w, c.version, http.StatusNotFound, "Object to manage with ID '"+id+"' was not found in the scope of the logged-in restore operator.")
			return
		}
	}
	writeJSON(w, http.StatusOK, pointViews(c, s.points(f)))
}

// ---- organizations ----

// extendedView reads the extendedView parameter: required on v6, false by
// default on v7 and v8. On a bad or (v6) missing value it answers 400.
func extendedView(w http.ResponseWriter, req *http.Request, c call) (extended, ok bool) {
	v, given := query(req, "extendedView")
	if !given || v == "" {
		if c.version == 6 {
			writeError(w, c.version, http.StatusBadRequest, "The extendedView parameter is required.")
			return false, false
		}
		return false, true
	}
	b, err := strconv.ParseBool(strings.ToLower(v))
	if err != nil {
		writeError(w, c.version, http.StatusBadRequest, "The extendedView value is not a valid boolean.")
		return false, false
	}
	return b, true
}

// msid is the organization's Microsoft tenant ID.
func (o *Organization) msid() string { return hashUUID("tenant", o.id) }

// orgView renders the organization in the shape of c's version; extended
// adds the backup times, which real servers ask the backup proxy for.
func (s *Server) orgView(c call, extended bool) map[string]any {
	o := s.cfg.org
	j := map[string]any{
		"id":                 o.id,
		"name":               o.Name,
		"officeName":         o.Domain,
		"type":               "Office365",
		"region":             "Worldwide",
		"isExchangeOnline":   true,
		"isSharePointOnline": true,
		"isTeamsOnline":      true,
		"isTeamsChatsOnline": false,
		"_links": links{
			"self":          {"/" + c.vs + "/Organizations/" + o.id},
			"restorePoints": {"/" + c.vs + "/RestorePoints?organizationId=" + o.id},
		},
	}
	if extended {
		var first, last time.Time
		for _, p := range o.points {
			if first.IsZero() || p.BackupTime.Before(first) {
				first = p.BackupTime
			}
			if p.BackupTime.After(last) {
				last = p.BackupTime
			}
		}
		j["isBackedup"] = len(o.points) > 0
		j["firstBackuptime"] = formatTimePtr(first)
		j["lastBackuptime"] = formatTimePtr(last)
	}
	if c.version >= 7 {
		j["description"] = nil
	}
	if c.version >= 8 {
		j["msid"] = o.msid()
		j["backedUpOrganizationId"] = o.id
	}
	return j
}

func (s *Server) handleOrganizations(w http.ResponseWriter, req *http.Request, c call, p principal) {
	if !requireAdmin(w, c, p) {
		return
	}
	extended, ok := extendedView(w, req, c)
	if !ok {
		return
	}
	sel := []map[string]any{s.orgView(c, extended)}
	if c.version < 8 {
		writeJSON(w, http.StatusOK, sel)
		return
	}
	pp, ok := s.parsePage(w, req, c)
	if !ok {
		return
	}
	extra := url.Values{}
	if v, ok := query(req, "extendedView"); ok && v != "" {
		extra.Set("extendedView", v)
	}
	if v, ok := query(req, "msid"); ok && v != "" {
		if !isUUID(v) {
			writeError(w, c.version, http.StatusBadRequest, "The msid value is not a valid GUID.")
			return
		}
		extra.Set("msid", v)
		if !strings.EqualFold(v, s.cfg.org.msid()) {
			sel = nil
		}
	}
	if v, ok := query(req, "backedUpOrganizationId"); ok && v != "" {
		extra.Set("backedUpOrganizationId", v)
		if !strings.EqualFold(v, s.cfg.org.id) {
			sel = nil
		}
	}
	lo, hi := pp.window(len(sel))
	s.writePage(w, c, "/"+c.vs+"/Organizations", extra, pp, len(sel), sel[lo:hi])
}

func (s *Server) handleOrganization(w http.ResponseWriter, req *http.Request, c call, p principal) {
	if !requireAdmin(w, c, p) {
		return
	}
	extended, ok := extendedView(w, req, c)
	if !ok {
		return
	}
	if !strings.EqualFold(c.params[0], s.cfg.org.id) {
		writeError(w, c.version, http.StatusNotFound, "Organization with ID '"+c.params[0]+"' was not found.")
		return
	}
	writeJSON(w, http.StatusOK, s.orgView(c, extended))
}
