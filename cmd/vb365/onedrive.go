package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/vb365-go/vb365"
)

// The OneDrive commands: browse the OneDrives of a OneDrive restore session,
// their folders, documents and versions; restore documents as a restore
// operator; save them as an administrator.

const oneDriveHelp = "--onedrive takes a OneDrive's ID, its name or URL as 'vb365 onedrive list' shows them, or its user's e-mail\n" +
	"address (found in the URL: alice@contoso.com owns .../personal/alice_contoso_com). The session must be a\n" +
	"OneDrive one: open it with 'vb365 sessions explore --type onedrive'."

const oneDriveRestoreHint = "The restore may have run. Do not send it again before checking the session's events:\n" +
	"  vb365 sessions events --session SESSION"

var oneDriveCommands = []*command{
	{
		name: "onedrive list", synopsis: "--session ID [--max N]", summary: "list the OneDrives in a restore session",
		help: "Lists the backed-up OneDrives in a OneDrive restore session:\n\n" +
			"  export VB365_SESSION=$(vb365 sessions explore --type onedrive --reason 'ticket 4712')\n" +
			"  vb365 onedrive list\n" +
			"  vb365 onedrive list --jq 'select(.name == \"Alice Johnson\") | .id'",
		auth: true, session: true, demoSession: true, sessionType: vb365.SessionTypeOneDrive, setup: oneDrivesList,
	},
	{
		name: "onedrive get", synopsis: "--session ID --onedrive ID|NAME|URL|EMAIL", summary: "show one OneDrive",
		help: "Shows one OneDrive:\n\n" +
			"  vb365 onedrive get --onedrive 'Alice Johnson'\n" +
			"  vb365 onedrive get --onedrive alice@contoso.com\n" +
			"  vb365 onedrive get --onedrive https://contoso-my.sharepoint.com/personal/alice_contoso_com\n\n" + oneDriveHelp,
		auth: true, session: true, demoSession: true, sessionType: vb365.SessionTypeOneDrive, setup: oneDrivesGet,
	},
	{
		name: "documents list", synopsis: "--session ID --onedrive ID|NAME|URL|EMAIL [--parent FOLDER-ID] [--include-folders] [--max N] [--page-size N]",
		summary: "list a OneDrive's documents, or a folder's",
		help: "Lists the documents at the root of a OneDrive, or in the folder --parent. With --include-folders the folders\n" +
			"come too, first (KIND folder): give a folder's ID to --parent to walk the tree. A progress line shows on\n" +
			"stderr when it is a terminal and the list spans pages.\n\n" +
			"  vb365 documents list --onedrive 'Alice Johnson' --include-folders\n" +
			"  vb365 documents list --onedrive 'Alice Johnson' --parent <FOLDER-ID> --jq .id\n\n" + oneDriveHelp,
		auth: true, session: true, demoSession: true, sessionType: vb365.SessionTypeOneDrive, setup: documentsList,
	},
	{
		name: "documents get", synopsis: "--session ID --onedrive ID|NAME|URL|EMAIL --document ID [--version N]",
		summary: "show one document, or one of its versions",
		help: "Shows one document, or with --version one of its backed-up versions (a VERSION ID from\n" +
			"'vb365 documents versions'):\n\n" +
			"  vb365 documents get --onedrive 'Alice Johnson' --document <ID>\n" +
			"  vb365 documents get --onedrive 'Alice Johnson' --document <ID> --version 2\n\n" + oneDriveHelp,
		auth: true, session: true, demoSession: true, sessionType: vb365.SessionTypeOneDrive, setup: documentsGet,
	},
	{
		name: "documents versions", synopsis: "--session ID --onedrive ID|NAME|URL|EMAIL --document ID [--max N]",
		summary: "list a document's backed-up versions",
		help: "Lists the backed-up versions of a document, the current one last. --version takes the VERSION ID column\n" +
			"(versionId in JSON) in 'documents get', 'restore documents' and 'save documents':\n\n" +
			"  vb365 documents versions --onedrive 'Alice Johnson' --document <ID>\n\n" + oneDriveHelp,
		auth: true, session: true, demoSession: true, sessionType: vb365.SessionTypeOneDrive, setup: documentsVersions,
	},
	{
		name: "restore documents", synopsis: "--session ID --onedrive ID|NAME|URL|EMAIL --document ID... [--documents-from FILE] [--version N | --all-versions] [--overwrite [--yes]] [--reason TEXT] [--wait] [--dry-run]",
		summary: "restore documents to their OneDrive, as a restore operator",
		help: "Restores documents to where they were in their OneDrive. Give each document with --document (repeat it), or\n" +
			"one ID per line in --documents-from FILE ('-' reads stdin). The server wants each document whole (its name,\n" +
			"size, authors and times), not only its ID: the command first reads each one (one request per document),\n" +
			"then sends the restore. It restores the latest backed-up version; --version N sends that version of\n" +
			"one --document (the server's descriptions do not say that it restores it rather than the latest: check\n" +
			"the result), --all-versions every version. A document that is still there is kept and the backed-up\n" +
			"one restored beside it under another name; --overwrite replaces it, and the changes made since the backup\n" +
			"are lost: it asks first when stdin is a terminal, and needs --yes when it is not. --wait follows the\n" +
			"restore as for 'restore items'. A restore is never sent twice: when the server may or may not have\n" +
			"restored (exit code 5), read 'vb365 sessions events' before trying again. --dry-run reads the documents\n" +
			"and prints the restore request instead of sending it.\n\n" +
			"  vb365 restore documents --onedrive 'Alice Johnson' --document <ID> --reason 'ticket 4712' --wait\n" +
			"  vb365 restore documents --onedrive 'Alice Johnson' --document <ID> --version 2 --dry-run\n" +
			"  vb365 documents list --onedrive 'Alice Johnson' --parent <FOLDER-ID> --jq .id |\n" +
			"    vb365 restore documents --onedrive 'Alice Johnson' --documents-from - --all-versions --overwrite --yes\n\n" +
			oneDriveHelp,
		auth: true, session: true, demoSession: true, sessionType: vb365.SessionTypeOneDrive, dryRun: true, overwrites: true,
		unknownHint:   oneDriveRestoreHint,
		forbiddenHint: "The server refused the restore: restore documents needs a restore operator's login (VB365_CLIENT_ID and an assertion), and the documents must be in the operator's scope.",
		setup:         restoreDocuments,
	},
	{
		name: "save documents", synopsis: "--session ID --onedrive ID|NAME|URL|EMAIL (--document ID... | --documents-from FILE | --folder FOLDER-ID | --whole-onedrive) [--version N] [--zip] --out FILE|- [--force] [--dry-run]",
		summary: "save documents, a folder or a OneDrive to a file",
		help: "Saves one document as it is (in a ZIP with --zip), or several documents, a folder or a whole OneDrive as a\n" +
			"ZIP file; --version N saves that version of one --document. Several --document are read first (one request\n" +
			"each): the server wants them whole. The file is written as by 'export pst': under a temporary name beside\n" +
			"FILE, renamed when complete, readable by its owner only; a download that breaks off resumes where it\n" +
			"stopped. An existing FILE is kept unless --force; --out - writes to stdout (not a terminal). A progress\n" +
			"bar shows on stderr when it is a terminal. It needs an administrator's login. --dry-run prints the save\n" +
			"request instead of sending it.\n\n" +
			"  vb365 save documents --onedrive 'Alice Johnson' --document <ID> --out plan.docx\n" +
			"  vb365 save documents --onedrive 'Alice Johnson' --document <ID> --version 2 --zip --out plan-v2.zip\n" +
			"  vb365 save documents --onedrive 'Alice Johnson' --folder <FOLDER-ID> --out falcon.zip\n" +
			"  vb365 save documents --onedrive 'Alice Johnson' --whole-onedrive --out - > alice.zip\n\n" + oneDriveHelp,
		auth: true, session: true, demoSession: true, sessionType: vb365.SessionTypeOneDrive, dryRun: true, admin: true,
		forbiddenHint: "The server refused the action: saving documents needs an administrator's login (VB365_USERNAME and a password), not a restore operator's.",
		setup:         saveDocuments,
	},
}

// needOneDrive is the check of --onedrive, before any login.
func needOneDrive(s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return usagef("--onedrive is required (an ID, name or URL from 'vb365 onedrive list', or the user's e-mail address)")
	case strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return usagef("--onedrive %q: a OneDrive's ID, name, URL or address never holds control characters", s)
	}
	return nil
}

// oneDrive returns the OneDrive named by s: its ID, or else its name, URL
// or user's e-mail address looked up in the session's OneDrives (listing
// them). An ID costs one request; a name, URL or address the listing, and
// one that names two OneDrives is refused with their IDs.
func (a *app) oneDrive(ctx context.Context, s string) (*vb365.OneDrive, error) {
	lower := strings.ToLower(strings.TrimSpace(s))
	isURL := strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://")
	isEmail := !isURL && strings.Contains(s, "@")
	if !isURL && !isEmail {
		od, err := a.client.OneDrives.Get(ctx, a.g.session, s)
		switch {
		case err == nil:
			return od, nil
		case !errors.Is(err, vb365.ErrNotFound) && !errors.Is(err, vb365.ErrInvalidArgument):
			return nil, err
		}
	}
	var found []vb365.OneDrive
	for od, err := range a.client.OneDrives.All(ctx, a.g.session, nil) {
		if err != nil {
			return nil, a.notOneDrives(ctx, err)
		}
		var match bool
		switch {
		case isURL:
			match = strings.EqualFold(strings.TrimRight(od.URL, "/"), strings.TrimRight(lower, "/"))
		case isEmail:
			match = personalSite(od.URL) == personalName(lower)
		default:
			match = strings.EqualFold(strings.TrimSpace(od.Name), strings.TrimSpace(s))
		}
		if match {
			found = append(found, od)
		}
	}
	switch len(found) {
	case 0:
		return nil, &notFoundError{fmt.Sprintf("no OneDrive with the ID, name, URL or address %q in restore session %s (see 'vb365 onedrive list')", s, a.g.session)}
	case 1:
		return &found[0], nil
	}
	ids := make([]string, len(found))
	for i, od := range found {
		ids[i] = od.ID
	}
	return nil, usagef("--onedrive %q names %d OneDrives (%s): give its ID", s, len(found), strings.Join(ids, ", "))
}

// sessionKinds name the restore sessions' types for people.
var sessionKinds = map[vb365.SessionType]string{
	vb365.SessionTypeExchange: "mailboxes", vb365.SessionTypeSharePoint: "SharePoint sites", vb365.SessionTypeTeams: "teams",
}

// notOneDrives explains err, a listing of the session's OneDrives that was
// not found, when the session is of another type (a mailbox session, the
// default of 'sessions explore'): the server's 404 does not say so.
func (a *app) notOneDrives(ctx context.Context, err error) error {
	if !errors.Is(err, vb365.ErrNotFound) {
		return err
	}
	s, gerr := a.client.RestoreSessions.Get(ctx, a.g.session)
	if gerr != nil || s.Type == "" || s.Type == vb365.SessionTypeOneDrive {
		return err
	}
	kind := cmpOr(sessionKinds[s.Type], string(s.Type))
	return &notFoundError{fmt.Sprintf("restore session %s shows %s, not OneDrives: open one with 'vb365 sessions explore --type onedrive'", a.g.session, kind)}
}

// personalSite is the last part of a OneDrive's URL in lower case: the
// user's sign-in name as SharePoint spells it there
// (.../personal/alice_contoso_com), or "" for a URL of another form.
func personalSite(u string) string {
	_, site, ok := strings.Cut(strings.ToLower(strings.TrimRight(u, "/")), "/personal/")
	if !ok || strings.Contains(site, "/") {
		return ""
	}
	return site
}

// personalName is an e-mail address as a OneDrive's URL spells it: "." and
// "@" become "_" (alice@contoso.com is alice_contoso_com).
func personalName(email string) string {
	return strings.NewReplacer(".", "_", "@", "_").Replace(strings.ToLower(email))
}

// versionFlag is --version: a document's version, 0 when not given.
func versionFlag(fs *pflag.FlagSet, p *int64, what string) {
	fs.Int64Var(p, "version", 0, what+" version `N` of the document: its VERSION ID from 'vb365 documents versions'")
}

// checkVersion checks --version when given: one document's, above 0.
func checkVersion(a *app, version int64, docs int) error {
	if !a.changed("version") {
		return nil
	}
	switch {
	case version <= 0:
		return usagef("--version must be a VERSION ID from 'vb365 documents versions', greater than 0")
	case docs != 1:
		return usagef("--version takes exactly one --document: a version ID is one document's")
	}
	return nil
}

// wholeDocuments reads the documents ids of the OneDrive (with version
// above 0, that version of each) whole, as the server wants them in a
// restore or a save of several. A progress line counts them on a terminal.
func (a *app) wholeDocuments(ctx context.Context, oneDriveID string, ids []string, version int64) ([]vb365.Document, error) {
	bar := a.newBar("reading documents")
	defer bar.clear()
	docs := make([]vb365.Document, 0, len(ids))
	for i, id := range ids {
		var d *vb365.Document
		var err error
		if version > 0 {
			d, err = a.client.OneDrives.GetVersion(ctx, a.g.session, oneDriveID, id, version)
		} else {
			d, err = a.client.OneDrives.GetDocument(ctx, a.g.session, oneDriveID, id)
		}
		switch {
		case errors.Is(err, vb365.ErrInvalidArgument):
			return nil, err // it names the flag
		case err != nil:
			return nil, fmt.Errorf("reading the document %s: %w", id, err)
		}
		docs = append(docs, *d)
		if len(ids) > 1 {
			bar.draw(fmt.Sprintf("%d of %d", i+1, len(ids)), i+1 == len(ids))
		}
	}
	return docs, nil
}

// documentKind names a document's kind for a table.
func documentKind(d *vb365.Document) string {
	if d.IsFolder {
		return "folder"
	}
	return "document"
}

// size formats a document's size: "-" for a folder.
func (o output) size(d *vb365.Document) string {
	if d.IsFolder {
		return "-"
	}
	return o.bytes(d.SizeBytes)
}

// concat is the results of seqs, one after the other.
func concat[T any](seqs ...iter.Seq2[T, error]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, seq := range seqs {
			for v, err := range seq {
				if !yield(v, err) {
					return
				}
			}
		}
	}
}

// ---- commands ----

func oneDrivesList(fs *pflag.FlagSet) (func(*app) error, action) {
	var l listFlags
	l.register(fs, false)
	return l.check, func(ctx context.Context, a *app) error {
		t := a.out.table("NAME", "URL", "ID")
		err := each(&l, a.client.OneDrives.All(ctx, a.g.session, l.options()), nil, func(od *vb365.OneDrive) error {
			return t.row(oneDriveRecord(od), od.Name, od.URL, od.ID)
		})
		return t.end(a.notOneDrives(ctx, err))
	}
}

func oneDrivesGet(fs *pflag.FlagSet) (func(*app) error, action) {
	var onedrive string
	oneDriveFlag(fs, &onedrive)
	return func(*app) error { return needOneDrive(onedrive) }, func(ctx context.Context, a *app) error {
		od, err := a.oneDrive(ctx, onedrive)
		if err != nil {
			return err
		}
		return a.out.one(oneDriveRecord(od), field{"ID", od.ID}, field{"Name", od.Name}, field{"URL", od.URL})
	}
}

func documentsList(fs *pflag.FlagSet) (func(*app) error, action) {
	var l listFlags
	var onedrive, parent string
	var folders bool
	l.register(fs, true)
	oneDriveFlag(fs, &onedrive)
	fs.StringVar(&parent, "parent", "", "list the documents of this folder (its `ID` from --include-folders); default the root")
	fs.BoolVar(&folders, "include-folders", false, "list the folders too, before the documents")
	check := func(a *app) error {
		if parent != "" {
			if err := checkItemID("--parent", parent); err != nil {
				return err
			}
		}
		return errors.Join(l.check(a), needOneDrive(onedrive))
	}
	return check, func(ctx context.Context, a *app) error {
		od, err := a.oneDrive(ctx, onedrive)
		if err != nil {
			return err
		}
		opts := &vb365.DocumentListOptions{ListOptions: *l.options(), ParentID: parent}
		var seq iter.Seq2[vb365.Document, error]
		switch {
		case !folders:
			seq = a.client.OneDrives.Documents(ctx, a.g.session, od.ID, opts)
		case a.client.APIVersion() == vb365.V6:
			// v6 has no includeFolders: the folders, then the documents.
			seq = concat(a.client.OneDrives.Folders(ctx, a.g.session, od.ID, opts), a.client.OneDrives.Documents(ctx, a.g.session, od.ID, opts))
		default:
			opts.IncludeFolders = true
			seq = a.client.OneDrives.Documents(ctx, a.g.session, od.ID, opts)
		}
		bar := a.newBar("documents")
		out := a.out
		if bar != nil && a.isTerminal(a.stdout) {
			out.w = barWriter{w: out.w, bar: bar}
		}
		t := out.table("NAME", "KIND", "SIZE", "MODIFIED", "VERSION", "ID").clip("NAME", 50)
		err = each(&l, seq, bar, func(d *vb365.Document) error {
			return t.row(documentRecord(d), d.Name, documentKind(d), out.size(d), out.when(d.ModificationTime), d.Version, d.ID)
		})
		bar.clear()
		return t.end(err)
	}
}

// documentFlags are --onedrive and --document, of the commands on one
// document.
type documentFlags struct{ onedrive, document string }

func (f *documentFlags) register(fs *pflag.FlagSet) {
	oneDriveFlag(fs, &f.onedrive)
	fs.StringVar(&f.document, "document", "", "document `ID`, from 'vb365 documents list'")
}

func (f *documentFlags) check() error {
	if f.document == "" {
		return usagef("--document is required (an ID from 'vb365 documents list')")
	}
	if err := checkItemID("--document", f.document); err != nil {
		return err
	}
	return needOneDrive(f.onedrive)
}

func documentsGet(fs *pflag.FlagSet) (func(*app) error, action) {
	var f documentFlags
	var version int64
	f.register(fs)
	versionFlag(fs, &version, "show")
	check := func(a *app) error {
		if err := f.check(); err != nil {
			return err
		}
		return checkVersion(a, version, 1)
	}
	return check, func(ctx context.Context, a *app) error {
		od, err := a.oneDrive(ctx, f.onedrive)
		if err != nil {
			return err
		}
		var d *vb365.Document
		if version > 0 {
			d, err = a.client.OneDrives.GetVersion(ctx, a.g.session, od.ID, f.document, version)
		} else {
			d, err = a.client.OneDrives.GetDocument(ctx, a.g.session, od.ID, f.document)
		}
		if err != nil {
			return err
		}
		return a.out.one(documentRecord(d),
			field{"ID", d.ID}, field{"Name", d.Name}, field{"Kind", documentKind(d)}, field{"Size", a.out.size(d)},
			field{"Version", d.Version}, field{"Version ID", strconv.FormatInt(d.VersionID, 10)},
			field{"Created", a.out.when(d.CreationTime)}, field{"Created by", d.CreatedBy},
			field{"Modified", a.out.when(d.ModificationTime)}, field{"Modified by", d.ModifiedBy},
			field{"Folder", cmpOr(d.ParentID, "(root)")}, field{"OneDrive", od.ID})
	}
}

func documentsVersions(fs *pflag.FlagSet) (func(*app) error, action) {
	var l listFlags
	var f documentFlags
	l.register(fs, false)
	f.register(fs)
	check := func(a *app) error { return errors.Join(l.check(a), f.check()) }
	return check, func(ctx context.Context, a *app) error {
		od, err := a.oneDrive(ctx, f.onedrive)
		if err != nil {
			return err
		}
		t := a.out.table("VERSION", "MODIFIED", "MODIFIED BY", "SIZE", "VERSION ID")
		err = each(&l, a.client.OneDrives.Versions(ctx, a.g.session, od.ID, f.document, l.options()), nil, func(d *vb365.Document) error {
			return t.row(documentRecord(d), d.Version, a.out.when(d.ModificationTime), d.ModifiedBy, a.out.size(d), strconv.FormatInt(d.VersionID, 10))
		})
		return t.end(err)
	}
}

// documentsFlags are the flags that name documents: --document, repeated,
// and --documents-from.
type documentsFlags struct {
	given stringList
	from  string
	ids   []string // after the checks
}

func (f *documentsFlags) register(fs *pflag.FlagSet, verb string) {
	fs.Var(&f.given, "document", "document `ID` to "+verb+"; repeat for more")
	fs.StringVar(&f.from, "documents-from", "", "read document IDs from `FILE`, one per line ('-': stdin), such as 'documents list --jq .id' prints")
}

func (f *documentsFlags) read(a *app) (err error) {
	f.ids, err = a.readIDs("--document", "--documents-from", "document", f.given, f.from)
	return err
}

func restoreDocuments(fs *pflag.FlagSet) (func(*app) error, action) {
	var docs documentsFlags
	var onedrive, reason string
	var version int64
	var allVersions, overwrite, wait bool
	oneDriveFlag(fs, &onedrive)
	docs.register(fs, "restore")
	versionFlag(fs, &version, "restore")
	fs.BoolVar(&allVersions, "all-versions", false, "restore every backed-up version of the documents, not only the latest")
	fs.BoolVar(&overwrite, "overwrite", false, "replace the user's current files with the backed-up ones (default: keep them, and restore beside them)")
	fs.StringVar(&reason, "reason", "", "free `TEXT` saying why, such as a ticket number; kept by the server")
	fs.BoolVar(&wait, "wait", false, "follow the restore until it ends and sum up its events")
	check := func(a *app) error {
		if err := docs.read(a); err != nil {
			return err
		}
		if len(docs.ids) == 0 {
			return usagef("give the documents to restore with --document ID (repeat it) or --documents-from FILE")
		}
		if err := needOneDrive(onedrive); err != nil {
			return err
		}
		if err := checkVersion(a, version, len(docs.ids)); err != nil {
			return err
		}
		if version > 0 && allVersions {
			return usagef("give --version or --all-versions, not both")
		}
		if !overwrite {
			return nil
		}
		// Last: nothing is asked that a usage error would make moot.
		return a.confirm(fmt.Sprintf("this overwrites the current files of %s in the OneDrive %s with the backed-up ones; changes made since the backup are lost",
			plural(len(docs.ids), "document"), onedrive))
	}
	return check, func(ctx context.Context, a *app) error {
		od, err := a.oneDrive(ctx, onedrive)
		if err != nil {
			return err
		}
		whole, err := a.wholeDocuments(ctx, od.ID, docs.ids, version)
		if err != nil {
			return err
		}
		req := &vb365.OneDriveOperatorRestoreRequest{Documents: whole, Versions: vb365.VersionsLast, Action: vb365.DocumentKeep, Reason: reason}
		if allVersions {
			req.Versions = vb365.VersionsAll
		}
		if overwrite {
			req.Action = vb365.DocumentOverwrite
		}
		if a.dry != nil {
			_, err := a.client.OneDrives.OperatorRestore(ctx, a.g.session, od.ID, req)
			return a.dryReport(fromServer(err))
		}
		f, err := a.beforeRestore(ctx, wait)
		if err != nil {
			return err
		}
		res, err := a.client.OneDrives.OperatorRestore(ctx, a.g.session, od.ID, req)
		if err != nil {
			return fromServer(err)
		}
		rec := documentRestoreJSON{SessionID: res.SessionID, OneDriveID: od.ID, DocumentCount: len(whole),
			Versions: string(req.Versions), Action: string(req.Action)}
		fields := []field{{"Restore session", res.SessionID}, {"OneDrive", od.ID}, {"Documents", strconv.Itoa(len(whole))},
			{"Versions", string(req.Versions)}, {"Current files", currentFiles(req.Action)}}
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

func saveDocuments(fs *pflag.FlagSet) (func(*app) error, action) {
	var o outFlags
	var docs documentsFlags
	var onedrive, folder string
	var version int64
	var whole, zip bool
	o.register(fs)
	oneDriveFlag(fs, &onedrive)
	docs.register(fs, "save")
	fs.StringVar(&folder, "folder", "", "save this folder and what it holds (its `ID` from 'vb365 documents list --include-folders')")
	fs.BoolVar(&whole, "whole-onedrive", false, "save the whole OneDrive")
	versionFlag(fs, &version, "save")
	fs.BoolVar(&zip, "zip", false, "save one document in a ZIP file (several, a folder and a OneDrive always come as one)")
	check := func(a *app) error {
		if err := docs.read(a); err != nil {
			return err
		}
		n := 0
		for _, given := range []bool{len(docs.ids) > 0, folder != "", whole} {
			if given {
				n++
			}
		}
		if n != 1 {
			return usagef("give exactly one of --document (or --documents-from), --folder and --whole-onedrive")
		}
		if folder != "" {
			if err := checkItemID("--folder", folder); err != nil {
				return err
			}
		}
		if err := checkVersion(a, version, len(docs.ids)); err != nil {
			return err
		}
		example := "documents.zip"
		if len(docs.ids) == 1 && !zip {
			example = "document"
		}
		if err := o.check(a, example); err != nil {
			return err
		}
		return needOneDrive(onedrive)
	}
	return check, func(ctx context.Context, a *app) error {
		od, err := a.oneDrive(ctx, onedrive)
		if err != nil {
			return err
		}
		opts := &vb365.OneDriveSaveOptions{}
		var scope vb365.OneDriveScope
		switch {
		case whole:
			scope = vb365.WholeOneDrive()
		case folder != "":
			scope = vb365.OneDriveFolder(folder)
		case len(docs.ids) == 1 && version > 0:
			scope, opts.AsZip = vb365.OneDriveDocumentVersion(docs.ids[0], version), zip
		case len(docs.ids) == 1:
			scope, opts.AsZip = vb365.OneDriveDocument(docs.ids[0]), zip
		default:
			whole, err := a.wholeDocuments(ctx, od.ID, docs.ids, 0)
			if err != nil {
				return err
			}
			scope = vb365.OneDriveDocuments(whole...)
		}
		return a.download(&o, "save documents", func(w io.Writer, dl vb365.DownloadOptions) (*vb365.Download, error) {
			opts.DownloadOptions = dl
			d, err := a.client.OneDrives.Save(ctx, a.g.session, od.ID, scope, w, opts)
			return d, fromServer(err)
		})
	}
}

// currentFiles says what a restore does with the user's current files.
func currentFiles(a vb365.DocumentAction) string {
	if a == vb365.DocumentOverwrite {
		return "overwritten"
	}
	return "kept (the backed-up files are restored beside them)"
}

// plural is "1 document" or "3 documents".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// oneDriveFlag registers --onedrive, which every OneDrive command takes.
func oneDriveFlag(fs *pflag.FlagSet, v *string) {
	fs.StringVar(v, "onedrive", "", "OneDrive `ID`, name, URL or user's e-mail address")
}
