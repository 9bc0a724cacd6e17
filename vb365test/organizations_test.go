package vb365test_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365/vb365test"
)

func TestOrganizationsRoutes(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			admin, op := passwordToken(t, s, v), operatorToken(t, s, v)
			id := s.Organization().ID()

			r := do(t, s, http.MethodGet, "/"+v+"/Organizations", admin, nil)
			if v == "v6" {
				require.Equal(t, http.StatusBadRequest, r.status, "extendedView is required on v6")
			} else {
				require.Equal(t, http.StatusOK, r.status, string(r.body))
				assert.NotContains(t, string(r.body), "firstBackuptime", "not without extendedView")
			}
			r = do(t, s, http.MethodGet, "/"+v+"/Organizations?extendedView=TRUE", admin, nil)
			require.Equal(t, http.StatusOK, r.status, string(r.body))
			if v == "v8" {
				page := r.json(t)
				require.Len(t, page["results"], 1)
				assert.NotContains(t, page, "totalCount")
			} else {
				assert.True(t, strings.HasPrefix(string(r.body), "["), "v6 and v7 answer an array")
			}
			assert.Contains(t, string(r.body), `"firstBackuptime":"2026-11-01T22:00:00.0000000Z"`)
			assert.Equal(t, http.StatusBadRequest, do(t, s, http.MethodGet, "/"+v+"/Organizations?extendedView=maybe", admin, nil).status)
			assert.Equal(t, http.StatusForbidden, do(t, s, http.MethodGet, "/"+v+"/Organizations?extendedView=true", op, nil).status)

			r = do(t, s, http.MethodGet, "/"+v+"/organizations/"+strings.ToUpper(id)+"?extendedView=false", admin, nil)
			require.Equal(t, http.StatusOK, r.status, string(r.body))
			assert.Equal(t, id, r.json(t)["id"])
			assert.Equal(t, http.StatusNotFound, do(t, s, http.MethodGet, "/"+v+"/Organizations/"+strings.Repeat("0", 8)+"?extendedView=true", admin, nil).status)
			assert.Equal(t, http.StatusMethodNotAllowed, do(t, s, http.MethodPost, "/"+v+"/Organizations", admin, "{}").status)
		})
	}
	s := newServer(t)
	admin := passwordToken(t, s, "v8")
	r := do(t, s, http.MethodGet, "/v8/Organizations?msid=00000000-0000-0000-0000-000000000001", admin, nil)
	require.Equal(t, http.StatusOK, r.status)
	assert.Empty(t, r.json(t)["results"], "another tenant")
	r = do(t, s, http.MethodGet, "/v8/Organizations?backedUpOrganizationId="+s.Organization().ID(), admin, nil)
	assert.Len(t, r.json(t)["results"], 1)
}

func TestRestorePointsRoutes(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	for _, v := range versions {
		admin, op := passwordToken(t, s, v), operatorToken(t, s, v)
		base := "/" + v + "/RestorePoints"
		for _, q := range []string{"organizationId=1", "jobId=x", "isCopy=yes", "from=yesterday", "backupTime=soon", "limit=0"} {
			if (v == "v6" && (q == "isCopy=yes" || q == "from=yesterday" || q == "limit=0")) || (v != "v6" && q == "backupTime=soon") {
				r := do(t, s, http.MethodGet, base+"?"+q, admin, nil)
				assert.Equal(t, http.StatusOK, r.status, "%s %s: a parameter the version lacks is ignored", v, q)
				continue
			}
			assert.Equal(t, http.StatusBadRequest, do(t, s, http.MethodGet, base+"?"+q, admin, nil).status, "%s %s", v, q)
		}
		r := do(t, s, http.MethodGet, base, op, nil)
		own := do(t, s, http.MethodGet, "/"+v+"/Organization/LoggedInUser/RestorePoints", op, nil)
		if v == "v6" {
			assert.Equal(t, http.StatusOK, r.status, "v6 operators use /RestorePoints")
			assert.Equal(t, http.StatusNotFound, own.status, "no operator's list on v6")
			continue
		}
		assert.Equal(t, http.StatusForbidden, r.status, "%s: operators have their own list", v)
		require.Equal(t, http.StatusOK, own.status)
		assert.True(t, strings.HasPrefix(string(own.body), "["), "the operator's list is an array")
		assert.Equal(t, http.StatusForbidden, do(t, s, http.MethodGet, "/"+v+"/Organization/LoggedInUser/RestorePoints", admin, nil).status)
		assert.Equal(t, http.StatusNotFound, do(t, s, http.MethodGet, "/"+v+"/Organization/LoggedInUser/RestorePoints?rbacItem=nobody", op, nil).status)

		// Pages repeat the filters in their links.
		r = do(t, s, http.MethodGet, base+"?limit=2&isCopy=false&orderAsc=true", admin, nil)
		require.Equal(t, http.StatusOK, r.status)
		page := r.json(t)
		next := page["_links"].(map[string]any)["next"].(map[string]any)["href"].(string)
		u, err := url.Parse(next)
		require.NoError(t, err)
		assert.Equal(t, "false", u.Query().Get("isCopy"))
		assert.Equal(t, "2", u.Query().Get("offset"))
		first := page["results"].([]any)[0].(map[string]any)
		assert.Equal(t, "2026-11-01T22:00:00.0000000Z", first["backupTime"])
	}
}

func TestLoggedInUserRoutes(t *testing.T) {
	t.Parallel()
	s := newServer(t, vb365test.WithOperator("a.b", "secret"), vb365test.WithOperatorScope("A.B", "Nina Ops", "BOB@contoso.onmicrosoft.com", "nobody@example.com"))
	for _, v := range versions {
		tok, _ := tokenPair(t, s, v, url.Values{"grant_type": {"operator"}, "client_id": {"a.b"}, "assertion": {"secret"}})
		r := do(t, s, http.MethodGet, "/"+v+"/Organization/LoggedInUser", tok, nil)
		require.Equal(t, http.StatusOK, r.status)
		assert.Equal(t, map[string]any{"id": "a", "name": "Nina Ops"}, r.json(t))
		r = do(t, s, http.MethodGet, "/"+v+"/Organization/LoggedInUser/EffectiveScope", tok, nil)
		require.Equal(t, http.StatusOK, r.status)
		scope := r.json(t)
		users := scope["users"].([]any)
		require.Len(t, users, 1, "only the addresses of mailboxes")
		bob := s.Organization().MailboxByEmail("bob@contoso.onmicrosoft.com")
		assert.Equal(t, bob.UserID(), users[0].(map[string]any)["id"])
		_, teams := scope["teams"]
		assert.Equal(t, v != "v6", teams, "teams from v7 on")
		assert.Equal(t, http.StatusUnauthorized, do(t, s, http.MethodGet, "/"+v+"/Organization/LoggedInUser/OperatorInfo", "", nil).status)
	}
}

// The session's restore point follows the explore's dateTime and, on v8,
// its repository.
func TestSessionRestorePoint(t *testing.T) {
	t.Parallel()
	s := newServer(t, vb365test.WithClock(func() time.Time { return time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC) }))
	points := s.Organization().RestorePoints()
	copyPoint := points[5]
	require.True(t, copyPoint.IsCopy)
	tok := operatorToken(t, s, "v8")
	for _, body := range []map[string]any{
		{"type": "Vex"}, // no dateTime: the server's now, November 10
		{"dateTime": "2026-11-29T22:00:00Z"},
		{"dateTime": "2026-12-25T00:00:00Z", "repositoryId": copyPoint.RepositoryID()},
		{"dateTime": "2026-11-29T21:59:59Z", "repositoryId": copyPoint.RepositoryID()},
	} {
		require.Equal(t, http.StatusCreated, do(t, s, http.MethodPost, "/v8/Organization/OperatorExplore", tok, body).status)
	}
	var got []string
	for _, ss := range s.Sessions() {
		got = append(got, ss.RestorePointID)
	}
	assert.Equal(t, []string{points[1].ID(), points[4].ID(), copyPoint.ID(), ""}, got)
}

// A user is named after their primary mailbox, whichever was added first;
// a public-folder mailbox is a PublicMailbox.
func TestScopeUsersFromMailboxes(t *testing.T) {
	t.Parallel()
	org := vb365test.NewOrganization("Fabrikam")
	archive := org.AddMailbox("Online Archive - Dan", "dan@fabrikam.com")
	archive.IsArchive = true
	org.AddMailbox("Dan Park", "DAN@fabrikam.com")
	org.AddMailbox("Public Folders", "pf@fabrikam.com").IsPublic = true
	s := newServer(t, vb365test.WithOrganization(org))
	r := do(t, s, http.MethodGet, "/v7/Organization/LoggedInUser/EffectiveScope", operatorToken(t, s, "v7"), nil)
	require.Equal(t, http.StatusOK, r.status)
	users := r.json(t)["users"].([]any)
	require.Len(t, users, 2)
	dan := users[0].(map[string]any)["user"].(map[string]any)
	assert.Equal(t, "Dan Park", dan["displayName"])
	assert.Equal(t, archive.UserID(), dan["id"])
	assert.Equal(t, "PublicMailbox", users[1].(map[string]any)["user"].(map[string]any)["type"])
	r = do(t, s, http.MethodGet, "/v7/RestorePoints", passwordToken(t, s, "v7"), nil)
	assert.Empty(t, r.json(t)["results"], "an organization without restore points")
}
