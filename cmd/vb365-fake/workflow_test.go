package main

import (
	"crypto/x509"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365"
)

const alice = "alice@contoso.onmicrosoft.com"

// TestOperatorWorkflowOverHTTP is what a script in any language does:
// plain HTTP requests, no SDK, on the three versions one server serves.
func TestOperatorWorkflowOverHTTP(t *testing.T) {
	t.Parallel()
	f := start(t)
	require.True(t, strings.HasPrefix(f.url, "https://127.0.0.1:"), f.url)
	for i, v := range []string{"v6", "v7", "v8"} {
		r := f.do("GET", "/"+v+"/RestorePortalSettings", "", nil)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)

		tok := f.login(v, "operator")
		r = f.do("POST", "/"+v+"/Organization/OperatorExplore", tok, map[string]any{
			"dateTime": time.Now().UTC().Format(time.RFC3339), "reason": "ticket 4711",
		})
		want := http.StatusOK
		if v == "v8" {
			want = http.StatusCreated
		}
		require.Equal(t, want, r.status, "%s", r.body)
		sid, _ := r.json(t)["id"].(string)
		require.NotEmpty(t, sid)
		base := "/" + v + "/RestoreSessions/" + sid + "/organization/mailboxes"

		mb := find(t, results(t, f.do("GET", base+"?limit=50", tok, nil)), "email", alice)
		mid := mb["id"].(string)
		inbox := find(t, results(t, f.do("GET", base+"/"+mid+"/folders?parentId=root", tok, nil)), "name", "Inbox")
		param := "parentId"
		if v == "v6" {
			param = "folderId"
		}
		items := results(t, f.do("GET", base+"/"+mid+"/items?limit=5&"+param+"="+url.QueryEscape(inbox["id"].(string)), tok, nil))
		require.Len(t, items, 5)
		ids := []string{items[0]["id"].(string), items[1]["id"].(string)}

		r = f.do("POST", base+"/"+mid+"/items/operatorRestore", tok, map[string]any{
			"items": []map[string]string{{"id": ids[0]}, {"id": ids[1]}}, "folder": "Restored", "reason": "ticket 4711",
		})
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		require.Equal(t, sid, r.json(t)["sessionId"])

		events := results(t, f.do("GET", "/"+v+"/RestoreSessions/"+sid+"/Events", tok, nil))
		require.Len(t, events, 1)
		assert.Equal(t, "Restore", events[0]["type"])
		assert.Equal(t, "Success", events[0]["status"])

		r = f.do("POST", "/"+v+"/RestoreSessions/"+sid+"/Stop", tok, nil)
		assert.Contains(t, []int{http.StatusOK, http.StatusNoContent}, r.status, "%s", r.body)

		c := f.ctl("GET", "counters", nil)
		assert.Equal(t, i+1, num(t, c, "restores", "operatorRestore"), "one restore per version, never more")
		assert.Equal(t, i+1, num(t, c, "logins", "operator"))
		assert.Equal(t, 0, num(t, c, "logins", "password"))
		var rs struct {
			Restores []struct {
				SessionID  string   `json:"sessionId"`
				ItemIDs    []string `json:"itemIds"`
				Folder     string   `json:"folder"`
				APIVersion string   `json:"apiVersion"`
			} `json:"restores"`
		}
		b, _ := json.Marshal(f.ctl("GET", "restores", nil))
		require.NoError(t, json.Unmarshal(b, &rs))
		require.Len(t, rs.Restores, i+1)
		last := rs.Restores[i]
		assert.Equal(t, sid, last.SessionID)
		assert.Equal(t, ids, last.ItemIDs)
		assert.Equal(t, "Restored", last.Folder)
		assert.Equal(t, v, last.APIVersion)
	}
}

// TestSDKOverHTTPS drives the SDK against the program, trusting the CA
// file it wrote and nothing else.
func TestSDKOverHTTPS(t *testing.T) {
	t.Parallel()
	f := start(t)
	pem, err := os.ReadFile(f.env["VB365_CA_FILE"])
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(pem))

	// Without the CA, verification fails: the certificate is the program's own.
	bare, err := vb365.NewClient(f.url, vb365.WithOperator(f.env["VB365_CLIENT_ID"], f.env["VB365_ASSERTION"]),
		vb365.WithRetry(0, time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	_, err = bare.RestoreSessions.OperatorExplore(t.Context(), &vb365.OperatorExploreRequest{DateTime: time.Now(), Reason: "no CA"})
	var uerr x509.UnknownAuthorityError
	require.ErrorAs(t, err, &uerr)
	require.NoError(t, bare.Close(t.Context()))

	for _, v := range []vb365.APIVersion{vb365.V6, vb365.V8} {
		c, err := vb365.NewClient(f.url, vb365.WithRootCAs(pool), vb365.WithAPIVersion(v),
			vb365.WithOperator(f.env["VB365_CLIENT_ID"], f.env["VB365_ASSERTION"]))
		require.NoError(t, err)
		s, err := c.RestoreSessions.OperatorExplore(t.Context(), &vb365.OperatorExploreRequest{DateTime: time.Now(), Reason: "sdk"})
		require.NoError(t, err)
		var mailbox, inbox string
		for m, err := range c.Mailboxes.All(t.Context(), s.ID, nil) {
			require.NoError(t, err)
			if m.Email == alice && !m.IsArchive {
				mailbox = m.ID
			}
		}
		require.NotEmpty(t, mailbox)
		for fo, err := range c.Mailboxes.Folders(t.Context(), s.ID, mailbox, &vb365.FolderListOptions{ParentID: vb365.RootFolders}) {
			require.NoError(t, err)
			if fo.Name == "Inbox" {
				inbox = fo.ID
			}
		}
		var ids []string
		for it, err := range c.Mailboxes.Items(t.Context(), s.ID, mailbox, &vb365.ItemListOptions{FolderID: inbox}) {
			require.NoError(t, err)
			ids = append(ids, it.ID)
		}
		require.NotEmpty(t, ids)
		_, err = c.Mailboxes.OperatorRestore(t.Context(), s.ID, mailbox, &vb365.OperatorRestoreRequest{ItemIDs: ids[:1], Reason: "sdk"})
		require.NoError(t, err)
		require.NoError(t, c.RestoreSessions.Stop(t.Context(), s.ID))
		require.NoError(t, c.Close(t.Context()))
	}
	c := f.ctl("GET", "counters", nil)
	assert.Equal(t, 2, num(t, c, "restores", "operatorRestore"))
	assert.Equal(t, 2, num(t, c, "logins", "operator"))
}

// TestUsage checks the flags that are refused, and -h.
func TestUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--chaos", "2"}, {"--chaos", "NaN"}, {"--token-quota", "5"}, {"--token-quota", "0/1m"},
		{"--token-lifetime", "10ms"}, {"--session-idle", "-1s"}, {"extra"}, {"--no-such-flag"},
	} {
		var out, errb syncBuffer
		code := run(t.Context(), args, &out, &errb)
		assert.Equal(t, exitUsage, code, "%v", args)
		assert.Empty(t, out.String(), "%v", args)
		assert.NotEmpty(t, errb.String(), "%v", args)
	}
	var out, errb syncBuffer
	assert.Equal(t, exitOK, run(t.Context(), []string{"-h"}, &out, &errb))
	assert.Contains(t, errb.String(), "-chaos rate")

	// A port in use is an error, not a usage error.
	f := start(t, "--http")
	u, err := url.Parse(f.url)
	require.NoError(t, err)
	var out2, errb2 syncBuffer
	assert.Equal(t, exitError, run(t.Context(), []string{"--http", "--addr", u.Host}, &out2, &errb2))
	assert.Contains(t, errb2.String(), "vb365-fake:")
	assert.Empty(t, out2.String())
}
