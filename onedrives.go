package vb365

import (
	"context"
	"iter"
	"net/url"
	"time"
)

// OneDrivesService browses the OneDrives of a restore session: their
// folders, documents and document versions. Open the session with
// SessionTypeOneDrive.
type OneDrivesService service

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
	d := &w.Document
	if d.OneDriveID == "" {
		d.OneDriveID = oneDriveID
	}
	if d.ParentID == "" {
		d.ParentID = linkID(w.Links.Parent.Href, "folders", true)
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
	path, err := idPath("/RestoreSessions/{}/Organization/OneDrives/{}/Documents/{}",
		"sessionID", sessionID, "oneDriveID", oneDriveID, "documentID", documentID)
	w, err := call[documentWire](ctx, s.client, &request{op: "OneDrives.GetDocument", method: "GET", path: path}, err)
	if err != nil {
		return nil, err
	}
	return w.fix(oneDriveID, "", false), nil
}

// Versions iterates over the backed-up versions of a document
// (GET .../Documents/{documentId}/Versions), each a whole Document with
// its Version and VersionID.
func (s *OneDrivesService) Versions(ctx context.Context, sessionID, oneDriveID, documentID string, opts *ListOptions) iter.Seq2[Document, error] {
	path, err := idPath("/RestoreSessions/{}/Organization/OneDrives/{}/Documents/{}/Versions",
		"sessionID", sessionID, "oneDriveID", oneDriveID, "documentID", documentID)
	l := lister{c: s.client, op: "OneDrives.Versions", path: path}
	return listAllAs(ctx, l, opts, err, func(w *documentWire) *Document { return w.fix(oneDriveID, "", false) })
}
