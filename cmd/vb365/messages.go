package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/vb365-go/vb365"
)

// The SDK's errors speak to Go programmers: they name arguments
// ("req.ItemIDs[0]"), options ("WithAPIVersion") and methods
// ("RestoreSessions.Events"). The CLI says the same in its own words: flags
// and commands.

// argFlags maps the SDK's argument names (vb365.ArgumentError.Arg) to the
// CLI's flags and settings.
var argFlags = map[string]string{
	"sessionID":           "--session",
	"mailboxID":           "--mailbox",
	"itemID":              "--item",
	"folderID":            "--folder",
	"organizationID":      "--organization",
	"query":               "--query",
	"req.ItemIDs":         "--item",
	"scope.ItemIDs":       "--item",
	"scope.ItemID":        "--item",
	"req.Folder":          "--folder",
	"req.Reason":          "--reason",
	"req.DateTime":        "--at",
	"req.RepositoryID":    "--repository",
	"opts.ContentKeyword": "--keyword",
	"opts.ParentID":       "--parent",
	"opts.Name":           "--name",
	"opts.FolderID":       "--folder",
	"opts.Limit":          "--page-size",
	"oneDriveID":          "--onedrive",
	"documentID":          "--document",
	"versionID":           "--version",
	"req.Documents":       "--document",
	"req.Action":          "--overwrite",
	"req.Versions":        "--all-versions",
	"scope.Documents":     "--document",
	"scope.DocumentID":    "--document",
	"scope.FolderID":      "--folder",
	"scope.VersionID":     "--version",
	"opts.IncludeFolders": "--include-folders",
	"serverURL":           "--url (VB365_URL)",
	"v":                   "--api-version",
	"username":            "--username (VB365_USERNAME)",
	"clientID":            "--client-id (VB365_CLIENT_ID)",
	"password":            "the password",
	"assertion":           "the assertion",
}

var indexedArg = regexp.MustCompile(`^(.+)\[(\d+)\](?:\.([A-Za-z]+))?$`)

// argName is the CLI's name for the SDK's argument arg: "req.ItemIDs[2]"
// is "--item (the 3rd)", "req.Documents[0].ID" "--document (the 1st)", and
// another field of a document as the server sent it, such as
// "req.Documents[1].Name", "the Name of --document (the 2nd)".
func argName(arg string) string {
	if m := indexedArg.FindStringSubmatch(arg); m != nil {
		if f, ok := argFlags[m[1]]; ok {
			n, _ := strconv.Atoi(m[2])
			name := fmt.Sprintf("%s (the %s)", f, ordinal(n+1))
			if m[3] != "" && m[3] != "ID" {
				name = "the " + m[3] + " of " + name
			}
			return name
		}
	}
	if f, ok := argFlags[arg]; ok {
		return f
	}
	return arg
}

func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return strconv.Itoa(n) + suffix
}

// goWords are Go names in the SDK's messages, and the CLI's words for them.
var goWords = strings.NewReplacer(
	"WithAPIVersion", "--api-version",
	"WithAllowHTTP", "--allow-http",
	"use WithPassword or WithOperator", "give them with VB365_USERNAME or VB365_CLIENT_ID and a password or assertion",
	"RestoreSessions.Events", "'vb365 sessions events'",
	"RestoreSessions.All", "'vb365 sessions list'",
	"ScopeFolder and ScopeMailbox", "--folder and --whole-mailbox",
	"ScopeItems or ScopeItem", "--item",
	"open a new one", "open a new one with 'vb365 sessions explore'",
	// The CLI reads every document whole before it sends it: a field
	// missing is the server's answer's.
	"send documents whole, as browsed (GetDocument gets one by its ID)", "the server's answer for the document lacks it",
	"send its documents, or use OneDriveFolders", "give its documents ('vb365 documents list --parent' lists them)",
	"must be a version's VersionID (from Versions)", "must be a VERSION ID from 'vb365 documents versions'",
	"vb365: ", "",
)

// sdkOp is the name of an SDK operation that starts a part of a message
// ("Mailboxes.Items: ", "OperatorRestore: "); the CLI's message names the
// command instead.
var sdkOp = regexp.MustCompile(`\b(?:(?:RestoreSessions|Mailboxes|OneDrives|Sites|Teams)\.[A-Z][A-Za-z]*|OperatorRestore|OperatorExplore|ExportToPST|Save|RestoreTo|RestoreMailboxes|ExploreOrganization|RestorePortalSettings|SendToDefaultAddress|SendToDifferentAddress|Do): `)

// cliWords rewrites an SDK message in the CLI's words.
func cliWords(s string) string {
	return goWords.Replace(sdkOp.ReplaceAllString(s, ""))
}

// message is err for the CLI's user: flags for the SDK's arguments,
// commands for its methods, without the "vb365: " of each error.
func (a *app) message(err error) string {
	msg := err.Error()
	var ae *vb365.ArgumentError
	if errors.As(err, &ae) {
		msg = strings.Replace(msg, ae.Error(), argName(ae.Arg)+": "+ae.Problem, 1)
	}
	var ou *vb365.OutcomeUnknownError
	if errors.As(err, &ou) {
		cause := "no cause recorded"
		var api *vb365.APIError
		switch {
		case errors.As(ou.Err, &api):
			cause = fmt.Sprintf("%d %s", api.StatusCode, http.StatusText(api.StatusCode))
			if api.Message != "" {
				cause += ": " + api.Message
			}
		case ou.Err != nil:
			cause = ou.Err.Error()
			if i := strings.LastIndex(cause, ou.URL+": "); i >= 0 {
				cause = cause[i+len(ou.URL)+2:]
			}
		}
		msg = strings.Replace(msg, ou.Error(), fmt.Sprintf("outcome unknown: the server may have acted on %s %s: %s", ou.Method, ou.URL, cause), 1)
	}
	if errors.Is(err, context.DeadlineExceeded) && a.g.timeout > 0 {
		msg += fmt.Sprintf(" (--timeout %s)", a.g.timeout)
	}
	return cliWords(msg)
}
