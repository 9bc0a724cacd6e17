package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/vb365-go/vb365/vb365test"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const alice = "alice@contoso.onmicrosoft.com"

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// result is what one in-process run of the command did.
type result struct {
	code           int
	stdout, stderr string
}

// cli runs the command in-process against one fake server.
type cli struct {
	t        *testing.T
	srv      *vb365test.Server
	env      map[string]string
	terminal bool             // stdout and stderr are a terminal
	stdinTTY bool             // stdin is a terminal
	now      func() time.Time // the command's clock; nil is time.Now
	cache    string           // the user's cache directory
	commands []*command       // nil: the package's
}

// setup starts a fake server and returns a cli logged in as its restore
// operator through the environment.
func setup(t *testing.T, opts ...vb365test.Option) *cli {
	t.Helper()
	srv := vb365test.NewServer(opts...)
	t.Cleanup(srv.Close)
	return &cli{t: t, srv: srv, cache: t.TempDir(), env: map[string]string{
		"VB365_URL":       srv.URL,
		"VB365_CLIENT_ID": vb365test.DefaultOperatorClientID,
		"VB365_ASSERTION": vb365test.DefaultOperatorAssertion,
	}}
}

// admin switches the environment to the fake's administrator, with the
// password in a file.
func (c *cli) admin() *cli {
	c.t.Helper()
	delete(c.env, "VB365_CLIENT_ID")
	delete(c.env, "VB365_ASSERTION")
	c.env["VB365_USERNAME"] = vb365test.DefaultUsername
	c.env["VB365_PASSWORD_FILE"] = writeFile(c.t, "password", vb365test.DefaultPassword+"\n")
	return c
}

func (c *cli) run(args ...string) result { return c.runStdin("", args...) }

func (c *cli) runStdin(stdin string, args ...string) result {
	c.t.Helper()
	return c.runContext(c.t.Context(), strings.NewReader(stdin), args...)
}

// runContext runs args with ctx and stdin.
func (c *cli) runContext(ctx context.Context, stdin io.Reader, args ...string) result {
	c.t.Helper()
	var stdout, stderr bytes.Buffer
	now := c.now
	if now == nil {
		now = time.Now
	}
	cmds := c.commands
	if cmds == nil {
		cmds = commands
	}
	cache := c.cache
	if cache == "" {
		cache = c.t.TempDir()
	}
	e := &env{
		stdin: stdin, stdout: &stdout, stderr: &stderr,
		getenv: func(k string) string { return c.env[k] },
		isTerminal: func(f any) bool {
			if f == stdin {
				return c.stdinTTY
			}
			return c.terminal
		},
		now:      now,
		cacheDir: func() (string, error) { return cache, nil },
		commands: cmds,
	}
	code := e.main(ctx, args)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// ok runs args, requires exit code 0 and returns stdout.
func (c *cli) ok(args ...string) string {
	c.t.Helper()
	r := c.run(args...)
	require.Equal(c.t, exitOK, r.code, "vb365 %s\nstderr: %s", strings.Join(args, " "), r.stderr)
	return r.stdout
}

// explore opens a restore session and sets VB365_SESSION to it.
func (c *cli) explore() string {
	c.t.Helper()
	args := []string{"sessions", "explore", "--reason", "ticket 4711"}
	if c.env["VB365_USERNAME"] != "" {
		args = args[:2] // administrators give no reason
	}
	id := strings.TrimSpace(c.ok(args...))
	require.Regexp(c.t, uuidRE, id)
	c.env["VB365_SESSION"] = id
	return id
}

// jsonLines parses one JSON object per line.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var objs []map[string]any
	for line := range strings.Lines(out) {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), "line %q", line)
		objs = append(objs, m)
	}
	return objs
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

func inboxItemIDs(srv *vb365test.Server, n int) []string {
	var ids []string
	for _, it := range srv.Organization().MailboxByEmail(alice).Folder("Inbox").Items()[:n] {
		ids = append(ids, it.ID())
	}
	return ids
}

func TestHelp(t *testing.T) {
	t.Parallel()
	c := setup(t)

	out := c.ok("help")
	for _, want := range []string{"sessions explore", "restore items", "export pst", "VB365_URL", "Exit codes", "--demo", "completion", "--dry-run", "--jq"} {
		assert.Contains(t, out, want)
	}
	assert.Regexp(t, `(?m)^  5\s+outcome unknown`, out)
	assert.Regexp(t, `(?m)^  130\s+interrupted`, out)
	assert.Contains(t, c.ok("help", "restore", "items"), "--mark-unread")
	assert.Contains(t, c.ok("items", "list", "-h"), "--folder")
	assert.Contains(t, c.ok("--help"), "Commands:")

	r := c.run()
	assert.Equal(t, exitUsage, r.code, "no command")
	assert.Contains(t, r.stderr, "Commands:", "help on stderr")
	assert.Empty(t, r.stdout)
	assert.Equal(t, 0, c.srv.TokenRequests())
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		env   map[string]string // added to the operator's environment; "" deletes
		stdin string
		args  []string
		want  string
	}{
		{name: "unknown command", args: []string{"frobnicate"}, want: "unknown command"},
		{name: "group without subcommand", args: []string{"sessions"}, want: "explore, list, get, stop, events"},
		{name: "unknown subcommand", args: []string{"items", "delete"}, want: "unknown command"},
		{name: "unknown flag", args: []string{"mailboxes", "list", "--nope"}, want: "-nope"},
		{name: "no password flag", args: []string{"sessions", "list", "--password", "x"}, want: "-password"},
		{name: "positional argument", args: []string{"sessions", "get", "abc"}, want: `unexpected argument "abc"`},
		{name: "bad output", args: []string{"sessions", "list", "--output", "xml"}, want: "--output"},
		{name: "bad api version", args: []string{"sessions", "list", "--api-version", "v9"}, want: "--api-version"},
		{name: "no server", env: map[string]string{"VB365_URL": ""}, args: []string{"sessions", "list"}, want: "VB365_URL"},
		{name: "plain http", env: map[string]string{"VB365_URL": "http://vb365.example.com:4443"}, args: []string{"sessions", "list"}, want: "--allow-http"},
		{name: "no credentials", env: map[string]string{"VB365_CLIENT_ID": ""}, args: []string{"sessions", "list"}, want: "no credentials"},
		{name: "no assertion", env: map[string]string{"VB365_ASSERTION": ""}, args: []string{"sessions", "list"}, want: "no assertion"},
		{name: "two logins", env: map[string]string{"VB365_USERNAME": "admin"}, args: []string{"sessions", "list"}, want: "keep one"},
		{name: "no session", args: []string{"mailboxes", "list"}, want: "--session"},
		{name: "no mailbox", args: []string{"items", "list", "--session", "s"}, want: "--mailbox"},
		{name: "restore without items", args: []string{"restore", "items", "--session", "s", "--mailbox", "m"}, want: "--item"},
		{name: "export two scopes", args: []string{"export", "pst", "--session", "s", "--mailbox", "m", "--item", "i", "--whole-mailbox", "--out", "x.pst"}, want: "exactly one"},
		{name: "export without out", args: []string{"export", "msg", "--session", "s", "--mailbox", "m", "--item", "i"}, want: "--out"},
		{name: "search without query", args: []string{"items", "search", "--session", "s"}, want: "--query"},
		{name: "bad time", args: []string{"sessions", "explore", "--at", "yesterday"}, want: "--at"},
		{name: "stdin twice", env: map[string]string{"VB365_ASSERTION": ""}, stdin: "secret\n",
			args: []string{"restore", "items", "--assertion-stdin", "--session", "s", "--mailbox", "m", "--items-from", "-"}, want: "can read stdin"},
		{name: "empty secret file", env: map[string]string{"VB365_ASSERTION": "", "VB365_ASSERTION_FILE": "EMPTY"}, args: []string{"sessions", "list"}, want: "is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := setup(t)
			for k, v := range tc.env {
				if v == "EMPTY" {
					v = writeFile(t, "empty", "\n")
				}
				if v == "" {
					delete(c.env, k)
				} else {
					c.env[k] = v
				}
			}
			r := c.runStdin(tc.stdin, tc.args...)
			assert.Equal(t, exitUsage, r.code, "stderr: %s", r.stderr)
			assert.Contains(t, r.stderr, tc.want)
			assert.Contains(t, r.stderr, "vb365 help")
			assert.Empty(t, r.stdout)
			assert.Equal(t, 0, c.srv.TokenRequests(), "a usage error sends nothing")
		})
	}
}

func TestOperatorWorkflow(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"v6", "v7", "v8"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			c := setup(t)
			c.env["VB365_API_VERSION"] = version
			sid := c.explore()

			// Mailboxes: a table, and JSON lines with the CLI's field names.
			assert.Contains(t, c.ok("mailboxes", "list"), "Online Archive - Alice Johnson")
			mbs := jsonLines(t, c.ok("mailboxes", "list", "--output", "json"))
			require.Len(t, mbs, 4)
			assert.ElementsMatch(t, []string{"id", "name", "email", "isArchive", "isPublic"}, keys(mbs[0]))
			assert.Equal(t, alice, mbs[0]["email"])
			aliceID := mbs[0]["id"].(string)

			// Folders, by e-mail address: the user's mailbox, not the archive.
			folders := jsonLines(t, c.ok("folders", "list", "--mailbox", alice, "--output", "json"))
			var inbox map[string]any
			for _, f := range folders {
				assert.Equal(t, aliceID, f["mailboxId"])
				if f["category"] == "Inbox" {
					inbox = f
				}
			}
			require.NotNil(t, inbox)
			assert.ElementsMatch(t, []string{"id", "mailboxId", "parentId", "name", "category", "type", "description"}, keys(inbox))
			assert.Equal(t, "", inbox["parentId"], "the Inbox is a top-level folder")

			// Items of the inbox, JSON then table.
			items := jsonLines(t, c.ok("items", "list", "--mailbox", aliceID, "--folder", inbox["id"].(string), "--output", "json"))
			require.NotEmpty(t, items)
			assert.ElementsMatch(t, []string{"id", "mailboxId", "folderId", "itemClass", "subject", "from", "to", "cc", "bcc",
				"sent", "received", "importance", "attachments"}, keys(items[0]))
			assert.Equal(t, inbox["id"], items[0]["folderId"])
			want := inboxItemIDs(c.srv, len(items))
			for i, it := range items {
				assert.Equal(t, want[i], it["id"])
			}
			table := c.ok("items", "list", "--mailbox", alice, "--folder", inbox["id"].(string), "--max", "2")
			assert.Len(t, strings.Split(strings.TrimSpace(table), "\n"), 3, "header and two rows:\n%s", table)
			assert.Contains(t, table, want[1])

			// Restore two items.
			out := c.ok("restore", "items", "--mailbox", alice, "--item", want[0], "--item", want[1],
				"--folder", "Restored by help desk", "--reason", "ticket 4711", "--mark-unread", "--output", "json")
			res := jsonLines(t, out)
			require.Len(t, res, 1)
			assert.Equal(t, sid, res[0]["sessionId"])
			assert.EqualValues(t, 2, res[0]["itemCount"])
			restores := c.srv.Restores()
			require.Len(t, restores, 1)
			assert.Equal(t, want[:2], restores[0].ItemIDs)
			assert.Equal(t, "Restored by help desk", restores[0].Folder)
			assert.Equal(t, "ticket 4711", restores[0].Reason)
			assert.True(t, restores[0].MarkRestoredAsUnread)
			assert.Equal(t, version, restores[0].APIVersion)

			// Its event, then stop.
			events := jsonLines(t, c.ok("sessions", "events", "--output", "json"))
			require.Len(t, events, 1)
			assert.Equal(t, "Restore", events[0]["type"])
			assert.Equal(t, "Success", events[0]["status"])
			assert.Contains(t, c.ok("sessions", "list"), sid)
			assert.Contains(t, c.ok("sessions", "stop"), sid)
			got := jsonLines(t, c.ok("sessions", "get", "--output", "json"))
			require.Len(t, got, 1)
			assert.ElementsMatch(t, []string{"id", "name", "organization", "type", "state", "result", "creationTime",
				"endTime", "initiatedBy", "scopeName", "reason"}, keys(got[0]))
			assert.Equal(t, "Stopped", got[0]["state"])
			assert.Equal(t, "ticket 4711", got[0]["reason"])
		})
	}
}

func TestGlobalFlagsAfterCommandWin(t *testing.T) {
	t.Parallel()
	c := setup(t)
	c.explore()
	out := c.ok("--output", "table", "mailboxes", "list", "--output", "json")
	assert.Len(t, jsonLines(t, out), 4)

	// --session on the command line beats VB365_SESSION.
	r := c.run("mailboxes", "list", "--session", "00000000-0000-0000-0000-000000000000")
	assert.Equal(t, exitNotFound, r.code)
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	c := setup(t)
	c.env["VB365_SESSION"] = "00000000-0000-0000-0000-000000000000"
	r := c.run("mailboxes", "list")
	assert.Equal(t, exitNotFound, r.code, r.stderr)
	assert.Contains(t, r.stderr, "404")
	assert.Empty(t, r.stdout)

	c.explore()
	r = c.run("items", "list", "--mailbox", "nobody@contoso.onmicrosoft.com")
	assert.Equal(t, exitNotFound, r.code, r.stderr)
	assert.Contains(t, r.stderr, "no mailbox with the address nobody@contoso.onmicrosoft.com")

	// A restore of an item that does not exist restores nothing.
	r = c.run("restore", "items", "--mailbox", alice, "--item", "no-such-item")
	assert.Equal(t, exitNotFound, r.code, r.stderr)
	assert.Equal(t, 0, c.srv.RestoreCount())
}

func TestBadCredentials(t *testing.T) {
	t.Parallel()
	const wrong = "wrong-assertion-c2VjcmV0"
	c := setup(t)
	c.env["VB365_ASSERTION"] = wrong
	r := c.run("sessions", "list")
	assert.Equal(t, exitAuth, r.code, r.stderr)
	assert.Contains(t, r.stderr, "refused")
	assert.NotContains(t, r.stderr+r.stdout, wrong)

	// A wrong password on stdin, with request logging on.
	const wrongPassword = "Wr0ng-Passw0rd-xyzzy"
	c.admin()
	delete(c.env, "VB365_PASSWORD_FILE")
	r = c.runStdin(wrongPassword+"\n", "sessions", "list", "--password-stdin", "--verbose")
	assert.Equal(t, exitAuth, r.code, r.stderr)
	assert.NotContains(t, r.stderr+r.stdout, wrongPassword)
	assert.NotContains(t, r.stderr+r.stdout, "Wr0ng")
}

func TestPasswordFromStdinIsNeverEchoed(t *testing.T) {
	t.Parallel()
	c := setup(t).admin()
	delete(c.env, "VB365_PASSWORD_FILE")
	r := c.runStdin(vb365test.DefaultPassword+"\n", "--verbose", "--password-stdin", "sessions", "explore", "--output", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	s := jsonLines(t, r.stdout)
	require.Len(t, s, 1)
	assert.Regexp(t, uuidRE, s[0]["id"])
	assert.NotEmpty(t, r.stderr, "--verbose logs the requests")
	assert.NotContains(t, r.stdout+r.stderr, vb365test.DefaultPassword)

	// The password from the environment works as well, and from a file.
	c.env["VB365_PASSWORD"] = vb365test.DefaultPassword
	assert.Len(t, jsonLines(t, c.ok("sessions", "list", "--output", "json")), 1)
	delete(c.env, "VB365_PASSWORD")
	c.env["VB365_PASSWORD_FILE"] = writeFile(t, "pw", vb365test.DefaultPassword+"\r\n")
	assert.Len(t, jsonLines(t, c.ok("sessions", "list", "--output", "json")), 1)
}

func TestAssertionFile(t *testing.T) {
	t.Parallel()
	c := setup(t)
	delete(c.env, "VB365_ASSERTION")
	path := writeFile(t, "token", vb365test.DefaultOperatorAssertion+"\n")
	out := c.ok("sessions", "explore", "--assertion-file", path)
	assert.Regexp(t, uuidRE, strings.TrimSpace(out))

	r := c.runStdin(vb365test.DefaultOperatorAssertion, "sessions", "list", "--assertion-stdin")
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.NotContains(t, r.stdout+r.stderr, vb365test.DefaultOperatorAssertion)
}

func TestRestoreOutcomeUnknown(t *testing.T) {
	t.Parallel()
	c := setup(t)
	sid := c.explore()
	ids := inboxItemIDs(c.srv, 1)
	c.srv.InjectFault(vb365test.RouteOperatorRestore, vb365test.ActThenRespond(502, `{"message":"Bad gateway"}`))

	r := c.run("restore", "items", "--mailbox", alice, "--item", ids[0])
	assert.Equal(t, exitOutcomeUnknown, r.code, r.stderr)
	assert.Contains(t, r.stderr, "may have run")
	assert.Contains(t, r.stderr, "vb365 sessions events --session "+sid)
	assert.Empty(t, r.stdout)
	assert.Equal(t, 1, c.srv.RestoreCount(), "the server restored once, and the CLI did not send it again")

	// What the hint says to do shows the restore.
	events := jsonLines(t, c.ok("sessions", "events", "--output", "json"))
	require.Len(t, events, 1)
	assert.Equal(t, "Restore", events[0]["type"])
}

func TestRestoreItemsFromStdinAndWait(t *testing.T) {
	t.Parallel()
	c := setup(t)
	c.explore()
	ids := inboxItemIDs(c.srv, 3)
	stdin := "# from jq\n" + strings.Join(ids, "\n") + "\n\n"
	r := c.runStdin(stdin, "restore", "items", "--mailbox", alice, "--items-from", "-", "--wait")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Regexp(t, `Restored:\s+1`, r.stdout)
	assert.Regexp(t, `Failed:\s+0`, r.stdout)
	require.Equal(t, 1, c.srv.RestoreCount())
	assert.Equal(t, ids, c.srv.Restores()[0].ItemIDs)
}

func TestRestoreWaitCountsOnlyThisRestore(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	c := setup(t, vb365test.WithClock(clk.Now))
	// The server's clock is a minute behind the command's: its events
	// start before the command sent the restore.
	c.now = func() time.Time { return clk.Now().Add(time.Minute) }
	c.explore()
	ids := inboxItemIDs(c.srv, 3)
	c.ok("restore", "items", "--mailbox", alice, "--item", ids[0])
	// The next restore comes a second later, well within the allowance
	// for the clocks' skew.
	clk.Advance(time.Second)
	// --timeout only bounds a failure: a wait that missed its restore's event.
	out := c.ok("--timeout", "20s", "restore", "items", "--mailbox", alice, "--item", ids[1], "--item", ids[2], "--wait", "--output", "json")
	res := jsonLines(t, out)
	require.Len(t, res, 1)
	assert.Equal(t, map[string]any{"restored": 1.0, "failed": 0.0, "skipped": 0.0, "warnings": 0.0}, res[0]["summary"],
		"the second restore's event only")
	require.Len(t, jsonLines(t, c.ok("sessions", "events", "--output", "json")), 2, "the session holds both")
}

// clock is a goroutine-safe settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestSearch(t *testing.T) {
	t.Parallel()
	c := setup(t)
	c.explore()
	items := jsonLines(t, c.ok("items", "search", "--mailbox", alice, "--query", "subject:invoice", "--output", "json"))
	require.NotEmpty(t, items)
	for _, it := range items {
		assert.Contains(t, strings.ToLower(it["subject"].(string)), "invoice")
	}
	all := jsonLines(t, c.ok("items", "search", "--query", "subject:invoice", "--output", "json"))
	assert.GreaterOrEqual(t, len(all), len(items))
}

// TestSearchShowsEachHitsMailbox searches every mailbox and expects each
// hit to name the mailbox that holds it, in JSON and in the table, on
// every version: v6 and v7 name it only in the hit's links.
func TestSearchShowsEachHitsMailbox(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"v6", "v7", "v8"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			c := setup(t)
			c.env["VB365_API_VERSION"] = version
			c.explore()
			holder := map[string]string{} // item ID → mailbox ID
			for _, m := range c.srv.Organization().Mailboxes() {
				for _, f := range m.Folders() {
					for _, it := range f.Items() {
						holder[it.ID()] = m.ID()
					}
				}
			}
			hits := jsonLines(t, c.ok("items", "search", "--query", "subject:budget", "--output", "json"))
			require.GreaterOrEqual(t, len(hits), 4)
			mailboxes := map[string]bool{}
			for _, h := range hits {
				want := holder[h["id"].(string)]
				require.NotEmpty(t, want, "a top-level folder's item: %v", h["id"])
				assert.Equal(t, want, h["mailboxId"], "hit %v", h["subject"])
				assert.NotEmpty(t, h["folderId"])
				mailboxes[want] = true
			}
			assert.Len(t, mailboxes, 2, "alice's and bob's")

			table := strings.Split(strings.TrimSpace(c.ok("items", "search", "--query", "subject:budget")), "\n")
			require.Len(t, table, len(hits)+1)
			assert.Contains(t, table[0], "MAILBOX")
			for i, row := range table[1:] {
				assert.True(t, strings.HasSuffix(strings.TrimSpace(row), hits[i]["mailboxId"].(string)), "row %q", row)
			}
		})
	}
}

func TestExport(t *testing.T) {
	t.Parallel()
	c := setup(t, vb365test.WithExportSize(300<<10)).admin()
	c.explore()
	dir := t.TempDir()
	out := filepath.Join(dir, "alice.pst")

	rec := jsonLines(t, c.ok("export", "pst", "--mailbox", alice, "--whole-mailbox", "--out", out, "--output", "json"))
	require.Len(t, rec, 1)
	assert.ElementsMatch(t, []string{"file", "bytes", "contentType", "resumes"}, keys(rec[0]))
	assert.EqualValues(t, 300<<10, rec[0]["bytes"])
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	actions := c.srv.Actions()
	require.Len(t, actions, 1)
	want, err := io.ReadAll(actions[0].Content())
	require.NoError(t, err)
	assert.Equal(t, want, got)

	// An existing file is kept without --force.
	r := c.run("export", "pst", "--mailbox", alice, "--whole-mailbox", "--out", out)
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "--force")
	assert.Len(t, c.srv.Actions(), 1)

	// One item as MSG.
	msg := filepath.Join(dir, "one.msg")
	c.ok("export", "msg", "--mailbox", alice, "--item", inboxItemIDs(c.srv, 1)[0], "--out", msg)
	assert.FileExists(t, msg)

	// A failed download leaves neither the file nor a temporary one.
	c.srv.InjectFault(vb365test.RouteExportToPst, vb365test.Respond(404, `{"message":"gone"}`))
	r = c.run("export", "pst", "--mailbox", alice, "--whole-mailbox", "--out", filepath.Join(dir, "failed.pst"))
	assert.Equal(t, exitNotFound, r.code, r.stderr)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{"alice.pst", "one.msg"}, names)

	// A restore operator may not export.
	op := setup(t)
	op.explore()
	r = op.run("export", "pst", "--mailbox", alice, "--whole-mailbox", "--out", filepath.Join(dir, "op.pst"))
	assert.Equal(t, exitAuth, r.code, r.stderr)
	assert.Contains(t, r.stderr, "administrator's login")
}

func TestProgressBarOnlyOnATerminal(t *testing.T) {
	t.Parallel()
	org := vb365test.NewOrganization("Big")
	big := org.AddMailbox("Big Box", "big@big.example")
	big.AddFolder("Inbox", "Inbox").AddMessages(120)

	for _, terminal := range []bool{false, true} {
		c := setup(t, vb365test.WithOrganization(org), vb365test.WithExportSize(1<<20))
		c.terminal = terminal
		c.explore()
		r := c.run("items", "list", "--mailbox", "big@big.example", "--page-size", "25", "--output", "json")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Len(t, jsonLines(t, r.stdout), 120, "stdout holds only results")
		if terminal {
			assert.Contains(t, r.stderr, "\ritems  ")
			assert.Contains(t, r.stderr, "pages")
			assert.True(t, strings.HasSuffix(r.stderr, "\r"), "the line is cleared at the end: %q", r.stderr)
		} else {
			assert.Empty(t, r.stderr)
		}

		c.admin()
		c.explore()
		r = c.run("export", "pst", "--mailbox", "big@big.example", "--whole-mailbox", "--out", filepath.Join(t.TempDir(), "big.pst"))
		require.Equal(t, exitOK, r.code, r.stderr)
		if terminal {
			assert.Contains(t, r.stderr, "\rexport pst  [")
			assert.Contains(t, r.stderr, "100%  1.0 MiB / 1.0 MiB")
		} else {
			assert.Empty(t, r.stderr)
		}
	}
}

func TestDemo(t *testing.T) {
	t.Parallel()
	c := setup(t)
	c.env["VB365_URL"] = "http://127.0.0.1:1" // ignored by --demo
	c.env["VB365_SESSION"] = "not-this-one"

	r := c.run("--demo", "mailboxes", "list", "--output", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Len(t, jsonLines(t, r.stdout), 4)
	assert.Contains(t, r.stderr, "demo")

	out := c.ok("sessions", "explore", "--demo")
	assert.Regexp(t, uuidRE, strings.TrimSpace(out))

	out = c.ok("--demo", "items", "list", "--mailbox", alice, "--max", "3")
	assert.Contains(t, out, "SUBJECT")

	out = c.ok("--demo", "restore", "items", "--mailbox", alice, "--item", inboxItemIDs(c.srv, 1)[0], "--output", "json")
	assert.Len(t, jsonLines(t, out), 1)

	out = c.ok("--demo", "export", "msg", "--mailbox", alice, "--item", inboxItemIDs(c.srv, 1)[0], "--out", filepath.Join(t.TempDir(), "x.msg"))
	assert.Contains(t, out, "File:")

	assert.Equal(t, 0, c.srv.TokenRequests(), "the demo never used the configured server")
}

func TestTableIsSafeForTerminals(t *testing.T) {
	t.Parallel()
	org := vb365test.NewOrganization("Evil")
	mb := org.AddMailbox("Mallory", "mallory@evil.example")
	mb.AddFolder("Inbox", "Inbox").AddMessage("hello\x1b]0;pwned\x07\x1b[2J\nsecond line\tcol", "x@evil.example", time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	c := setup(t, vb365test.WithOrganization(org))
	c.explore()

	out := c.ok("items", "list", "--mailbox", "mallory@evil.example")
	assert.NotContains(t, out, "\x1b")
	assert.NotContains(t, out, "\x07")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	assert.Len(t, lines, 2, "one row, whatever the subject holds:\n%s", out)

	// JSON keeps the subject as it is.
	items := jsonLines(t, c.ok("items", "list", "--mailbox", "mallory@evil.example", "--output", "json"))
	require.Len(t, items, 1)
	assert.Contains(t, items[0]["subject"], "\x1b[2J\nsecond line")
}

func TestCAFile(t *testing.T) {
	t.Parallel()
	srv := vb365test.NewTLSServer()
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	conn, err := tls.Dial("tcp", u.Host, &tls.Config{InsecureSkipVerify: true}) // only to read the certificate
	require.NoError(t, err)
	cert := conn.ConnectionState().PeerCertificates[0]
	require.NoError(t, conn.Close())
	caFile := writeFile(t, "ca.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})))

	c := &cli{t: t, srv: srv, cache: t.TempDir(), env: map[string]string{
		"VB365_URL":       srv.URL,
		"VB365_CLIENT_ID": vb365test.DefaultOperatorClientID,
		"VB365_ASSERTION": vb365test.DefaultOperatorAssertion,
	}}
	r := c.run("sessions", "list")
	assert.Equal(t, exitOther, r.code, "the certificate is not trusted without the CA file: %s", r.stderr)
	assert.Contains(t, r.stderr, "certificate")

	c.env["VB365_CA_FILE"] = caFile
	c.explore()
	assert.Len(t, jsonLines(t, c.ok("mailboxes", "list", "--output", "json")), 4)

	r = c.run("sessions", "list", "--ca-file", writeFile(t, "bad.pem", "not a certificate"))
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "no PEM certificate")
}

func TestAdministratorExplore(t *testing.T) {
	t.Parallel()
	c := setup(t).admin()
	orgID := c.srv.Organization().ID()
	out := c.ok("sessions", "explore", "--organization", orgID, "--at", "2026-11-30", "--output", "json")
	s := jsonLines(t, out)
	require.Len(t, s, 1)
	assert.Equal(t, "Working", s[0]["state"])
	assert.Equal(t, 1, c.srv.Requests(vb365test.RouteOrganizationExplore))

	r := c.run("sessions", "explore", "--organization", "00000000-0000-0000-0000-000000000000")
	assert.Equal(t, exitNotFound, r.code, r.stderr)

	r = c.run("sessions", "explore", "--reason", "ticket")
	assert.Equal(t, exitUsage, r.code)
}
