package main

// Tests of the OneDrive commands (issue 15), against the fake in-process.

import (
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365/vb365test"
)

const aliceDriveName = "Alice Johnson"

// exploreOneDrive opens a OneDrive restore session and sets VB365_SESSION
// to it.
func (c *cli) exploreOneDrive() string {
	c.t.Helper()
	args := []string{"sessions", "explore", "--type", "onedrive", "--reason", "ticket 4712"}
	if c.env["VB365_USERNAME"] != "" {
		args = args[:4] // administrators give no reason
	}
	id := strings.TrimSpace(c.ok(args...))
	require.Regexp(c.t, uuidRE, id)
	c.env["VB365_SESSION"] = id
	return id
}

// aliceDrive is the fake's OneDrive of Alice Johnson.
func aliceDrive(srv *vb365test.Server) *vb365test.OneDrive {
	for _, d := range srv.Organization().OneDrives() {
		if d.Name == aliceDriveName {
			return d
		}
	}
	panic("the fake has no OneDrive of " + aliceDriveName)
}

// driveItem is the item at path (names from the root) in Alice's OneDrive.
func driveItem(t *testing.T, srv *vb365test.Server, path ...string) *vb365test.DriveItem {
	t.Helper()
	items := aliceDrive(srv).Items()
	var it *vb365test.DriveItem
	for _, name := range path {
		it = nil
		for _, x := range items {
			if x.Name == name {
				it = x
			}
		}
		require.NotNil(t, it, "no %q in %v", name, path)
		items = it.Items()
	}
	return it
}

func TestOneDriveBrowse(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"v6", "v7", "v8"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			c := setup(t)
			c.env["VB365_API_VERSION"] = version
			c.exploreOneDrive()
			drive := aliceDrive(c.srv)

			// The OneDrives: a table, and JSON lines with the CLI's names.
			table := c.ok("onedrive", "list")
			assert.Regexp(t, `(?m)^NAME\s+URL\s+ID$`, table)
			assert.Contains(t, table, drive.URL)
			ods := jsonLines(t, c.ok("onedrive", "list", "--output", "json"))
			require.Len(t, ods, 2)
			assert.ElementsMatch(t, []string{"id", "name", "url"}, keys(ods[0]))
			assert.Equal(t, map[string]any{"id": drive.ID(), "name": aliceDriveName, "url": drive.URL}, ods[0])

			// One OneDrive, by its ID, name, URL or user's address.
			for _, name := range []string{drive.ID(), "alice johnson", drive.URL + "/", "Alice@Contoso.onmicrosoft.com"} {
				got := jsonLines(t, c.ok("onedrive", "get", "--onedrive", name, "--output", "json"))
				require.Len(t, got, 1, name)
				assert.Equal(t, drive.ID(), got[0]["id"], name)
			}

			// The root's documents, whole.
			docs := jsonLines(t, c.ok("documents", "list", "--onedrive", aliceDriveName, "--output", "json"))
			notes := driveItem(t, c.srv, "Notes.txt")
			require.Len(t, docs, 1)
			assert.ElementsMatch(t, []string{"id", "oneDriveId", "parentId", "name", "isFolder", "sizeBytes", "version", "versionId",
				"createdBy", "creationTime", "modifiedBy", "modificationTime"}, keys(docs[0]))
			assert.Equal(t, notes.ID(), docs[0]["id"])
			assert.Equal(t, drive.ID(), docs[0]["oneDriveId"])
			assert.Equal(t, "", docs[0]["parentId"])
			assert.Equal(t, false, docs[0]["isFolder"])
			assert.EqualValues(t, notes.SizeBytes, docs[0]["sizeBytes"])
			assert.EqualValues(t, notes.Versions(), docs[0]["versionId"], "the current version")
			assert.NotEmpty(t, docs[0]["creationTime"])

			// With the folders, first, on every version (v6 has no
			// includeFolders: the folders are listed apart).
			all := jsonLines(t, c.ok("documents", "list", "--onedrive", aliceDriveName, "--include-folders", "--output", "json"))
			var names []string
			for _, d := range all {
				names = append(names, d["name"].(string))
			}
			assert.Equal(t, []string{"Documents", "Pictures", "Notes.txt"}, names)
			assert.Equal(t, true, all[0]["isFolder"])
			if version == "v6" {
				assert.Equal(t, 1, c.srv.Requests(vb365test.RouteOneDriveFolders))
			} else {
				assert.Equal(t, 0, c.srv.Requests(vb365test.RouteOneDriveFolders), "the server's includeFolders")
			}
			table = c.ok("documents", "list", "--onedrive", aliceDriveName, "--include-folders")
			assert.Regexp(t, `(?m)^NAME\s+KIND\s+SIZE\s+MODIFIED\s+VERSION\s+ID$`, table)
			assert.Regexp(t, `(?m)^Documents\s+folder\s+-\s`, table)
			assert.Regexp(t, `(?m)^Notes\.txt\s+document\s+512 B\s`, table)
			assert.Equal(t, 1, strings.Count(c.ok("documents", "list", "--onedrive", aliceDriveName, "--include-folders", "--max", "1", "--jq", ".name"), "\n"))

			// A folder's documents, by --parent, and the walk down.
			falcon := driveItem(t, c.srv, "Documents", "Project Falcon")
			out := c.ok("documents", "list", "--onedrive", drive.ID(), "--parent", falcon.ID(), "--jq", ".name")
			assert.Equal(t, "Falcon plan.docx\nRisk register.xlsx\n", out)
			sub := jsonLines(t, c.ok("documents", "list", "--onedrive", drive.ID(), "--parent", falcon.ID(), "--output", "json"))
			for _, d := range sub {
				assert.Equal(t, falcon.ID(), d["parentId"])
			}

			// One document, and its versions.
			plan := driveItem(t, c.srv, "Documents", "Project Falcon", "Falcon plan.docx")
			got := c.ok("documents", "get", "--onedrive", aliceDriveName, "--document", plan.ID())
			assert.Regexp(t, `(?m)^Name:\s+Falcon plan\.docx$`, got)
			assert.Regexp(t, `(?m)^Version ID:\s+3$`, got)
			assert.Regexp(t, `(?m)^Folder:\s+`+falcon.ID()+`$`, got, "the parent, from the document's link")
			versions := jsonLines(t, c.ok("documents", "versions", "--onedrive", aliceDriveName, "--document", plan.ID(), "--output", "json"))
			require.Len(t, versions, plan.Versions())
			for i, v := range versions {
				assert.EqualValues(t, i+1, v["versionId"])
				assert.Equal(t, plan.ID(), v["id"])
			}
			assert.Equal(t, "Bob Smith", versions[1]["modifiedBy"])
			table = c.ok("documents", "versions", "--onedrive", aliceDriveName, "--document", plan.ID())
			assert.Regexp(t, `(?m)^VERSION\s+MODIFIED\s+MODIFIED BY\s+SIZE\s+VERSION ID$`, table)
			assert.Regexp(t, `(?m)^2\.0\s+.*Bob Smith\s+40\.0 KiB\s+2$`, table)

			// Tab-separated: no header, sizes in bytes, times in RFC 3339.
			tsv := c.ok("documents", "list", "--onedrive", aliceDriveName, "--output", "tsv")
			assert.Regexp(t, `^Notes\.txt\tdocument\t512\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\t2\.0\t`+notes.ID()+"\n$", tsv)
		})
	}
}

func TestOneDriveNotFound(t *testing.T) {
	t.Parallel()
	c := setup(t)
	c.exploreOneDrive()
	for _, name := range []string{"Nobody Here", "nobody@contoso.onmicrosoft.com", "https://contoso-my.sharepoint.com/personal/nobody"} {
		r := c.run("documents", "list", "--onedrive", name)
		assert.Equal(t, exitNotFound, r.code, r.stderr)
		assert.Contains(t, r.stderr, "no OneDrive with the ID, name, URL or address "+`"`+name+`"`)
		assert.Contains(t, r.stderr, "vb365 onedrive list")
		assert.Empty(t, r.stdout)
	}
	r := c.run("documents", "get", "--onedrive", aliceDriveName, "--document", "00000000-0000-0000-0000-000000000000")
	assert.Equal(t, exitNotFound, r.code, r.stderr)
	assert.Contains(t, r.stderr, "404")

	// In a session of mailboxes, the OneDrive commands say what to open.
	sid := c.explore()
	for _, args := range [][]string{{"onedrive", "list"}, {"documents", "list", "--onedrive", aliceDriveName}} {
		r = c.run(args...)
		assert.Equal(t, exitNotFound, r.code, r.stderr)
		assert.Contains(t, r.stderr, "restore session "+sid+" shows mailboxes, not OneDrives: open one with 'vb365 sessions explore --type onedrive'", args)
	}
	// A session that does not exist is only that.
	c.env["VB365_SESSION"] = "00000000-0000-0000-0000-000000000000"
	r = c.run("onedrive", "list")
	assert.Equal(t, exitNotFound, r.code, r.stderr)
	assert.Contains(t, r.stderr, "was not found")
	assert.NotContains(t, r.stderr, "--type onedrive")
}

func TestOneDriveNameSharedByTwo(t *testing.T) {
	t.Parallel()
	org := vb365test.NewOrganization("Twins")
	org.AddMailbox("John Smith", "john@twins.example")
	a := org.AddOneDrive("John Smith", "https://twins-my.sharepoint.com/personal/john_twins_example")
	b := org.AddOneDrive("John Smith", "https://twins-my.sharepoint.com/personal/john_twins_example1")
	a.AddDocument("a.txt", 1)
	c := setup(t, vb365test.WithOrganization(org))
	c.exploreOneDrive()
	r := c.run("documents", "list", "--onedrive", "john smith")
	assert.Equal(t, exitUsage, r.code, r.stderr)
	assert.Contains(t, r.stderr, "names 2 OneDrives ("+a.ID()+", "+b.ID()+"): give its ID")
	assert.Contains(t, c.ok("documents", "list", "--onedrive", a.ID()), "a.txt")
	assert.Contains(t, c.ok("documents", "list", "--onedrive", "john@twins.example"), "a.txt", "the address is the URL's, not its neighbour's")
}

// Bad IDs, flags that do not go together and --overwrite without an answer
// are refused before any login: nothing reaches the server.
func TestOneDriveUsageErrorsBeforeLogin(t *testing.T) {
	t.Parallel()
	out := func(t *testing.T) string { return t.TempDir() + "/x.zip" }
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"onedrive", "get"}, "--onedrive is required"},
		{[]string{"onedrive", "get", "--onedrive", " "}, "--onedrive is required"},
		{[]string{"onedrive", "get", "--onedrive", "Alice\x1b[2J"}, "control characters"},
		{[]string{"documents", "list"}, "--onedrive is required"},
		{[]string{"documents", "list", "--onedrive", aliceDriveName, "--parent", "a/../b"}, `--parent "a/../b"`},
		{[]string{"documents", "list", "--onedrive", aliceDriveName, "--page-size", "20000"}, "--page-size"},
		{[]string{"documents", "get", "--onedrive", aliceDriveName}, "--document is required"},
		{[]string{"documents", "get", "--onedrive", aliceDriveName, "--document", "a\x01b"}, "control characters"},
		{[]string{"documents", "get", "--onedrive", aliceDriveName, "--document", "d", "--version", "0"}, "--version must be a VERSION ID"},
		{[]string{"documents", "versions", "--onedrive", aliceDriveName, "--document", "../x"}, `--document "../x"`},
		{[]string{"documents", "versions", "--document", "d"}, "--onedrive is required"},
		{[]string{"restore", "documents", "--onedrive", aliceDriveName}, "give the documents to restore"},
		{[]string{"restore", "documents", "--onedrive", aliceDriveName, "--document", ""}, "--document must not be empty"},
		{[]string{"restore", "documents", "--document", "d"}, "--onedrive is required"},
		{[]string{"restore", "documents", "--onedrive", aliceDriveName, "--document", "a", "--document", "b", "--version", "2"}, "exactly one --document"},
		{[]string{"restore", "documents", "--onedrive", aliceDriveName, "--document", "a", "--version", "-1"}, "greater than 0"},
		{[]string{"restore", "documents", "--onedrive", aliceDriveName, "--document", "a", "--version", "2", "--all-versions"}, "not both"},
		{[]string{"restore", "documents", "--onedrive", aliceDriveName, "--document", "a", "--overwrite"}, "give --yes"},
		{[]string{"restore", "documents", "--onedrive", aliceDriveName, "--documents-from", "/no/such/file"}, "--documents-from"},
		{[]string{"restore", "documents", "--onedrive", aliceDriveName, "--document", "a", "--overwrite", "--yes", "--version", "x"}, "--version"},
		{[]string{"save", "documents", "--onedrive", aliceDriveName, "--out", "OUT"}, "exactly one of --document"},
		{[]string{"save", "documents", "--onedrive", aliceDriveName, "--document", "a", "--whole-onedrive", "--out", "OUT"}, "exactly one of --document"},
		{[]string{"save", "documents", "--onedrive", aliceDriveName, "--folder", "f/../g", "--out", "OUT"}, `--folder "f/../g"`},
		{[]string{"save", "documents", "--onedrive", aliceDriveName, "--whole-onedrive", "--version", "2", "--out", "OUT"}, "exactly one --document"},
		{[]string{"save", "documents", "--onedrive", aliceDriveName, "--document", "a"}, "--out FILE is required"},
		{[]string{"save", "documents", "--document", "a", "--out", "OUT"}, "--onedrive is required"},
		{[]string{"restore", "documents", "--onedrive", aliceDriveName, "--assertion-stdin", "--documents-from", "-"}, "only one of --assertion-stdin, --documents-from - can read stdin"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			args := append([]string(nil), tc.args...)
			for i, a := range args {
				if a == "OUT" {
					args[i] = out(t)
				}
			}
			// --demo opens a restore session before a command that needs
			// one: not before a usage error.
			c := setup(t).admin()
			r := c.run(append([]string{"--demo"}, args...)...)
			assert.Equal(t, exitUsage, r.code, r.stderr)
			assert.NotContains(t, r.stderr, "demo:", "no session was opened")

			c = setup(t)
			c.env["VB365_SESSION"] = "00000000-0000-0000-0000-000000000000"
			r = c.run(args...)
			assert.Equal(t, exitUsage, r.code, r.stderr)
			assert.Contains(t, r.stderr, tc.want)
			assert.Contains(t, r.stderr, "vb365 help "+tc.args[0]+" "+tc.args[1])
			assert.Empty(t, r.stdout)
			assert.Equal(t, 0, c.srv.TokenRequests(), "a usage error sends nothing")
		})
	}
}

func TestOneDriveHelpCompletionDidYouMean(t *testing.T) {
	t.Parallel()
	c := setup(t)
	help := c.ok("help")
	for _, want := range []string{"onedrive list", "onedrive get", "documents list", "documents get", "documents versions",
		"restore documents", "save documents", "--documents-from -", "--overwrite"} {
		assert.Contains(t, help, want)
	}
	// Each command's help shows its flags, with an example of them.
	for cmd, flags := range map[string][]string{
		"onedrive list":      {"--max"},
		"onedrive get":       {"--onedrive"},
		"documents list":     {"--onedrive", "--parent", "--include-folders", "--page-size"},
		"documents get":      {"--onedrive", "--document", "--version"},
		"documents versions": {"--onedrive", "--document"},
		"restore documents":  {"--onedrive", "--document", "--documents-from", "--version", "--all-versions", "--overwrite", "--yes", "--reason", "--wait", "--dry-run"},
		"save documents":     {"--onedrive", "--document", "--documents-from", "--folder", "--whole-onedrive", "--version", "--zip", "--out", "--force", "--dry-run"},
	} {
		out := c.ok(append(strings.Fields(cmd), "--help")...)
		assert.Equal(t, out, c.ok(append([]string{"help"}, strings.Fields(cmd)...)...))
		usage, examples, _ := strings.Cut(out, "\nFlags:\n")
		for _, f := range flags {
			assert.Contains(t, examples, f, "%s: the flag list has %s", cmd, f)
			if f == "--yes" || f == "--max" || f == "--page-size" || f == "--force" {
				continue // shared by the commands of their kind, told in 'vb365 help'
			}
			assert.Regexp(t, `(?m)^  vb365 `+cmd+` .*`+f+`\b`, usage+examples, "%s: an example with %s", cmd, f)
		}
	}

	out := c.ok("__complete", "documents", "")
	for _, sub := range []string{"list", "get", "versions"} {
		assert.Contains(t, out, sub)
	}
	assert.Contains(t, c.ok("__complete", "restore", ""), "documents")
	assert.Contains(t, c.ok("__complete", "save", ""), "documents")
	assert.Contains(t, c.ok("__complete", "restore", "documents", "--ov"), "--overwrite")
	assert.Contains(t, c.ok("__complete", "save", "documents", "--wh"), "--whole-onedrive")
	assert.Contains(t, c.ok("__complete", "sessions", "explore", "--ty"), "--type")

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"onedrives", "list"}, "did you mean 'vb365 onedrive'?"},
		{[]string{"documents", "lst"}, "did you mean 'vb365 documents list'?"},
		{[]string{"documents", "version"}, "did you mean 'vb365 documents versions'?"},
		{[]string{"restore", "document"}, "did you mean 'vb365 restore documents'?"},
		{[]string{"restore", "documents", "--overwirte"}, "did you mean --overwrite?"},
		{[]string{"documents", "list", "--onedirve", "x"}, "did you mean --onedrive?"},
		{[]string{"save", "documents", "--whole-onedrve"}, "did you mean --whole-onedrive?"},
	} {
		r := c.run(tc.args...)
		assert.Equal(t, exitUsage, r.code, tc.args)
		assert.Contains(t, r.stderr, tc.want, tc.args)
	}
	r := c.run("sessions", "explore", "--type", "sharepoint")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "--type must be exchange or onedrive")
	assert.Equal(t, 0, c.srv.TokenRequests())
}

func TestOneDriveDemo(t *testing.T) {
	t.Parallel()
	c := setup(t)
	c.env["VB365_URL"] = "http://127.0.0.1:1" // ignored by --demo
	r := c.run("--demo", "documents", "list", "--onedrive", aliceDriveName, "--include-folders")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "Notes.txt")
	assert.Contains(t, r.stderr, "restore session")
	out := c.ok("--demo", "onedrive", "list", "--jq", ".name")
	assert.Equal(t, "Alice Johnson\nBob Smith\n", out)
	assert.Equal(t, 0, c.srv.TokenRequests(), "the demo never used the configured server")
}

func TestRestoreDocuments(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"v6", "v7", "v8"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			c := setup(t)
			c.env["VB365_API_VERSION"] = version
			sid := c.exploreOneDrive()
			drive := aliceDrive(c.srv)
			notes := driveItem(t, c.srv, "Notes.txt")
			plan := driveItem(t, c.srv, "Documents", "Project Falcon", "Falcon plan.docx")

			// Two documents by ID, kept beside the current files, followed to
			// the end.
			out := c.ok("restore", "documents", "--onedrive", aliceDriveName, "--document", notes.ID(), "--document", plan.ID(),
				"--reason", "ticket 4712", "--wait", "--output", "json")
			res := jsonLines(t, out)
			require.Len(t, res, 1)
			assert.Equal(t, map[string]any{"sessionId": sid, "oneDriveId": drive.ID(), "documentCount": 2.0, "versions": "Last", "action": "Keep",
				"summary": map[string]any{"restored": 1.0, "failed": 0.0, "skipped": 0.0, "warnings": 0.0}}, res[0])
			restores := c.srv.Restores()
			require.Len(t, restores, 1)
			r := restores[0]
			assert.Equal(t, drive.ID(), r.OneDriveID)
			assert.Equal(t, []string{notes.ID(), plan.ID()}, r.DocumentIDs)
			assert.Equal(t, []string{"Last", "Last"}, r.DocumentVersions)
			assert.Equal(t, "Keep", r.DocumentAction)
			assert.Equal(t, "ticket 4712", r.Reason)
			assert.Equal(t, version, r.APIVersion)
			assert.Equal(t, 2, c.srv.Requests(vb365test.RouteOneDriveDocument), "each document read whole first")

			// From stdin, as 'documents list --jq .id' prints them, every
			// version, overwriting with --yes; a table.
			ids := c.ok("documents", "list", "--onedrive", drive.ID(), "--parent", driveItem(t, c.srv, "Documents", "Project Falcon").ID(), "--jq", ".id")
			rr := c.runStdin("# Project Falcon\n"+ids, "restore", "documents", "--onedrive", drive.URL, "--documents-from", "-", "--all-versions", "--overwrite", "--yes")
			require.Equal(t, exitOK, rr.code, rr.stderr)
			assert.Regexp(t, `(?m)^Documents:\s+2$`, rr.stdout)
			assert.Regexp(t, `(?m)^Versions:\s+All$`, rr.stdout)
			assert.Regexp(t, `(?m)^Current files:\s+overwritten$`, rr.stdout)
			restores = c.srv.Restores()
			require.Len(t, restores, 2)
			assert.Equal(t, strings.Fields(ids), restores[1].DocumentIDs)
			assert.Equal(t, []string{"All", "All"}, restores[1].DocumentVersions)
			assert.Equal(t, "Overwrite", restores[1].DocumentAction)

			// On a terminal, stdin is asked for.
			c.stdinTTY = true
			rr = c.runStdin(notes.ID()+"\n", "restore", "documents", "--onedrive", aliceDriveName, "--documents-from", "-")
			require.Equal(t, exitOK, rr.code, rr.stderr)
			assert.Contains(t, rr.stderr, "reading document IDs from stdin, one per line")
			assert.NotContains(t, rr.stdout, "stdin")
			c.stdinTTY = false
			require.Len(t, c.srv.Restores(), 3)
			assert.Equal(t, []string{notes.ID()}, c.srv.Restores()[2].DocumentIDs)

			// One version of one document.
			c.ok("restore", "documents", "--onedrive", aliceDriveName, "--document", plan.ID(), "--version", "2")
			restores = c.srv.Restores()
			require.Len(t, restores, 4)
			assert.Equal(t, []string{plan.ID()}, restores[3].DocumentIDs)
			assert.Equal(t, 1, c.srv.Requests(vb365test.RouteOneDriveDocumentVersion), "the version read whole")

			events := jsonLines(t, c.ok("sessions", "events", "--output", "json"))
			assert.Len(t, events, 4)
		})
	}
}

// --overwrite replaces the user's files: without --yes it is asked on a
// terminal, and refused without one, before anything is sent.
func TestRestoreDocumentsOverwriteAsks(t *testing.T) {
	t.Parallel()
	c := setup(t)
	c.exploreOneDrive()
	notes := driveItem(t, c.srv, "Notes.txt")
	args := []string{"restore", "documents", "--onedrive", aliceDriveName, "--document", notes.ID(), "--overwrite"}
	tokens := c.srv.TokenRequests()

	r := c.run(args...)
	assert.Equal(t, exitUsage, r.code, r.stderr)
	assert.Contains(t, r.stderr, "this overwrites the current files of 1 document in the OneDrive Alice Johnson")
	assert.Contains(t, r.stderr, "give --yes")
	assert.Empty(t, r.stdout)
	assert.Equal(t, tokens, c.srv.TokenRequests(), "refused before the login")
	assert.Equal(t, 0, c.srv.Requests(vb365test.RouteOneDrive)+c.srv.Requests(vb365test.RouteOneDriveDocument), "no look-up")
	assert.Equal(t, 0, c.srv.Requests(vb365test.RouteOneDriveOperatorRestore))
	assert.Empty(t, c.srv.Restores())

	// On a terminal: no, then yes.
	c.stdinTTY, c.terminal = true, true
	r = c.runStdin("n\n", args...)
	assert.Equal(t, exitUsage, r.code, r.stderr)
	assert.Contains(t, r.stderr, "Go ahead? [y/N]")
	assert.Contains(t, r.stderr, "not confirmed: nothing was sent")
	assert.Equal(t, tokens, c.srv.TokenRequests())
	assert.Empty(t, c.srv.Restores())
	r = c.runStdin("yes\n", args...)
	require.Equal(t, exitOK, r.code, r.stderr)
	require.Len(t, c.srv.Restores(), 1)
	assert.Equal(t, "Overwrite", c.srv.Restores()[0].DocumentAction)

	// --dry-run asks nothing: it sends nothing.
	c.stdinTTY, c.terminal = false, false
	out := c.ok(append(args, "--dry-run")...)
	assert.Contains(t, out, `"documentAction": "Overwrite"`)
	assert.Len(t, c.srv.Restores(), 1)
}

func TestRestoreDocumentsOutcomeUnknown(t *testing.T) {
	t.Parallel()
	c := setup(t)
	sid := c.exploreOneDrive()
	c.srv.InjectFault(vb365test.RouteOneDriveOperatorRestore, vb365test.ActThenRespond(502, `{"message":"Bad gateway"}`))
	r := c.run("restore", "documents", "--onedrive", aliceDriveName, "--document", driveItem(t, c.srv, "Notes.txt").ID())
	assert.Equal(t, exitOutcomeUnknown, r.code, r.stderr)
	assert.Contains(t, r.stderr, "outcome unknown")
	assert.Contains(t, r.stderr, "vb365 sessions events --session "+sid)
	assert.Empty(t, r.stdout)
	assert.Equal(t, 1, c.srv.RestoreCount(), "the server restored once, and the CLI did not send it again")

	// A restore operator's restore: an administrator is refused, with why.
	a := setup(t).admin()
	a.exploreOneDrive()
	r = a.run("restore", "documents", "--onedrive", aliceDriveName, "--document", driveItem(t, a.srv, "Notes.txt").ID())
	assert.Equal(t, exitAuth, r.code, r.stderr)
	assert.Contains(t, r.stderr, "restore documents needs a restore operator's login")
}

func TestOneDriveDryRun(t *testing.T) {
	t.Parallel()
	c := setup(t)
	sid := c.exploreOneDrive()
	drive := aliceDrive(c.srv)
	notes := driveItem(t, c.srv, "Notes.txt")
	plan := driveItem(t, c.srv, "Documents", "Project Falcon", "Falcon plan.docx")

	out := c.ok("restore", "documents", "--onedrive", aliceDriveName, "--document", notes.ID(), "--document", plan.ID(), "--reason", "ticket 4712", "--wait", "--dry-run")
	assert.Contains(t, out, "nothing was sent")
	assert.Contains(t, out, "POST /v6/RestoreSessions/"+sid+"/Organization/OneDrives/"+drive.ID()+"/Documents/operatorRestore")
	assert.Contains(t, out, `"name": "Falcon plan.docx"`, "the documents, whole")
	dry := jsonLines(t, c.ok("restore", "documents", "--onedrive", aliceDriveName, "--document", plan.ID(), "--version", "2", "--dry-run", "--output", "json"))
	require.Len(t, dry, 1)
	assert.Equal(t, true, dry[0]["dryRun"])
	body := dry[0]["body"].(map[string]any)
	assert.Equal(t, "Keep", body["documentAction"])
	configs := body["documentsRestoreConfigs"].([]any)
	require.Len(t, configs, 1)
	doc := configs[0].(map[string]any)["document"].(map[string]any)
	assert.Equal(t, plan.ID(), doc["id"])
	assert.EqualValues(t, 2, doc["versionId"], "the version asked for")
	assert.Equal(t, "Bob Smith", doc["modifiedBy"])
	assert.Equal(t, "Last", configs[0].(map[string]any)["documentVersion"])
	assert.Equal(t, 0, c.srv.Requests(vb365test.RouteOneDriveOperatorRestore), "no restore reached the server")
	assert.Empty(t, c.srv.Restores())

	// Saves: no request, and no file.
	c.admin()
	c.exploreOneDrive()
	dir := t.TempDir()
	dry = jsonLines(t, c.ok("save", "documents", "--onedrive", aliceDriveName, "--document", notes.ID(), "--document", plan.ID(),
		"--out", dir+"/two.zip", "--dry-run", "--output", "json"))
	require.Len(t, dry, 1)
	assert.Regexp(t, `/OneDrives/`+drive.ID()+`/Documents/save$`, dry[0]["path"])
	assert.Len(t, dry[0]["body"].(map[string]any)["documents"], 2)
	out = c.ok("save", "documents", "--onedrive", aliceDriveName, "--whole-onedrive", "--out", dir+"/all.zip", "--dry-run", "--output", "tsv")
	assert.Equal(t, "POST\t/v6/RestoreSessions/"+c.env["VB365_SESSION"]+"/Organization/OneDrives/"+drive.ID()+"/save\tnull\n", out)
	assert.Equal(t, 0, c.srv.Requests(vb365test.RouteOneDriveSave))
	assert.Empty(t, c.srv.Actions())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)
}

func TestSaveDocuments(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"v6", "v7", "v8"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			c := setup(t, vb365test.WithExportSize(300<<10)).admin()
			c.env["VB365_API_VERSION"] = version
			c.exploreOneDrive()
			drive := aliceDrive(c.srv)
			notes := driveItem(t, c.srv, "Notes.txt")
			plan := driveItem(t, c.srv, "Documents", "Project Falcon", "Falcon plan.docx")
			dir := t.TempDir()
			saved := func(i int, file string) vb365test.Action {
				t.Helper()
				actions := c.srv.Actions()
				require.Len(t, actions, i+1)
				want, err := io.ReadAll(actions[i].Content())
				require.NoError(t, err)
				got, err := os.ReadFile(file)
				require.NoError(t, err)
				assert.Equal(t, want, got, file)
				return actions[i]
			}

			// One document, as itself.
			rec := jsonLines(t, c.ok("save", "documents", "--onedrive", aliceDriveName, "--document", notes.ID(), "--out", dir+"/notes.txt", "--output", "json"))
			require.Len(t, rec, 1)
			assert.ElementsMatch(t, []string{"file", "bytes", "contentType", "resumes"}, keys(rec[0]))
			assert.EqualValues(t, 300<<10, rec[0]["bytes"])
			a := saved(0, dir+"/notes.txt")
			assert.Equal(t, "document", a.Scope)
			assert.Equal(t, []string{notes.ID()}, a.DocumentIDs)
			assert.False(t, a.AsZip)

			// One version, zipped.
			c.ok("save", "documents", "--onedrive", aliceDriveName, "--document", plan.ID(), "--version", "2", "--zip", "--out", dir+"/plan-v2.zip")
			a = saved(1, dir+"/plan-v2.zip")
			assert.Equal(t, "documentVersion", a.Scope)
			assert.Equal(t, 2, a.VersionID)
			assert.True(t, a.AsZip)

			// Several documents, read whole first.
			c.ok("save", "documents", "--onedrive", aliceDriveName, "--document", notes.ID(), "--document", plan.ID(), "--out", dir+"/two.zip")
			a = saved(2, dir+"/two.zip")
			assert.Equal(t, "documents", a.Scope)
			assert.Equal(t, []string{notes.ID(), plan.ID()}, a.DocumentIDs)

			// A folder, and the whole OneDrive to stdout.
			falcon := driveItem(t, c.srv, "Documents", "Project Falcon")
			c.ok("save", "documents", "--onedrive", aliceDriveName, "--folder", falcon.ID(), "--out", dir+"/falcon.zip")
			a = saved(3, dir+"/falcon.zip")
			assert.Equal(t, "folder", a.Scope)
			assert.Equal(t, falcon.ID(), a.FolderID)
			out := c.ok("save", "documents", "--onedrive", drive.ID(), "--whole-onedrive", "--out", "-")
			actions := c.srv.Actions()
			require.Len(t, actions, 5)
			assert.Equal(t, "oneDrive", actions[4].Scope)
			want, err := io.ReadAll(actions[4].Content())
			require.NoError(t, err)
			assert.Equal(t, string(want), out, "stdout holds the file, and nothing else")

			// An existing file is kept without --force.
			r := c.run("save", "documents", "--onedrive", aliceDriveName, "--document", notes.ID(), "--out", dir+"/notes.txt")
			assert.Equal(t, exitUsage, r.code)
			assert.Contains(t, r.stderr, "--force")
			r = c.run("save", "documents", "--onedrive", aliceDriveName, "--document", notes.ID(), "--out", dir)
			assert.Equal(t, exitUsage, r.code)
			assert.Contains(t, r.stderr, "such as "+dir+"/document\n")
			assert.Len(t, c.srv.Actions(), 5)

			// A restore operator may not save.
			op := setup(t)
			op.exploreOneDrive()
			r = op.run("save", "documents", "--onedrive", aliceDriveName, "--whole-onedrive", "--out", dir+"/op.zip")
			assert.Equal(t, exitAuth, r.code, r.stderr)
			assert.Contains(t, r.stderr, "saving documents needs an administrator's login")
		})
	}
}

// A save that breaks off resumes where it stopped, with a progress bar on
// a terminal.
func TestSaveDocumentsResumesWithProgress(t *testing.T) {
	t.Parallel()
	c := setup(t, vb365test.WithExportSize(1<<20)).admin()
	c.terminal = true
	c.exploreOneDrive()
	c.srv.InjectFault(vb365test.RouteOneDriveSave, vb365test.DropAfterBytes(300<<10))
	file := t.TempDir() + "/alice.zip"
	r := c.run("save", "documents", "--onedrive", aliceDriveName, "--whole-onedrive", "--out", file, "--output", "json")
	require.Equal(t, exitOK, r.code, r.stderr)
	rec := jsonLines(t, r.stdout)
	require.Len(t, rec, 1)
	assert.EqualValues(t, 1, rec[0]["resumes"])
	assert.EqualValues(t, 1<<20, rec[0]["bytes"])
	assert.Contains(t, r.stderr, "\rsave documents  [")
	assert.Contains(t, r.stderr, "100%  1.0 MiB / 1.0 MiB")
	want, err := io.ReadAll(c.srv.Actions()[0].Content())
	require.NoError(t, err)
	got, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

func TestOneDriveMessagesSpeakCLI(t *testing.T) {
	t.Parallel()
	for arg, want := range map[string]string{
		"oneDriveID":            "--onedrive",
		"documentID":            "--document",
		"versionID":             "--version",
		"req.Documents[0].ID":   "--document (the 1st)",
		"req.Documents[1].Name": "the Name of --document (the 2nd)",
		"req.Documents[2]":      "--document (the 3rd)",
		"scope.Documents[0].ID": "--document (the 1st)",
		"scope.DocumentID":      "--document",
		"scope.FolderID":        "--folder",
		"scope.VersionID":       "--version",
		"opts.ParentID":         "--parent",
		"req.ItemIDs[2]":        "--item (the 3rd)",
	} {
		assert.Equal(t, want, argName(arg), arg)
	}

	goName := regexp.MustCompile(`With[A-Z]|req\.|opts\.|scope\.|OneDrives\.|GetDocument|GetVersion|OneDriveFolders|VersionID|ArgumentError`)
	c := setup(t)
	c.exploreOneDrive()
	long := strings.Repeat("a", 3000) // past the SDK's length bound, which the CLI does not check itself
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"documents", "get", "--onedrive", aliceDriveName, "--document", long}, "--document: is longer than"},
		{[]string{"restore", "documents", "--onedrive", aliceDriveName, "--document", long}, "--document: is longer than"},
		{[]string{"documents", "list", "--onedrive", aliceDriveName, "--parent", long}, "--parent: is longer than"},
	} {
		r := c.run(tc.args...)
		assert.Equal(t, exitUsage, r.code, r.stderr)
		assert.Contains(t, r.stderr, tc.want)
		assert.NotRegexp(t, goName, r.stderr)
	}
	// An answer without the document's name: the restore is not sent, and
	// the message says whose the fault is. The command line was right: not
	// a usage error.
	notes := driveItem(t, c.srv, "Notes.txt")
	c.srv.InjectFault(vb365test.RouteOneDriveDocument, vb365test.Respond(200,
		`{"id":"`+notes.ID()+`","creationTime":"2026-10-09T09:08:00Z","modificationTime":"2026-10-10T09:08:00Z"}`))
	r := c.run("restore", "documents", "--onedrive", aliceDriveName, "--document", notes.ID())
	assert.Equal(t, exitOther, r.code, r.stderr)
	assert.Contains(t, r.stderr, "the Name of --document (the 1st): must be set: the server's answer for the document lacks it")
	assert.NotRegexp(t, goName, r.stderr)
	assert.Empty(t, c.srv.Restores())

	c.admin()
	c.exploreOneDrive()
	r = c.run("save", "documents", "--onedrive", aliceDriveName, "--folder", long, "--out", t.TempDir()+"/f.zip")
	assert.Equal(t, exitUsage, r.code, r.stderr)
	assert.Contains(t, r.stderr, "--folder: is longer than")
	assert.NotRegexp(t, goName, r.stderr)
	assert.Empty(t, c.srv.Actions())
}
