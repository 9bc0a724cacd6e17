package vb365

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The organizations and restore points refuse bad arguments before any
// request, as every other call does.
func TestIdentityCallsRefuseBadInput(t *testing.T) {
	t.Parallel()
	c, hits := countingServer(t)
	ctx := t.Context()
	rp := func(o RestorePointListOptions) func() error {
		return func() error { return iterErr(c.RestorePoints.All(ctx, &o)) }
	}
	n := 0
	for label, id := range badIDs {
		refused(t, "Organizations.Get("+label+")", "organizationID", func() error { return first(c.Organizations.Get(ctx, id)) })
		n++
		if id == "" {
			continue // an empty filter is no filter
		}
		for arg, o := range map[string]RestorePointListOptions{
			"opts.OrganizationID": {OrganizationID: id},
			"opts.JobID":          {JobID: id},
			"opts.RepositoryID":   {RepositoryID: id},
			"opts.UserID":         {UserID: id},
			"opts.GroupID":        {GroupID: id},
			"opts.SiteID":         {SiteID: id},
			"opts.TeamID":         {TeamID: id},
			"opts.RbacItemID":     {RbacItemID: id},
		} {
			refused(t, "RestorePoints.All("+arg+" "+label+")", arg, rp(o))
			n++
		}
	}
	refused(t, "RestorePoints.All(To before From)", "opts.To", rp(RestorePointListOptions{From: time.Now(), To: time.Now().Add(-time.Hour)}))
	for _, p := range []struct {
		arg  string
		opts ListOptions
	}{{"opts.Offset", ListOptions{Offset: -1}}, {"opts.Limit", ListOptions{Limit: -1}}, {"opts.Limit", ListOptions{Limit: MaxPageSize + 1}}} {
		refused(t, "RestorePoints.All(page)", p.arg, rp(RestorePointListOptions{ListOptions: p.opts}))
		refused(t, "Organizations.All(page)", p.arg, func() error { return iterErr(c.Organizations.All(ctx, &p.opts)) })
	}
	var nilCtx context.Context
	refused(t, "LoggedInUser(nil ctx)", "ctx", func() error { return first(c.LoggedInUser(nilCtx)) })
	refused(t, "OperatorInfo(nil ctx)", "ctx", func() error { return first(c.OperatorInfo(nilCtx)) })
	refused(t, "EffectiveScope(nil ctx)", "ctx", func() error { return first(c.EffectiveScope(nilCtx)) })
	refused(t, "RestorePoints.All(nil ctx)", "ctx", func() error { return iterErr(c.RestorePoints.All(nilCtx, nil)) })
	refused(t, "Organizations.All(nil ctx)", "ctx", func() error { return iterErr(c.Organizations.All(nilCtx, nil)) })
	assert.Greater(t, n, 50)
	assert.Zero(t, hits.Load(), "no request reached the server, not even a login")
}

// A filter the version's list lacks is refused, naming it and the list that
// has it, before any request: the server would ignore it and answer every
// point.
func TestRestorePointFiltersTheVersionLacks(t *testing.T) {
	t.Parallel()
	asc := true
	for _, tc := range []struct {
		v        APIVersion
		operator bool
		opts     RestorePointListOptions
		field    string
	}{
		{V6, false, RestorePointListOptions{From: time.Now()}, "opts.From"},
		{V6, false, RestorePointListOptions{OrderAsc: &asc}, "opts.OrderAsc"},
		{V6, false, RestorePointListOptions{IsCopy: &asc}, "opts.IsCopy"},
		{V6, false, RestorePointListOptions{UserID: "u1"}, "opts.UserID"},
		{V6, true, RestorePointListOptions{RbacItemID: "u1"}, "opts.RbacItemID"},
		{V7, false, RestorePointListOptions{BackupTime: time.Now()}, "opts.BackupTime"},
		{V7, false, RestorePointListOptions{TeamID: "t1"}, "opts.TeamID"},
		{V7, false, RestorePointListOptions{RbacItemID: "u1"}, "opts.RbacItemID"},
		{V8, false, RestorePointListOptions{BackupTime: time.Now()}, "opts.BackupTime"},
		{V8, true, RestorePointListOptions{From: time.Now()}, "opts.From"},
		{V8, true, RestorePointListOptions{UserID: "u1"}, "opts.UserID"},
		{V7, true, RestorePointListOptions{IsLongTermCopy: &asc}, "opts.IsLongTermCopy"},
	} {
		var hits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			hits.Add(1)
			w.WriteHeader(http.StatusInternalServerError)
		}))
		creds := WithOperator(testClientID, testAssertion)
		if !tc.operator {
			creds = WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"}))
		}
		c, err := NewClient(srv.URL, WithAPIVersion(tc.v), creds, WithRetry(0, 0, 0))
		require.NoError(t, err)
		err = iterErr(c.RestorePoints.All(t.Context(), &tc.opts))
		srv.Close()
		require.ErrorIs(t, err, errors.ErrUnsupported, "%s %s", tc.v, tc.field)
		assert.NotErrorIs(t, err, ErrInvalidArgument)
		assert.Contains(t, err.Error(), tc.field)
		assert.Zero(t, hits.Load(), "%s %s: nothing sent", tc.v, tc.field)
	}
}
