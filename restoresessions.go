package vb365

import (
	"context"
	"iter"
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
	if req.Scope != nil {
		if err := checkID("req.Scope.ID", req.Scope.ID); err != nil {
			return nil, err
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
	return s.openSession(ctx, "OperatorExplore", "/Organization/OperatorExplore", body, req.RepositoryID)
}

// Get returns a restore session (GET /vN/RestoreSessions/{id}).
func (s *RestoreSessionsService) Get(ctx context.Context, sessionID string) (*RestoreSession, error) {
	path, err := idPath("/RestoreSessions/{}", "sessionID", sessionID)
	return call[RestoreSession](ctx, s.client, &request{op: "RestoreSessions.Get", method: "GET", path: path}, err)
}

// List returns one page of the restore sessions the credentials may see
// (GET /vN/RestoreSessions).
func (s *RestoreSessionsService) List(ctx context.Context, opts *ListOptions) (*Page[RestoreSession], error) {
	return listPage[RestoreSession](ctx, s.sessions(), opts)
}

// All iterates over the restore sessions the credentials may see, from
// opts.Offset on, page by page.
func (s *RestoreSessionsService) All(ctx context.Context, opts *ListOptions) iter.Seq2[RestoreSession, error] {
	return listAll[RestoreSession](ctx, s.sessions(), opts, nil)
}

func (s *RestoreSessionsService) sessions() lister {
	return lister{c: s.client, op: "RestoreSessions.List", path: "/RestoreSessions"}
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
