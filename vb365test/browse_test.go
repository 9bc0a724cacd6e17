package vb365test_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365/vb365test"
)

// sessionIDs lists the sessions at path (with its query) and returns their
// IDs in the order served.
func sessionIDs(t *testing.T, s *vb365test.Server, path, tok string) []string {
	t.Helper()
	r := do(t, s, "GET", path, tok, nil)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	var ids []string
	for _, x := range r.json(t)["results"].([]any) {
		ids = append(ids, x.(map[string]any)["id"].(string))
	}
	return ids
}

func TestSessionListFiltersAndOrder(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			clock := &fakeClock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
			s := newServer(t, vb365test.WithClock(clock.Now), vb365test.WithTokenLifetime(24*time.Hour))
			tok := operatorToken(t, s, v)
			var ids []string
			for range 3 { // 09:00, 10:00, 11:00
				ids = append(ids, explore(t, s, v, tok))
				clock.Advance(time.Hour)
			}
			// The 10:00 session ends at 12:00.
			require.Equal(t, http.StatusOK, do(t, s, "POST", "/"+v+"/RestoreSessions/"+ids[1]+"/Stop", tok, nil).status/100*100)
			base := "/" + v + "/RestoreSessions?"
			q := func(kv ...string) string {
				vals := url.Values{}
				for i := 0; i < len(kv); i += 2 {
					vals.Set(kv[i], kv[i+1])
				}
				return base + vals.Encode()
			}

			newest := []string{ids[2], ids[1], ids[0]}
			all := sessionIDs(t, s, base, tok)
			if v == "v8" {
				assert.Equal(t, newest, all, "v8: CreationTime, newest first, by default")
				assert.Equal(t, ids, sessionIDs(t, s, q("orderAsc", "True"), tok))
				assert.Equal(t, []string{ids[1]}, sessionIDs(t, s, q("endTimeFrom", "2026-12-01T11:30:00Z"), tok),
					"working sessions have no end")
				assert.Equal(t, []string{ids[0], ids[2], ids[1]}, sessionIDs(t, s, q("orderBy", "endtime", "orderAsc", "true"), tok),
					"no end sorts first, in creation order")
				for _, bad := range []string{q("orderBy", "Name"), q("orderAsc", "maybe"), q("endTimeTo", "yesterday")} {
					assert.Equal(t, http.StatusBadRequest, do(t, s, "GET", bad, tok, nil).status, bad)
				}
			} else {
				assert.Equal(t, ids, all, "creation order")
				assert.Equal(t, ids, sessionIDs(t, s, q("endTimeFrom", "2026-12-01T11:30:00Z", "orderBy", "Name", "orderAsc", "x"), tok),
					"parameters of v8 are ignored, as unknown parameters are")
			}
			got := sessionIDs(t, s, q("startTimeFrom", "2026-12-01T10:00:00Z", "startTimeTo", "2026-12-01 11:00:00"), tok)
			if v == "v8" {
				assert.Equal(t, []string{ids[2], ids[1]}, got, "bounds are inclusive; a time without a zone is UTC")
			} else {
				assert.Equal(t, []string{ids[1], ids[2]}, got, "bounds are inclusive; a time without a zone is UTC")
			}
			assert.Equal(t, http.StatusBadRequest, do(t, s, "GET", q("startTimeFrom", "soon"), tok, nil).status)
		})
	}
}

func TestDeviceCodes(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			op, admin := operatorToken(t, s, v), passwordToken(t, s, v)
			sid := explore(t, s, v, op)
			path := "/" + v + "/RestoreSessions/" + sid + "/organization/restoreDeviceCode"

			assert.Equal(t, http.StatusForbidden, do(t, s, "POST", path, op, map[string]any{}).status, "operators may not")
			assert.Equal(t, http.StatusBadRequest, do(t, s, "POST", path, admin, nil).status, "the body is required")
			assert.Equal(t, http.StatusBadRequest, do(t, s, "POST", path, admin, map[string]any{"targetRegion": "Mars"}).status)
			assert.Equal(t, http.StatusBadRequest, do(t, s, "POST", path, admin, map[string]any{"targetApplicationId": "app"}).status)
			assert.Equal(t, http.StatusNotFound, do(t, s, "POST", "/"+v+"/RestoreSessions/00000000-0000-0000-0000-000000000000/organization/restoreDeviceCode", admin, map[string]any{}).status)
			assert.Empty(t, s.DeviceCodes(sid))

			var codes []string
			for _, body := range []any{map[string]any{}, map[string]any{"targetRegion": "worldwide", "targetApplicationId": nil, "targetOrganizationName": "contoso"}} {
				r := do(t, s, "POST", path, admin, body)
				require.Equal(t, http.StatusOK, r.status, string(r.body))
				m := r.json(t)
				assert.Equal(t, "https://microsoft.com/devicelogin", m["verificationUrl"])
				assert.EqualValues(t, 900, m["expiresIn"])
				assert.Contains(t, m["message"], m["userCode"])
				assert.Len(t, m["userCode"], 9)
				codes = append(codes, m["userCode"].(string))
			}
			assert.NotEqual(t, codes[0], codes[1])
			issued := s.DeviceCodes(sid)
			require.Len(t, issued, 2)
			assert.Equal(t, codes, []string{issued[0].UserCode, issued[1].UserCode})

			// Another session's code is not this one's.
			other := explore(t, s, v, op)
			alice := s.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
			restore := mailboxPath(v, other, alice.ID()) + "/items/" + url.PathEscape(alice.Folder("Inbox").Items()[0].ID()) + "/restore"
			assert.Equal(t, http.StatusBadRequest, do(t, s, "POST", restore, admin, map[string]any{"userCode": codes[0]}).status)
			assert.Zero(t, s.ActionCount(""))

			require.True(t, s.ExpireSession(sid))
			assert.Equal(t, http.StatusInternalServerError, do(t, s, "POST", path, admin, map[string]any{}).status, "a stopped session")
		})
	}
}

func TestExploreScopes(t *testing.T) {
	t.Parallel()
	team := map[string]any{"type": "Team", "id": "0e5e2c7a-1b3d-4c5e-8f9a-0b1c2d3e4f5a", "team": map[string]any{
		"id": "0e5e2c7a-1b3d-4c5e-8f9a-0b1c2d3e4f5a", "displayName": "Project Falcon", "description": "", "mail": "falcon@contoso.onmicrosoft.com"}}
	user := func(typ any) map[string]any {
		return map[string]any{"type": "User", "id": "u1", "user": map[string]any{"id": "u1", "displayName": "Alice", "name": "alice@x", "type": typ}}
	}
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			op := operatorToken(t, s, v)
			exp := func(scope map[string]any) resp {
				return do(t, s, "POST", "/"+v+"/Organization/OperatorExplore", op, map[string]any{"type": "Vex", "scope": scope})
			}
			ok := http.StatusOK
			if v == "v8" {
				ok = http.StatusCreated
			}
			r := exp(team)
			if v == "v6" {
				assert.Equal(t, http.StatusBadRequest, r.status, "no Team scopes before v7")
			} else {
				require.Equal(t, ok, r.status, string(r.body))
				assert.Equal(t, "Project Falcon", r.json(t)["scopeName"])
			}
			assert.Equal(t, http.StatusBadRequest, exp(map[string]any{"type": "Team", "id": "t1"}).status, "a Team scope without its team")
			assert.Equal(t, http.StatusBadRequest, exp(user("")).status, `"" is no user type`)
			assert.Equal(t, http.StatusBadRequest, exp(user("Robot")).status)
			assert.Equal(t, ok, exp(user(nil)).status, "null leaves it unset")
			assert.Equal(t, ok, exp(user("sharedmailbox")).status)
			assert.Equal(t, http.StatusBadRequest, exp(map[string]any{"type": "", "id": "u1"}).status)
		})
	}
}
