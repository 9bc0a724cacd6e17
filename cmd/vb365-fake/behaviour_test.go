package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365/vb365test"
)

const tenantJSON = `{
  "organizations": [{
    "name": "Fabrikam",
    "mailboxes": [{
      "name": "Erin Lee", "email": "erin@fabrikam.onmicrosoft.com",
      "folders": [{
        "name": "Inbox", "category": "Inbox",
        "items": [{"subject": "Hello 'there' + <you> & é", "from": "bob@fabrikam.com", "to": "erin@fabrikam.onmicrosoft.com",
                   "received": "2026-11-02T09:00:00Z", "importance": "High",
                   "attachments": [{"name": "a.pdf", "sizeBytes": 2048}]}],
        "folders": [{"name": "Projects", "generatedMessages": 45}]
      }]
    }, {"name": "Archive", "email": "erin@fabrikam.onmicrosoft.com", "isArchive": true}],
    "generatedMailboxes": 40,
    "restorePoints": [{"backupTime": "2026-11-01T22:00:00Z"}, {"backupTime": "2026-11-08T22:00:00Z", "mailboxes": [0, 1]},
                      {"backupTime": "2026-11-08T23:00:00Z", "isCopy": true}]
  }],
  "administrators": [{"username": "admin@fabrikam.onmicrosoft.com", "password": "s3cret pass"}],
  "operators": [{"clientId": "11111111-2222-3333-4444-555555555555.66666666-7777-8888-9999-000000000000", "assertion": "op-token",
                 "name": "Help Desk", "scope": ["erin@fabrikam.onmicrosoft.com"]}]
}`

func TestSeedFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "tenant.json")
	require.NoError(t, os.WriteFile(path, []byte(tenantJSON), 0o600))
	f := start(t, "--http", "--seed-file", path)
	assert.Equal(t, "admin@fabrikam.onmicrosoft.com", f.env["VB365_USERNAME"])
	assert.Equal(t, "s3cret pass", f.env["VB365_PASSWORD"])
	assert.Contains(t, f.stdout.String(), "VB365_PASSWORD='s3cret pass'\n", "quoted for a shell")
	assert.Equal(t, "op-token", f.env["VB365_ASSERTION"])
	info := f.ctl("GET", "", nil)
	assert.Equal(t, "Fabrikam", info["organization"].(map[string]any)["name"])

	// The built-in credentials are gone; the file's work.
	r := f.do("POST", "/v6/token", "", url.Values{"grant_type": {"password"},
		"username": {vb365test.DefaultUsername}, "password": {vb365test.DefaultPassword}})
	assert.Equal(t, http.StatusBadRequest, r.status)
	tok, sid, _ := f.sessionOf("v6", "password", "erin@fabrikam.onmicrosoft.com")
	r = f.do("GET", "/v6/RestoreSessions/"+sid+"/organization/mailboxes?limit=1", tok, nil)
	var page struct {
		TotalCount int `json:"totalCount"`
	}
	require.NoError(t, json.Unmarshal(r.body, &page))
	assert.Equal(t, 42, page.TotalCount, "two mailboxes and forty generated")

	mbs := results(t, f.do("GET", "/v6/RestoreSessions/"+sid+"/organization/mailboxes?limit=100", tok, nil))
	assert.Equal(t, true, mbs[1]["isArchive"])
	assert.Equal(t, "User 00003", mbs[2]["name"])
	mid := mbs[0]["id"].(string)
	base := "/v6/RestoreSessions/" + sid + "/organization/mailboxes/" + mid
	inbox := find(t, results(t, f.do("GET", base+"/folders?parentId=root", tok, nil)), "name", "Inbox")
	items := results(t, f.do("GET", base+"/items?folderId="+url.QueryEscape(inbox["id"].(string)), tok, nil))
	require.Len(t, items, 1)
	it := items[0]
	assert.Equal(t, "Hello 'there' + <you> & é", it["subject"])
	assert.Equal(t, "High", it["importance"])
	assert.Equal(t, "2026-11-02T09:00:00.0000000Z", it["received"])
	assert.Nil(t, it["sent"], "no sent time in the file: none")
	projects := find(t, results(t, f.do("GET", base+"/folders?parentId="+url.QueryEscape(inbox["id"].(string)), tok, nil)), "name", "Projects")
	r = f.do("GET", base+"/items?limit=1&folderId="+url.QueryEscape(projects["id"].(string)), tok, nil)
	require.NoError(t, json.Unmarshal(r.body, &page))
	assert.Equal(t, 45, page.TotalCount)

	// Restore points and the operator's scope.
	r = f.do("GET", "/v6/RestorePoints", tok, nil)
	var points []map[string]any
	require.NoError(t, json.Unmarshal(r.body, &points), "%s", r.body)
	assert.Len(t, points, 3)
	op := f.login("v8", "operator")
	assert.Equal(t, "Help Desk", f.do("GET", "/v8/Organization/LoggedInUser", op, nil).json(t)["name"])
	var scope struct {
		Users []struct{ User struct{ Name string } }
	}
	require.NoError(t, json.Unmarshal(f.do("GET", "/v8/Organization/LoggedInUser/EffectiveScope", op, nil).body, &scope))
	require.Len(t, scope.Users, 1)
	assert.Equal(t, "erin@fabrikam.onmicrosoft.com", scope.Users[0].User.Name)

	// --print-seed writes the file's data back; the same data comes back.
	var out, errb syncBuffer
	require.Equal(t, exitOK, run(t.Context(), []string{"--print-seed", "--seed-file", path}, &out, &errb), errb.String())
	d, err := vb365test.ParseSeed(strings.NewReader(out.String()))
	require.NoError(t, err)
	require.Len(t, d.Organizations[0].Mailboxes, 42)
	assert.Equal(t, "s3cret pass", d.Administrators[0].Password)
	want, err := vb365test.LoadSeedFile(path)
	require.NoError(t, err)
	o1, _ := want.Organization()
	o2, _ := d.Organization()
	assert.Equal(t, o1.Mailboxes()[0].Folder("Inbox/Projects").ID(), o2.Mailboxes()[0].Folder("Inbox/Projects").ID())
	require.Len(t, o2.RestorePoints(), 3)
	assert.Equal(t, o1.RestorePoints()[1].ID(), o2.RestorePoints()[1].ID())
	assert.Len(t, o2.RestorePoints()[1].Mailboxes(), 2)
	assert.True(t, o2.RestorePoints()[2].IsCopy)
	assert.Equal(t, []string{"erin@fabrikam.onmicrosoft.com"}, d.Operators[0].Scope)
}

// sessionOf is session with another mailbox.
func (f *fake) sessionOf(v, grant, email string) (tok, sid, mid string) {
	f.t.Helper()
	tok = f.login(v, grant)
	r := f.do("POST", "/"+v+"/Organization/Explore", tok, map[string]any{"dateTime": time.Now().UTC().Format(time.RFC3339)})
	require.Contains(f.t, []int{200, 201}, r.status, "%s", r.body)
	sid = r.json(f.t)["id"].(string)
	mb := find(f.t, results(f.t, f.do("GET", "/"+v+"/RestoreSessions/"+sid+"/organization/mailboxes", tok, nil)), "email", email)
	return tok, sid, mb["id"].(string)
}

func TestSeedFileRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, body := range map[string]string{
		"typo":      `{"organizations":[{"name":"X","mailboxs":[]}]}`,
		"two":       `{"organizations":[{"name":"X"},{"name":"Y"}]}`,
		"noname":    `{"organizations":[{"mailboxes":[{"name":"A","email":"a@x"}]}]}`,
		"noemail":   `{"organizations":[{"name":"X","mailboxes":[{"name":"A"}]}]}`,
		"badtime":   `{"organizations":[{"name":"X","mailboxes":[{"name":"A","email":"a@x","folders":[{"name":"F","items":[{"subject":"s","received":"yesterday"}]}]}]}]}`,
		"generated": `{"organizations":[{"name":"X","generatedMailboxes":-1}]}`,
		"trailing":  `{"organizations":[{"name":"X"}]} {}`,
		"point":     `{"organizations":[{"name":"X","restorePoints":[{"backupTime":"2026-01-01T00:00:00Z","mailboxes":[3]}]}]}`,
		"notime":    `{"organizations":[{"name":"X","restorePoints":[{"isCopy":true}]}]}`,
	} {
		path := filepath.Join(dir, name+".json")
		require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
		var out, errb syncBuffer
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second) // a file taken would serve until then
		code := run(ctx, []string{"--http", "--addr", "127.0.0.1:0", "--seed-file", path}, &out, &errb)
		cancel()
		assert.Equal(t, exitError, code, name)
		assert.Contains(t, errb.String(), name+".json", name)
		assert.Empty(t, out.String(), name)
	}
	var out, errb syncBuffer
	assert.Equal(t, exitError, run(t.Context(), []string{"--seed-file", filepath.Join(dir, "missing.json")}, &out, &errb))
}

func TestPrintSeedBuiltIn(t *testing.T) {
	t.Parallel()
	var out, errb syncBuffer
	require.Equal(t, exitOK, run(t.Context(), []string{"--print-seed"}, &out, &errb))
	assert.Empty(t, errb.String())
	d, err := vb365test.ParseSeed(strings.NewReader(out.String()))
	require.NoError(t, err)
	org, err := d.Organization()
	require.NoError(t, err)
	def := vb365test.DefaultOrganization()
	assert.Equal(t, def.ID(), org.ID())
	assert.Equal(t, def.Mailboxes()[0].Folder("Inbox").Items()[3].ID(), org.Mailboxes()[0].Folder("Inbox").Items()[3].ID())
}

func TestAwkwardFlags(t *testing.T) {
	t.Parallel()
	t.Run("token quota", func(t *testing.T) {
		t.Parallel()
		f := start(t, "--http", "--token-quota", "2/1h")
		f.login("v6", "operator")
		f.login("v7", "password")
		r := f.do("POST", "/v8/token", "", url.Values{"grant_type": {"password"}, "username": {f.env["VB365_USERNAME"]}, "password": {f.env["VB365_PASSWORD"]}})
		assert.Equal(t, http.StatusTooManyRequests, r.status)
		assert.Equal(t, "Quota Exceeded", r.json(t)["message"])
		assert.Equal(t, 2, num(t, f.ctl("GET", "counters", nil), "logins", "total"), "a throttled login is not one")
	})
	t.Run("session idle", func(t *testing.T) {
		t.Parallel()
		f := start(t, "--http", "--session-idle", "30ms")
		tok, sid, mid := f.session("v6", "operator")
		time.Sleep(60 * time.Millisecond) // idle for longer than the timeout: any longer pause is as good
		r := f.do("GET", "/v6/RestoreSessions/"+sid+"/organization/mailboxes/"+mid+"/items", tok, nil)
		assert.Equal(t, http.StatusInternalServerError, r.status)
		assert.Equal(t, "Stopped", f.do("GET", "/v6/RestoreSessions/"+sid, tok, nil).json(t)["state"])
	})
	t.Run("export delay", func(t *testing.T) {
		t.Parallel()
		f := start(t, "--http", "--export-delay", "300ms", "--export-size", "100")
		tok, sid, mid := f.session("v6", "password")
		began := time.Now()
		r := f.do("POST", "/v6/RestoreSessions/"+sid+"/organization/mailboxes/"+mid+"/exportToPst", tok, `{"contentKeyword":""}`)
		assert.GreaterOrEqual(t, time.Since(began), 300*time.Millisecond, "no answer before the delay")
		assert.Equal(t, http.StatusOK, r.status)
		assert.Len(t, r.body, 100)
		assert.Equal(t, 300, num(t, f.ctl("GET", "settings", nil), "exportDelayMs"))
	})
	t.Run("dotnet escaping", func(t *testing.T) {
		t.Parallel()
		for _, on := range []bool{true, false} {
			f := start(t, "--http", "--dotnet-escaping="+map[bool]string{true: "true", false: "false"}[on])
			tok := f.login("v6", "operator")
			r := f.do("GET", "/v6/RestoreSessions/"+url.PathEscape("it's+<é>"), tok, nil)
			require.Equal(t, http.StatusNotFound, r.status)
			assert.Equal(t, "Restore session with ID 'it's+<é>' was not found.", r.json(t)["message"])
			if on {
				assert.Contains(t, string(r.body), `\u0027it\u0027s\u002B\u003C\u00E9\u003E\u0027`)
			} else {
				assert.Contains(t, string(r.body), `'it's+\u003cé\u003e'`)
			}
		}
	})
	t.Run("token lifetime", func(t *testing.T) {
		t.Parallel()
		f := start(t, "--http", "--token-lifetime", "90s")
		r := f.do("POST", "/v6/token", "", url.Values{"grant_type": {"operator"}, "client_id": {f.env["VB365_CLIENT_ID"]}, "assertion": {f.env["VB365_ASSERTION"]}})
		assert.Equal(t, 90, num(t, r.json(t), "expires_in"))
	})
	t.Run("verbose", func(t *testing.T) {
		t.Parallel()
		f := startWith(t, false, "--http", "--verbose")
		f.ctl("POST", "faults", map[string]any{"route": "RestorePortalSettings", "kind": "respond", "status": 503})
		f.do("GET", "/v6/RestorePortalSettings", "", nil)
		f.do("GET", "/v7/RestorePortalSettings", "", nil)
		lines := strings.Split(strings.TrimSpace(f.stderr.String()), "\n")
		require.Len(t, lines, 2, "one line per API request, none for the control API")
		assert.Regexp(t, `^\S+ GET /v6/RestorePortalSettings 503 fault=respond:503 [0-9.]+ms$`, lines[0])
		assert.Regexp(t, `^\S+ GET /v7/RestorePortalSettings 200 [0-9.]+ms$`, lines[1])
	})
	t.Run("http", func(t *testing.T) {
		t.Parallel()
		f := start(t, "--http")
		assert.True(t, strings.HasPrefix(f.url, "http://127.0.0.1:"), f.url)
		assert.NotContains(t, f.env, "VB365_CA_FILE")
		assert.NotContains(t, f.env, "VB365_FAKE_CHAOS_SEED")
	})
}

// TestSignals runs the real main in a process of its own and stops it with
// SIGINT and SIGTERM.
func TestSignals(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT or SIGTERM to send on Windows")
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), mainEnv+"=1",
				mainEnv+"_ARGS=--addr 127.0.0.1:0 --cert-out "+filepath.Join(t.TempDir(), "ca.pem"))
			var stdout, stderr syncBuffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			require.NoError(t, cmd.Start())
			require.Eventually(t, func() bool { return strings.Contains(stdout.String(), "VB365_FAKE_CONTROL=") },
				15*time.Second, 5*time.Millisecond, "settings printed")
			env := parseEnv(stdout.String())
			u, err := url.Parse(env["VB365_URL"])
			require.NoError(t, err)

			require.NoError(t, cmd.Process.Signal(sig))
			err = cmd.Wait()
			require.NoError(t, err, "exit status 0; stderr: %s", stderr.String())
			assert.Empty(t, stderr.String())
			_, err = (&http.Client{Timeout: time.Second}).Get("http://" + u.Host + "/")
			assert.Error(t, err, "no longer listening")
			b, err := os.ReadFile(env["VB365_CA_FILE"])
			require.NoError(t, err)
			assert.True(t, bytes.HasPrefix(b, []byte("-----BEGIN CERTIFICATE-----")))
		})
	}
}
