package vb365

import (
	"context"
	"encoding/json"
	"io"
	"iter"
	"strings"
)

// This file holds the administrators' side of OneDrive restores: restore,
// copy, save, send and search, on documents, folders, one version of either,
// or a whole OneDrive. Each takes a OneDriveScope, so that a handful of
// methods reach the spec's every action path. The restore operator's
// restore is OneDrivesService.OperatorRestore, in onedrives.go.

// OneDriveScope says what an administrator's action applies to in a
// OneDrive: some documents or folders (sent whole, as browsed), one document
// or folder, one version of either, or the whole OneDrive. Make one with
// OneDriveDocuments, OneDriveFolders, OneDriveDocument, OneDriveFolder,
// OneDriveDocumentVersion, OneDriveFolderVersion or WholeOneDrive.
type OneDriveScope struct {
	// t has another name than Scope's field, so that neither type
	// converts to the other.
	t target
}

// OneDriveDocuments is the scope of the given documents (the Documents/<action>
// endpoints). The server wants them whole, as browsed: see
// OneDriveOperatorRestoreRequest.Documents.
func OneDriveDocuments(docs ...Document) OneDriveScope {
	return OneDriveScope{t: target{kind: targetMany, docs: docs}}
}

// OneDriveFolders is the scope of the given folders, whole, as Folders
// returns them (the Folders/<action> endpoints).
func OneDriveFolders(folders ...Document) OneDriveScope {
	return OneDriveScope{t: target{kind: targetFolders, docs: folders}}
}

// OneDriveDocument is the scope of one document's latest version
// (Documents/{documentId}/<action>).
func OneDriveDocument(id string) OneDriveScope {
	return OneDriveScope{t: target{kind: targetOne, id: id}}
}

// OneDriveDocumentVersion is the scope of one version of a document
// (Documents/{documentId}/Versions/{versionId}/<action>); versionID is a
// VersionID from Versions.
func OneDriveDocumentVersion(id string, versionID int64) OneDriveScope {
	return OneDriveScope{t: target{kind: targetOneVersion, id: id, version: versionID}}
}

// OneDriveFolder is the scope of one folder and what it holds
// (Folders/{folderId}/<action>).
func OneDriveFolder(id string) OneDriveScope {
	return OneDriveScope{t: target{kind: targetFolder, id: id}}
}

// OneDriveFolderVersion is the scope of one version of a folder
// (Folders/{folderId}/Versions/{versionId}/<action>).
func OneDriveFolderVersion(id string, versionID int64) OneDriveScope {
	return OneDriveScope{t: target{kind: targetFolderVersion, id: id, version: versionID}}
}

// WholeOneDrive is the scope of the whole OneDrive (OneDrives/{id}/<action>).
func WholeOneDrive() OneDriveScope { return OneDriveScope{t: target{kind: targetWhole}} }

var oneDriveLayout = &layout{
	base:     "/RestoreSessions/{}/Organization/OneDrives/{}",
	baseArgs: [2]string{"sessionID", "oneDriveID"},
	objects:  "Documents", folders: "Folders",
	args: map[targetKind]string{
		targetOne: "scope.DocumentID", targetOneVersion: "scope.DocumentID",
		targetFolder: "scope.FolderID", targetFolderVersion: "scope.FolderID",
	},
	constructors: map[targetKind]string{
		targetMany: "OneDriveDocuments", targetOne: "OneDriveDocument", targetOneVersion: "OneDriveDocumentVersion",
		targetFolders: "OneDriveFolders", targetFolder: "OneDriveFolder", targetFolderVersion: "OneDriveFolderVersion",
		targetWhole: "WholeOneDrive",
	},
}

// everyOneDriveScope is the set of every OneDrive scope: each action takes
// them all.
var everyOneDriveScope = kinds(targetMany, targetOne, targetOneVersion, targetFolders, targetFolder, targetFolderVersion, targetWhole)

// oneDriveTarget is what an action's path and body name: the path, and the
// documents or folders for the body (nil for the other scopes).
type oneDriveTarget struct {
	path               string
	documents, folders []documentBody
}

// route checks the scope and returns the path of action and the body's
// documents or folders.
func (sc OneDriveScope) route(op, sessionID, oneDriveID, action string) (oneDriveTarget, error) {
	var t oneDriveTarget
	p, err := sc.t.route(oneDriveLayout, op, everyOneDriveScope, sessionID, oneDriveID, action)
	if err != nil {
		return t, err
	}
	t.path = p
	switch sc.t.kind {
	case targetMany:
		t.documents, err = documentBodies("scope.Documents", oneDriveID, sc.t.docs, false)
	case targetFolders:
		t.folders, err = documentBodies("scope.Folders", oneDriveID, sc.t.docs, true)
	}
	return t, err
}

// onDocuments reports whether the scope names documents or a document, not
// folders or the whole OneDrive.
func (sc OneDriveScope) onDocuments() bool {
	k := sc.t.kind
	return k == targetMany || k == targetOne || k == targetOneVersion
}

// oneDriveCredentials is RestoreCredentials as a OneDrive action's body
// carries them, with the target organization.
type oneDriveCredentials struct {
	UserName                       string `json:"userName,omitempty"`
	UserPassword                   string `json:"userPassword,omitempty"`
	UserCode                       string `json:"userCode,omitempty"`
	ApplicationID                  string `json:"applicationId,omitempty"`
	ApplicationCertificate         []byte `json:"applicationCertificate,omitempty"`
	ApplicationCertificatePassword string `json:"applicationCertificatePassword,omitempty"`
	OfficeRegion                   string `json:"officeRegion,omitempty"`
	OrganizationName               string `json:"organizationName,omitempty"`
}

// oneDriveCredentialsBody checks rc for a OneDrive action and returns it as
// the body carries it, and its secrets.
func oneDriveCredentialsBody(rc *RestoreCredentials, region, organization string) (oneDriveCredentials, []string, error) {
	body := oneDriveCredentials{OfficeRegion: region, OrganizationName: organization}
	if err := checkRegion("req.OfficeRegion", region); err != nil {
		return body, nil, err
	}
	if err := rc.check("req.Credentials"); err != nil {
		return body, nil, err
	}
	if rc == nil {
		return body, nil, nil
	}
	if rc.ImpersonationAccountName != "" {
		return body, nil, invalidArg("req.Credentials.ImpersonationAccountName", "is for mailboxes; OneDrive actions do not take it")
	}
	body.UserName, body.UserPassword, body.UserCode = rc.UserName, string(rc.UserPassword), rc.UserCode
	body.ApplicationID, body.ApplicationCertificate = rc.ApplicationID, rc.ApplicationCertificate
	body.ApplicationCertificatePassword = string(rc.ApplicationCertificatePassword)
	return body, rc.secrets(), nil
}

// OneDriveRestoreRequest says how an administrator restores to where the
// documents were (RESTRestoreToOriginal and its Documents and Folders forms).
type OneDriveRestoreRequest struct {
	// Action is what happens to a document that is still there:
	// DocumentKeep (the zero value) keeps it, DocumentOverwrite replaces it.
	Action DocumentAction
	// Credentials, when set, are the account to restore with.
	Credentials *RestoreCredentials
	// OfficeRegion is the organization's region: "Worldwide", "Germany",
	// "China", "USDefence" or "USGovernment"; empty leaves it to the server.
	OfficeRegion string
	// OrganizationName is the Microsoft 365 organization; empty leaves it
	// to the server.
	OrganizationName string
}

// DocumentRestoreOutcome is the server's answer to a OneDrive restore or
// copy.
type DocumentRestoreOutcome = Outcome[DocumentRestoreStatistics]

// DocumentRestoreStatistics counts what a restore of documents did
// (RESTItemRestoreStatistics).
type DocumentRestoreStatistics struct {
	TotalItemsCount              int64 `json:"totalItemsCount"`
	RestoredItemsCount           int64 `json:"restoredItemsCount"`
	FailedItemsCount             int64 `json:"failedItemsCount"`
	SkippedItemsByErrorCount     int64 `json:"skippedItemsByErrorCount"`
	SkippedItemsByNoChangesCount int64 `json:"skippedItemsByNoChangesCount"`
	// FailedRestrictionsCount is nil when the server sent none (it counts
	// them when permissions are restored).
	FailedRestrictionsCount *int64         `json:"failedRestrictionsCount"`
	RestoreIssues           []RestoreIssue `json:"restoreIssues"`
}

// RestoreIssue is a document a restore failed or warned about
// (RESTRestoreObject).
type RestoreIssue struct {
	ID    string `json:"id"`
	Path  string `json:"path"`
	Title string `json:"title"`
	// Type is "Item", "List" or "Site".
	Type     string   `json:"type"`
	Warnings []string `json:"warnings"`
	Error    string   `json:"error"`
}

// Restore restores documents, folders, one version of either, or a whole
// OneDrive to where they were (the restore endpoints). It needs an
// administrator's login. With DocumentOverwrite the user's current files are
// replaced.
//
// Retry class: unsafe. It is re-sent only when the server provably did not
// act; after other failures the error matches ErrOutcomeUnknown.
func (s *OneDrivesService) Restore(ctx context.Context, sessionID, oneDriveID string, scope OneDriveScope, req *OneDriveRestoreRequest) (*DocumentRestoreOutcome, error) {
	t, err := scope.route("OneDrives.Restore", sessionID, oneDriveID, "restore")
	if err != nil {
		return nil, err
	}
	if req == nil {
		req = &OneDriveRestoreRequest{}
	}
	action, err := oneOf("req.Action", req.Action, DocumentKeep, "DocumentKeep or DocumentOverwrite", DocumentKeep, DocumentOverwrite)
	if err != nil {
		return nil, err
	}
	creds, secrets, err := oneDriveCredentialsBody(req.Credentials, req.OfficeRegion, req.OrganizationName)
	if err != nil {
		return nil, err
	}
	return s.restore(ctx, "OneDrives.Restore", t.path, struct {
		Documents      []documentBody `json:"documents,omitempty"`
		Folders        []documentBody `json:"folders,omitempty"`
		DocumentAction DocumentAction `json:"documentAction"`
		oneDriveCredentials
	}{t.documents, t.folders, action, creds}, secrets)
}

func (s *OneDrivesService) restore(ctx context.Context, op, path string, body any, secrets []string, newer ...versionArg) (*DocumentRestoreOutcome, error) {
	return sendRestore[DocumentRestoreStatistics](ctx, s.client, op, path, body, secrets, newer...)
}

// LastVersionAction is what a copy does with the latest version of a
// document that is already where it copies to: LastVersionOverwrite or
// LastVersionMerge.
type LastVersionAction string

const (
	// LastVersionOverwrite replaces the document already there with the
	// copied one.
	LastVersionOverwrite LastVersionAction = "Overwrite"
	// LastVersionMerge adds the copied document as a new version of the
	// one already there.
	LastVersionMerge LastVersionAction = "Merge"
)

// OneDriveCopyRequest says where an administrator copies documents to:
// another OneDrive, another folder, or both (RESTCopyToFolder and its
// Documents and Folders forms).
type OneDriveCopyRequest struct {
	// OneDrive is the OneDrive to copy to, as List or Get return it: its
	// ID or its URL is required (the server needs a target OneDrive even
	// for a copy into another folder of the same one).
	OneDrive OneDrive
	// Folder is the folder to copy into; empty leaves it to the server.
	Folder string
	// Versions is VersionsLast (the zero value) or VersionsAll.
	Versions DocumentVersions
	// LastVersionAction, when set, is what happens to a document already
	// in the target; empty leaves it to the server.
	LastVersionAction LastVersionAction
	// ChangedItems copies documents changed since the backup, and
	// DeletedItems documents deleted since. With the document scopes the
	// server takes them on v8 only (refused before any request on v6 and
	// v7); with folders and a whole OneDrive on every version.
	ChangedItems, DeletedItems bool
	// RestorePermissions copies the permissions too, and
	// SendSharedLinksNotification notifies the users of shared links:
	// folders and a whole OneDrive only.
	RestorePermissions, SendSharedLinksNotification bool
	// Credentials, when set, are the account to copy with.
	Credentials *RestoreCredentials
	// OfficeRegion and OrganizationName are the target organization's
	// region and name, as OneDriveRestoreRequest's.
	OfficeRegion, OrganizationName string
}

type oneDriveRef struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
	URL  string `json:"url,omitempty"`
}

// CopyTo copies documents, folders, one version of either, or a whole
// OneDrive to another OneDrive or folder (the copyTo endpoints). It needs an
// administrator's login.
//
// Retry class: unsafe, as Restore: a copy sent twice copies twice.
func (s *OneDrivesService) CopyTo(ctx context.Context, sessionID, oneDriveID string, scope OneDriveScope, req *OneDriveCopyRequest) (*DocumentRestoreOutcome, error) {
	t, err := scope.route("OneDrives.CopyTo", sessionID, oneDriveID, "copyTo")
	if err != nil {
		return nil, err
	}
	if req == nil {
		return nil, invalidArg("req", "must not be nil")
	}
	switch {
	case req.OneDrive.ID != "":
		if err := checkID("req.OneDrive.ID", req.OneDrive.ID); err != nil {
			return nil, err
		}
	case strings.TrimSpace(req.OneDrive.URL) == "":
		return nil, invalidArg("req.OneDrive", "must name the OneDrive to copy to by its ID or URL")
	}
	target := &oneDriveRef{req.OneDrive.ID, req.OneDrive.Name, req.OneDrive.URL}
	versions, err := oneOf("req.Versions", req.Versions, VersionsLast, "VersionsLast or VersionsAll", VersionsLast, VersionsAll)
	if err != nil {
		return nil, err
	}
	if _, err := oneOf("req.LastVersionAction", req.LastVersionAction, "", "LastVersionOverwrite or LastVersionMerge", LastVersionOverwrite, LastVersionMerge); err != nil {
		return nil, err
	}
	creds, secrets, err := oneDriveCredentialsBody(req.Credentials, req.OfficeRegion, req.OrganizationName)
	if err != nil {
		return nil, err
	}
	body := struct {
		Documents                   []documentBody    `json:"documents,omitempty"`
		Folders                     []documentBody    `json:"folders,omitempty"`
		ChangedItems                *bool             `json:"changedItems,omitempty"`
		DeletedItems                *bool             `json:"deletedItems,omitempty"`
		RestorePermissions          *bool             `json:"restorePermissions,omitempty"`
		SendSharedLinksNotification *bool             `json:"sendSharedLinksNotification,omitempty"`
		OneDrive                    *oneDriveRef      `json:"onedrive"`
		Folder                      string            `json:"folder,omitempty"`
		DocumentVersion             DocumentVersions  `json:"documentVersion"`
		DocumentLastVersionAction   LastVersionAction `json:"documentLastVersionAction,omitempty"`
		oneDriveCredentials
	}{
		Documents: t.documents, Folders: t.folders, OneDrive: target, Folder: req.Folder,
		DocumentVersion: versions, DocumentLastVersionAction: req.LastVersionAction, oneDriveCredentials: creds,
	}
	var newer []versionArg
	if scope.onDocuments() {
		if req.RestorePermissions {
			return nil, invalidArg("req.RestorePermissions", "applies to folders and a whole OneDrive only")
		}
		if req.SendSharedLinksNotification {
			return nil, invalidArg("req.SendSharedLinksNotification", "applies to folders and a whole OneDrive only")
		}
		// The document forms take changedItems and deletedItems from v8.
		if req.ChangedItems {
			body.ChangedItems = &req.ChangedItems
			newer = append(newer, versionArg{"req.ChangedItems", V8})
		}
		if req.DeletedItems {
			body.DeletedItems = &req.DeletedItems
			newer = append(newer, versionArg{"req.DeletedItems", V8})
		}
	} else {
		body.ChangedItems, body.DeletedItems = &req.ChangedItems, &req.DeletedItems
		body.RestorePermissions, body.SendSharedLinksNotification = &req.RestorePermissions, &req.SendSharedLinksNotification
	}
	return s.restore(ctx, "OneDrives.CopyTo", t.path, body, secrets, newer...)
}

// RestoreOneDrivesRequest says how to restore whole OneDrives to where they
// were (RESTBulkRestoreConfig).
type RestoreOneDrivesRequest struct {
	// Action is what happens to a document that is still there:
	// DocumentKeep (the zero value) keeps it, DocumentOverwrite replaces it.
	Action DocumentAction
	// SkipUnresolved skips the OneDrives the server cannot resolve instead
	// of failing the restore.
	SkipUnresolved bool
	// Credentials, when set, are the Microsoft 365 account or application
	// to restore with (sent as officeUsername, officeUserpassword and the
	// application fields).
	Credentials *RestoreCredentials
	// OnPremises, when set, is the account for an on-premises SharePoint
	// server (its UserName and Password; the body has no domain).
	OnPremises *OnPremisesCredentials
}

// OneDrivesRestoreOutcome is the server's answer to RestoreOneDrives:
// statistics per OneDrive from servers up to v7, a session that follows the
// restore from v8 servers.
type OneDrivesRestoreOutcome = Outcome[OneDrivesRestoreStatistics]

// OneDrivesRestoreStatistics is what a restore of whole OneDrives did
// (RESTSharePointBulkRestoreStatistics).
type OneDrivesRestoreStatistics struct {
	// Status is "Success", "Warning" or "Failed".
	Status  string                     `json:"status"`
	Error   string                     `json:"error"`
	Details []OneDriveRestoreStatistic `json:"details"`
}

// OneDriveRestoreStatistic is what a restore of whole OneDrives did with
// one of them (RESTExtendedCommonStatistic).
type OneDriveRestoreStatistic struct {
	OneDrive OneDrive `json:"oneDrive"`
	// Status is "Success", "Warning" or "Failed".
	Status  string                 `json:"status"`
	Error   string                 `json:"error"`
	Details OneDriveRestoreDetails `json:"details"`
}

// OneDriveRestoreDetails are the details of one OneDrive's restore
// (RESTSharePointCommonRestoreStatistics): the server counts no items here.
type OneDriveRestoreDetails struct {
	// FailedRestrictionsCount is nil when the server sent none.
	FailedRestrictionsCount *int64         `json:"failedRestrictionsCount"`
	RestoreIssues           []RestoreIssue `json:"restoreIssues"`
}

// RestoreOneDrives restores whole OneDrives of a restore session to where
// they were (POST .../Organization/OneDrives/restore). It needs an
// administrator's login.
//
// Retry class: unsafe, as Restore.
func (s *OneDrivesService) RestoreOneDrives(ctx context.Context, sessionID string, oneDriveIDs []string, req *RestoreOneDrivesRequest) (*OneDrivesRestoreOutcome, error) {
	path, err := idPath("/RestoreSessions/{}/Organization/OneDrives/restore", "sessionID", sessionID)
	if err != nil {
		return nil, err
	}
	refs, err := itemRefs("oneDriveIDs", oneDriveIDs)
	if err != nil {
		return nil, err
	}
	if req == nil {
		req = &RestoreOneDrivesRequest{}
	}
	action, err := oneOf("req.Action", req.Action, DocumentKeep, "DocumentKeep or DocumentOverwrite", DocumentKeep, DocumentOverwrite)
	if err != nil {
		return nil, err
	}
	body := struct {
		DocumentAction                 DocumentAction `json:"documentAction"`
		SkipUnresolved                 bool           `json:"skipUnresolved"`
		OneDrives                      []itemRef      `json:"oneDrives"`
		OfficeUsername                 string         `json:"officeUsername,omitempty"`
		UserCode                       string         `json:"userCode,omitempty"`
		ApplicationID                  string         `json:"applicationId,omitempty"`
		ApplicationCertificatePassword string         `json:"applicationCertificatePassword,omitempty"`
		ApplicationCertificate         []byte         `json:"applicationCertificate,omitempty"`
		OfficeUserpassword             string         `json:"officeUserpassword,omitempty"`
		OnpremisesUsername             string         `json:"onpremisesUsername,omitempty"`
		OnpremisesUserpassword         string         `json:"onpremisesUserpassword,omitempty"`
	}{DocumentAction: action, SkipUnresolved: req.SkipUnresolved, OneDrives: refs}
	creds, secrets, err := oneDriveCredentialsBody(req.Credentials, "", "")
	if err != nil {
		return nil, err
	}
	body.OfficeUsername, body.OfficeUserpassword, body.UserCode = creds.UserName, creds.UserPassword, creds.UserCode
	body.ApplicationID, body.ApplicationCertificate = creds.ApplicationID, creds.ApplicationCertificate
	body.ApplicationCertificatePassword = creds.ApplicationCertificatePassword
	if op := req.OnPremises; op != nil {
		if op.DomainName != "" {
			return nil, invalidArg("req.OnPremises.DomainName", "is not taken by a OneDrive restore; give the user name with its domain")
		}
		body.OnpremisesUsername, body.OnpremisesUserpassword = op.UserName, string(op.Password)
		secrets = append(secrets, string(op.Password))
	}
	return sendRestore[OneDrivesRestoreStatistics](ctx, s.client, "OneDrives.RestoreOneDrives", path, body, secrets)
}

// OneDriveSaveOptions steer a OneDrive save.
type OneDriveSaveOptions struct {
	DownloadOptions
	// AsZip zips a single document (OneDriveDocument and
	// OneDriveDocumentVersion). The other scopes come zipped whatever it
	// says.
	AsZip bool
}

// Save saves documents, folders, one version of either, or a whole OneDrive
// and streams the file into w (the save endpoints): one document comes as
// itself unless opts.AsZip, anything more as a ZIP. Streaming and resuming
// are as for Mailboxes.ExportToPST. It needs an administrator's login.
//
// Retry class: re-requestable, as Mailboxes.ExportToPST.
func (s *OneDrivesService) Save(ctx context.Context, sessionID, oneDriveID string, scope OneDriveScope, w io.Writer, opts *OneDriveSaveOptions) (*Download, error) {
	t, err := scope.route("OneDrives.Save", sessionID, oneDriveID, "save")
	if err != nil {
		return nil, err
	}
	if w == nil {
		return nil, invalidArg("w", "must not be nil")
	}
	var o OneDriveSaveOptions
	if opts != nil {
		o = *opts
	}
	var b []byte
	switch scope.t.kind {
	case targetMany:
		b, _ = json.Marshal(struct {
			Documents []documentBody `json:"documents"`
		}{t.documents})
	case targetFolders:
		b, _ = json.Marshal(struct {
			Folders []documentBody `json:"folders"`
		}{t.folders})
	case targetOne, targetOneVersion:
		b, _ = json.Marshal(struct {
			AsZip bool `json:"asZip"`
		}{o.AsZip})
	}
	return s.client.download(ctx, &request{op: "OneDrives.Save", method: "POST", path: t.path, body: b}, w, &o.DownloadOptions)
}

// OneDriveSendRequest is the message that carries the documents sent.
type OneDriveSendRequest struct {
	// To is the recipient's address. Required.
	To string
	// From, Subject and Text, when set, are the message's sender, subject
	// and body; empty leaves them to the server's OneDrive e-mail settings.
	From, Subject, Text string
	// SkipItemChecks skips the documents that cannot be sent instead of
	// failing.
	SkipItemChecks bool
}

// Send mails documents, folders, one version of either, or a whole OneDrive
// as attachments (the send endpoints). The server's OneDrive e-mail
// settings must be set. It needs an administrator's login.
//
// Retry class: unsafe: a message sent twice arrives twice.
func (s *OneDrivesService) Send(ctx context.Context, sessionID, oneDriveID string, scope OneDriveScope, req *OneDriveSendRequest) error {
	t, err := scope.route("OneDrives.Send", sessionID, oneDriveID, "send")
	if err != nil {
		return err
	}
	if req == nil {
		return invalidArg("req", "must not be nil")
	}
	if strings.TrimSpace(req.To) == "" {
		return invalidArg("req.To", "must not be empty")
	}
	b, _ := json.Marshal(struct {
		SkipItemChecks bool           `json:"skipItemChecks"`
		Documents      []documentBody `json:"documents,omitempty"`
		Folders        []documentBody `json:"folders,omitempty"`
		From           string         `json:"from,omitempty"`
		To             string         `json:"to"`
		Subject        string         `json:"subject,omitempty"`
		Text           string         `json:"text,omitempty"`
	}{req.SkipItemChecks, t.documents, t.folders, req.From, req.To, req.Subject, req.Text})
	return sendMessage(ctx, s.client, "OneDrives.Send", t.path, b)
}

// DocumentSearchOptions narrows a OneDrive search and selects its pages.
type DocumentSearchOptions struct {
	ListOptions
	// FolderID searches one folder and its subfolders.
	FolderID string
}

// Search iterates over the documents and folders of a OneDrive, or of one
// of its folders, that match query (POST .../OneDrives/{id}/search, or
// .../Folders/{folderId}/search). query is the server's "criteria:value"
// search language. The pages of one search share the server's result set
// (setId). The hits are documents and folders (IsFolder), whole, as
// OperatorRestore and OneDriveFolders want them.
func (s *OneDrivesService) Search(ctx context.Context, sessionID, oneDriveID, query string, opts *DocumentSearchOptions) iter.Seq2[Document, error] {
	format, ids := "/RestoreSessions/{}/Organization/OneDrives/{}/search", []string{"sessionID", sessionID, "oneDriveID", oneDriveID}
	var lo *ListOptions
	if opts != nil {
		lo = &opts.ListOptions
		if opts.FolderID != "" {
			format = "/RestoreSessions/{}/Organization/OneDrives/{}/Folders/{}/search"
			ids = append(ids, "opts.FolderID", opts.FolderID)
		}
	}
	path, err := idPath(format, ids...)
	return s.search(ctx, "OneDrives.Search", path, oneDriveID, query, lo, err)
}

// SearchAll iterates over the documents and folders of every OneDrive in
// the session that match query (POST .../Organization/OneDrives/search).
// Each hit carries its OneDriveID (from v8 servers' field, or the hit's
// link), so it can go to OperatorRestore as it is.
func (s *OneDrivesService) SearchAll(ctx context.Context, sessionID, query string, opts *ListOptions) iter.Seq2[Document, error] {
	path, err := idPath("/RestoreSessions/{}/Organization/OneDrives/search", "sessionID", sessionID)
	return s.search(ctx, "OneDrives.SearchAll", path, "", query, opts, err)
}

func (s *OneDrivesService) search(ctx context.Context, op, path, oneDriveID, query string, opts *ListOptions, err error) iter.Seq2[Document, error] {
	if err == nil && strings.TrimSpace(query) == "" {
		err = invalidArg("query", "must not be empty")
	}
	body, _ := json.Marshal(struct {
		Query string `json:"query"`
	}{query})
	l := lister{c: s.client, op: op, path: path, method: "POST", body: body, keepSet: true}
	return listAllAs(ctx, l, opts, err, func(w *documentHitWire) *Document {
		// Before v8 a hit has no isFolder: its own link says what it is.
		folder := linkID(w.Links.Self.Href, "folders", true) != ""
		d := fixDocument(&w.Document, w.Links.Parent.Href, oneDriveID, "", folder)
		if d.OneDriveID == "" {
			d.OneDriveID = linkID(w.Links.Self.Href, "onedrives", false)
		}
		return d
	})
}

// documentHitWire is a search hit as the server sends it: before v8 only
// its own link names its OneDrive.
type documentHitWire struct {
	Document
	Links struct {
		Parent Link `json:"parent"`
		Self   Link `json:"self"`
	} `json:"_links"`
}
