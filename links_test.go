package vb365

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLinkID(t *testing.T) {
	t.Parallel()
	const mb = "479ae6aa-610b-4652-8966-5db06021903c"
	cases := []struct {
		name, href, seg string
		rest            bool
		want            string
	}{
		{"relative", "/v6/RestoreSessions/s1/organization/mailboxes/" + mb, "mailboxes", false, mb},
		{"absolute, lower case", "https://vb365.example.com:4443/v6/restoresessions/s1/organization/mailboxes/" + mb + "/folders/AAA=", "mailboxes", false, mb},
		{"mixed case", "/v7/RestoreSessions/s1/Organization/Mailboxes/" + mb, "mailboxes", false, mb},
		{"escaped folder", "/v6/x/mailboxes/" + mb + "/folders/AAMk%2B%2FQ%3D%3D", "folders", true, "AAMk+/Q=="},
		{"raw slash in the folder", "/v6/x/mailboxes/" + mb + "/Folders/AAMk+/Q==", "folders", true, "AAMk+/Q=="},
		{"query and fragment", "/v6/x/mailboxes/" + mb + "/folders/AAMk?offset=0#x", "folders", true, "AAMk"},
		{"no such segment", "/v6/RestoreSessions/s1", "folders", true, ""},
		{"segment at the end", "/v6/x/folders", "folders", true, ""},
		{"a longer name", "/v6/x/subfolders/AAA", "folders", true, ""},
		{"empty", "", "folders", true, ""},
		{"bad escape kept", "/v6/x/folders/100%zz", "folders", true, "100%zz"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, linkID(tc.href, tc.seg, tc.rest), tc.name)
	}
}

// TestIDsFromLinksOfAnotherShape serves v6 answers whose links are absolute,
// lower case, with folder IDs unescaped or JSON-escaped as .NET writes them,
// and no mailboxId field: the IDs
// still come out, and a folder listed under a parent without a parent link
// gets that parent.
func TestIDsFromLinksOfAnotherShape(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	const base = "https://vb365.example.com:4443/v6/restoresessions/s1/organization/mailboxes/"
	f.handle("POST /v6/RestoreSessions/s1/organization/mailboxes/search", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"offset":0,"limit":30,"results":[
			{"id":"i1","subject":"a","_links":{"self":{"href":"`+base+`m1/items/i1"},"mailbox":{"href":"`+base+`m1"},"folder":{"href":"`+base+`m1/folders/F+/1=="}}},
			{"id":"i2","subject":"b","_links":{"mailbox":{"href":"`+base+`m2"},"parent":{"href":"`+base+`m2/folders/F\u002B2"}}},
			{"id":"i3","subject":"c","_links":null}]}`)
	})
	f.handle("GET /v6/RestoreSessions/s1/organization/mailboxes/m1/folders", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"offset":0,"limit":30,"results":[
			{"id":"F+/1==","name":"Inbox","_links":{"self":{"href":"`+base+`m1/folders/F+/1=="}}},
			{"id":"F3","name":"Projects","_links":{"parent":{"href":"`+base+`m1/folders/F%2B%2F1%3D%3D"}}}]}`)
	})
	type ids struct{ mailbox, folder string }
	var got []ids
	for it, err := range c.Mailboxes.SearchAll(t.Context(), "s1", "q", nil) {
		require.NoError(t, err)
		got = append(got, ids{it.MailboxID, it.FolderID})
	}
	assert.Equal(t, []ids{{"m1", "F+/1=="}, {"m2", "F+2"}, {"", ""}}, got, "System.Text.Json writes '+' as \\u002B")

	var parents []string
	for f, err := range c.Mailboxes.Folders(t.Context(), "s1", "m1", nil) {
		require.NoError(t, err)
		assert.Equal(t, "m1", f.MailboxID)
		parents = append(parents, f.ParentID)
	}
	assert.Equal(t, []string{"", "F+/1=="}, parents)
	for f, err := range c.Mailboxes.Folders(t.Context(), "s1", "m1", &FolderListOptions{ParentID: "F+/1=="}) {
		require.NoError(t, err)
		assert.Equal(t, "F+/1==", f.ParentID, "%s: the parent listed, where no link says", f.Name)
	}
}

// TestRestoreSessionListQuery checks the filters' exact query parameters.
func TestRestoreSessionListQuery(t *testing.T) {
	t.Parallel()
	c, f := setup(t, WithAPIVersion(V8))
	var got url.Values
	f.handle("GET /v8/RestoreSessions", func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Query()
		writeJSON(w, 200, `{"offset":0,"limit":30,"results":[]}`)
	})
	from := time.Date(2026, 12, 1, 9, 30, 0, 123456700, time.FixedZone("CET", 3600))
	_, err := c.RestoreSessions.List(t.Context(), &RestoreSessionListOptions{
		ListOptions:   ListOptions{Limit: 30},
		StartTimeFrom: from, StartTimeTo: from.Add(time.Hour), EndTimeTo: from.Add(2 * time.Hour),
		OrderBy: SessionOrderEndTime, OrderAsc: Bool(false),
	})
	require.NoError(t, err)
	assert.Equal(t, url.Values{
		"offset": {"0"}, "limit": {"30"},
		"startTimeFrom": {"2026-12-01T08:30:00.1234567Z"}, "startTimeTo": {"2026-12-01T09:30:00.1234567Z"},
		"endTimeTo": {"2026-12-01T10:30:00.1234567Z"}, "orderBy": {"EndTime"}, "orderAsc": {"false"},
	}, got)

	_, err = c.RestoreSessions.List(t.Context(), &RestoreSessionListOptions{StartTimeFrom: from, StartTimeTo: from.Add(-time.Second)})
	require.ErrorIs(t, err, ErrInvalidArgument)
	assert.Contains(t, err.Error(), "opts.StartTimeTo")
	_, err = c.RestoreSessions.List(t.Context(), &RestoreSessionListOptions{OrderBy: "End\nTime"})
	require.ErrorIs(t, err, ErrInvalidArgument)
}

// TestRbacScopeBody checks the scope as sent: an unset user or group type
// is null, the SID and the team are there when set, and absent otherwise.
func TestRbacScopeBody(t *testing.T) {
	t.Parallel()
	c, f := setup(t, WithAPIVersion(V7))
	var bodies []map[string]any
	f.handle("POST /v7/Organization/OperatorExplore", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m))
		bodies = append(bodies, m["scope"].(map[string]any))
		writeJSON(w, 200, `{"id":"s1","state":"Working"}`)
	})
	for _, sc := range []*RbacItem{
		{Type: RbacItemUser, ID: "u1", User: &RbacUser{ID: "u1", DisplayName: "A", Name: "a@x"}},
		{Type: RbacItemUser, ID: "u1", User: &RbacUser{ID: "u1", Name: "a@x", Type: "SharedMailbox", OnPremisesSID: "S-1-5-21-1"}},
		{Type: RbacItemGroup, ID: "g1", Group: &RbacGroup{ID: "g1", DisplayName: "G", Name: "g"}},
		{Type: RbacItemTeam, ID: "t1", Team: &RbacTeam{ID: "t1", DisplayName: "T"}},
	} {
		_, err := c.RestoreSessions.OperatorExplore(t.Context(), &OperatorExploreRequest{DateTime: time.Now(), Scope: sc})
		require.NoError(t, err)
	}
	require.Len(t, bodies, 4)
	user := bodies[0]["user"].(map[string]any)
	assert.Contains(t, user, "type")
	assert.Nil(t, user["type"], "an unset type is null, not \"\"")
	assert.NotContains(t, user, "onPremisesSid")
	assert.Equal(t, map[string]any{"id": "u1", "displayName": "", "name": "a@x", "type": "SharedMailbox", "onPremisesSid": "S-1-5-21-1"},
		bodies[1]["user"])
	group := bodies[2]["group"].(map[string]any)
	assert.Contains(t, group, "type")
	assert.Nil(t, group["type"])
	assert.Equal(t, "Team", bodies[3]["type"])
	assert.Equal(t, map[string]any{"id": "t1", "displayName": "T", "description": "", "mail": ""}, bodies[3]["team"])
	assert.NotContains(t, bodies[0], "team")
}

// TestDeviceCodeRequest checks the call as sent: a POST with the empty
// object the description requires.
func TestDeviceCodeRequest(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	var body []byte
	var ctype string
	n := f.handle("POST /v6/RestoreSessions/{id}/organization/restoreDeviceCode", func(w http.ResponseWriter, r *http.Request) {
		body, _ = io.ReadAll(r.Body)
		ctype = r.Header.Get("Content-Type")
		writeJSON(w, 200, `{"userCode":"ABC123XYZ","verificationUrl":"https://microsoft.com/devicelogin","expiresIn":900,"message":"m"}`)
	})
	dc, err := c.RestoreSessions.DeviceCode(t.Context(), "s 1")
	require.NoError(t, err)
	assert.Equal(t, &DeviceCode{UserCode: "ABC123XYZ", VerificationURL: "https://microsoft.com/devicelogin", ExpiresIn: 900, Message: "m"}, dc)
	assert.Equal(t, "{}", string(body))
	assert.Equal(t, "application/json", ctype)
	assert.Equal(t, int32(1), n.Load())
}
