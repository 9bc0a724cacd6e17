package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/vb365-go/vb365"
)

// command is one subcommand, such as "sessions list".
type command struct {
	name     string // words after vb365
	synopsis string // its flags, for help
	summary  string // one line, for the command list
	help     string // what it does, for 'vb365 help <name>'
	// auth: the command logs in. session: it needs a restore session.
	// demoSession: with --demo and no --session, a session is opened first,
	// of sessionType ("" is Exchange).
	auth, session, demoSession bool
	sessionType                vb365.SessionType
	// admin: with --demo, log in as the fake's administrator, not its
	// restore operator.
	admin bool
	// noServer: the command talks to no server (vb365 version).
	noServer bool
	// dryRun: the command sends an action (a restore, send or export) and
	// takes --dry-run. overwrites: it may overwrite data and takes --yes
	// (see app.confirm).
	dryRun, overwrites bool
	// unknownHint is printed when the outcome of its action is unknown;
	// SESSION stands for the session ID. forbiddenHint is printed on 403.
	unknownHint, forbiddenHint string
	// setup registers the command's flags on fs and returns its checks of
	// them, which run before any login or session (nil for none), and what
	// it does.
	setup func(fs *pflag.FlagSet) (check func(*app) error, run action)
}

type action func(ctx context.Context, a *app) error

const adminHint = "The server refused the action: exports need an administrator's login (VB365_USERNAME and a password), not a restore operator's."

// commands are vb365's commands, in the order of the workflow: the
// settings, sessions and mailbox commands, the OneDrive ones (onedrive.go),
// then logout and version.
var commands = slices.Concat(exchangeCommands, oneDriveCommands, []*command{logoutCommand, versionCommand})

var exchangeCommands = []*command{
	{
		name: "portal-settings", summary: "show how Restore Portal is set up (needs no login)",
		help:  "Shows the Restore Portal settings: the Microsoft Entra application whose access token a restore operator presents as the assertion.",
		setup: portalSettings,
	},
	{
		name: "sessions explore", synopsis: "[--type exchange|onedrive] [--at TIME] [--reason TEXT] [--show-deleted] [--show-all-versions] [--organization ID] [--repository ID]",
		summary: "open a restore session and print its ID",
		help: "Opens a restore session showing the data backed up before --at (default: now) and prints its ID\n" +
			"(the whole session with --output json): of mailboxes, or with --type onedrive of OneDrives. A restore\n" +
			"operator's login opens it on what the operator may restore; an administrator's on the organization\n" +
			"they logged in to, or on --organization ID. Pass the ID to later commands with --session or\n" +
			"VB365_SESSION, and stop the session when done:\n\n" +
			"  export VB365_SESSION=$(vb365 sessions explore --reason 'ticket 4711')\n" +
			"  export VB365_SESSION=$(vb365 sessions explore --type onedrive --reason 'ticket 4712')\n" +
			"  ...\n" +
			"  vb365 sessions stop",
		auth: true, unknownHint: "A restore session may have been opened. Check with 'vb365 sessions list', and stop any you do not want with 'vb365 sessions stop --session ID'.",
		setup: sessionsExplore,
	},
	{
		name: "sessions list", synopsis: "[--max N]", summary: "list restore sessions",
		help: "Lists the restore sessions the login may see.", auth: true, demoSession: true, setup: sessionsList,
	},
	{
		name: "sessions get", synopsis: "--session ID", summary: "show a restore session",
		help: "Shows one restore session.", auth: true, session: true, demoSession: true, setup: sessionsGet,
	},
	{
		name: "sessions stop", synopsis: "--session ID", summary: "stop a restore session",
		help: "Stops a restore session. Stopping a stopped session is harmless.", auth: true, session: true, demoSession: true, setup: sessionsStop,
	},
	{
		name: "sessions events", synopsis: "--session ID [--max N]", summary: "list a session's events: what its restores and exports did",
		help: "Lists the events of a restore session: each restore, export and send done in it adds one.\n" +
			"After an outcome-unknown failure (exit code 5), this tells whether the restore ran.",
		auth: true, session: true, demoSession: true, setup: sessionsEvents,
	},
	{
		name: "mailboxes list", synopsis: "--session ID [--max N]", summary: "list the mailboxes in a restore session",
		help: "Lists the backed-up mailboxes in a restore session.", auth: true, session: true, demoSession: true, setup: mailboxesList,
	},
	{
		name: "mailboxes get", synopsis: "--session ID --mailbox ID|EMAIL", summary: "show one mailbox",
		help: "Shows one mailbox.\n" + mailboxHelp, auth: true, session: true, demoSession: true, setup: mailboxesGet,
	},
	{
		name: "folders list", synopsis: "--session ID --mailbox ID|EMAIL [--parent FOLDER-ID | --all] [--name PATTERN] [--max N]",
		summary: "list a mailbox's folders",
		help: "Lists the top-level folders of a mailbox, the subfolders of --parent, or with --all the whole folder tree\n" +
			"(slow on large mailboxes). --name keeps folders whose name matches; * and ? are wildcards.\n" + mailboxHelp,
		auth: true, session: true, demoSession: true, setup: foldersList,
	},
	{
		name: "items list", synopsis: "--session ID --mailbox ID|EMAIL [--folder FOLDER-ID] [--max N] [--page-size N]",
		summary: "list a mailbox's items, or a folder's",
		help: "Lists the items of a mailbox, or of one folder (its ID from 'vb365 folders list'). Pages are fetched as\n" +
			"the list goes; a progress line shows on stderr when it is a terminal and the list spans pages.\n" + mailboxHelp,
		auth: true, session: true, demoSession: true, setup: itemsList,
	},
	{
		name: "items get", synopsis: "--session ID --mailbox ID|EMAIL --item ID", summary: "show one item",
		help: "Shows one item of a mailbox.\n" + mailboxHelp, auth: true, session: true, demoSession: true, setup: itemsGet,
	},
	{
		name: "items search", synopsis: "--session ID [--mailbox ID|EMAIL [--folder FOLDER-ID]] --query QUERY [--max N] [--page-size N]",
		summary: "search the items of a mailbox, or of every mailbox",
		help: "Searches the items of a mailbox (or one of its folders), or without --mailbox of every mailbox in the\n" +
			"session. QUERY is the server's criteria:value language, such as 'subject:invoice from:bob'; a query\n" +
			"the server cannot read is a usage error (exit code 2). The MAILBOX column (mailboxId in JSON) is the\n" +
			"mailbox of each hit: give it to 'restore items --mailbox' with the ID.\n" + mailboxHelp,
		auth: true, session: true, demoSession: true, setup: itemsSearch,
	},
	{
		name: "restore items", synopsis: "--session ID --mailbox ID|EMAIL --item ID... [--items-from FILE] [--folder NAME] [--reason TEXT] [--mark-unread] [--changed-items] [--deleted-items] [--wait] [--dry-run]",
		summary: "restore items to their mailbox, as a restore operator",
		help: "Restores items to their mailbox, to the original folder or to --folder NAME (created when missing).\n" +
			"Give each item with --item (repeat it), or one ID per line in --items-from FILE ('-' reads stdin).\n" +
			"With --wait, follows the restore until its events say it ended and sums them up (the events of earlier\n" +
			"restores in the session are left out); failed items then give exit code 1. A restore is never sent\n" +
			"twice: when the server may or may not have restored (exit code 5), read 'vb365 sessions events'\n" +
			"before trying again. --dry-run prints the restore request instead of sending it.\n" + mailboxHelp,
		auth: true, session: true, demoSession: true, dryRun: true,
		unknownHint: "The restore may have run. Do not send it again before checking the session's events:\n" +
			"  vb365 sessions events --session SESSION",
		forbiddenHint: "The server refused the restore: restore items needs a restore operator's login (VB365_CLIENT_ID and an assertion), and the items must be in the operator's scope.",
		setup:         restoreItems,
	},
	{
		name: "export pst", synopsis: "--session ID --mailbox ID|EMAIL (--item ID... | --items-from FILE | --folder FOLDER-ID | --whole-mailbox) [--keyword WORD] --out FILE|- [--force] [--dry-run]",
		summary: "export items, a folder or a mailbox to a PST file",
		help: "Exports items, a folder or a whole mailbox to a PST file. The file is written next to FILE under a\n" +
			"temporary name and renamed when complete, so FILE is never half-written; it is readable by its owner\n" +
			"only. An existing FILE is kept unless --force; --out - writes to stdout (not a terminal). A progress\n" +
			"bar shows on stderr when it is a terminal. --dry-run prints the export request instead of sending it.\n" + mailboxHelp,
		auth: true, session: true, demoSession: true, dryRun: true, forbiddenHint: adminHint, admin: true, setup: exportPST,
	},
	{
		name: "export msg", synopsis: "--session ID --mailbox ID|EMAIL (--item ID... | --items-from FILE) --out FILE|- [--force] [--dry-run]",
		summary: "save items as MSG (one item) or a ZIP of MSG files",
		help:    "Saves one item as an MSG file, or several as a ZIP of MSG files. Writing is as for 'export pst'.\n" + mailboxHelp,
		auth:    true, session: true, demoSession: true, dryRun: true, forbiddenHint: adminHint, admin: true, setup: exportMSG,
	},
}

const mailboxHelp = "--mailbox takes a mailbox ID or an e-mail address (which picks the user's mailbox, not its archive)."

// stringList is a flag that may be repeated: --item A --item B.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, " ") }
func (l *stringList) Set(v string) error {
	*l = append(*l, v)
	return nil
}
func (l *stringList) Type() string { return "stringList" }

// listFlags are the flags of commands that list.
type listFlags struct{ max, pageSize int }

func (l *listFlags) register(fs *pflag.FlagSet, pages bool) {
	fs.IntVar(&l.max, "max", 0, "stop after `N` results; 0 lists all")
	if pages {
		fs.IntVar(&l.pageSize, "page-size", 0, fmt.Sprintf("fetch `N` results per request (default %d, at most %d)", vb365.DefaultPageSize, vb365.MaxPageSize))
	}
}

func (l *listFlags) check(*app) error {
	if l.max < 0 {
		return usagef("--max must not be negative")
	}
	if l.pageSize < 0 || l.pageSize > vb365.MaxPageSize {
		return usagef("--page-size must be between 1 and %d", vb365.MaxPageSize)
	}
	return nil
}

// options returns the page options: no larger pages than --max needs.
func (l *listFlags) options() *vb365.ListOptions {
	limit := l.pageSize
	if page := cmp.Or(l.pageSize, vb365.DefaultPageSize); l.max > 0 && l.max < page {
		limit = l.max
	}
	return &vb365.ListOptions{Limit: limit}
}

// each walks seq, calling fn for every result until --max results, and
// draws the progress of long listings on bar.
func each[T any](l *listFlags, seq iter.Seq2[T, error], bar *progressBar, fn func(*T) error) error {
	page := cmp.Or(l.options().Limit, vb365.DefaultPageSize)
	n := 0
	for v, err := range seq {
		if err != nil {
			return err
		}
		if err := fn(&v); err != nil {
			return err
		}
		n++
		if n > page { // a second page: the listing is long enough to show
			bar.count(n, (n+page-1)/page)
		}
		if l.max > 0 && n >= l.max {
			break
		}
	}
	return nil
}

// mailboxID returns the ID of the mailbox named by s: an ID, or an e-mail
// address looked up in the session (the user's mailbox before its archive).
func (a *app) mailboxID(ctx context.Context, s string) (string, error) {
	if !strings.Contains(s, "@") {
		return s, nil
	}
	var archive string
	for m, err := range a.client.Mailboxes.All(ctx, a.g.session, nil) {
		if err != nil {
			return "", err
		}
		if strings.EqualFold(m.Email, s) {
			if !m.IsArchive {
				return m.ID, nil
			}
			if archive == "" {
				archive = m.ID
			}
		}
	}
	if archive != "" {
		return archive, nil
	}
	return "", &notFoundError{fmt.Sprintf("no mailbox with the address %s in restore session %s", s, a.g.session)}
}

// needMailbox is the check that --mailbox was given.
func needMailbox(s string) error {
	if s == "" {
		return usagef("--mailbox is required (an ID or e-mail address from 'vb365 mailboxes list')")
	}
	return nil
}

// itemIDs joins --item flags and the lines of --items-from. Reading stdin
// that is a terminal, it says so on stderr first.
func (a *app) itemIDs(items stringList, from string) ([]string, error) {
	return a.readIDs("--item", "--items-from", "item", items, from)
}

// readIDs joins the IDs of a repeatable flag (--item, --document) and the
// lines of its file flag (--items-from, --documents-from), and checks them
// (checkItemID). noun names what the IDs are, for the prompt.
func (a *app) readIDs(flag, fromFlag, noun string, given stringList, from string) ([]string, error) {
	ids := append([]string(nil), given...)
	if from == "" {
		return ids, checkIDs(flag, ids)
	}
	var r io.Reader = a.stdin
	if from != "-" {
		f, err := os.Open(from)
		if err != nil {
			return nil, usagef("%s: %v", fromFlag, err)
		}
		defer f.Close()
		r = f
	} else if a.isTerminal(a.stdin) {
		fmt.Fprintf(a.stderr, "vb365: reading %s IDs from stdin, one per line; end with %s\n", noun, endOfInput())
	}
	err := a.readStdin(a.ctx, func(io.Reader) error {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line != "" && !strings.HasPrefix(line, "#") {
				ids = append(ids, line)
			}
		}
		return sc.Err()
	})
	if err != nil {
		if a.ctx.Err() != nil {
			return nil, err
		}
		return nil, usagef("%s: %v", fromFlag, err)
	}
	return ids, checkIDs(flag, ids)
}

// checkIDs checks each of the IDs given with flag or its file flag.
func checkIDs(flag string, ids []string) error {
	for _, id := range ids {
		if err := checkItemID(flag, id); err != nil {
			return err
		}
	}
	return nil
}

// checkItemID refuses, before any login, an ID that can name no item:
// blank, with control characters or "..". The SDK checks again.
func checkItemID(flag, id string) error {
	switch {
	case strings.TrimSpace(id) == "":
		return usagef("%s must not be empty", flag)
	case strings.Contains(id, ".."):
		return usagef("%s %q: an item ID never holds \"..\"", flag, id)
	case strings.ContainsFunc(id, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return usagef("%s %q: an item ID never holds control characters", flag, id)
	}
	return nil
}

// confirm asks before an action that overwrites data, such as a restore
// with Overwrite (OneDrive, SharePoint): --yes says yes; on a terminal the
// question goes to stderr and the answer comes from stdin; without a
// terminal and --yes the action is refused. A no is a declinedError.
// Commands that overwrite set command.overwrites (which registers --yes)
// and call it in their checks, before any login: nothing is sent without
// the answer.
func (a *app) confirm(question string) error {
	if a.lf.yes || a.lf.dryRun {
		return nil
	}
	if !a.isTerminal(a.stdin) || !a.isTerminal(a.stderr) {
		return usagef("%s: give --yes to go ahead (there is no terminal to ask on)", question)
	}
	fmt.Fprintf(a.stderr, "vb365: %s. Go ahead? [y/N] ", question)
	var answer string
	err := a.readStdin(a.ctx, func(r io.Reader) error {
		line, err := bufio.NewReader(r).ReadString('\n')
		answer = line
		if errors.Is(err, io.EOF) {
			err = nil
		}
		return err
	})
	if err != nil {
		return err
	}
	switch strings.ToLower(strings.TrimSpace(answer)) {
	case "y", "yes":
		return nil
	}
	return &declinedError{"not confirmed: nothing was sent"}
}

// ---- commands ----

func portalSettings(fs *pflag.FlagSet) (func(*app) error, action) {
	return nil, func(ctx context.Context, a *app) error {
		s, err := a.client.RestorePortalSettings(ctx)
		if err != nil {
			return err
		}
		return a.out.one(portalSettingsJSON{ApplicationID: s.ApplicationID, MSALAuthorityURI: s.MSALAuthorityURI, IsEnabled: s.IsEnabled},
			field{"Application ID", s.ApplicationID}, field{"MSAL authority", s.MSALAuthorityURI}, field{"Enabled", yesNo(s.IsEnabled)})
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// timeLayouts are the forms --at takes; all but RFC 3339 are local time.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"}

func parseTime(s string) (time.Time, error) {
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, usagef("--at %q: want a time such as 2026-11-30, '2026-11-30 17:00' or 2026-11-30T17:00:00Z", s)
}

// sessionTypes are the values of 'sessions explore --type': the kinds of
// data the CLI browses.
var sessionTypes = map[string]vb365.SessionType{"exchange": vb365.SessionTypeExchange, "onedrive": vb365.SessionTypeOneDrive}

func sessionsExplore(fs *pflag.FlagSet) (func(*app) error, action) {
	var at, reason, org, repo, kind string
	var showDeleted, showAll bool
	var t time.Time
	var typ vb365.SessionType
	fs.StringVar(&kind, "type", "exchange", "what the session shows: `exchange` (mailboxes) or onedrive (OneDrives)")
	fs.StringVar(&at, "at", "", "show the data backed up before this `time` (default now)")
	fs.StringVar(&reason, "reason", "", "free `TEXT` saying why, such as a ticket number (restore operators)")
	fs.BoolVar(&showDeleted, "show-deleted", false, "show items deleted before the time")
	fs.BoolVar(&showAll, "show-all-versions", false, "show every version of changed items")
	fs.StringVar(&org, "organization", "", "organization `ID` to explore (administrators, on the backup provider's side)")
	fs.StringVar(&repo, "repository", "", "backup repository `ID` to explore (v8)")
	check := func(a *app) error {
		var ok bool
		if typ, ok = sessionTypes[strings.ToLower(kind)]; !ok {
			return usagef("--type must be exchange or onedrive, not %q", kind)
		}
		t = a.now()
		if at != "" {
			var err error
			if t, err = parseTime(at); err != nil {
				return err
			}
		}
		switch {
		case a.admin && reason != "":
			return usagef("--reason is for restore operators; administrators' sessions take none")
		case !a.admin && org != "":
			return usagef("--organization is for administrators (VB365_USERNAME); a restore operator explores their own scope")
		}
		return nil
	}
	return check, func(ctx context.Context, a *app) error {
		opt := func(b bool) *bool { // unset leaves it to the server
			if !b {
				return nil
			}
			return vb365.Bool(true)
		}
		var (
			s   *vb365.RestoreSession
			err error
		)
		if a.admin {
			req := &vb365.ExploreRequest{DateTime: t, Type: typ, ShowDeleted: opt(showDeleted), ShowAllVersions: opt(showAll), RepositoryID: repo}
			if org != "" {
				s, err = a.client.RestoreSessions.ExploreOrganization(ctx, org, req)
			} else {
				s, err = a.client.RestoreSessions.Explore(ctx, req)
			}
		} else {
			s, err = a.client.RestoreSessions.OperatorExplore(ctx, &vb365.OperatorExploreRequest{
				DateTime: t, Type: typ, ShowDeleted: opt(showDeleted), ShowAllVersions: opt(showAll), Reason: reason, RepositoryID: repo,
			})
		}
		if err != nil {
			return err
		}
		if a.out.json {
			return a.out.jsonLine(sessionRecord(s))
		}
		_, err = fmt.Fprintln(a.out.w, s.ID)
		return err
	}
}

func sessionsList(fs *pflag.FlagSet) (func(*app) error, action) {
	var l listFlags
	l.register(fs, false)
	return l.check, func(ctx context.Context, a *app) error {
		t := a.out.table("ID", "STATE", "CREATED", "INITIATED BY", "SCOPE", "REASON").clip("REASON", 40)
		err := each(&l, a.client.RestoreSessions.All(ctx, &vb365.RestoreSessionListOptions{ListOptions: *l.options()}), nil, func(s *vb365.RestoreSession) error {
			return t.row(sessionRecord(s), s.ID, string(s.State), a.out.when(s.CreationTime), s.InitiatedBy, s.ScopeName, s.Reason)
		})
		return t.end(err)
	}
}

func sessionFields(o output, s *vb365.RestoreSession) []field {
	var end time.Time
	if s.EndTime != nil {
		end = *s.EndTime
	}
	return []field{
		{"ID", s.ID}, {"Name", s.Name}, {"Organization", s.Organization}, {"Type", string(s.Type)},
		{"State", string(s.State)}, {"Result", string(s.Result)}, {"Created", o.when(s.CreationTime)}, {"Ended", o.when(end)},
		{"Initiated by", s.InitiatedBy}, {"Scope", s.ScopeName}, {"Reason", s.Reason},
	}
}

func sessionsGet(fs *pflag.FlagSet) (func(*app) error, action) {
	return nil, func(ctx context.Context, a *app) error {
		s, err := a.client.RestoreSessions.Get(ctx, a.g.session)
		if err != nil {
			return err
		}
		return a.out.one(sessionRecord(s), sessionFields(a.out, s)...)
	}
}

func sessionsStop(fs *pflag.FlagSet) (func(*app) error, action) {
	return nil, func(ctx context.Context, a *app) error {
		if err := a.client.RestoreSessions.Stop(ctx, a.g.session); err != nil {
			return err
		}
		return a.out.one(stopJSON{ID: a.g.session, State: string(vb365.SessionStateStopped)},
			field{"Stopped restore session", a.g.session})
	}
}

func sessionsEvents(fs *pflag.FlagSet) (func(*app) error, action) {
	var l listFlags
	l.register(fs, false)
	return l.check, func(ctx context.Context, a *app) error {
		t := a.out.table("#", "TYPE", "STATUS", "STARTED", "ITEM", "MESSAGE").clip("ITEM", 30)
		err := each(&l, a.client.RestoreSessions.Events(ctx, a.g.session, l.options()), nil, func(e *vb365.RestoreSessionEvent) error {
			return t.row(eventRecord(e), strconv.Itoa(e.Order), string(e.Type), string(e.Status), a.out.when(e.StartTime), e.ItemName, e.Message)
		})
		return t.end(err)
	}
}

func mailboxesList(fs *pflag.FlagSet) (func(*app) error, action) {
	var l listFlags
	l.register(fs, false)
	return l.check, func(ctx context.Context, a *app) error {
		t := a.out.table("EMAIL", "NAME", "KIND", "ID")
		err := each(&l, a.client.Mailboxes.All(ctx, a.g.session, l.options()), nil, func(m *vb365.Mailbox) error {
			return t.row(mailboxRecord(m), m.Email, m.Name, mailboxKind(m), m.ID)
		})
		return t.end(err)
	}
}

func mailboxesGet(fs *pflag.FlagSet) (func(*app) error, action) {
	var mailbox string
	fs.StringVar(&mailbox, "mailbox", "", "mailbox `ID` or e-mail address")
	return func(*app) error { return needMailbox(mailbox) }, func(ctx context.Context, a *app) error {
		id, err := a.mailboxID(ctx, mailbox)
		if err != nil {
			return err
		}
		m, err := a.client.Mailboxes.Get(ctx, a.g.session, id)
		if err != nil {
			return err
		}
		return a.out.one(mailboxRecord(m), field{"ID", m.ID}, field{"Name", m.Name}, field{"Email", m.Email}, field{"Kind", mailboxKind(m)})
	}
}

func foldersList(fs *pflag.FlagSet) (func(*app) error, action) {
	var l listFlags
	var mailbox, parent, name string
	var all bool
	l.register(fs, false)
	fs.StringVar(&mailbox, "mailbox", "", "mailbox `ID` or e-mail address")
	fs.StringVar(&parent, "parent", "", "list the subfolders of this folder `ID` (default: the top-level folders)")
	fs.BoolVar(&all, "all", false, "list the whole folder tree")
	fs.StringVar(&name, "name", "", "keep folders whose name matches `PATTERN` (* and ? are wildcards)")
	check := func(a *app) error {
		if all && parent != "" {
			return usagef("give --parent or --all, not both")
		}
		return errors.Join(l.check(a), needMailbox(mailbox))
	}
	return check, func(ctx context.Context, a *app) error {
		id, err := a.mailboxID(ctx, mailbox)
		if err != nil {
			return err
		}
		opts := &vb365.FolderListOptions{ListOptions: *l.options(), ParentID: vb365.RootFolders, Name: name}
		switch {
		case all:
			opts.ParentID = ""
		case parent != "":
			opts.ParentID = parent
		}
		t := a.out.table("NAME", "CATEGORY", "TYPE", "ID")
		err = each(&l, a.client.Mailboxes.Folders(ctx, a.g.session, id, opts), nil, func(f *vb365.Folder) error {
			return t.row(folderRecord(id, f), f.Name, string(f.Category), string(f.Type), f.ID)
		})
		return t.end(err)
	}
}

// listItems writes items as they come, with a progress line for long
// listings. withMailbox adds a MAILBOX column (searches): the ID that
// 'restore items --mailbox' takes with the hit's ID.
func (a *app) listItems(l *listFlags, mailboxID string, withMailbox bool, seq iter.Seq2[vb365.Item, error]) error {
	bar := a.newBar("items")
	out := a.out
	if bar != nil && a.isTerminal(a.stdout) {
		out.w = barWriter{w: out.w, bar: bar} // results and the line share the screen
	}
	columns := []string{"RECEIVED", "FROM", "SUBJECT", "ATT", "ID"}
	if withMailbox {
		columns = append(columns, "MAILBOX")
	}
	t := out.table(columns...).clip("FROM", 30).clip("SUBJECT", 60)
	err := each(l, seq, bar, func(it *vb365.Item) error {
		rec := itemRecord(mailboxID, it)
		cells := []string{out.when(itemDate(it)), it.From, it.Subject, strconv.Itoa(len(it.Attachments)), it.ID}
		if withMailbox {
			cells = append(cells, cmp.Or(rec.MailboxID, "-"))
		}
		return t.row(rec, cells...)
	})
	bar.clear()
	return t.end(err)
}

func itemsList(fs *pflag.FlagSet) (func(*app) error, action) {
	var l listFlags
	var mailbox, folder string
	l.register(fs, true)
	fs.StringVar(&mailbox, "mailbox", "", "mailbox `ID` or e-mail address")
	fs.StringVar(&folder, "folder", "", "list this folder's items (its `ID` from 'vb365 folders list'); default the whole mailbox")
	check := func(a *app) error { return errors.Join(l.check(a), needMailbox(mailbox)) }
	return check, func(ctx context.Context, a *app) error {
		id, err := a.mailboxID(ctx, mailbox)
		if err != nil {
			return err
		}
		opts := &vb365.ItemListOptions{ListOptions: *l.options(), FolderID: folder}
		return a.listItems(&l, id, false, a.client.Mailboxes.Items(ctx, a.g.session, id, opts))
	}
}

func itemsGet(fs *pflag.FlagSet) (func(*app) error, action) {
	var mailbox, item string
	fs.StringVar(&mailbox, "mailbox", "", "mailbox `ID` or e-mail address")
	fs.StringVar(&item, "item", "", "item `ID`")
	check := func(*app) error {
		if item == "" {
			return usagef("--item is required")
		}
		if err := checkItemID("--item", item); err != nil {
			return err
		}
		return needMailbox(mailbox)
	}
	return check, func(ctx context.Context, a *app) error {
		id, err := a.mailboxID(ctx, mailbox)
		if err != nil {
			return err
		}
		it, err := a.client.Mailboxes.GetItem(ctx, a.g.session, id, item)
		if err != nil {
			return err
		}
		var atts []string
		for _, at := range it.Attachments {
			atts = append(atts, fmt.Sprintf("%s (%s)", at.Name, humanBytes(at.SizeBytes)))
		}
		return a.out.one(itemRecord(id, it),
			field{"ID", it.ID}, field{"Class", it.ItemClass}, field{"Subject", it.Subject}, field{"From", it.From},
			field{"To", it.To}, field{"Cc", it.Cc}, field{"Sent", a.out.when(it.Sent)}, field{"Received", a.out.when(it.Received)},
			field{"Importance", string(it.Importance)}, field{"Attachments", strings.Join(atts, ", ")})
	}
}

func itemsSearch(fs *pflag.FlagSet) (func(*app) error, action) {
	var l listFlags
	var mailbox, folder, query string
	l.register(fs, true)
	fs.StringVar(&mailbox, "mailbox", "", "search this mailbox (`ID` or e-mail address); default every mailbox")
	fs.StringVar(&folder, "folder", "", "search this folder `ID` of --mailbox")
	fs.StringVar(&query, "query", "", "the search `QUERY`, such as 'subject:invoice from:bob'")
	check := func(a *app) error {
		switch {
		case query == "":
			return usagef("--query is required")
		case mailbox == "" && folder != "":
			return usagef("--folder needs --mailbox")
		}
		return l.check(a)
	}
	return check, func(ctx context.Context, a *app) error {
		var err error
		if mailbox == "" {
			err = a.listItems(&l, "", true, a.client.Mailboxes.SearchAll(ctx, a.g.session, query, l.options()))
		} else {
			var id string
			if id, err = a.mailboxID(ctx, mailbox); err != nil {
				return err
			}
			opts := &vb365.SearchOptions{ListOptions: *l.options(), FolderID: folder}
			err = a.listItems(&l, id, true, a.client.Mailboxes.Search(ctx, a.g.session, id, query, opts))
		}
		// The server answers 400 to a query it cannot read: the user's
		// --query, so a usage error.
		var ae *vb365.APIError
		if errors.As(err, &ae) && ae.StatusCode == 400 {
			return usagef("--query %q: the server cannot read it: %s", query, cmp.Or(ae.Message, "400 Bad Request"))
		}
		return err
	}
}

// clockSkew is how far behind ours the server's clock may be for --wait to
// still count the restore's own events, which carry the server's time.
// Windows domain members keep within five minutes of the domain's time
// (Kerberos refuses more). Events of earlier restores in the same session
// are told apart by the server's clock (see restoreItems).
const clockSkew = 5 * time.Minute

func restoreItems(fs *pflag.FlagSet) (func(*app) error, action) {
	var mailbox, from, folder, reason string
	var items stringList
	var ids []string
	var unread, changed, deleted, wait bool
	fs.StringVar(&mailbox, "mailbox", "", "mailbox `ID` or e-mail address")
	fs.Var(&items, "item", "item `ID` to restore; repeat for more")
	fs.StringVar(&from, "items-from", "", "read item IDs from `FILE`, one per line ('-': stdin)")
	fs.StringVar(&folder, "folder", "", "restore to the folder with this `NAME`, created when missing (default: the original folder)")
	fs.StringVar(&reason, "reason", "", "free `TEXT` saying why, such as a ticket number; kept by the server")
	fs.BoolVar(&unread, "mark-unread", false, "mark the restored items unread")
	fs.BoolVar(&changed, "changed-items", false, "restore items that changed since the backup")
	fs.BoolVar(&deleted, "deleted-items", false, "restore items missing from the mailbox")
	fs.BoolVar(&wait, "wait", false, "follow the restore until it ends and sum up its events")
	check := func(a *app) error {
		var err error
		if ids, err = a.itemIDs(items, from); err != nil {
			return err
		}
		if len(ids) == 0 {
			return usagef("give the items to restore with --item ID (repeat it) or --items-from FILE")
		}
		return needMailbox(mailbox)
	}
	return check, func(ctx context.Context, a *app) error {
		id, err := a.mailboxID(ctx, mailbox)
		if err != nil {
			return err
		}
		req := &vb365.OperatorRestoreRequest{
			ItemIDs: ids, Folder: folder, Reason: reason,
			MarkRestoredAsUnread: unread, ChangedItems: changed, DeletedItems: deleted,
		}
		if a.dry != nil {
			_, err := a.client.Mailboxes.OperatorRestore(ctx, a.g.session, id, req)
			return a.dryReport(err)
		}
		f, err := a.beforeRestore(ctx, wait)
		if err != nil {
			return err
		}
		res, err := a.client.Mailboxes.OperatorRestore(ctx, a.g.session, id, req)
		if err != nil {
			return err
		}
		rec := restoreJSON{SessionID: res.SessionID, MailboxID: id, ItemCount: len(ids), Folder: folder}
		target := folder
		if target == "" {
			target = "(original folder)"
		}
		fields := []field{{"Restore session", res.SessionID}, {"Mailbox", id}, {"Items", strconv.Itoa(len(ids))}, {"Folder", target}}
		if !wait {
			return a.out.one(rec, fields...)
		}
		sum, err := a.followRestore(ctx, f, res.SessionID)
		if err != nil {
			return err
		}
		rec.Summary = summaryRecord(sum)
		return a.restored(rec, sum, res.SessionID, append(fields, summaryFields(sum)...))
	}
}

// restoreFollow is what following a restore operator's restore (--wait)
// needs from before it was sent: to tell its events from those of earlier
// restores in the session.
type restoreFollow struct {
	newest time.Time // the session's newest event before, on the server's clock
	sent   time.Time // when the restore was sent, on ours
}

// beforeRestore is called just before a restore operator's restore is sent:
// with --wait it reads the session's newest event.
func (a *app) beforeRestore(ctx context.Context, wait bool) (*restoreFollow, error) {
	f := &restoreFollow{}
	if wait {
		for ev, err := range a.client.RestoreSessions.Events(ctx, a.g.session, nil) {
			if err != nil {
				return nil, err
			}
			if ev.StartTime.After(f.newest) {
				f.newest = ev.StartTime
			}
		}
	}
	f.sent = a.now()
	return f, nil
}

// followRestore waits for the restore followed by the session sessionID to
// end and sums up its events: only this restore's, not those of earlier
// restores in the session, which the server's own clock tells apart when
// the restore is followed in the session it was sent in.
func (a *app) followRestore(ctx context.Context, f *restoreFollow, sessionID string) (*vb365.RestoreSummary, error) {
	since := f.sent.Add(-clockSkew)
	if sessionID == a.g.session && f.newest.After(since) {
		since = f.newest.Add(time.Nanosecond)
	}
	sum, err := a.client.RestoreSessions.Wait(ctx, sessionID, &vb365.WaitOptions{Since: since})
	if err != nil {
		return nil, fmt.Errorf("the restore was sent; following it failed (see 'vb365 sessions events --session %s'): %w", sessionID, err)
	}
	return sum, nil
}

func summaryRecord(sum *vb365.RestoreSummary) *summaryJSON {
	return &summaryJSON{Restored: sum.Restored, Failed: sum.Failed, Skipped: sum.Skipped, Warnings: sum.Warnings}
}

func summaryFields(sum *vb365.RestoreSummary) []field {
	return []field{{"Restored", strconv.Itoa(sum.Restored)}, {"Failed", strconv.Itoa(sum.Failed)},
		{"Skipped", strconv.Itoa(sum.Skipped)}, {"Warnings", strconv.Itoa(sum.Warnings)}}
}

// restored writes the result of a restore that was followed to its end;
// failed events make it fail (exit code 1).
func (a *app) restored(rec any, sum *vb365.RestoreSummary, sessionID string, fields []field) error {
	if err := a.out.one(rec, fields...); err != nil {
		return err
	}
	if sum.Failed > 0 {
		return fmt.Errorf("%d restore event(s) failed; see 'vb365 sessions events --session %s'", sum.Failed, sessionID)
	}
	return nil
}

// outFlags are --out and --force: the flags of the commands that write a
// file (export pst, export msg, save documents).
type outFlags struct {
	out   string
	force bool
}

func (o *outFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&o.out, "out", "", "write to `FILE`; - writes to stdout")
	fs.BoolVar(&o.force, "force", false, "replace FILE if it exists")
}

// check checks --out, before anything is sent: it must be given, and be a
// file whose directory exists, which exists only with --force; "-" is
// stdout, which must not be a terminal. example is a file name to suggest
// when --out is a directory.
func (o *outFlags) check(a *app, example string) error {
	switch {
	case o.out == "":
		return usagef("--out FILE is required (- writes to stdout)")
	case o.out == "-":
		if a.isTerminal(a.stdout) {
			return usagef("--out - would write the file to the terminal; send stdout to a file or a program")
		}
		return nil
	}
	fi, err := os.Stat(o.out)
	switch {
	case err == nil && fi.IsDir():
		return usagef("--out %s is a directory; give a file name, such as %s", o.out, filepath.Join(o.out, example))
	case err == nil && !o.force:
		return usagef("%s exists; give --force to replace it", o.out)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return usagef("--out %s: %v", o.out, pathProblem(err))
	}
	if dir := filepath.Dir(o.out); dir != "." {
		if fi, err := os.Stat(dir); err != nil {
			return usagef("--out %s: the directory %s %s", o.out, dir, pathProblem(err))
		} else if !fi.IsDir() {
			return usagef("--out %s: %s is not a directory", o.out, dir)
		}
	}
	return nil
}

// downloadFlags are the flags of the export commands.
type downloadFlags struct {
	outFlags
	mailbox, from string
	items         stringList
	ids           []string // --item and --items-from, after the checks
}

func (d *downloadFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&d.mailbox, "mailbox", "", "mailbox `ID` or e-mail address")
	fs.Var(&d.items, "item", "item `ID` to export; repeat for more")
	fs.StringVar(&d.from, "items-from", "", "read item IDs from `FILE`, one per line ('-': stdin)")
	d.outFlags.register(fs)
}

// check reads the items and checks --out (outFlags.check), before anything
// is sent.
func (d *downloadFlags) check(a *app) error {
	var err error
	if d.ids, err = a.itemIDs(d.items, d.from); err != nil {
		return err
	}
	return d.outFlags.check(a, "export"+d.ext(a))
}

func (d *downloadFlags) needMailbox() error { return needMailbox(d.mailbox) }

// ext is the file name extension of the command's files.
func (d *downloadFlags) ext(a *app) string {
	if strings.HasSuffix(a.cmd.name, "pst") {
		return ".pst"
	}
	if len(d.ids) == 1 {
		return ".msg"
	}
	return ".zip"
}

// pathProblem is what went wrong with a path, without the path (the
// message names the user's).
func pathProblem(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if errors.Is(err, fs.ErrNotExist) {
		return "does not exist"
	}
	return err.Error()
}

// download streams what fetch writes into d.out: into a temporary file
// beside it, renamed to d.out when complete and removed otherwise; or to
// stdout for "-", and nowhere for a dry run.
func (a *app) download(d *outFlags, label string, fetch func(w io.Writer, opts vb365.DownloadOptions) (*vb365.Download, error)) (err error) {
	if a.dry != nil {
		_, err := fetch(io.Discard, vb365.DownloadOptions{})
		return a.dryReport(err)
	}
	if d.out == "-" {
		bar := a.newBar(label)
		_, err := fetch(a.stdout, vb365.DownloadOptions{Progress: bar.bytes})
		bar.clear()
		return err // stdout holds the file: no summary
	}
	f, err := os.CreateTemp(filepath.Dir(d.out), "."+filepath.Base(d.out)+".*.part")
	if err != nil {
		return fmt.Errorf("writing %s: %s", d.out, pathProblem(err))
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bar := a.newBar(label)
	dl, err := fetch(f, vb365.DownloadOptions{Progress: bar.bytes})
	bar.clear()
	if err != nil {
		return err
	}
	if err = f.Sync(); err == nil {
		err = f.Close()
	}
	if err == nil {
		err = replaceFile(f.Name(), d.out)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %s", d.out, pathProblem(err))
	}
	return a.out.one(downloadJSON{File: d.out, Bytes: dl.Written, ContentType: dl.ContentType, Resumes: dl.Resumes},
		field{"File", d.out}, field{"Size", humanBytes(dl.Written)}, field{"Type", dl.ContentType})
}

// replaceFile renames tmp to path, replacing a file there (--force; on
// Windows a rename onto a file in use fails, so the old one goes first).
func replaceFile(tmp, path string) error {
	err := os.Rename(tmp, path)
	if err != nil && runtime.GOOS == "windows" {
		if fi, serr := os.Stat(path); serr == nil && !fi.IsDir() && os.Remove(path) == nil {
			err = os.Rename(tmp, path)
		}
	}
	return err
}

func exportPST(fs *pflag.FlagSet) (func(*app) error, action) {
	var d downloadFlags
	var folder, keyword string
	var whole bool
	var scope vb365.Scope
	d.register(fs)
	fs.StringVar(&folder, "folder", "", "export this folder (its `ID` from 'vb365 folders list')")
	fs.BoolVar(&whole, "whole-mailbox", false, "export the whole mailbox")
	fs.StringVar(&keyword, "keyword", "", "keep the items that contain `WORD` (--folder and --whole-mailbox only)")
	check := func(a *app) error {
		if err := d.check(a); err != nil {
			return err
		}
		n := 0
		if len(d.ids) > 0 {
			n++
			scope = vb365.ScopeItems(d.ids...)
		}
		if folder != "" {
			n++
			scope = vb365.ScopeFolder(folder)
		}
		if whole {
			n++
			scope = vb365.ScopeMailbox()
		}
		if n != 1 {
			return usagef("give exactly one of --item (or --items-from), --folder and --whole-mailbox")
		}
		if keyword != "" && len(d.ids) > 0 {
			return usagef("--keyword applies to --folder and --whole-mailbox only")
		}
		return d.needMailbox()
	}
	return check, func(ctx context.Context, a *app) error {
		id, err := a.mailboxID(ctx, d.mailbox)
		if err != nil {
			return err
		}
		return a.download(&d.outFlags, "export pst", func(w io.Writer, o vb365.DownloadOptions) (*vb365.Download, error) {
			return a.client.Mailboxes.ExportToPST(ctx, a.g.session, id, scope, w, &vb365.ExportOptions{DownloadOptions: o, ContentKeyword: keyword})
		})
	}
}

func exportMSG(fs *pflag.FlagSet) (func(*app) error, action) {
	var d downloadFlags
	var scope vb365.Scope
	d.register(fs)
	check := func(a *app) error {
		if err := d.check(a); err != nil {
			return err
		}
		switch len(d.ids) {
		case 0:
			return usagef("give the items to save with --item ID (repeat it) or --items-from FILE")
		case 1:
			scope = vb365.ScopeItem(d.ids[0])
		default:
			scope = vb365.ScopeItems(d.ids...)
		}
		return d.needMailbox()
	}
	return check, func(ctx context.Context, a *app) error {
		id, err := a.mailboxID(ctx, d.mailbox)
		if err != nil {
			return err
		}
		return a.download(&d.outFlags, "export msg", func(w io.Writer, o vb365.DownloadOptions) (*vb365.Download, error) {
			return a.client.Mailboxes.Save(ctx, a.g.session, id, scope, w, &o)
		})
	}
}

// ---- vb365 version ----

var versionCommand = &command{
	name: "version", summary: "print the CLI's version and the API versions it speaks",
	help:     "Prints the CLI's version, the Go it was built with, and the API versions it speaks (--version too).",
	noServer: true, setup: func(*pflag.FlagSet) (func(*app) error, action) { return nil, printVersion },
}

func printVersion(_ context.Context, a *app) error {
	apis := []string{string(vb365.V6), string(vb365.V7), string(vb365.V8)}
	return a.out.one(versionJSON{Version: vb365.Version, GoVersion: runtime.Version(), APIVersions: apis, DefaultAPIVersion: string(vb365.V6)},
		field{"Version", vb365.Version + " (" + runtime.Version() + ", " + runtime.GOOS + "/" + runtime.GOARCH + ")"},
		field{"API versions", strings.Join(apis, ", ") + " (default v6; --api-version auto asks the server)"})
}
