package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

const helpIntro = `vb365: restore mail and OneDrive documents from Veeam Backup for Microsoft 365, for
help desks and scripts.

Usage:
  vb365 [global flags] <command> [flags]

Commands follow the restore workflow: open a restore session, find the mailbox,
folder and items (or the OneDrive, its folders and documents), restore or export
them, read the session's events, stop it.
`

const helpGlobals = `
Settings come from flags (before or after the command) or from the environment
variables in brackets; a flag wins. Secrets are never taken from a flag, which
would show in ps: give them in a file, on stdin, or in VB365_PASSWORD or
VB365_ASSERTION, and they are never printed.
`

const helpTail = `
Output:
  --output table (default) is for people. --output json prints one JSON object
  per line for lists and one object for single results, with stable lower-camel
  field names. --output tsv prints one tab-separated line per result, without
  a header and with times in RFC 3339 (UTC), for shell loops. --jq EXPR filters
  the JSON output line by line, as 'jq -r' would (gojq, built in):
    vb365 items list --mailbox alice@contoso.com --jq .id
  Exports write to a file, or with --out - to stdout.

Login:
  A run logs in once and keeps the login for the next runs, so that a script
  does not log in at every command: the access and refresh tokens (never a
  password or an assertion) in a file for each server and user, under the
  user's cache directory (vb365/ in ~/.cache on Linux, %LocalAppData% on
  Windows), that only the user may read. 'vb365 logout' ends the login and
  removes the file; --no-token-cache keeps none and logs out at the end.

Actions:
  --dry-run (restore items, export pst, export msg, restore documents, save
  documents) prints the request the command would send (method, path, and body
  with secrets REDACTED), sends nothing and exits 0. The login and the look-ups
  it needs (a mailbox's e-mail address, a OneDrive's name, the documents a
  restore sends whole) still go to the server. A restore that overwrites
  (restore documents --overwrite) asks first when stdin is a terminal, and
  needs --yes when it is not.
  --items-from -, --documents-from -, --password-stdin and --assertion-stdin
  read stdin; on a terminal a line on stderr says that vb365 waits for it.

Shell completion:
  'vb365 completion bash|zsh|fish|powershell' prints a completion script:
    source <(vb365 completion bash)
    vb365 completion powershell | Out-String | Invoke-Expression
  A mistyped command or flag gets the nearest ("did you mean --folder?").
`

// exitCodes are the exit codes as help and README's CLI section list them
// (a test compares the two).
var exitCodes = []struct {
	code    int
	meaning string
}{
	{exitOK, "success"},
	{exitOther, "any other failure (network, server error, file error, failed restore with --wait)"},
	{exitUsage, "usage: bad command line or settings, or a declined prompt; nothing was sent"},
	{exitAuth, "auth: the server refused the credentials or the action (401, 403)"},
	{exitNotFound, "not found: no such session, mailbox, folder or item (404)"},
	{exitOutcomeUnknown, "outcome unknown: a restore (or explore) may or may not have run, also when interrupted; read 'vb365 sessions events' before trying again"},
	{exitInterrupted, "interrupted (Ctrl-C)"},
}

const helpDemo = `
Demo:
  --demo runs the command against a fresh in-process fake server (package
  vb365test) with a small tenant (alice@, bob@ and support@contoso.onmicrosoft.com,
  and the OneDrives of Alice Johnson and Bob Smith) and logs in as its restore
  operator. Each command starts its own fake server, so sessions do not carry
  over between commands: without --session, commands that need a restore
  session open one first, of OneDrives for the OneDrive commands. It says so
  when it ignores a flag (--url, --ca-file...).
    vb365 --demo items list --mailbox alice@contoso.onmicrosoft.com
    vb365 --demo documents list --onedrive 'Alice Johnson' --include-folders

Example against a server:
  export VB365_URL=https://vb365.example.com:4443
  export VB365_CLIENT_ID=<userObjectId>.<tenantId> VB365_ASSERTION_FILE=~/.vb365-token
  export VB365_SESSION=$(vb365 sessions explore --reason "ticket 4711")
  vb365 folders list --mailbox alice@example.com
  vb365 items list --mailbox alice@example.com --folder <ID> --max 20
  vb365 restore items --mailbox alice@example.com --item <ID> --folder "Restored" --wait
  vb365 sessions stop
  export VB365_SESSION=$(vb365 sessions explore --type onedrive --reason "ticket 4712")
  vb365 documents list --onedrive alice@example.com --include-folders
  vb365 restore documents --onedrive alice@example.com --document <ID> --wait
  vb365 sessions stop

Run 'vb365 help <command>' for a command's flags.
`

// help writes the help of cc to w: of vb365 for the root, the list of a
// group's commands, or a command's flags.
func (r *runner) help(w io.Writer, cc *cobra.Command) {
	switch {
	case !cc.HasParent():
		r.rootHelp(w, cc)
	case cc.HasAvailableSubCommands():
		fmt.Fprintf(w, "Usage:\n  %s <command> [flags]\n\n", cc.CommandPath())
		if cc.Long != "" {
			fmt.Fprintf(w, "%s\n\n", strings.TrimSpace(cc.Long))
		}
		fmt.Fprintln(w, "Commands:")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, sub := range cc.Commands() {
			if sub.IsAvailableCommand() {
				fmt.Fprintf(tw, "  %s\t%s\n", strings.TrimPrefix(sub.CommandPath(), "vb365 "), sub.Short)
			}
		}
		tw.Flush()
		fmt.Fprintf(w, "\nRun 'vb365 help %s <command>' for a command's flags, 'vb365 help' for the global flags and exit codes.\n", pathOf(cc))
	default:
		use := cc.CommandPath()
		if _, synopsis, ok := strings.Cut(cc.Use, " "); ok {
			use += " " + synopsis
		}
		fmt.Fprintf(w, "Usage:\n  %s\n\n%s\n", use, strings.TrimSpace(cmpOr(cc.Long, cc.Short)))
		if flags := localFlags(cc); flags.HasFlags() {
			fmt.Fprintf(w, "\nFlags:\n%s", flags.FlagUsages())
		}
		fmt.Fprintln(w, "\nGlobal flags (--url, --session, --output, --jq, --demo...) and exit codes: 'vb365 help'.")
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// localFlags are cc's own flags, without the global ones and --help.
func localFlags(cc *cobra.Command) *pflag.FlagSet {
	fs := pflag.NewFlagSet(cc.Name(), pflag.ContinueOnError)
	cc.LocalFlags().VisitAll(func(f *pflag.Flag) {
		if f.Name != "help" && cc.Root().PersistentFlags().Lookup(f.Name) == nil {
			fs.AddFlag(f)
		}
	})
	return fs
}

func (r *runner) rootHelp(w io.Writer, root *cobra.Command) {
	fmt.Fprint(w, helpIntro)
	fmt.Fprintln(w, "\nCommands:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range r.commands {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	fmt.Fprintf(tw, "  completion bash|zsh|fish|powershell\tprint a shell completion script\n")
	fmt.Fprintf(tw, "  help [command]\tshow help\n")
	tw.Flush()
	fmt.Fprint(w, helpGlobals)
	globals := pflag.NewFlagSet("vb365", pflag.ContinueOnError)
	globals.SortFlags = false
	root.PersistentFlags().VisitAll(globals.AddFlag)
	globals.AddFlag(root.Flags().Lookup("version"))
	fmt.Fprintf(w, "\nGlobal flags:\n%s", globals.FlagUsages())
	fmt.Fprint(w, helpTail)
	fmt.Fprintln(w, "\nExit codes:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, e := range exitCodes {
		fmt.Fprintf(tw, "  %s\t%s\n", strconv.Itoa(e.code), e.meaning)
	}
	tw.Flush()
	fmt.Fprint(w, helpDemo)
}
