// Command vb365 is a command-line tool for the Veeam Backup for Microsoft 365
// REST API, for help desks and automation scripts: open a restore session,
// browse mailboxes, folders and items, or OneDrives, folders and documents;
// restore items and documents, export or save them, and read what the
// server did. It is a thin layer over package
// github.com/vb365-go/vb365, with its commands, flags, help and shell
// completion from github.com/spf13/cobra and --jq from github.com/itchyny/gojq.
//
//	go install github.com/vb365-go/vb365/cmd/vb365@latest
//	vb365 --demo items list --mailbox alice@contoso.onmicrosoft.com
//
// Run "vb365 help" for the commands, the settings and the exit codes.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/vb365-go/vb365"
)

// Exit codes tell a script what happened. README's CLI section and
// helpExitCodes list them too; a test keeps the three in step.
const (
	exitOK             = 0   // the command did what it was asked
	exitOther          = 1   // any other failure (network, server error, bad file...)
	exitUsage          = 2   // bad command line or settings, or a declined prompt; nothing was sent
	exitAuth           = 3   // the server refused the credentials, or the action (401, 403)
	exitNotFound       = 4   // a session, mailbox, folder or item does not exist (404)
	exitOutcomeUnknown = 5   // an action (restore, explore) may or may not have run
	exitInterrupted    = 130 // interrupted (Ctrl-C), as shells report SIGINT
)

func main() {
	ctx, stop := interruptContext()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// interruptContext is cancelled by Ctrl-C (SIGINT); the run then ends with
// exitInterrupted.
func interruptContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt)
}

// run runs the command line args and returns the exit code. Everything the
// command reads and writes goes through its arguments, so tests run it
// in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	e := &env{
		stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv,
		isTerminal: isTerminal, now: time.Now, cacheDir: os.UserCacheDir, commands: commands,
	}
	return e.main(ctx, args)
}

// env is what a run reads and writes: the process's files and environment,
// or a test's buffers.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// isTerminal reports whether f (stdin, stdout or stderr) is a terminal:
	// progress bars and prompts are shown only on one.
	isTerminal func(f any) bool
	now        func() time.Time
	// cacheDir is the user's cache directory, which holds the token cache
	// (os.UserCacheDir).
	cacheDir func() (string, error)
	// commands are the subcommands (the package's commands; tests add one).
	commands []*command
}

// isTerminal reports whether f is a character device, such as a terminal.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	if !ok {
		return false
	}
	fi, err := file.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// usageError is a bad command line: nothing was sent to the server. An
// empty message has been reported already.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// notFoundError is a name the CLI looked up and did not find, such as a
// mailbox's e-mail address.
type notFoundError struct{ msg string }

func (e *notFoundError) Error() string { return e.msg }

// serverAnswerError is the SDK's refusal of a document the CLI read from
// the server and sends back (a restore or save of documents needs them
// whole): the command line was right, the server's answer was not, so it is
// not a usage error. Its ArgumentError still names the field, for the
// message.
type serverAnswerError struct{ ae *vb365.ArgumentError }

func (e *serverAnswerError) Error() string { return e.ae.Error() }

// As gives message the ArgumentError; errors.Is does not see
// ErrInvalidArgument through it.
func (e *serverAnswerError) As(target any) bool {
	if t, ok := target.(**vb365.ArgumentError); ok {
		*t = e.ae
		return true
	}
	return false
}

// fromServer marks err, from a call that sent documents the CLI read from
// the server, as the server's answer's fault when the SDK refused one of
// them.
func fromServer(err error) error {
	var ae *vb365.ArgumentError
	if errors.As(err, &ae) && (strings.HasPrefix(ae.Arg, "req.Documents[") || strings.HasPrefix(ae.Arg, "scope.Documents[")) {
		return &serverAnswerError{ae}
	}
	return err
}

// exitCode maps an error to the exit code a script sees.
func exitCode(err error) int {
	var ue *usageError
	var nf *notFoundError
	var de *declinedError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, vb365.ErrOutcomeUnknown): // before the cause's code
		return exitOutcomeUnknown
	case errors.As(err, &ue), errors.As(err, &de), errors.Is(err, vb365.ErrInvalidArgument):
		return exitUsage
	case errors.Is(err, vb365.ErrUnauthorized), errors.Is(err, vb365.ErrForbidden):
		return exitAuth
	case errors.Is(err, vb365.ErrNotFound), errors.As(err, &nf):
		return exitNotFound
	}
	return exitOther
}

// main parses args into a command and runs it. Errors of the command line
// itself (unknown commands and flags, arguments that no flag takes) are
// usage errors, reported before anything is read or sent.
func (e *env) main(ctx context.Context, args []string) int {
	r := &runner{env: e}
	root := r.rootCommand()
	root.SetArgs(args)
	cc, err := root.ExecuteContextC(ctx)
	if r.ran {
		return r.code
	}
	if err != nil {
		name := pathOf(cc)
		if cc != nil && cc.Name() == "help" {
			name = "" // help's own errors: the list of commands helps
		}
		return e.usage(name, cc != nil && cc.HasAvailableSubCommands(), cliWords(err.Error()))
	}
	return exitOK
}

// usage reports a bad command line and returns exitUsage; name is the
// command it was for ("restore items"), "" for none, and group says that
// it has subcommands. An empty msg was reported already.
func (e *env) usage(name string, group bool, msg string) int {
	if msg == "" {
		return exitUsage
	}
	fmt.Fprintf(e.stderr, "vb365: %s\n", msg)
	if name != "" {
		what := "flags"
		if group {
			what = "commands"
		}
		fmt.Fprintf(e.stderr, "Run 'vb365 help %s' for its %s.\n", name, what)
	} else {
		fmt.Fprintln(e.stderr, "Run 'vb365 help' for the commands.")
	}
	return exitUsage
}
