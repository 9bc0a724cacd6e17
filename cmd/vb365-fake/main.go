// Command vb365-fake serves the fake Veeam Backup for Microsoft 365 REST
// server of package github.com/vb365-go/vb365/vb365test as a program, for
// tests written in any language: the v6, v7 and v8 API at once, over HTTPS
// with a fresh self-signed certificate (or plain HTTP), with a control API
// under /_fake/ to reset it, inject faults, read what it executed and
// expire tokens and sessions.
//
//	go install github.com/vb365-go/vb365/cmd/vb365-fake@latest
//	vb365-fake --addr 127.0.0.1:4443 --cert-out ca.pem
//
// On start it prints, one per line, the settings a client needs as
// VB365_*=value lines that a shell can source: VB365_URL, VB365_CA_FILE
// (HTTPS only), VB365_USERNAME and VB365_PASSWORD (the administrator),
// VB365_CLIENT_ID and VB365_ASSERTION (the restore operator),
// VB365_FAKE_CONTROL (the control API), and VB365_FAKE_CHAOS_SEED in chaos
// mode. Nothing else is printed unless --verbose asks for a line per
// request. SIGINT or SIGTERM stops it (exit status 0). Run
// "vb365-fake -h" for the flags; the README documents the control API.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vb365-go/vb365/vb365test"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // could not listen, write the certificate, read the seed file...
	exitUsage = 2 // bad flags
)

// settings are the command line.
type settings struct {
	addr, certOut, certHosts, seedFile string
	plain, printSeed, verbose, dotnet  bool
	chaos                              float64
	seed                               int64
	seedSet                            bool
	tokenQuota                         string
	tokenLifetime                      time.Duration
	sessionIdle, exportDelay           time.Duration
	exportSize                         int64
	journal                            int
}

func parseFlags(args []string, stderr io.Writer) (*settings, error) {
	var st settings
	fs := flag.NewFlagSet("vb365-fake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: vb365-fake [flags]\n\n"+
			"Serves a fake VB365 REST server (v6, v7, v8) with a control API under /_fake/,\n"+
			"and prints VB365_URL and the other settings a client needs. Stop it with SIGINT or SIGTERM.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	fs.StringVar(&st.addr, "addr", "127.0.0.1:4443", "listen on `host:port`; port 0 picks a free one")
	fs.BoolVar(&st.plain, "http", false, "serve plain HTTP instead of HTTPS")
	fs.StringVar(&st.certOut, "cert-out", "", "write the server's self-signed certificate (the CA to trust) to this PEM `file` (default: vb365-fake-<port>.pem in the temporary directory)")
	fs.StringVar(&st.certHosts, "cert-hosts", "", "more comma-separated host `names` or IPs for the certificate, besides localhost, 127.0.0.1, ::1 and --addr's host")
	fs.StringVar(&st.seedFile, "seed-file", "", "serve the organization, mailboxes, folders, items and credentials of this JSON `file` (format: vb365test.SeedData) instead of the built-in tenant")
	fs.BoolVar(&st.printSeed, "print-seed", false, "print the seed data (the built-in tenant, or --seed-file's) as JSON and exit")
	fs.Float64Var(&st.chaos, "chaos", 0, "inject a random fault into this `rate` (0 to 1) of the requests on every route")
	fs.Int64Var(&st.seed, "seed", 0, "chaos mode's seed: the same seed gives the same faults (default: from the clock, printed as VB365_FAKE_CHAOS_SEED)")
	fs.StringVar(&st.tokenQuota, "token-quota", "", "answer 429 \"Quota Exceeded\" past `N/DURATION` token requests, such as 5/1m, as VB365 does (default: no quota)")
	fs.DurationVar(&st.tokenLifetime, "token-lifetime", vb365test.DefaultTokenLifetime, "access-token lifetime (expires_in)")
	fs.DurationVar(&st.sessionIdle, "session-idle", 0, "stop a restore session after this `duration` without use; its lists then answer 500, as VB365's (default: never)")
	fs.DurationVar(&st.exportDelay, "export-delay", 0, "make exportToPst and Save wait this `duration` before their first byte, as VB365 builds the PST first")
	fs.Int64Var(&st.exportSize, "export-size", vb365test.DefaultExportSize, "size in `bytes` of the files exportToPst and Save answer")
	fs.BoolVar(&st.dotnet, "dotnet-escaping", true, "escape JSON strings as VB365's System.Text.Json does (' + < > & \" and non-ASCII as \\uXXXX); --dotnet-escaping=false writes them plainly")
	fs.IntVar(&st.journal, "journal", vb365test.DefaultJournalSize, "how many requests the journal (GET /_fake/journal) keeps")
	fs.BoolVar(&st.verbose, "verbose", false, "print a line per request to stderr")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	fs.Visit(func(f *flag.Flag) { st.seedSet = st.seedSet || f.Name == "seed" })
	switch {
	case !(st.chaos >= 0 && st.chaos <= 1): // NaN too
		return nil, errors.New("--chaos must be between 0 and 1")
	case st.tokenLifetime < time.Second:
		return nil, errors.New("--token-lifetime must be at least 1s")
	case st.sessionIdle < 0 || st.exportDelay < 0 || st.exportSize < 0 || st.journal < 0:
		return nil, errors.New("--session-idle, --export-delay, --export-size and --journal must not be negative")
	}
	if _, _, err := parseQuota(st.tokenQuota); err != nil {
		return nil, err
	}
	return &st, nil
}

// parseQuota reads --token-quota's N/DURATION; "" is no quota.
func parseQuota(v string) (int, time.Duration, error) {
	if v == "" {
		return 0, 0, nil
	}
	ns, ds, ok := strings.Cut(v, "/")
	n, err1 := strconv.Atoi(ns)
	d, err2 := time.ParseDuration(ds)
	if !ok || err1 != nil || err2 != nil || n < 1 || d <= 0 {
		return 0, 0, fmt.Errorf("--token-quota %q: want N/DURATION, such as 5/1m", v)
	}
	return n, d, nil
}

// run runs the command line args until ctx ends and returns the exit code.
// Everything it writes goes to stdout and stderr, so tests run it
// in-process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	st, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(stderr, "vb365-fake:", err)
		return exitUsage
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "vb365-fake:", err)
		return exitError
	}

	seed := &vb365test.SeedData{} // the built-in tenant and credentials
	org := vb365test.DefaultOrganization()
	if st.seedFile != "" {
		if seed, err = vb365test.LoadSeedFile(st.seedFile); err != nil {
			return fail(err)
		}
		org, _ = seed.Organization() // checked by LoadSeedFile
	}
	if st.printSeed {
		out := vb365test.SeedFromOrganization(org)
		out.Administrators, out.Operators = seed.Administrators, seed.Operators
		b, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			return fail(err)
		}
		_, err = stdout.Write(append(b, '\n'))
		if err != nil {
			return fail(err)
		}
		return exitOK
	}
	var opts []vb365test.Option // the built-in tenant
	if st.seedFile != "" {
		if opts, err = seed.Options(); err != nil {
			return fail(err)
		}
	}
	admin := vb365test.SeedAdministrator{Username: vb365test.DefaultUsername, Password: vb365test.DefaultPassword}
	if len(seed.Administrators) > 0 {
		admin = seed.Administrators[0]
	}
	operator := vb365test.SeedOperator{ClientID: vb365test.DefaultOperatorClientID, Assertion: vb365test.DefaultOperatorAssertion}
	if len(seed.Operators) > 0 {
		operator = seed.Operators[0]
	}

	chaosSeed := st.seed
	if st.chaos > 0 && !st.seedSet {
		chaosSeed = time.Now().UnixNano() % 1_000_000_000
	}
	n, per, _ := parseQuota(st.tokenQuota)
	opts = append(opts,
		vb365test.WithControlAPI(),
		vb365test.WithJournal(st.journal),
		vb365test.WithTokenLifetime(st.tokenLifetime),
		vb365test.WithTokenQuota(n, per),
		vb365test.WithSessionIdleTimeout(st.sessionIdle),
		vb365test.WithExportDelay(st.exportDelay),
		vb365test.WithExportSize(st.exportSize),
		vb365test.WithChaos(st.chaos, chaosSeed),
	)
	if st.dotnet {
		opts = append(opts, vb365test.WithDotNetEscaping())
	}
	if st.verbose {
		var mu sync.Mutex
		opts = append(opts, vb365test.WithRequestLog(func(e vb365test.JournalEntry) {
			line := fmt.Sprintf("%s %s %s %s", e.Time.Format(time.RFC3339Nano), e.Method, e.Path, statusText(e))
			if e.Fault != "" {
				line += " fault=" + strings.ReplaceAll(e.Fault, " ", ":")
				if e.Chaos {
					line += " chaos"
				}
			}
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintf(stderr, "%s %.1fms\n", line, e.DurationMillis)
		}))
	}

	l, err := net.Listen("tcp", st.addr)
	if err != nil {
		return fail(err)
	}
	host, _, _ := net.SplitHostPort(st.addr)
	_, port, _ := net.SplitHostPort(l.Addr().String())
	urlHost := host
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		urlHost = "127.0.0.1"
	}
	scheme := "https"
	caFile := ""
	if st.plain {
		scheme = "http"
	} else {
		hosts := []string{"localhost", "127.0.0.1", "::1", urlHost}
		for _, h := range strings.Split(st.certHosts, ",") {
			hosts = append(hosts, strings.TrimSpace(h))
		}
		cert, pemBytes, err := selfSigned(hosts, time.Now())
		if err != nil {
			_ = l.Close()
			return fail(err)
		}
		caFile = st.certOut
		if caFile == "" {
			caFile = filepath.Join(os.TempDir(), "vb365-fake-"+port+".pem")
		}
		if abs, err := filepath.Abs(caFile); err == nil {
			caFile = abs
		}
		if err := os.WriteFile(caFile, pemBytes, 0o644); err != nil {
			_ = l.Close()
			return fail(err)
		}
		opts = append(opts, vb365test.WithCertificate(cert))
	}
	opts = append(opts, vb365test.WithListener(l))

	var srv *vb365test.Server
	if st.plain {
		srv = vb365test.NewServer(opts...)
	} else {
		srv = vb365test.NewTLSServer(opts...)
	}
	defer srv.Close()

	base := scheme + "://" + net.JoinHostPort(urlHost, port)
	var b strings.Builder
	line := func(k, v string) { b.WriteString(k + "=" + shellQuote(v) + "\n") }
	b.WriteString("# vb365-fake: VB365 REST API v6, v7 and v8 (fake); stop with Ctrl-C or SIGTERM\n")
	line("VB365_URL", base)
	if caFile != "" {
		line("VB365_CA_FILE", caFile)
	}
	line("VB365_USERNAME", admin.Username)
	line("VB365_PASSWORD", admin.Password)
	line("VB365_CLIENT_ID", operator.ClientID)
	line("VB365_ASSERTION", operator.Assertion)
	line("VB365_FAKE_CONTROL", base+vb365test.ControlPrefix)
	if st.chaos > 0 {
		line("VB365_FAKE_CHAOS_SEED", strconv.FormatInt(chaosSeed, 10))
	}
	if _, err := io.WriteString(stdout, b.String()); err != nil {
		return fail(err)
	}

	<-ctx.Done()
	return exitOK
}

func statusText(e vb365test.JournalEntry) string {
	switch {
	case e.Status == 0:
		return "dropped"
	case e.Dropped:
		return strconv.Itoa(e.Status) + "(cut)"
	}
	return strconv.Itoa(e.Status)
}

// shellQuote quotes v for a POSIX shell when it holds anything but
// letters, digits and a few safe marks.
func shellQuote(v string) string {
	safe := v != ""
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@%+=:,./_-!", r)) {
			safe = false
			break
		}
	}
	if safe {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}
