package main

// Tests of issue 14: the CLI's bugs and the conventions it follows (gh,
// kubectl, stripe), against the fake in-process.

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365"
	"github.com/vb365-go/vb365/vb365test"
)

func TestExportOut(t *testing.T) {
	t.Parallel()
	c := setup(t).admin()
	c.explore()
	dir := t.TempDir()
	export := func(out string, more ...string) result {
		return c.run(append([]string{"export", "pst", "--mailbox", alice, "--whole-mailbox", "--out", out}, more...)...)
	}

	// A directory is refused as one, with or without --force.
	for _, force := range [][]string{nil, {"--force"}} {
		r := export(dir, force...)
		assert.Equal(t, exitUsage, r.code, r.stderr)
		assert.Contains(t, r.stderr, dir+" is a directory")
		assert.NotContains(t, r.stderr, "give --force")
	}

	// A missing directory names the user's path, not the temporary file.
	missing := filepath.Join(dir, "nope", "x.pst")
	r := export(missing)
	assert.Equal(t, exitUsage, r.code, r.stderr)
	assert.Contains(t, r.stderr, missing)
	assert.Contains(t, r.stderr, "does not exist")
	assert.NotContains(t, r.stderr, ".part")
	assert.Empty(t, c.srv.Actions(), "nothing was sent")

	// --force replaces a file.
	file := filepath.Join(dir, "alice.pst")
	require.NoError(t, os.WriteFile(file, []byte("old"), 0o600))
	assert.Equal(t, exitUsage, export(file).code, "kept without --force")
	r = export(file, "--force")
	require.Equal(t, exitOK, r.code, r.stderr)
	want, err := io.ReadAll(c.srv.Actions()[0].Content())
	require.NoError(t, err)
	got, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Equal(t, want, got)

	// --out - writes the file to stdout, and nothing else.
	r = export("-")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, string(want), r.stdout)
	// ... but not to a terminal.
	c.terminal = true
	r = export("-")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "terminal")
	assert.Len(t, c.srv.Actions(), 2)
}

func TestMessagesSpeakCLI(t *testing.T) {
	t.Parallel()
	// goName matches what a Go programmer would see: options, arguments,
	// methods.
	goName := regexp.MustCompile(`With[A-Z]|req\.|opts\.|RestoreSessions\.|Mailboxes\.|OperatorRestore|ArgumentError`)

	c := setup(t)
	c.env["VB365_URL"] = c.srv.URL + "/v6"
	r := c.run("sessions", "list")
	assert.Equal(t, exitUsage, r.code, r.stderr)
	assert.Contains(t, r.stderr, "--api-version")
	assert.NotRegexp(t, goName, r.stderr)

	c = setup(t)
	sid := c.explore()
	r = c.run("restore", "items", "--mailbox", c.srv.Organization().MailboxByEmail(alice).ID(), "--item", strings.Repeat("a", 3000)) // past the SDK's length bound, which the CLI does not check itself
	assert.Equal(t, exitUsage, r.code, r.stderr)
	assert.Contains(t, r.stderr, "--item (the 1st)")
	assert.NotRegexp(t, goName, r.stderr)
	assert.Equal(t, 0, c.srv.RestoreCount())

	c.srv.InjectFault(vb365test.RouteOperatorRestore, vb365test.ActThenRespond(502, `{"message":"Bad gateway"}`))
	r = c.run("restore", "items", "--mailbox", alice, "--item", inboxItemIDs(c.srv, 1)[0])
	assert.Equal(t, exitOutcomeUnknown, r.code, r.stderr)
	assert.Contains(t, r.stderr, "outcome unknown")
	assert.Contains(t, r.stderr, "502")
	assert.Contains(t, r.stderr, "vb365 sessions events --session "+sid)
	assert.NotRegexp(t, goName, r.stderr)
}

func TestHelpOfACommand(t *testing.T) {
	t.Parallel()
	c := setup(t)
	out := c.ok("help", "items")
	for _, sub := range []string{"items list", "items get", "items search"} {
		assert.Contains(t, out, sub)
	}
	assert.Contains(t, c.ok("help", "export", "pst"), "--whole-mailbox")
	assert.Equal(t, c.ok("help", "export", "pst"), c.ok("export", "pst", "--help"))

	r := c.run("help", "frobnicate")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "unknown command")
	assert.Equal(t, 0, c.srv.TokenRequests())
}

func TestBadSearchQueryIsUsage(t *testing.T) {
	t.Parallel()
	c := setup(t)
	c.explore()
	for _, args := range [][]string{{"--mailbox", alice}, nil} {
		r := c.run(append([]string{"items", "search", "--query", `subject:"unbalanced`}, args...)...)
		assert.Equal(t, exitUsage, r.code, r.stderr)
		assert.Contains(t, r.stderr, "--query")
		assert.Contains(t, r.stderr, "unbalanced quote", "the server's reason")
	}
	assert.Equal(t, 1, c.srv.Requests(vb365test.RouteMailboxSearch), "the server judged the query")
	assert.Equal(t, 1, c.srv.Requests(vb365test.RouteMailboxesSearch))
}

func TestInterruptedWhileWaitingForInput(t *testing.T) {
	t.Parallel()
	ran := new(atomic.Int32)
	c := setup(t)
	c.commands = slices.Concat(commands, []*command{overwriteCommand(ran)})
	c.stdinTTY, c.terminal = true, true
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan result, 1)
	go func() { done <- c.runContext(ctx, pr, "test", "overwrite") }()
	cancel() // Ctrl-C at the prompt
	r := <-done
	assert.Equal(t, exitInterrupted, r.code, r.stderr)
	assert.Contains(t, r.stderr, "interrupted")
	assert.Zero(t, ran.Load())
}

func TestDemoSaysWhatItIgnores(t *testing.T) {
	t.Parallel()
	c := setup(t)
	r := c.run("--demo", "--ca-file", "/no/such.pem", "mailboxes", "list", "--url", "https://elsewhere:4443")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stderr, "--demo ignores --url, --ca-file")
	r = c.run("--demo", "mailboxes", "list")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.NotContains(t, r.stderr, "ignores")
}

func TestUsageErrorsBeforeLoginOrSession(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, args := range [][]string{
		{"items", "list"},
		{"folders", "list", "--all", "--parent", "p"},
		{"restore", "items", "--mailbox", alice},
		{"export", "pst", "--mailbox", alice, "--whole-mailbox", "--out", dir},
		{"items", "search", "--mailbox", alice},
		{"mailboxes", "list", "--jq", ".["},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			// --demo opens a restore session before a command that needs
			// one: not before a usage error.
			c := setup(t)
			r := c.run(append([]string{"--demo"}, args...)...)
			assert.Equal(t, exitUsage, r.code, r.stderr)
			assert.NotContains(t, r.stderr, "restore session ", "no session was opened")
			assert.NotContains(t, r.stderr, "demo:")

			c.explore()
			tokens := c.srv.TokenRequests()
			r = c.run(args...)
			assert.Equal(t, exitUsage, r.code, r.stderr)
			assert.Equal(t, tokens, c.srv.TokenRequests())
			assert.Equal(t, 0, c.srv.Requests(vb365test.RouteMailboxes), "no look-up")
		})
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	c := setup(t)
	out := c.ok("version")
	assert.Contains(t, out, vb365.Version)
	assert.Contains(t, out, "v6, v7, v8")
	assert.Equal(t, out, c.ok("--version"))
	v := jsonLines(t, c.ok("version", "--output", "json"))
	require.Len(t, v, 1)
	assert.Equal(t, []any{"v6", "v7", "v8"}, v[0]["apiVersions"])
	assert.Equal(t, vb365.Version, v[0]["version"])
	assert.Equal(t, 0, c.srv.TokenRequests())
}

func TestCompletion(t *testing.T) {
	t.Parallel()
	c := setup(t)
	for shell, want := range map[string]string{
		"bash": "__start_vb365", "zsh": "#compdef vb365", "fish": "complete -c vb365", "powershell": "Register-ArgumentCompleter",
	} {
		assert.Contains(t, c.ok("completion", shell), want, shell)
	}
	for _, args := range [][]string{{"completion"}, {"completion", "nushell"}} {
		r := c.run(args...)
		assert.Equal(t, exitUsage, r.code, args)
		assert.Contains(t, r.stderr, "powershell", args)
		assert.Empty(t, r.stdout)
	}
	// What the scripts ask the program for.
	out := c.ok("__complete", "items", "")
	for _, sub := range []string{"list", "get", "search"} {
		assert.Contains(t, out, sub)
	}
	out = c.ok("__complete", "mailboxes", "list", "--output", "")
	for _, f := range []string{"table", "json", "tsv"} {
		assert.Contains(t, out, f)
	}
	assert.Contains(t, c.ok("__complete", "restore", "items", "--ma"), "--mailbox")
	assert.Equal(t, 0, c.srv.TokenRequests())
}

func TestDryRun(t *testing.T) {
	t.Parallel()
	c := setup(t)
	sid := c.explore()
	ids := inboxItemIDs(c.srv, 2)
	mbID := c.srv.Organization().MailboxByEmail(alice).ID()

	r := c.run("restore", "items", "--mailbox", alice, "--item", ids[0], "--item", ids[1], "--folder", "Restored", "--wait", "--dry-run")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "nothing was sent")
	assert.Contains(t, r.stdout, "POST /v6/RestoreSessions/"+sid+"/organization/mailboxes/"+mbID+"/items/operatorRestore")
	assert.Contains(t, r.stdout, `"folder": "Restored"`)

	out := c.ok("restore", "items", "--mailbox", alice, "--item", ids[0], "--dry-run", "--output", "json")
	dry := jsonLines(t, out)
	require.Len(t, dry, 1)
	assert.Equal(t, true, dry[0]["dryRun"])
	assert.Equal(t, "POST", dry[0]["method"])
	assert.Equal(t, []any{map[string]any{"id": ids[0]}}, dry[0]["body"].(map[string]any)["items"])
	assert.Equal(t, 0, c.srv.Requests(vb365test.RouteOperatorRestore), "no restore reached the server")
	assert.Equal(t, 0, c.srv.RestoreCount())

	// Exports: no request, and no file.
	c.admin()
	c.explore()
	dir := t.TempDir()
	out = c.ok("export", "pst", "--mailbox", alice, "--whole-mailbox", "--out", filepath.Join(dir, "a.pst"), "--dry-run", "--output", "json")
	dry = jsonLines(t, out)
	require.Len(t, dry, 1)
	assert.Regexp(t, `/mailboxes/`+mbID+`/exportToPst$`, dry[0]["path"])
	out = c.ok("export", "msg", "--mailbox", alice, "--item", ids[0], "--out", filepath.Join(dir, "a.msg"), "--dry-run")
	assert.Contains(t, out, "/save")
	assert.Equal(t, 0, c.srv.Requests(vb365test.RouteExportToPst)+c.srv.Requests(vb365test.RouteSave))
	assert.Empty(t, c.srv.Actions())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)

	// Commands that send no action take no --dry-run.
	r = c.run("mailboxes", "list", "--dry-run")
	assert.Equal(t, exitUsage, r.code)
}

func TestRedactBody(t *testing.T) {
	t.Parallel()
	body := `{"userName":"admin@contoso","userPassword":"p4ssw0rd!","applicationCertificate":"MIIBsecret",` +
		`"applicationCertificatePassword":"certpass","userCode":"","nested":{"refreshToken":"rt-secret"},` +
		`"items":[{"id":"AAMk+/="}],"folder":"Restored"}`
	got := string(redactBody([]byte(body)))
	for _, secret := range []string{"p4ssw0rd!", "MIIBsecret", "certpass", "rt-secret"} {
		assert.NotContains(t, got, secret)
	}
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(got), &m))
	assert.Equal(t, "admin@contoso", m["userName"])
	assert.Equal(t, "REDACTED", m["userPassword"])
	assert.Equal(t, "", m["userCode"], "an empty value hides nothing")
	assert.Equal(t, "AAMk+/=", m["items"].([]any)[0].(map[string]any)["id"])
	assert.Equal(t, "null", string(redactBody(nil)))
	assert.NotContains(t, string(redactBody([]byte("password=x"))), "password=x")
}

// overwriteCommand is a command that overwrites, for the test of
// app.confirm apart from any server (restore documents --overwrite uses it:
// onedrive_test.go).
func overwriteCommand(ran *atomic.Int32) *command {
	return &command{
		name: "test overwrite", summary: "overwrite, for a test", noServer: true, overwrites: true,
		setup: func(*pflag.FlagSet) (func(*app) error, action) {
			check := func(a *app) error { return a.confirm("this overwrites 3 documents in alice's OneDrive") }
			return check, func(context.Context, *app) error {
				ran.Add(1)
				return nil
			}
		},
	}
}

func TestConfirmOverwrite(t *testing.T) {
	t.Parallel()
	ran := new(atomic.Int32)
	c := setup(t)
	c.commands = slices.Concat(commands, []*command{overwriteCommand(ran)})

	// No terminal: --yes is needed.
	r := c.run("test", "overwrite")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "--yes")
	assert.Zero(t, ran.Load())
	c.ok("test", "overwrite", "--yes")
	assert.EqualValues(t, 1, ran.Load())

	// A terminal is asked, on stderr.
	c.stdinTTY, c.terminal = true, true
	r = c.runStdin("n\n", "test", "overwrite")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "overwrites 3 documents")
	assert.Contains(t, r.stderr, "[y/N]")
	assert.Contains(t, r.stderr, "nothing was sent")
	assert.EqualValues(t, 1, ran.Load())
	r = c.runStdin("y\n", "test", "overwrite")
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.EqualValues(t, 2, ran.Load())
	assert.Empty(t, r.stdout)
}

func TestTokenCache(t *testing.T) {
	t.Parallel()
	c := setup(t)
	c.env["VB365_API_VERSION"] = "v8" // v8 has a logout
	c.explore()
	for range 4 {
		c.ok("mailboxes", "list")
	}
	assert.Equal(t, 1, c.srv.TokenRequests(), "5 runs, 1 login")
	assert.Equal(t, 0, c.srv.Requests(vb365test.RouteLogout))

	dir := tokenCacheDir(c.cache)
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	require.NoError(t, err)
	require.Len(t, files, 1)
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(dir)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm())
		fi, err = os.Stat(files[0])
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	}
	b, err := os.ReadFile(files[0])
	require.NoError(t, err)
	assert.NotContains(t, string(b), vb365test.DefaultOperatorAssertion)
	assert.Contains(t, string(b), `"refreshToken"`)

	// Another user has a file of their own; a password never goes in it.
	c.admin()
	c.explore()
	files, _ = filepath.Glob(filepath.Join(dir, "*"))
	require.Len(t, files, 2)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.NotContains(t, string(b), vb365test.DefaultPassword)
	}
	assert.Equal(t, 2, c.srv.TokenRequests())

	// logout ends the login on the server and removes its file.
	out := c.ok("logout")
	assert.Contains(t, out, "yes")
	assert.Equal(t, 1, c.srv.Requests(vb365test.RouteLogout))
	files, _ = filepath.Glob(filepath.Join(dir, "*"))
	assert.Len(t, files, 1, "the operator's login is kept")
	assert.Contains(t, c.ok("logout"), "no login is kept")
	assert.Equal(t, 2, c.srv.TokenRequests(), "logout logs in for nothing")

	// --no-token-cache logs in and out, and removes the kept login.
	c = &cli{t: t, srv: c.srv, cache: c.cache, env: map[string]string{
		"VB365_URL": c.srv.URL, "VB365_API_VERSION": "v8",
		"VB365_CLIENT_ID": vb365test.DefaultOperatorClientID, "VB365_ASSERTION": vb365test.DefaultOperatorAssertion,
	}}
	c.ok("sessions", "list", "--no-token-cache")
	assert.Equal(t, 3, c.srv.TokenRequests())
	assert.Equal(t, 2, c.srv.Requests(vb365test.RouteLogout))
	files, _ = filepath.Glob(filepath.Join(dir, "*"))
	assert.Empty(t, files)
}

func TestTokenCacheFileReadableByOthersIsNotUsed(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("file modes")
	}
	c := setup(t)
	c.ok("sessions", "list")
	files, _ := filepath.Glob(filepath.Join(tokenCacheDir(c.cache), "*"))
	require.Len(t, files, 1)
	require.NoError(t, os.Chmod(files[0], 0o644))
	c.ok("sessions", "list")
	assert.Equal(t, 2, c.srv.TokenRequests())
}

func TestOutputTSV(t *testing.T) {
	t.Parallel()
	c := setup(t)
	c.explore()
	out := c.ok("mailboxes", "list", "--output", "tsv")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 4, "no header:\n%s", out)
	for _, l := range lines {
		assert.Len(t, strings.Split(l, "\t"), 4, l)
	}
	assert.True(t, strings.HasPrefix(lines[0], alice+"\t"))

	out = c.ok("items", "list", "--mailbox", alice, "--output", "tsv", "--max", "1")
	assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\t`, out, "times in RFC 3339")
	assert.Contains(t, c.ok("sessions", "get", "--output", "tsv"), "\t")
}

func TestJQ(t *testing.T) {
	t.Parallel()
	c := setup(t)
	c.explore()
	out := c.ok("mailboxes", "list", "--jq", ".email")
	assert.Equal(t, strings.Repeat(alice+"\n", 1)+"bob@contoso.onmicrosoft.com\nsupport@contoso.onmicrosoft.com\n"+alice+"\n", out)
	out = c.ok("mailboxes", "list", "--jq", `select(.isArchive) | {name}`)
	assert.Equal(t, `{"name":"Online Archive - Alice Johnson"}`+"\n", out)

	tokens := c.srv.TokenRequests()
	r := c.run("mailboxes", "list", "--jq", ".[")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "--jq")
	r = c.run("mailboxes", "list", "--jq", ".id", "--output", "table")
	assert.Equal(t, exitUsage, r.code)
	assert.Equal(t, tokens, c.srv.TokenRequests(), "checked before the login")

	r = c.run("mailboxes", "list", "--jq", ".email | tonumber")
	assert.Equal(t, exitOther, r.code)
	assert.Contains(t, r.stderr, "--jq")
}

func TestStdinPromptOnATerminal(t *testing.T) {
	t.Parallel()
	c := setup(t)
	c.explore()
	ids := inboxItemIDs(c.srv, 1)
	r := c.runStdin(ids[0]+"\n", "restore", "items", "--mailbox", alice, "--items-from", "-")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.NotContains(t, r.stderr, "stdin", "no prompt for a pipe")

	c.stdinTTY = true
	r = c.runStdin(ids[0]+"\n", "restore", "items", "--mailbox", alice, "--items-from", "-")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stderr, "reading item IDs from stdin")
	assert.NotContains(t, r.stdout, "stdin")

	c.admin()
	delete(c.env, "VB365_PASSWORD_FILE")
	r = c.runStdin(vb365test.DefaultPassword+"\nnot read\n", "sessions", "list", "--password-stdin")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stderr, "type the password")
}

func TestDidYouMean(t *testing.T) {
	t.Parallel()
	c := setup(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"items", "list", "--fodler", "x"}, "did you mean --folder?"},
		{[]string{"items", "list", "-mailbox", "x"}, "did you mean --mailbox?"},
		{[]string{"sesions", "list"}, "did you mean 'vb365 sessions'?"},
		{[]string{"items", "lst"}, "did you mean 'vb365 items list'?"},
		{[]string{"sessions", "list", "--outptu", "json"}, "did you mean --output?"},
	} {
		r := c.run(tc.args...)
		assert.Equal(t, exitUsage, r.code, tc.args)
		assert.Contains(t, r.stderr, tc.want, tc.args)
	}
	assert.Equal(t, 0, c.srv.TokenRequests())
}

// README's CLI section lists the exit codes that 'vb365 help' does.
func TestREADMEAgreesWithHelp(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	readme := string(b)
	start := strings.Index(readme, "## Command-line tool")
	require.GreaterOrEqual(t, start, 0)
	section := readme[start:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	row := regexp.MustCompile(`(?m)^\| (\d+) \| (.+) \|$`)
	var got []string
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		got = append(got, m[1]+" "+strings.ReplaceAll(m[2], "`", "'"))
	}
	var want []string
	for _, e := range exitCodes {
		want = append(want, strconv.Itoa(e.code)+" "+e.meaning)
	}
	assert.Equal(t, want, got, "README's exit codes")

	help := setup(t).ok("help")
	for _, e := range exitCodes {
		assert.Contains(t, help, e.meaning)
	}
	for _, c := range commands {
		group, _, _ := strings.Cut(c.name, " ")
		assert.Contains(t, section, "`"+group, "README names %s", c.name)
	}
	for _, want := range []string{"--dry-run", "--jq", "--output", "tsv", "completion", "logout", "--no-token-cache", "--yes", "--out -"} {
		assert.Contains(t, section, want)
		assert.Contains(t, help, want)
	}
}
