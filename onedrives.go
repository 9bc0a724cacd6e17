package vb365

import (
	"context"
	"encoding/json"
	"iter"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// OneDrivesService browses the OneDrives of a restore session (their
// folders, documents and document versions) and restores their documents.
// Open the session with SessionTypeOneDrive. The administrators' actions
// (Restore, CopyTo, Save, Send, Search) take a OneDriveScope.
type OneDrivesService service

// This file holds the browsing and the restore operator's restore; the
// administrators' actions are in onedrives_admin.go, as the mailboxes' are
// in exchange.go.

// OneDrive is a backed-up OneDrive in a restore session (RESTOneDrive).
// Its ID is a plain string, not a UUID.
type OneDrive struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// URL is the OneDrive's address in Microsoft 365.
	URL string `json:"url"`
}

// Document is a OneDrive document or folder (RESTOneDriveDocument,
// RESTOneDriveFolder, and on v7 and later the documents list's
// RESTItemComposed). One type serves all of them: IsFolder tells them
// apart. Document IDs are UUIDs.
type Document struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// IsFolder is true for a folder. v6 servers do not send it: the SDK
	// sets it for the results of Folders.
	IsFolder bool `json:"isFolder"`
	// SizeBytes is the document's size; folders have none.
	SizeBytes int64 `json:"sizeBytes"`
	// Version is the version label, such as "3.0".
	Version string `json:"version"`
	// VersionID is the version's number, 0 when the server sends none.
	VersionID            int64     `json:"versionId"`
	InheritedPermissions bool      `json:"inheritedPermissions"`
	CreatedBy            string    `json:"createdBy"`
	ModifiedBy           string    `json:"modifiedBy"`
	CreationTime         time.Time `json:"creationTime"`
	ModificationTime     time.Time `json:"modificationTime"`
	// OneDriveID is the document's OneDrive: v8 servers send it, and on
	// v6 and v7 the SDK sets the OneDrive it asked.
	OneDriveID string `json:"oneDriveId"`
	// ParentID is the folder that holds the document, "" at the root. No
	// API version has a field for it: the SDK reads it from the parent
	// link (_links.parent), and in a listing of one folder
	// (DocumentListOptions.ParentID) it is that folder.
	ParentID string `json:"-"`
}

// documentWire is a document or folder as the server sends it.
type documentWire struct {
	Document
	Links struct {
		Parent Link `json:"parent"`
	} `json:"_links"`
}

// fix completes the document from its links and from the request: the
// OneDrive asked, the folder listed ("" when unknown), and whether the
// list holds folders only.
func (w *documentWire) fix(oneDriveID, parentID string, folder bool) *Document {
	return fixDocument(&w.Document, w.Links.Parent.Href, oneDriveID, parentID, folder)
}

// fixDocument completes d as documentWire.fix does; parentHref is its
// parent link.
func fixDocument(d *Document, parentHref, oneDriveID, parentID string, folder bool) *Document {
	if d.OneDriveID == "" {
		d.OneDriveID = oneDriveID
	}
	if d.ParentID == "" {
		d.ParentID = linkID(parentHref, "folders", true)
	}
	if d.ParentID == "" {
		d.ParentID = parentID
	}
	if folder {
		d.IsFolder = true
	}
	return d
}

// DocumentListOptions selects the documents or folders that Documents and
// Folders list.
type DocumentListOptions struct {
	ListOptions
	// ParentID lists the contents of this folder; "" lists the root of
	// the OneDrive.
	ParentID string
	// IncludeFolders makes Documents list the folders too, with
	// IsFolder set (includeFolders, v7 and later; refused on v6 before
	// any request). Folders ignores it.
	IncludeFolders bool
}

func (s *OneDrivesService) oneDrives(sessionID string) (lister, error) {
	path, err := idPath("/RestoreSessions/{}/Organization/OneDrives", "sessionID", sessionID)
	return lister{c: s.client, op: "OneDrives.List", path: path}, err
}

// List returns one page of the OneDrives in a restore session
// (GET /vN/RestoreSessions/{id}/Organization/OneDrives).
func (s *OneDrivesService) List(ctx context.Context, sessionID string, opts *ListOptions) (*Page[OneDrive], error) {
	l, err := s.oneDrives(sessionID)
	if err != nil {
		return nil, err
	}
	return listPage[OneDrive](ctx, l, opts)
}

// All iterates over the OneDrives in a restore session, from opts.Offset
// on, page by page.
func (s *OneDrivesService) All(ctx context.Context, sessionID string, opts *ListOptions) iter.Seq2[OneDrive, error] {
	l, err := s.oneDrives(sessionID)
	return listAll[OneDrive](ctx, l, opts, err)
}

// Get returns one OneDrive of a restore session
// (GET .../Organization/OneDrives/{oneDriveId}).
func (s *OneDrivesService) Get(ctx context.Context, sessionID, oneDriveID string) (*OneDrive, error) {
	path, err := idPath("/RestoreSessions/{}/Organization/OneDrives/{}", "sessionID", sessionID, "oneDriveID", oneDriveID)
	return call[OneDrive](ctx, s.client, &request{op: "OneDrives.Get", method: "GET", path: path}, err)
}

// Documents iterates over the documents at the root of a OneDrive, or in
// one of its folders (GET .../OneDrives/{id}/Documents). The results are
// whole documents, as an operator restore wants them.
func (s *OneDrivesService) Documents(ctx context.Context, sessionID, oneDriveID string, opts *DocumentListOptions) iter.Seq2[Document, error] {
	return s.list(ctx, "OneDrives.Documents", "Documents", sessionID, oneDriveID, opts, false)
}

// Folders iterates over the folders at the root of a OneDrive, or in one
// of its folders (GET .../OneDrives/{id}/Folders). Each has IsFolder set.
// Walk a OneDrive's tree by listing the folders and documents of each
// folder in turn, with its ID as DocumentListOptions.ParentID.
func (s *OneDrivesService) Folders(ctx context.Context, sessionID, oneDriveID string, opts *DocumentListOptions) iter.Seq2[Document, error] {
	return s.list(ctx, "OneDrives.Folders", "Folders", sessionID, oneDriveID, opts, true)
}

func (s *OneDrivesService) list(ctx context.Context, op, seg, sessionID, oneDriveID string, opts *DocumentListOptions, folders bool) iter.Seq2[Document, error] {
	path, err := idPath("/RestoreSessions/{}/Organization/OneDrives/{}/"+seg, "sessionID", sessionID, "oneDriveID", oneDriveID)
	l := lister{c: s.client, op: op, path: path}
	var lo *ListOptions
	parentID := ""
	if opts != nil && err == nil {
		lo = &opts.ListOptions
		if opts.ParentID != "" {
			err = checkID("opts.ParentID", opts.ParentID)
			l.extra = "&parentId=" + url.QueryEscape(opts.ParentID)
			parentID = opts.ParentID
		}
		if opts.IncludeFolders && !folders {
			l.vextra = func(APIVersion) string { return "&includeFolders=true" }
			l.vcheck = func(v APIVersion) error {
				if v == V6 {
					return invalidArg("opts.IncludeFolders", "is not supported by API version v6")
				}
				return nil
			}
		}
	}
	return listAllAs(ctx, l, lo, err, func(w *documentWire) *Document { return w.fix(oneDriveID, parentID, folders) })
}

// GetDocument returns one document of a OneDrive, whole
// (GET .../OneDrives/{id}/Documents/{documentId}): a caller holding only
// a document's ID gets with it, in one request, what an operator restore
// needs.
func (s *OneDrivesService) GetDocument(ctx context.Context, sessionID, oneDriveID, documentID string) (*Document, error) {
	return s.get(ctx, "OneDrives.GetDocument", sessionID, oneDriveID, documentID, 0, false)
}

// Versions iterates over the backed-up versions of a document
// (GET .../Documents/{documentId}/Versions), each a whole Document with
// its Version and VersionID.
func (s *OneDrivesService) Versions(ctx context.Context, sessionID, oneDriveID, documentID string, opts *ListOptions) iter.Seq2[Document, error] {
	return s.versions(ctx, "OneDrives.Versions", "Documents", sessionID, oneDriveID, documentID, opts, false)
}

// FolderVersions iterates over the backed-up versions of a folder
// (GET .../Folders/{folderId}/Versions), each with IsFolder set.
func (s *OneDrivesService) FolderVersions(ctx context.Context, sessionID, oneDriveID, folderID string, opts *ListOptions) iter.Seq2[Document, error] {
	return s.versions(ctx, "OneDrives.FolderVersions", "Folders", sessionID, oneDriveID, folderID, opts, true)
}

func (s *OneDrivesService) versions(ctx context.Context, op, seg, sessionID, oneDriveID, id string, opts *ListOptions, folder bool) iter.Seq2[Document, error] {
	path, err := idPath("/RestoreSessions/{}/Organization/OneDrives/{}/"+seg+"/{}/Versions",
		"sessionID", sessionID, "oneDriveID", oneDriveID, idArg(folder), id)
	l := lister{c: s.client, op: op, path: path}
	return listAllAs(ctx, l, opts, err, func(w *documentWire) *Document { return w.fix(oneDriveID, "", folder) })
}

// GetFolder returns one folder of a OneDrive
// (GET .../OneDrives/{id}/Folders/{folderId}), with IsFolder set.
func (s *OneDrivesService) GetFolder(ctx context.Context, sessionID, oneDriveID, folderID string) (*Document, error) {
	return s.get(ctx, "OneDrives.GetFolder", sessionID, oneDriveID, folderID, 0, true)
}

// GetVersion returns one backed-up version of a document, whole
// (GET .../Documents/{documentId}/Versions/{versionId}); versionID is a
// VersionID from Versions.
func (s *OneDrivesService) GetVersion(ctx context.Context, sessionID, oneDriveID, documentID string, versionID int64) (*Document, error) {
	if p := versionProblem(versionID); p != "" {
		return nil, invalidArg("versionID", p)
	}
	return s.get(ctx, "OneDrives.GetVersion", sessionID, oneDriveID, documentID, versionID, false)
}

// GetFolderVersion returns one backed-up version of a folder
// (GET .../Folders/{folderId}/Versions/{versionId}).
func (s *OneDrivesService) GetFolderVersion(ctx context.Context, sessionID, oneDriveID, folderID string, versionID int64) (*Document, error) {
	if p := versionProblem(versionID); p != "" {
		return nil, invalidArg("versionID", p)
	}
	return s.get(ctx, "OneDrives.GetFolderVersion", sessionID, oneDriveID, folderID, versionID, true)
}

// idArg names a document's or folder's ID in errors.
func idArg(folder bool) string {
	if folder {
		return "folderID"
	}
	return "documentID"
}

// versionProblem says what is wrong with a version's ID, or "".
func versionProblem(versionID int64) string {
	switch {
	case versionID <= 0:
		return "must be a version's VersionID (from Versions), greater than 0"
	case versionID > math.MaxInt32:
		return "is " + strconv.FormatInt(versionID, 10) + "; a version's VersionID is an int32"
	}
	return ""
}

// get reads one document or folder; a versionID other than 0 reads that
// version.
func (s *OneDrivesService) get(ctx context.Context, op, sessionID, oneDriveID, id string, versionID int64, folder bool) (*Document, error) {
	seg := "/Documents/{}"
	if folder {
		seg = "/Folders/{}"
	}
	if versionID != 0 {
		seg += "/Versions/" + strconv.FormatInt(versionID, 10)
	}
	path, err := idPath("/RestoreSessions/{}/Organization/OneDrives/{}"+seg, "sessionID", sessionID, "oneDriveID", oneDriveID, idArg(folder), id)
	w, err := call[documentWire](ctx, s.client, &request{op: op, method: "GET", path: path}, err)
	if err != nil {
		return nil, err
	}
	return w.fix(oneDriveID, "", folder), nil
}

// DocumentAction is what a restore does with a document that is still where
// it restores to: DocumentKeep or DocumentOverwrite.
type DocumentAction string

const (
	// DocumentKeep keeps the user's current file; the server restores the
	// backed-up one beside it, under another name. It is what the zero
	// value sends.
	DocumentKeep DocumentAction = "Keep"
	// DocumentOverwrite replaces the user's current files with the
	// backed-up ones: changes made since the backup are lost. Ask before
	// sending it.
	DocumentOverwrite DocumentAction = "Overwrite"
)

// DocumentVersions says which versions of a document a restore or copy
// takes: VersionsLast or VersionsAll.
type DocumentVersions string

const (
	// VersionsLast takes one version of each document: the request
	// carries the document as browsed, with its VersionID, but the
	// server's descriptions do not say whether it restores that version
	// or the latest. To restore an older version for certain, an
	// administrator uses Restore with OneDriveDocumentVersion. It is what
	// the zero value sends.
	VersionsLast DocumentVersions = "Last"
	// VersionsAll takes every backed-up version of the document.
	VersionsAll DocumentVersions = "All"
)

// OneDriveOperatorRestoreRequest says what a restore operator restores from
// a OneDrive, to where it was (RESTOperatorRestoreToOriginalOneDriveDocuments).
type OneDriveOperatorRestoreRequest struct {
	// Documents are the documents to restore, as browsed (Documents,
	// Folders' contents, GetDocument, GetVersion, Versions, Search). The
	// server wants each one whole: its ID, name, size, authors and times,
	// so IDs alone are not a valid request. A caller holding only IDs gets
	// each document with GetDocument (one request each). At least one is
	// required; folders are refused: restore their documents.
	Documents []Document
	// Versions is VersionsLast (the zero value) or VersionsAll.
	Versions DocumentVersions
	// Action is what happens to a document that is still there:
	// DocumentKeep (the zero value) keeps it, DocumentOverwrite replaces it.
	Action DocumentAction
	// Reason is a free-text reason, kept by the server.
	Reason string
}

// documentBody is a document or folder as a request carries it: whole, as
// the server wants it (RESTOneDriveDocument, RESTOneDriveFolder).
type documentBody struct {
	ID                   string `json:"id"`
	Name                 string `json:"name"`
	SizeBytes            *int64 `json:"sizeBytes,omitempty"`
	Version              string `json:"version,omitempty"`
	VersionID            int64  `json:"versionId,omitempty"`
	InheritedPermissions *bool  `json:"inheritedPermissions,omitempty"`
	CreatedBy            string `json:"createdBy"`
	CreationTime         string `json:"creationTime"`
	ModifiedBy           string `json:"modifiedBy"`
	ModificationTime     string `json:"modificationTime"`
}

// documentBodies checks documents (folders, with folders set) of the
// OneDrive oneDriveID as a request sends them: each with its ID, name,
// authors and times, as browsed, and of that OneDrive.
func documentBodies(arg, oneDriveID string, docs []Document, folders bool) ([]documentBody, error) {
	if len(docs) == 0 {
		return nil, invalidArg(arg, "must not be empty")
	}
	out := make([]documentBody, len(docs))
	for i := range docs {
		d := &docs[i]
		a := arg + "[" + strconv.Itoa(i) + "]"
		if p := idProblem(d.ID); p != "" {
			return nil, invalidArg(a+".ID", p)
		}
		const whole = "must be set: send documents whole, as browsed (GetDocument gets one by its ID)"
		switch {
		case strings.TrimSpace(d.Name) == "":
			return nil, invalidArg(a+".Name", whole)
		case d.CreationTime.IsZero():
			return nil, invalidArg(a+".CreationTime", whole)
		case d.ModificationTime.IsZero():
			return nil, invalidArg(a+".ModificationTime", whole)
		case strings.TrimSpace(d.CreatedBy) == "":
			return nil, invalidArg(a+".CreatedBy", whole)
		case strings.TrimSpace(d.ModifiedBy) == "":
			return nil, invalidArg(a+".ModifiedBy", whole)
		case d.OneDriveID != "" && !strings.EqualFold(d.OneDriveID, oneDriveID):
			return nil, invalidArg(a+".OneDriveID", "is "+strconv.Quote(d.OneDriveID)+", not the OneDrive acted on ("+strconv.Quote(oneDriveID)+"): send each OneDrive's documents to its own call")
		case d.VersionID < 0 || d.VersionID > math.MaxInt32:
			return nil, invalidArg(a+".VersionID", "is "+strconv.FormatInt(d.VersionID, 10)+"; a version's VersionID is an int32")
		case d.IsFolder && !folders:
			return nil, invalidArg(a, "is a folder ("+strconv.Quote(d.Name)+"); send its documents, or use OneDriveFolders")
		case !d.IsFolder && folders:
			return nil, invalidArg(a, "is not a folder ("+strconv.Quote(d.Name)+"); folders come from Folders, or from Documents with IncludeFolders")
		}
		b := &out[i]
		*b = documentBody{
			ID: d.ID, Name: d.Name, Version: d.Version, VersionID: d.VersionID,
			CreatedBy: d.CreatedBy, CreationTime: d.CreationTime.UTC().Format(serverTime),
			ModifiedBy: d.ModifiedBy, ModificationTime: d.ModificationTime.UTC().Format(serverTime),
		}
		if !folders {
			b.SizeBytes, b.InheritedPermissions = &d.SizeBytes, &d.InheritedPermissions
		}
	}
	return out, nil
}

type documentRestoreConfig struct {
	Document        documentBody     `json:"document"`
	DocumentVersion DocumentVersions `json:"documentVersion"`
}

// OperatorRestore restores OneDrive documents to where they were, as a
// restore operator (POST .../OneDrives/{id}/Documents/operatorRestore), and
// returns the ID of the session whose events follow the restore. The
// documents must be whole, as browsed (see OneDriveOperatorRestoreRequest);
// with DocumentOverwrite the user's current files are replaced.
//
// Retry class: unsafe, as Mailboxes.OperatorRestore: re-sent only when the
// server provably did not act; after any other failure the error matches
// ErrOutcomeUnknown.
func (s *OneDrivesService) OperatorRestore(ctx context.Context, sessionID, oneDriveID string, req *OneDriveOperatorRestoreRequest) (*RestoreResult, error) {
	path, err := idPath("/RestoreSessions/{}/Organization/OneDrives/{}/Documents/operatorRestore", "sessionID", sessionID, "oneDriveID", oneDriveID)
	if err != nil {
		return nil, err
	}
	if req == nil {
		return nil, invalidArg("req", "must not be nil")
	}
	action, err := oneOf("req.Action", req.Action, DocumentKeep, "DocumentKeep or DocumentOverwrite", DocumentKeep, DocumentOverwrite)
	if err != nil {
		return nil, err
	}
	versions, err := oneOf("req.Versions", req.Versions, VersionsLast, "VersionsLast or VersionsAll", VersionsLast, VersionsAll)
	if err != nil {
		return nil, err
	}
	docs, err := documentBodies("req.Documents", oneDriveID, req.Documents, false)
	if err != nil {
		return nil, err
	}
	configs := make([]documentRestoreConfig, len(docs))
	for i := range docs {
		configs[i] = documentRestoreConfig{Document: docs[i], DocumentVersion: versions}
	}
	b, err := json.Marshal(struct {
		DocumentAction DocumentAction          `json:"documentAction"`
		Configs        []documentRestoreConfig `json:"documentsRestoreConfigs"`
		Reason         string                  `json:"reason,omitempty"`
	}{action, configs, req.Reason})
	if err != nil {
		return nil, err
	}
	return sendOperatorRestore(ctx, s.client, "OneDrives.OperatorRestore", path, b)
}
