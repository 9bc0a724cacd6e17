package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

const helpIntro = `vb365: restore mail from Veeam Backup for Microsoft 365, for help desks and scripts.

Usage:
  vb365 [global flags] <command> [flags]

Commands follow the restore workflow: open a restore session, find the mailbox,
folder and items, restore or export them, read the session's events, stop it.
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
  field names, for jq:
    vb365 items list --mailbox alice@contoso.com --output json | jq -r .id

Exit codes:
  0  success
  1  any other failure (network, server error, file error, failed restore with --wait)
  2  usage: bad command line or settings; no action was taken
  3  auth: the server refused the credentials or the action (401, 403)
  4  not found: no such session, mailbox, folder or item (404)
  5  outcome unknown: a restore (or explore) may or may not have run;
     read 'vb365 sessions events' before trying again

Demo:
  --demo runs the command against a fresh in-process fake server (package
  vb365test) with a small tenant (alice@, bob@ and support@contoso.onmicrosoft.com)
  and logs in as its restore operator. Each command starts its own fake
  server, so sessions do not carry over between commands: without --session,
  commands that need a restore session open one first.
    vb365 --demo items list --mailbox alice@contoso.onmicrosoft.com

Example against a server:
  export VB365_URL=https://vb365.example.com:4443
  export VB365_CLIENT_ID=<userObjectId>.<tenantId> VB365_ASSERTION_FILE=~/.vb365-token
  export VB365_SESSION=$(vb365 sessions explore --reason "ticket 4711")
  vb365 folders list --mailbox alice@example.com
  vb365 items list --mailbox alice@example.com --folder <ID> --max 20
  vb365 restore items --mailbox alice@example.com --item <ID> --folder "Restored" --wait
  vb365 sessions stop

Run 'vb365 help <command>' for a command's flags.
`

// help writes the help of cmd, or of vb365 when cmd is nil, to w.
func (e *env) help(w io.Writer, cmd *command) {
	if cmd == nil {
		fmt.Fprint(w, helpIntro)
		fmt.Fprintln(w, "\nCommands:")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, c := range commands {
			fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
		}
		fmt.Fprintf(tw, "  help [command]\tshow help\n")
		tw.Flush()
		fmt.Fprint(w, helpGlobals)
		fmt.Fprintln(w, "\nGlobal flags:")
		fs := flag.NewFlagSet("vb365", flag.ContinueOnError)
		globalFlags(fs, new(globals))
		printFlags(w, fs)
		fmt.Fprint(w, helpTail)
		return
	}
	fmt.Fprintf(w, "Usage:\n  vb365 %s %s\n\n%s\n", cmd.name, cmd.synopsis, cmd.help)
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	cmd.setup(fs)
	var n int
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprintln(w, "\nFlags:")
		printFlags(w, fs)
	}
	fmt.Fprintln(w, "\nGlobal flags (--url, --session, --output, --demo...) and exit codes: 'vb365 help'.")
}

// printFlags lists fs's flags, "--name VALUE  usage", sorted by name.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		if name != "" {
			name = " " + strings.ToUpper(name)
		}
		fmt.Fprintf(tw, "  --%s%s\t%s\n", f.Name, name, usage)
	})
	tw.Flush()
}

// helpCommand runs 'vb365 help [command]'.
func (e *env) helpCommand(args []string) int {
	if len(args) == 0 {
		e.help(e.stdout, nil)
		return exitOK
	}
	cmd, rest, err := findCommand(args)
	if err != nil {
		return e.usage(nil, err.Error())
	}
	if len(rest) > 0 {
		return e.usage(cmd, fmt.Sprintf("unexpected argument %q", rest[0]))
	}
	e.help(e.stdout, cmd)
	return exitOK
}
