// Command vb365 is a command-line tool for the Veeam Backup for Microsoft 365
// REST API, for help desks and automation scripts: open a restore session,
// browse mailboxes, folders and items, restore items, export them, and read
// what the server did. It is a thin layer over package
// github.com/vb365-go/vb365.
//
//	go install github.com/vb365-go/vb365/cmd/vb365@latest
//	vb365 --demo items list --mailbox alice@contoso.onmicrosoft.com
//
// Run "vb365 help" for the commands, the settings and the exit codes.
package main

import (
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/vb365-go/vb365"
	"github.com/vb365-go/vb365/vb365test"
)

// Exit codes tell a script what happened.
const (
	exitOK             = 0 // the command did what it was asked
	exitOther          = 1 // any other failure (network, server error, bad file...)
	exitUsage          = 2 // bad command line or settings; nothing was sent
	exitAuth           = 3 // the server refused the credentials, or the action (401, 403)
	exitNotFound       = 4 // a session, mailbox, folder or item does not exist (404)
	exitOutcomeUnknown = 5 // an action (restore, explore) may or may not have run
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// run runs the command line args and returns the exit code. Everything the
// command reads and writes goes through its arguments, so tests run it
// in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv, isTerminal: isTerminal, now: time.Now}
	return e.main(ctx, args)
}

// env is what a run reads and writes: the process's files and environment,
// or a test's buffers.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// isTerminal reports whether w is a terminal; progress bars are drawn
	// only on one.
	isTerminal func(w io.Writer) bool
	now        func() time.Time
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// globals are the settings every command takes, from flags (before or after
// the command) or VB365_* environment variables.
type globals struct {
	url, caFile, apiVersion string
	clientID, assertionFile string
	assertionStdin          bool
	username, passwordFile  string
	passwordStdin           bool
	session                 string
	output                  string
	timeout                 time.Duration
	verbose, demo           bool
	allowHTTP               bool
}

// globalFlags registers the global flags on fs, bound to g.
func globalFlags(fs *flag.FlagSet, g *globals) {
	fs.StringVar(&g.url, "url", "", "server `URL`, https://host:4443 without a version [VB365_URL]")
	fs.StringVar(&g.caFile, "ca-file", "", "PEM `file` of the server's CA, for a private certificate [VB365_CA_FILE]")
	fs.BoolVar(&g.allowHTTP, "allow-http", false, "allow a plain http --url to a host that is not this machine: credentials travel in clear [VB365_ALLOW_HTTP=yes]")
	fs.StringVar(&g.apiVersion, "api-version", "", "API `version`: v6 (default), v7, v8 or auto [VB365_API_VERSION]")
	fs.StringVar(&g.clientID, "client-id", "", "restore operator's `id` \"<userObjectId>.<tenantId>\" [VB365_CLIENT_ID]")
	fs.StringVar(&g.assertionFile, "assertion-file", "", "`file` holding the operator's Microsoft access token [VB365_ASSERTION_FILE, or the token in VB365_ASSERTION]")
	fs.BoolVar(&g.assertionStdin, "assertion-stdin", false, "read the operator's access token from stdin")
	fs.StringVar(&g.username, "username", "", "administrator's user `name` [VB365_USERNAME]")
	fs.StringVar(&g.passwordFile, "password-file", "", "`file` holding the administrator's password [VB365_PASSWORD_FILE, or the password in VB365_PASSWORD]")
	fs.BoolVar(&g.passwordStdin, "password-stdin", false, "read the administrator's password from stdin")
	fs.StringVar(&g.session, "session", "", "restore session `id` [VB365_SESSION]")
	fs.StringVar(&g.output, "output", "", "output `format`: table (default) or json, one object per line [VB365_OUTPUT]")
	fs.DurationVar(&g.timeout, "timeout", 0, "give up after this `duration`, such as 10m; 0 never")
	fs.BoolVar(&g.verbose, "verbose", false, "log requests and retries to stderr (secrets are never logged)")
	fs.BoolVar(&g.demo, "demo", false, "run against a fresh in-process fake server (package vb365test)")
}

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

// usageError is a bad command line: nothing was sent to the server.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// notFoundError is a name the CLI looked up and did not find, such as a
// mailbox's e-mail address.
type notFoundError struct{ msg string }

func (e *notFoundError) Error() string { return e.msg }

// exitCode maps an error to the exit code a script sees.
func exitCode(err error) int {
	var ue *usageError
	var nf *notFoundError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, vb365.ErrOutcomeUnknown): // before the cause's code
		return exitOutcomeUnknown
	case errors.As(err, &ue), errors.Is(err, vb365.ErrInvalidArgument):
		return exitUsage
	case errors.Is(err, vb365.ErrUnauthorized), errors.Is(err, vb365.ErrForbidden):
		return exitAuth
	case errors.Is(err, vb365.ErrNotFound), errors.As(err, &nf):
		return exitNotFound
	}
	return exitOther
}

func (e *env) main(ctx context.Context, args []string) int {
	var g globals
	root := flag.NewFlagSet("vb365", flag.ContinueOnError)
	root.SetOutput(io.Discard)
	root.Usage = func() {}
	globalFlags(root, &g)
	if err := root.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			e.help(e.stdout, nil)
			return exitOK
		}
		return e.usage(nil, err.Error())
	}
	rest := root.Args()
	if len(rest) == 0 {
		e.help(e.stderr, nil)
		return exitUsage
	}
	if rest[0] == "help" {
		return e.helpCommand(rest[1:])
	}
	cmd, rest, err := findCommand(rest)
	if err != nil {
		return e.usage(nil, err.Error())
	}

	// The command's flags, and the global ones again, so that they work
	// after the command too; globals given there override those before it.
	fs := flag.NewFlagSet("vb365 "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	var late globals
	globalFlags(fs, &late)
	action := cmd.setup(fs)
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			e.help(e.stdout, cmd)
			return exitOK
		}
		return e.usage(cmd, err.Error())
	}
	if fs.NArg() > 0 {
		return e.usage(cmd, fmt.Sprintf("unexpected argument %q (every value goes with a flag, such as --session ID)", fs.Arg(0)))
	}
	var setErr error
	fs.Visit(func(f *flag.Flag) {
		if root.Lookup(f.Name) != nil && setErr == nil {
			setErr = root.Set(f.Name, f.Value.String())
		}
	})
	if setErr != nil {
		return e.usage(cmd, setErr.Error())
	}
	g.fromEnv(e.getenv)

	if g.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, g.timeout)
		defer cancel()
	}
	a := &app{env: e, g: g, cmd: cmd, fs: fs}
	err = a.start(ctx)
	if err == nil {
		err = action(ctx, a)
	}
	a.finish(ctx)
	if err != nil {
		return a.fail(err)
	}
	return exitOK
}

// usage reports a bad command line and returns exitUsage.
func (e *env) usage(cmd *command, msg string) int {
	fmt.Fprintf(e.stderr, "vb365: %s\n", msg)
	if cmd != nil {
		fmt.Fprintf(e.stderr, "Run 'vb365 help %s' for its flags.\n", cmd.name)
	} else {
		fmt.Fprintln(e.stderr, "Run 'vb365 help' for the commands.")
	}
	return exitUsage
}

// app is one run of a command: its settings, client and output.
type app struct {
	*env
	g      globals
	cmd    *command
	fs     *flag.FlagSet
	client *vb365.Client
	demo   *vb365test.Server
	out    output
	admin  bool // logged in with a password, not as a restore operator
}

// start checks the settings and makes the client. Demo runs start the fake
// server, and open a restore session when the command needs one and none was
// given.
func (a *app) start(ctx context.Context) error {
	switch a.g.output {
	case "table", "json":
	default:
		return usagef("--output must be table or json, not %q", a.g.output)
	}
	a.out = newOutput(a.g.output, a.stdout)
	if users := a.stdinUsers(); len(users) > 1 {
		return usagef("only one of %s can read stdin", strings.Join(users, ", "))
	}

	var opts []vb365.Option
	opts = append(opts, vb365.WithUserAgent("vb365-cli/"+vb365.Version))
	if v := a.g.apiVersion; v != "" {
		av := vb365.APIVersion(strings.ToLower(v))
		if !slices.Contains([]vb365.APIVersion{vb365.V6, vb365.V7, vb365.V8, vb365.Auto}, av) {
			return usagef("--api-version must be v6, v7, v8 or auto, not %q", v)
		}
		opts = append(opts, vb365.WithAPIVersion(av))
	}
	if a.g.verbose {
		opts = append(opts, vb365.WithLogger(slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}

	serverURL := a.g.url
	if a.g.demo {
		if a.g.assertionStdin || a.g.passwordStdin {
			return usagef("--demo logs in with the fake server's own credentials; drop --assertion-stdin and --password-stdin")
		}
		a.demo = vb365test.NewServer()
		serverURL = a.demo.URL
		a.admin = a.cmd.admin || a.g.username != ""
		switch {
		case !a.cmd.auth:
		case a.admin:
			opts = append(opts, vb365.WithPassword(vb365test.DefaultUsername, vb365test.DefaultPassword))
		default:
			opts = append(opts, vb365.WithOperator(vb365test.DefaultOperatorClientID, vb365test.DefaultOperatorAssertion))
		}
	} else {
		if serverURL == "" {
			return usagef("no server: set VB365_URL or --url (or try --demo)")
		}
		if a.g.caFile != "" {
			pem, err := os.ReadFile(a.g.caFile)
			if err != nil {
				return usagef("reading the CA file: %v", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return usagef("no PEM certificate in the CA file %s", a.g.caFile)
			}
			opts = append(opts, vb365.WithRootCAs(pool))
		}
		if a.g.allowHTTP {
			opts = append(opts, vb365.WithAllowHTTP())
		}
		if a.cmd.auth {
			o, err := a.credentials()
			if err != nil {
				return err
			}
			opts = append(opts, o)
		}
	}
	if a.cmd.session && !a.g.demo && a.g.session == "" {
		return usagef("no restore session: give --session ID or set VB365_SESSION (open one with 'vb365 sessions explore')")
	}
	client, err := vb365.NewClient(serverURL, opts...)
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "vb365: ")
		return usagef("%s", strings.ReplaceAll(msg, "WithAllowHTTP", "--allow-http"))
	}
	a.client = client
	if a.g.demo {
		note := "vb365: demo: a fresh in-process fake server (vb365test)"
		if a.cmd.auth && a.admin {
			note += ", logged in as its administrator"
		}
		if a.cmd.demoSession && a.g.session == "" {
			var s *vb365.RestoreSession
			if a.admin {
				s, err = client.RestoreSessions.Explore(ctx, &vb365.ExploreRequest{DateTime: a.now()})
			} else {
				s, err = client.RestoreSessions.OperatorExplore(ctx, &vb365.OperatorExploreRequest{
					DateTime: a.now(), Reason: "vb365 --demo",
				})
			}
			if err != nil {
				return fmt.Errorf("demo: opening a restore session: %w", err)
			}
			a.g.session = s.ID
			note += ", restore session " + s.ID
		}
		fmt.Fprintln(a.stderr, note)
	}
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
	if f := a.fs.Lookup("items-from"); f != nil && f.Value.String() == "-" {
		users = append(users, "--items-from -")
	}
	return users
}

// credentials returns the login option from the settings. Secrets come from
// files, stdin or the environment, never from a flag, and are never printed.
func (a *app) credentials() (vb365.Option, error) {
	op, admin := a.g.clientID != "", a.g.username != ""
	switch {
	case op && admin:
		return nil, usagef("both a restore operator (--client-id, VB365_CLIENT_ID) and an administrator (--username, VB365_USERNAME) are set; keep one")
	case op:
		secret, err := a.secret("assertion", a.g.assertionStdin, a.g.assertionFile, "VB365_ASSERTION")
		if err != nil {
			return nil, err
		}
		return vb365.WithOperator(a.g.clientID, secret), nil
	case admin:
		a.admin = true
		secret, err := a.secret("password", a.g.passwordStdin, a.g.passwordFile, "VB365_PASSWORD")
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
// variable, in that order. Errors name the source, never the content.
func (a *app) secret(what string, fromStdin bool, file, envName string) (string, error) {
	var (
		b   []byte
		err error
		src string
	)
	switch {
	case fromStdin:
		src = "stdin"
		b, err = io.ReadAll(io.LimitReader(a.stdin, maxSecret))
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

// finish ends the login and stops the demo server.
func (a *app) finish(ctx context.Context) {
	if a.client != nil {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		_ = a.client.Close(cctx)
		cancel()
	}
	if a.demo != nil {
		a.demo.Close()
	}
}

// fail reports err on stderr, with what to do next, and returns its exit
// code.
func (a *app) fail(err error) int {
	code := exitCode(err)
	if code == exitUsage {
		return a.usage(a.cmd, strings.TrimPrefix(err.Error(), "vb365: "))
	}
	fmt.Fprintf(a.stderr, "vb365 %s: %s\n", a.cmd.name, strings.TrimPrefix(err.Error(), "vb365: "))
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
