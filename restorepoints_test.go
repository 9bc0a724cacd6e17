package vb365

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The query each list gets, byte for byte: times in UTC with a Z, IDs
// escaped, and only the list's own parameters.
func TestRestorePointQueries(t *testing.T) {
	t.Parallel()
	east := time.FixedZone("UTC+3", 3*3600)
	from := time.Date(2026, 11, 2, 1, 0, 0, 500, east) // 2026-11-01T22:00:00.0000005Z
	to := from.Add(48 * time.Hour)
	for _, tc := range []struct {
		v        APIVersion
		operator bool
		path     string
		opts     RestorePointListOptions
		want     string
	}{
		{V6, false, "/v6/RestorePoints", RestorePointListOptions{OrganizationID: "o 1", BackupTime: from, IsRetrieved: Bool(false)},
			"organizationId=o+1&backupTime=2026-11-01T22%3A00%3A00.0000005Z&isRetrieved=false"},
		{V6, true, "/v6/RestorePoints", RestorePointListOptions{JobID: "j1"}, "jobId=j1"},
		{V7, false, "/v7/RestorePoints", RestorePointListOptions{From: from, To: to, OrderAsc: Bool(true), IsCopy: Bool(true)},
			"offset=0&limit=500&from=2026-11-01T22%3A00%3A00.0000005Z&to=2026-11-03T22%3A00%3A00.0000005Z&orderAsc=true&isCopy=true"},
		{V8, false, "/v8/RestorePoints", RestorePointListOptions{ListOptions: ListOptions{Limit: 7}, UserID: "a+b", TeamID: "t"},
			"offset=0&limit=7&userId=a%2Bb&teamId=t"},
		{V8, true, "/v8/Organization/LoggedInUser/RestorePoints", RestorePointListOptions{RbacItemID: "u/1", IsCopy: Bool(false)},
			"isCopy=false&rbacItem=u%2F1"},
		{V7, true, "/v7/Organization/LoggedInUser/RestorePoints", RestorePointListOptions{}, ""},
	} {
		c, f := setup(t, WithAPIVersion(tc.v))
		if !tc.operator {
			var err error
			c, err = NewClient(f.srv.URL, WithAPIVersion(tc.v), WithPassword(testUser, testPassword))
			require.NoError(t, err)
		}
		var got []string
		f.handle("GET "+tc.path, func(w http.ResponseWriter, r *http.Request) {
			got = append(got, r.URL.RawQuery)
			if tc.v != V6 && !tc.operator {
				writeJSON(w, 200, `{"offset":0,"limit":7,"results":[]}`)
				return
			}
			writeJSON(w, 200, `[]`)
		})
		require.NoError(t, iterErr(c.RestorePoints.All(t.Context(), &tc.opts)), "%s %s", tc.v, tc.path)
		assert.Equal(t, []string{tc.want}, got, "%s %s", tc.v, tc.path)
	}
}

// An answer that is one array decodes as leniently as a page: timestamps
// without a zone are UTC, null is zero, unknown fields are dropped; an
// empty answer is an error, not an empty list.
func TestUnpagedAnswers(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	body := `[{"id":"p1","backupTime":"2026-11-01 22:00:00","jobId":null,"isExchange":true,"x":1},{"id":"p2","backupTime":"2026-11-08T22:00:00.1234567+01:00"}]`
	f.handle("GET /v6/RestorePoints", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, body) })
	var got []RestorePoint
	for p, err := range c.RestorePoints.All(t.Context(), nil) {
		require.NoError(t, err)
		got = append(got, p)
	}
	require.Len(t, got, 2)
	assert.True(t, got[0].BackupTime.Equal(time.Date(2026, 11, 1, 22, 0, 0, 0, time.UTC)))
	assert.True(t, got[0].IsExchange)
	assert.True(t, got[1].BackupTime.Equal(time.Date(2026, 11, 8, 21, 0, 0, 123456700, time.UTC)))

	body = " \n" // blank, but not empty: ContentLength is not 0
	err := iterErr(c.RestorePoints.All(t.Context(), nil))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "empty answer")
	body = `{"offset":0,"limit":30,"results":[]}`
	require.Error(t, iterErr(c.RestorePoints.All(t.Context(), nil)), "a page where an array belongs")
}
