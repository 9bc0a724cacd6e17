package vb365

import (
	"context"
	"iter"
	"net/url"
	"strconv"
	"time"
)

// RestoreSessionsService opens, lists, follows and stops restore sessions.
type RestoreSessionsService service

// OperatorExploreRequest describes the restore session a restore operator
// opens (RESTOperatorExploreOptions).
type OperatorExploreRequest struct {
	// DateTime is the point in time: the session shows data backed up
	// before it. Required.
	DateTime time.Time
	// Type is the kind of data; empty means SessionTypeExchange.
	Type SessionType
	// ShowDeleted shows items deleted before DateTime; nil leaves it to
	// the server.
	ShowDeleted *bool
	// ShowAllVersions shows every version of items changed before
	// DateTime; nil leaves it to the server.
	ShowAllVersions *bool
	// Scope is the object to explore; nil means the objects backed up for
	// the logged-in operator.
	Scope *RbacItem
	// Reason is a free-text reason, kept in the session.
	Reason string
	// RepositoryID selects the backup repository to explore (v8 only).
	RepositoryID string
}

// Bool returns a pointer to b, for the optional fields of requests.
func Bool(b bool) *bool { return &b }

// serverTime is the format times are sent in: RFC 3339 in UTC with at most
// seven fractional digits, which the server's .NET parser reads.
const serverTime = "2006-01-02T15:04:05.9999999Z07:00"

type operatorExploreBody struct {
	exploreBody
	Scope  *RbacItem `json:"scope,omitempty"`
	Reason string    `json:"reason,omitempty"`
}

// OperatorExplore opens a restore session for the logged-in restore
// operator (POST /vN/Organization/OperatorExplore).
//
// Retry class: unsafe. It is re-sent only when the server provably did not
// act; after other failures the error matches ErrOutcomeUnknown and a session
// may exist: list the sessions (All) and stop any that is not wanted.
func (s *RestoreSessionsService) OperatorExplore(ctx context.Context, req *OperatorExploreRequest) (*RestoreSession, error) {
	if req == nil {
		return nil, invalidArg("req", "must not be nil")
	}
	var newer []versionArg
	if sc := req.Scope; sc != nil {
		if err := checkID("req.Scope.ID", sc.ID); err != nil {
			return nil, err
		}
		if sc.Type == RbacItemTeam || sc.Team != nil {
			newer = append(newer, versionArg{"req.Scope.Team", V7})
		}
		if sc.User != nil && sc.User.OnPremisesSID != "" {
			newer = append(newer, versionArg{"req.Scope.User.OnPremisesSID", V7})
		}
		if sc.Group != nil && sc.Group.OnPremisesSID != "" {
			newer = append(newer, versionArg{"req.Scope.Group.OnPremisesSID", V7})
		}
	}
	common, err := s.exploreFields(&ExploreRequest{
		DateTime: req.DateTime, Type: req.Type, ShowDeleted: req.ShowDeleted,
		ShowAllVersions: req.ShowAllVersions, RepositoryID: req.RepositoryID,
	}, true)
	if err != nil {
		return nil, err
	}
	body := operatorExploreBody{exploreBody: common, Scope: req.Scope, Reason: req.Reason}
	return s.openSession(ctx, "OperatorExplore", "/Organization/OperatorExplore", body, req.RepositoryID, newer...)
}

// Get returns a restore session (GET /vN/RestoreSessions/{id}).
func (s *RestoreSessionsService) Get(ctx context.Context, sessionID string) (*RestoreSession, error) {
	path, err := idPath("/RestoreSessions/{}", "sessionID", sessionID)
	return call[RestoreSession](ctx, s.client, &request{op: "RestoreSessions.Get", method: "GET", path: path}, err)
}

// SessionOrder is what RestoreSessionListOptions.OrderBy sorts sessions by.
type SessionOrder string

// Session orders (v8).
const (
	SessionOrderCreationTime SessionOrder = "CreationTime"
	SessionOrderEndTime      SessionOrder = "EndTime"
)

// RestoreSessionListOptions selects the restore sessions that List and All
// return, and their pages. Zero times leave a bound unset. The server takes
// the end-time bounds and the order on v8 only: on v6 and v7 they are
// refused with ErrInvalidArgument (once the version is known, so with Auto
// after the server was asked), as the server would ignore them and return
// every session.
type RestoreSessionListOptions struct {
	ListOptions
	// StartTimeFrom and StartTimeTo keep the sessions that started
	// (CreationTime) between them.
	StartTimeFrom, StartTimeTo time.Time
	// EndTimeFrom and EndTimeTo keep the sessions that ended between them;
	// sessions still working have no end and are left out (v8).
	EndTimeFrom, EndTimeTo time.Time
	// OrderBy sorts the sessions (v8). The v8 server's default is
	// SessionOrderCreationTime, newest first.
	OrderBy SessionOrder
	// OrderAsc sorts oldest first when true, newest first when false; nil
	// leaves it to the server, whose default is false (v8).
	OrderAsc *bool
}

// List returns one page of the restore sessions the credentials may see
// (GET /vN/RestoreSessions).
func (s *RestoreSessionsService) List(ctx context.Context, opts *RestoreSessionListOptions) (*Page[RestoreSession], error) {
	l, lo, err := s.sessions(opts)
	if err != nil {
		return nil, err
	}
	return listPage[RestoreSession](ctx, l, lo)
}

// All iterates over the restore sessions the credentials may see, from
// opts.Offset on, page by page.
func (s *RestoreSessionsService) All(ctx context.Context, opts *RestoreSessionListOptions) iter.Seq2[RestoreSession, error] {
	l, lo, err := s.sessions(opts)
	return listAll[RestoreSession](ctx, l, lo, err)
}

func (s *RestoreSessionsService) sessions(opts *RestoreSessionListOptions) (lister, *ListOptions, error) {
	l := lister{c: s.client, op: "RestoreSessions.List", path: "/RestoreSessions"}
	if opts == nil {
		return l, nil, nil
	}
	var q []byte
	var newer []versionArg
	for _, b := range []struct {
		arg, param string
		from, to   time.Time
		since      APIVersion
	}{
		{"opts.StartTime", "startTime", opts.StartTimeFrom, opts.StartTimeTo, V6},
		{"opts.EndTime", "endTime", opts.EndTimeFrom, opts.EndTimeTo, V8},
	} {
		if !b.from.IsZero() && !b.to.IsZero() && b.to.Before(b.from) {
			return l, nil, invalidArg(b.arg+"To", "is before "+b.arg+"From")
		}
		for _, t := range []struct {
			suffix string
			t      time.Time
		}{{"From", b.from}, {"To", b.to}} {
			if t.t.IsZero() {
				continue
			}
			q = append(q, "&"+b.param+t.suffix+"="...)
			q = append(q, url.QueryEscape(t.t.UTC().Format(serverTime))...)
			newer = append(newer, versionArg{b.arg + t.suffix, b.since})
		}
	}
	if opts.OrderBy != "" {
		if p := idProblem(string(opts.OrderBy)); p != "" {
			return l, nil, invalidArg("opts.OrderBy", p)
		}
		q = append(q, "&orderBy="...)
		q = append(q, url.QueryEscape(string(opts.OrderBy))...)
		newer = append(newer, versionArg{"opts.OrderBy", V8})
	}
	if opts.OrderAsc != nil {
		q = append(q, "&orderAsc="...)
		q = strconv.AppendBool(q, *opts.OrderAsc)
		newer = append(newer, versionArg{"opts.OrderAsc", V8})
	}
	l.extra, l.vcheck = string(q), needVersions(newer...)
	return l, &opts.ListOptions, nil
}

// DeviceCode asks Microsoft, through the server, for a device code to
// restore the session's data with an account that signs in interactively
// (multi-factor authentication): a person opens the code's VerificationURL
// and enters its UserCode, and the restore is then sent with
// RestoreCredentials.UserCode (POST
// /vN/RestoreSessions/{id}/organization/restoreDeviceCode). It needs an
// administrator's login. The request asks for no other target application,
// region or organization.
//
// Retry class: safe. The call starts a Microsoft device-code sign-in and
// answers its code; it restores, sends and changes nothing, and nobody
// sees a code that is not returned. When it is sent again after a failure
// the server may have acted on, a code issued by the first attempt is
// simply never entered and expires (ExpiresIn); the code returned is the
// one to use.
func (s *RestoreSessionsService) DeviceCode(ctx context.Context, sessionID string) (*DeviceCode, error) {
	path, err := idPath("/RestoreSessions/{}/organization/restoreDeviceCode", "sessionID", sessionID)
	// The description requires a body; every field of it is optional.
	return call[DeviceCode](ctx, s.client, &request{op: "RestoreSessions.DeviceCode", method: "POST", path: path, body: []byte("{}")}, err)
}

// Stop stops a restore session (POST /vN/RestoreSessions/{id}/Stop).
// Stopping a stopped session is harmless, so Stop is retried like a read.
func (s *RestoreSessionsService) Stop(ctx context.Context, sessionID string) error {
	path, err := idPath("/RestoreSessions/{}/Stop", "sessionID", sessionID)
	if err != nil {
		return err
	}
	return s.client.do(ctx, &request{op: "RestoreSessions.Stop", method: "POST", path: path}, nil)
}

// Events iterates over the events of a restore session
// (GET /vN/RestoreSessions/{id}/Events): each restore done in the session
// adds one, so they tell how a restore went.
func (s *RestoreSessionsService) Events(ctx context.Context, sessionID string, opts *ListOptions) iter.Seq2[RestoreSessionEvent, error] {
	path, err := idPath("/RestoreSessions/{}/Events", "sessionID", sessionID)
	return listAll[RestoreSessionEvent](ctx, lister{c: s.client, op: "RestoreSessions.Events", path: path}, opts, err)
}

// Event returns one event of a restore session
// (GET /vN/RestoreSessions/{id}/Events/{eventId}).
func (s *RestoreSessionsService) Event(ctx context.Context, sessionID, eventID string) (*RestoreSessionEvent, error) {
	path, err := idPath("/RestoreSessions/{}/Events/{}", "sessionID", sessionID, "eventID", eventID)
	return call[RestoreSessionEvent](ctx, s.client, &request{op: "RestoreSessions.Event", method: "GET", path: path}, err)
}

// Statistics returns what the restores of a restore session did
// (GET /v8/RestoreSessions/{id}/Statistics). Only v8 servers have it: on
// v6 and v7 a restore answers its statistics itself (RestoreOutcome), and
// Statistics returns an error matching errors.ErrUnsupported without
// sending anything.
func (s *RestoreSessionsService) Statistics(ctx context.Context, sessionID string) (*RestoreSessionStatistics, error) {
	path, err := idPath("/RestoreSessions/{}/Statistics", "sessionID", sessionID)
	return call[RestoreSessionStatistics](ctx, s.client, &request{op: "RestoreSessions.Statistics", method: "GET", path: path, since: V8}, err)
}

// RestorePortalSettings returns how Restore Portal is set up
// (GET /vN/RestorePortalSettings). It needs no credentials: a restore
// operator's program reads the application ID here before logging in to
// Microsoft Entra.
func (c *Client) RestorePortalSettings(ctx context.Context) (*RestorePortalSettings, error) {
	return call[RestorePortalSettings](ctx, c, &request{op: "RestorePortalSettings", method: "GET", path: "/RestorePortalSettings", anonymous: true}, nil)
}
