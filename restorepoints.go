package vb365

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// RestorePointsService lists restore points: the points in time that a
// restore session (OperatorExplore, ExploreOrganization) can show.
type RestorePointsService service

// RestorePoint is a backup of an organization's data at one point in time
// (RESTRestorePoint). A restore session opened at BackupTime, or later but
// before the next point, shows this point's data.
type RestorePoint struct {
	ID             string    `json:"id"`
	BackupTime     time.Time `json:"backupTime"`
	OrganizationID string    `json:"organizationId"`
	// RepositoryID is the backup repository that holds the point (the
	// RepositoryID of OperatorExploreRequest and ExploreRequest on v8).
	RepositoryID string `json:"repositoryId"`
	// JobID is the backup (or backup copy) job that created the point.
	JobID string `json:"jobId"`
	// RetrievalID is the data retrieval job of a retrieved point.
	RetrievalID string `json:"retrievalId"`
	// Which kinds of data the point holds.
	IsExchange   bool `json:"isExchange"`
	IsSharePoint bool `json:"isSharePoint"`
	IsOneDrive   bool `json:"isOneDrive"`
	IsTeams      bool `json:"isTeams"`
	// IsCopy marks a point made by a backup copy job (v7 and later);
	// IsLongTermCopy one in an archive tier of object storage.
	IsCopy         bool `json:"isCopy"`
	IsLongTermCopy bool `json:"isLongTermCopy"`
	// IsRetrieved marks a point brought back from object storage by a
	// data retrieval job.
	IsRetrieved bool `json:"isRetrieved"`
	// IsDeleted is sent by v7 and later.
	IsDeleted bool `json:"isDeleted"`
	// ETag and ObjectsETag change when the point or its objects change;
	// v8 only.
	ETag        *int64 `json:"eTag"`
	ObjectsETag *int64 `json:"objectsEtag"`
	// ImmutabilityExpiresOn is when the point may be deleted again, for
	// immutable storage; v8 only.
	ImmutabilityExpiresOn *time.Time `json:"immutabilityExpiresOn"`
}

// RestorePointListOptions selects the restore points that All lists. Each
// filter is sent only when set, and exists on some lists only: All refuses
// a filter the list it asks lacks with an error matching
// errors.ErrUnsupported, before sending anything, rather than let the
// server ignore it.
//
// Which list All asks: a client logged in as a restore operator
// (WithOperator, WithOperatorSource; or AsOperator) asks for the
// operator's own list on v7 and later, which takes RbacItemID and IsCopy
// only. Every other client, and operators on v6 (which has no such list),
// ask GET /vN/RestorePoints, which takes the rest: each filter's comment
// says on which versions.
type RestorePointListOptions struct {
	// ListOptions pages GET /vN/RestorePoints on v7 and later. On v6 and
	// the operator's list the server answers the whole list in one
	// request: Limit changes nothing there, and Offset skips results as
	// they arrive.
	ListOptions

	// OrganizationID keeps the points of one organization (see
	// Organizations). Every version.
	OrganizationID string
	// JobID keeps the points one job created. Every version.
	JobID string
	// RepositoryID keeps the points of one backup repository. Every
	// version.
	RepositoryID string
	// BackupTime selects points by their backup time; v6 only. The API
	// description does not say how the server matches it.
	BackupTime time.Time
	// From and To keep the points created at or after From, and at or
	// before To; v7 and later.
	From, To time.Time
	// OrderAsc, when set, orders the points by time, oldest first when
	// true; v7 and later.
	OrderAsc *bool
	// IsCopy keeps the points of backup copy jobs (true) or the others
	// (false); v7 and later, and the operator's list.
	IsCopy *bool
	// IsLongTermCopy keeps the points of backup copies in archive tiers
	// of object storage (true) or the others (false). Every version.
	IsLongTermCopy *bool
	// IsRetrieved keeps the points brought back by data retrieval jobs
	// (true) or the others (false). Every version.
	IsRetrieved *bool
	// UserID, GroupID, SiteID and TeamID keep the points that hold an
	// organization's user, group, site or team; v8 only.
	UserID, GroupID, SiteID, TeamID string
	// RbacItemID keeps the points that hold one object of the operator's
	// scope (an EffectiveScope entry's ID); the operator's list only.
	RbacItemID string
	// AsOperator asks for the operator's own list (on v7 and later) when
	// the client cannot know that its tokens are an operator's: with
	// WithTokenSource.
	AsOperator bool
}

// Lists of restore points, as bits of restorePointFilter.on.
const (
	pointsV6       = 1 << iota // GET /v6/RestorePoints
	pointsV7                   // GET /v7/RestorePoints
	pointsV8                   // GET /v8/RestorePoints
	pointsOperator             // GET /v7+/Organization/LoggedInUser/RestorePoints
)

// restorePointFilter is one filter of RestorePointListOptions.
type restorePointFilter struct {
	field string // the option's name, for errors
	key   string // the query parameter
	value string // escaped; "" when not set
	on    int    // the lists that take it
	where string // the same, for errors
}

func (o *RestorePointListOptions) filters() ([]restorePointFilter, error) {
	const (
		all      = pointsV6 | pointsV7 | pointsV8
		v7up     = pointsV7 | pointsV8
		allWhere = "GET /vN/RestorePoints"
		v7Where  = "GET /vN/RestorePoints on v7 and later"
	)
	var err error
	id := func(field, v string) string {
		if v == "" || err != nil {
			return ""
		}
		err = checkID(field, v)
		return url.QueryEscape(v)
	}
	when := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return url.QueryEscape(t.UTC().Format(serverTime))
	}
	flag := func(b *bool) string {
		if b == nil {
			return ""
		}
		return strconv.FormatBool(*b)
	}
	fs := []restorePointFilter{
		{"opts.OrganizationID", "organizationId", id("opts.OrganizationID", o.OrganizationID), all, allWhere},
		{"opts.JobID", "jobId", id("opts.JobID", o.JobID), all, allWhere},
		{"opts.RepositoryID", "repositoryId", id("opts.RepositoryID", o.RepositoryID), all, allWhere},
		{"opts.BackupTime", "backupTime", when(o.BackupTime), pointsV6, "GET /v6/RestorePoints"},
		{"opts.From", "from", when(o.From), v7up, v7Where},
		{"opts.To", "to", when(o.To), v7up, v7Where},
		{"opts.OrderAsc", "orderAsc", flag(o.OrderAsc), v7up, v7Where},
		{"opts.IsLongTermCopy", "isLongTermCopy", flag(o.IsLongTermCopy), all, allWhere},
		{"opts.IsCopy", "isCopy", flag(o.IsCopy), v7up | pointsOperator, v7Where + ", and the operator's list"},
		{"opts.IsRetrieved", "isRetrieved", flag(o.IsRetrieved), all, allWhere},
		{"opts.UserID", "userId", id("opts.UserID", o.UserID), pointsV8, "GET /v8/RestorePoints"},
		{"opts.GroupID", "groupId", id("opts.GroupID", o.GroupID), pointsV8, "GET /v8/RestorePoints"},
		{"opts.SiteID", "siteId", id("opts.SiteID", o.SiteID), pointsV8, "GET /v8/RestorePoints"},
		{"opts.TeamID", "teamId", id("opts.TeamID", o.TeamID), pointsV8, "GET /v8/RestorePoints"},
		{"opts.RbacItemID", "rbacItem", id("opts.RbacItemID", o.RbacItemID), pointsOperator,
			"the operator's list (GET /vN/Organization/LoggedInUser/RestorePoints, v7 and later)"},
	}
	if err != nil {
		return nil, err
	}
	if !o.From.IsZero() && !o.To.IsZero() && o.To.Before(o.From) {
		return nil, invalidArg("opts.To", "must not be before opts.From")
	}
	return fs, nil
}

// All iterates over restore points in the order the server sends them
// (OrderAsc asks for one on v7 and later): GET /vN/RestorePoints, or for a
// restore operator on v7 and later their own list,
// GET /vN/Organization/LoggedInUser/RestorePoints (the points that hold
// objects of their scope). See RestorePointListOptions for
// which list takes which filter; nil opts lists every point the
// credentials may see. Only GET /vN/RestorePoints on v7 and later is paged.
//
// A point's BackupTime is the DateTime to open a restore session at that
// point (OperatorExploreRequest, ExploreRequest).
func (s *RestorePointsService) All(ctx context.Context, opts *RestorePointListOptions) iter.Seq2[RestorePoint, error] {
	var o RestorePointListOptions
	if opts != nil {
		o = *opts // not the caller's: the filters are read when iteration starts
	}
	offset, _, err := o.ListOptions.validate("opts")
	var fs []restorePointFilter
	if err == nil {
		fs, err = o.filters()
	}
	return listFor(ctx, s.client, err, func(v APIVersion) (iter.Seq2[RestorePoint, error], error) {
		list, path, name := pointsV6, "/RestorePoints", "GET /v6/RestorePoints"
		switch {
		case v >= V7 && (s.client.operator || o.AsOperator):
			list, path = pointsOperator, "/Organization/LoggedInUser/RestorePoints"
			name = "the operator's list (GET /" + string(v) + path + ")"
		case v == V7:
			list, name = pointsV7, "GET /v7/RestorePoints"
		case v >= V8:
			list, name = pointsV8, "GET /"+string(v)+"/RestorePoints"
		}
		var q strings.Builder
		for _, f := range fs {
			if f.value == "" {
				continue
			}
			if f.on&list == 0 {
				return nil, fmt.Errorf("vb365: RestorePoints.All: %s is not a filter of %s; %s takes it: %w",
					f.field, name, f.where, errors.ErrUnsupported)
			}
			q.WriteString("&" + f.key + "=" + f.value)
		}
		if list == pointsV7 || list == pointsV8 {
			l := lister{c: s.client, op: "RestorePoints.All", path: path, extra: q.String()}
			return listAll[RestorePoint](ctx, l, &o.ListOptions, nil), nil
		}
		r := &request{op: "RestorePoints.All", method: "GET", path: path, query: strings.TrimPrefix(q.String(), "&")}
		return listUnpaged[RestorePoint](ctx, s.client, r, offset), nil
	})
}
