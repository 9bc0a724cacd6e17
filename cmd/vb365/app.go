package main

import (
	"bufio"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/vb365-go/vb365"
	"github.com/vb365-go/vb365/vb365test"
)

// globals are the settings every command takes, from flags (before or after
// the command) or VB365_* environment variables.
type globals struct {
	url, caFile, apiVersion string
	clientID, assertionFile string
	assertionStdin          bool
	username, passwordFile  string
	passwordStdin           bool
	session                 string
	output, jq              string
	timeout                 time.Duration
	verbose, demo           bool
	allowHTTP               bool
	noTokenCache            bool
}

// globalFlags registers the global flags on fs, bound to g.
func globalFlags(fs *pflag.FlagSet, g *globals) {
	fs.SortFlags = false
	fs.StringVar(&g.url, "url", "", "server `URL`, https://host:4443 without a version [VB365_URL]")
	fs.StringVar(&g.caFile, "ca-file", "", "PEM `FILE` of the server's CA, for a private certificate [VB365_CA_FILE]")
	fs.BoolVar(&g.allowHTTP, "allow-http", false, "allow a plain http --url to a host that is not this machine: credentials travel in clear [VB365_ALLOW_HTTP=yes]")
	fs.StringVar(&g.apiVersion, "api-version", "", "API `VERSION`: v6 (default), v7, v8 or auto [VB365_API_VERSION]")
	fs.StringVar(&g.clientID, "client-id", "", "restore operator's `ID` \"<userObjectId>.<tenantId>\" [VB365_CLIENT_ID]")
	fs.StringVar(&g.assertionFile, "assertion-file", "", "`FILE` holding the operator's Microsoft access token [VB365_ASSERTION_FILE, or the token in VB365_ASSERTION]")
	fs.BoolVar(&g.assertionStdin, "assertion-stdin", false, "read the operator's access token from stdin")
	fs.StringVar(&g.username, "username", "", "administrator's user `NAME` [VB365_USERNAME]")
	fs.StringVar(&g.passwordFile, "password-file", "", "`FILE` holding the administrator's password [VB365_PASSWORD_FILE, or the password in VB365_PASSWORD]")
	fs.BoolVar(&g.passwordStdin, "password-stdin", false, "read the administrator's password from stdin")
	fs.BoolVar(&g.noTokenCache, "no-token-cache", false, "neither keep nor use a login across runs, remove the one kept, and log out at the end [VB365_NO_TOKEN_CACHE=yes]")
	fs.StringVar(&g.session, "session", "", "restore session `ID` [VB365_SESSION]")
	fs.StringVar(&g.output, "output", "", "output `FORMAT`: table (default), json (one object per line) or tsv (tab-separated, no header) [VB365_OUTPUT]")
	fs.StringVar(&g.jq, "jq", "", "filter the JSON output with the jq expression `EXPR`, as 'jq -r' on each line (implies --output json)")
	fs.DurationVar(&g.timeout, "timeout", 0, "give up after this `DURATION`, such as 10m; 0 never")
	fs.BoolVar(&g.verbose, "verbose", false, "log requests and retries to stderr (secrets are never logged)")
	fs.BoolVar(&g.demo, "demo", false, "run against a fresh in-process fake server (package vb365test)")
}

// demoIgnores are the global flags --demo has no use for: it runs against
// its own server, with its own credentials, and keeps no login.
var demoIgnores = []string{"url", "ca-file", "allow-http", "client-id", "assertion-file", "password-file", "no-token-cache"}

// fromEnv fills the settings no flag gave from the environment. A demo run
// ignores the server, credential and session variables: it has its own.
func (g *globals) fromEnv(getenv func(string) string) {
	set := func(p *string, name string) {
		if *p == "" {
			*p = getenv(name)
		}
	}
	set(&g.apiVersion, "VB365_API_VERSION")
	set(&g.output, "VB365_OUTPUT")
	if g.output == "" {
		g.output = "table"
	}
	if g.demo {
		return
	}
	set(&g.url, "VB365_URL")
	set(&g.caFile, "VB365_CA_FILE")
	if getenv("VB365_ALLOW_HTTP") == "yes" {
		g.allowHTTP = true
	}
	if getenv("VB365_NO_TOKEN_CACHE") == "yes" {
		g.noTokenCache = true
	}
	set(&g.clientID, "VB365_CLIENT_ID")
	set(&g.username, "VB365_USERNAME")
	set(&g.session, "VB365_SESSION")
	if !g.assertionStdin {
		set(&g.assertionFile, "VB365_ASSERTION_FILE")
	}
	if !g.passwordStdin {
		set(&g.passwordFile, "VB365_PASSWORD_FILE")
	}
}

// app is one run of a command: its settings, client and output.
type app struct {
	*env
	g     globals
	cmd   *command
	flags *pflag.FlagSet // the command's flags, globals included
	lf    *leafFlags
	// ctx is the run's context (not bounded by --timeout), for what the
	// checks read from stdin: Ctrl-C ends it.
	ctx    context.Context
	client *vb365.Client
	demo   *vb365test.Server
	out    output
	admin  bool       // logs in with a password, not as a restore operator
	store  *fileStore // the token cache, or nil
	dry    *dryRun    // set with --dry-run
	ended  bool       // the login was ended (vb365 logout)
}

// runCommand runs c: the settings and the command's own checks first, so
// that a usage error comes before any login or session; then the client,
// and the command.
func (r *runner) runCommand(cc *cobra.Command, c *command, lf *leafFlags, check func(*app) error, act action) int {
	ctx := cc.Context()
	a := &app{env: r.env, g: r.g, cmd: c, flags: cc.Flags(), lf: lf, ctx: ctx}
	err := a.prepare()
	if err == nil && check != nil {
		err = check(a)
	}
	if err != nil {
		return a.fail(err)
	}
	if a.g.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, a.g.timeout)
		defer cancel()
	}
	err = a.start(ctx)
	if err == nil {
		err = act(ctx, a)
	}
	a.finish(ctx)
	return a.fail(err)
}

// changed reports whether the named flag was given on the command line.
func (a *app) changed(name string) bool {
	f := a.flags.Lookup(name)
	return f != nil && f.Changed
}

// prepare checks the settings, which needs nothing from the network.
func (a *app) prepare() error {
	a.g.fromEnv(a.getenv)
	if a.g.jq != "" {
		if a.changed("output") && a.g.output != "json" {
			return usagef("--jq filters the JSON output; drop --output %s", a.g.output)
		}
		a.g.output = "json"
	}
	if a.g.timeout < 0 {
		return usagef("--timeout must not be negative (0 never gives up)")
	}
	switch a.g.output {
	case "table", "json", "tsv":
	default:
		return usagef("--output must be table, json or tsv, not %q", a.g.output)
	}
	var err error
	if a.out, err = newOutput(a.ctx, a.g.output, a.g.jq, a.stdout); err != nil {
		return err
	}
	if users := a.stdinUsers(); len(users) > 1 {
		return usagef("only one of %s can read stdin", strings.Join(users, ", "))
	}
	if v := a.g.apiVersion; v != "" && !slices.Contains([]vb365.APIVersion{vb365.V6, vb365.V7, vb365.V8, vb365.Auto}, vb365.APIVersion(strings.ToLower(v))) {
		return usagef("--api-version must be v6, v7, v8 or auto, not %q", v)
	}
	if a.cmd.noServer {
		return nil
	}
	if a.g.demo {
		if a.g.assertionStdin || a.g.passwordStdin {
			return usagef("--demo logs in with the fake server's own credentials; drop --assertion-stdin and --password-stdin")
		}
		var ignored []string
		for _, name := range demoIgnores {
			if a.changed(name) {
				ignored = append(ignored, "--"+name)
			}
		}
		if len(ignored) > 0 {
			fmt.Fprintf(a.stderr, "vb365: --demo ignores %s: it runs against its own fake server, with its own login\n", strings.Join(ignored, ", "))
		}
		a.admin = a.cmd.admin || a.g.username != ""
		return nil
	}
	if a.g.url == "" {
		return usagef("no server: set VB365_URL or --url (or try --demo)")
	}
	a.admin = a.g.username != "" && a.g.clientID == ""
	if a.cmd.session && a.g.session == "" {
		return usagef("no restore session: give --session ID or set VB365_SESSION (open one with 'vb365 sessions explore')")
	}
	return nil
}

// start makes the client. Demo runs start the fake server, and open a
// restore session when the command needs one and none was given.
func (a *app) start(ctx context.Context) error {
	if a.cmd.noServer {
		return nil
	}
	opts := []vb365.Option{vb365.WithUserAgent("vb365-cli/" + vb365.Version)}
	if v := a.g.apiVersion; v != "" {
		opts = append(opts, vb365.WithAPIVersion(vb365.APIVersion(strings.ToLower(v))))
	}
	if a.g.verbose {
		opts = append(opts, vb365.WithLogger(slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}

	serverURL := a.g.url
	var pool *x509.CertPool
	if a.g.demo {
		a.demo = vb365test.NewServer()
		serverURL = a.demo.URL
		switch {
		case !a.cmd.auth:
		case a.admin:
			opts = append(opts, vb365.WithPassword(vb365test.DefaultUsername, vb365test.DefaultPassword))
		default:
			opts = append(opts, vb365.WithOperator(vb365test.DefaultOperatorClientID, vb365test.DefaultOperatorAssertion))
		}
	} else {
		if a.g.caFile != "" {
			pem, err := os.ReadFile(a.g.caFile)
			if err != nil {
				return usagef("reading the CA file: %v", err)
			}
			pool = x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return usagef("no PEM certificate in the CA file %s", a.g.caFile)
			}
			if !a.lf.dryRun {
				opts = append(opts, vb365.WithRootCAs(pool))
			}
		}
		if a.g.allowHTTP {
			opts = append(opts, vb365.WithAllowHTTP())
		}
		if a.cmd.auth {
			o, err := a.credentials(ctx)
			if err != nil {
				return err
			}
			opts = append(opts, o)
			if o, err = a.tokenCache(serverURL); err != nil {
				return err
			} else if o != nil {
				opts = append(opts, o)
			}
		}
	}
	if a.lf.dryRun {
		a.dry = newDryRun(pool)
		opts = append(opts, vb365.WithHTTPClient(a.dry.client()))
	}
	client, err := vb365.NewClient(serverURL, opts...)
	if err != nil {
		return err
	}
	a.client = client
	if a.g.demo {
		if err := a.startDemo(ctx); err != nil {
			return err
		}
	}
	a.dry.arm() // what is sent from now on is the command's
	return nil
}

// startDemo says what the demo runs against, and opens its restore session.
func (a *app) startDemo(ctx context.Context) error {
	note := "vb365: demo: a fresh in-process fake server (vb365test)"
	if a.cmd.auth && a.admin {
		note += ", logged in as its administrator"
	}
	if a.cmd.demoSession && a.g.session == "" {
		var s *vb365.RestoreSession
		var err error
		if a.admin {
			s, err = a.client.RestoreSessions.Explore(ctx, &vb365.ExploreRequest{DateTime: a.now(), Type: a.cmd.sessionType})
		} else {
			s, err = a.client.RestoreSessions.OperatorExplore(ctx, &vb365.OperatorExploreRequest{
				DateTime: a.now(), Type: a.cmd.sessionType, Reason: "vb365 --demo",
			})
		}
		if err != nil {
			return fmt.Errorf("demo: opening a restore session: %w", err)
		}
		a.g.session = s.ID
		note += ", restore session " + s.ID
	}
	fmt.Fprintln(a.stderr, note)
	return nil
}

// stdinUsers names the flags that read stdin; at most one may.
func (a *app) stdinUsers() []string {
	var users []string
	if a.g.assertionStdin {
		users = append(users, "--assertion-stdin")
	}
	if a.g.passwordStdin {
		users = append(users, "--password-stdin")
	}
	for _, name := range []string{"items-from", "documents-from"} {
		if f := a.flags.Lookup(name); f != nil && f.Value.String() == "-" {
			users = append(users, "--"+name+" -")
		}
	}
	return users
}

// login names the login of the settings: "operator" or "password", and the
// user (the operator's client ID, or the administrator's name).
func (a *app) login() (kind, user string) {
	if a.admin {
		return "password", a.g.username
	}
	return "operator", a.g.clientID
}

// credentials returns the login option from the settings. Secrets come from
// files, stdin or the environment, never from a flag, and are never printed.
func (a *app) credentials(ctx context.Context) (vb365.Option, error) {
	op, admin := a.g.clientID != "", a.g.username != ""
	switch {
	case op && admin:
		return nil, usagef("both a restore operator (--client-id, VB365_CLIENT_ID) and an administrator (--username, VB365_USERNAME) are set; keep one")
	case op:
		secret, err := a.secret(ctx, "assertion", a.g.assertionStdin, a.g.assertionFile, "VB365_ASSERTION")
		if err != nil {
			return nil, err
		}
		return vb365.WithOperator(a.g.clientID, secret), nil
	case admin:
		secret, err := a.secret(ctx, "password", a.g.passwordStdin, a.g.passwordFile, "VB365_PASSWORD")
		if err != nil {
			return nil, err
		}
		return vb365.WithPassword(a.g.username, secret), nil
	}
	return nil, usagef("no credentials: set VB365_CLIENT_ID and an assertion (VB365_ASSERTION_FILE, --assertion-file or --assertion-stdin) for a restore operator, or VB365_USERNAME and a password (VB365_PASSWORD_FILE, --password-file or --password-stdin) for an administrator")
}

// maxSecret bounds what is read for a secret; Microsoft access tokens are a
// few kilobytes.
const maxSecret = 64 << 10

// secret reads the named secret from stdin, a file or an environment
// variable, in that order. Errors name the source, never the content. On a
// terminal, stdin gives one line, after a prompt on stderr.
func (a *app) secret(ctx context.Context, what string, fromStdin bool, file, envName string) (string, error) {
	var (
		b   []byte
		err error
		src string
	)
	switch {
	case fromStdin && a.isTerminal(a.stdin):
		src = "stdin"
		fmt.Fprintf(a.stderr, "vb365: type the %s and press Enter (it shows as you type; --%s-file keeps it off the screen): ", what, what)
		err = a.readStdin(ctx, func(r io.Reader) error {
			line, err := bufio.NewReader(io.LimitReader(r, maxSecret)).ReadString('\n')
			b = []byte(line)
			if errors.Is(err, io.EOF) {
				err = nil
			}
			return err
		})
	case fromStdin:
		src = "stdin"
		err = a.readStdin(ctx, func(r io.Reader) error {
			b, err = io.ReadAll(io.LimitReader(r, maxSecret))
			return err
		})
	case file != "":
		src = file
		var f *os.File
		if f, err = os.Open(file); err == nil {
			b, err = io.ReadAll(io.LimitReader(f, maxSecret))
			f.Close()
		}
	default:
		src = envName
		b = []byte(a.getenv(envName))
		if len(b) == 0 {
			return "", usagef("no %s: set %s_FILE or %s, or use --%s-file or --%s-stdin", what, envName, envName, what, what)
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return "", err
		}
		return "", usagef("reading the %s from %s: %v", what, src, err)
	}
	s := string(b)
	s = strings.TrimSuffix(s, "\n")
	s = strings.TrimSuffix(s, "\r")
	if strings.TrimSpace(s) == "" {
		return "", usagef("the %s from %s is empty", what, src)
	}
	return s, nil
}

// readStdin runs read on stdin until it returns or ctx ends (Ctrl-C while a
// command waits for its input). A read that ctx ended goes on in the
// background until the process exits.
func (a *app) readStdin(ctx context.Context, read func(io.Reader) error) error {
	done := make(chan error, 1)
	go func() { done <- read(a.stdin) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// endOfInput is how a user at a terminal ends what they type on stdin.
func endOfInput() string {
	if runtime.GOOS == "windows" {
		return "Ctrl-Z then Enter"
	}
	return "Ctrl-D"
}

// finish keeps the login for the next run when the token cache holds it,
// and ends it otherwise; and stops the demo server.
func (a *app) finish(ctx context.Context) {
	if a.client != nil && !a.ended {
		if a.store != nil {
			a.client.CloseIdleConnections()
		} else {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			_ = a.client.Close(cctx)
			cancel()
		}
	}
	if a.demo != nil {
		a.demo.Close()
	}
}

// declinedError is a prompt answered no: nothing was sent.
type declinedError struct{ msg string }

func (e *declinedError) Error() string { return e.msg }

// fail reports err on stderr, with what to do next, and returns its exit
// code; nil is exitOK.
func (a *app) fail(err error) int {
	if err == nil {
		return exitOK
	}
	code := exitCode(err)
	if a.ctx.Err() != nil && code != exitOutcomeUnknown {
		fmt.Fprintf(a.stderr, "vb365 %s: interrupted\n", a.cmd.name)
		return exitInterrupted
	}
	msg := a.message(err)
	var de *declinedError
	if code == exitUsage && !errors.As(err, &de) {
		return a.usage(a.cmd.name, false, msg)
	}
	fmt.Fprintf(a.stderr, "vb365 %s: %s\n", a.cmd.name, msg)
	switch code {
	case exitOutcomeUnknown:
		hint := a.cmd.unknownHint
		if hint == "" {
			hint = "The server may have acted. Check before trying again: vb365 sessions list"
		}
		fmt.Fprintln(a.stderr, strings.ReplaceAll(hint, "SESSION", a.g.session))
	case exitAuth:
		if errors.Is(err, vb365.ErrForbidden) && a.cmd.forbiddenHint != "" {
			fmt.Fprintln(a.stderr, a.cmd.forbiddenHint)
		} else {
			fmt.Fprintln(a.stderr, "The server refused the credentials or the action: check VB365_CLIENT_ID and the assertion (it expires after about an hour), or VB365_USERNAME and the password.")
		}
	}
	return code
}
