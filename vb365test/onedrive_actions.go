package vb365test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
)

// OneDrive versions, restores, copies, downloads, sends and searches.
// Paths are relative to /vN/RestoreSessions/{id}/Organization/OneDrives,
// with the spec's capitals (matched without regard to case); every
// version serves them. Like the browsing routes (onedrive.go) they answer
// for sessions of type Veod: 404 for an unknown session, a session of
// other data or an unknown OneDrive, document or folder; 500 for a
// stopped session.
//
// Request bodies are validated as the server's .NET model validation
// does, before anything is looked up: a body the spec marks required
// answers 400 when empty; a document (RESTOneDriveDocument: id, name,
// sizeBytes, createdBy, creationTime, modifiedBy, modificationTime) or a
// folder (RESTOneDriveFolder: the same without sizeBytes) in a body
// answers 400 when one of its required properties is missing or null, a
// required string is empty, a time is not a date-time or a value has the
// wrong type; an enum value outside the spec's (documentAction,
// documentVersion, documentLastVersionAction, officeRegion, itemType)
// answers 400, null leaves it unset. Documents and folders in a body are
// then found by id (without regard to case) in the OneDrive of the path,
// all or nothing: one unknown there (or a folder where a document is
// asked for, and the reverse) answers 404 and nothing is done. A versionId
// in a path is an int32 (else 400); 1 is the oldest version, the current
// one has the highest number (versionId in the views), and a version the
// item does not have answers 404.
const (
	// RouteOneDriveDocumentVersion is GET
	// .../{oneDriveId}/Documents/{documentId}/Versions/{versionId}: that
	// version of the document, RESTOneDriveDocument.
	RouteOneDriveDocumentVersion Route = "OneDriveDocumentVersion"
	// RouteOneDriveFolderVersions is GET .../{oneDriveId}/Folders/{folderId}/Versions
	// (paged): PageOfRESTOneDriveFolder, every version of the folder,
	// oldest first (a seed folder has one unless DriveItem.AddVersion
	// gave it more).
	RouteOneDriveFolderVersions Route = "OneDriveFolderVersions"
	// RouteOneDriveFolderVersion is GET
	// .../{oneDriveId}/Folders/{folderId}/Versions/{versionId}: that
	// version of the folder, RESTOneDriveFolder.
	RouteOneDriveFolderVersion Route = "OneDriveFolderVersion"

	// RouteOneDriveOperatorRestore is POST .../{oneDriveId}/Documents/operatorRestore
	// (operator token, else 403, as RouteOperatorRestore): restore
	// documents to their original place. Body
	// RESTOperatorRestoreToOriginalOneDriveDocuments: documentAction
	// (Overwrite or Keep) and documentsRestoreConfigs are required, each
	// config's document too (a RESTOneDriveDocument, checked as this group's
	// comment says: required properties, types, times),
	// documentVersion is All, Last or null; an empty
	// documentsRestoreConfigs answers 400 too. On success the server
	// records a Restore (OneDriveID, DocumentIDs, DocumentVersions,
	// DocumentAction, Reason), appends a "Restore"/"Success" event to the
	// explore session and answers 200 {"sessionId": <the explore
	// session's ID>} on every version, as RouteOperatorRestore.
	RouteOneDriveOperatorRestore Route = "OneDriveOperatorRestore"

	// RouteOneDriveRestore is POST .../{oneDriveId}/restore, the bulk
	// .../OneDrives/restore (body RESTBulkRestoreConfig: oneDrives, each
	// found by id, else by url; an empty list, or a OneDrive with
	// neither, answers 400), .../Documents/restore (documents),
	// .../Documents/{documentId}/restore,
	// .../Documents/{documentId}/Versions/{versionId}/restore,
	// .../Folders/restore (folders), .../Folders/{folderId}/restore and
	// .../Folders/{folderId}/Versions/{versionId}/restore (bodies
	// RESTRestoreToOriginal, ...Documents, ...Folders; documentAction
	// Overwrite or Keep): restore to the original place. v6 and v7 answer
	// 200 RESTItemRestoreStatistics (the bulk restore
	// RESTSharePointBulkRestoreStatistics), counting every document as
	// restored; v8 answers 200 RESTAsyncRestoreResponse {"sessionId": <the
	// explore session's ID>}, as RouteRestore. Administrator tokens only
	// (operator: 403), as the mailbox actions. A userCode the session did
	// not issue answers 400, as for RouteRestore.
	RouteOneDriveRestore Route = "OneDriveRestore"
	// RouteOneDriveCopyTo is POST .../{oneDriveId}/copyTo,
	// .../Documents/copyTo, .../Documents/{documentId}/copyTo,
	// .../Documents/{documentId}/Versions/{versionId}/copyTo,
	// .../Folders/copyTo, .../Folders/{folderId}/copyTo and
	// .../Folders/{folderId}/Versions/{versionId}/copyTo (bodies
	// RESTCopyToFolder, RestCopyToDocuments, RESTCopyToDocument,
	// RESTCopyToFolders): copy to another place. The target onedrive, with
	// an id or a url, is required (else 400; the fake does not look it up:
	// it is a production OneDrive); folder is the target folder. The
	// document bodies have neither restorePermissions nor
	// sendSharedLinksNotification, and on v6 and v7 neither changedItems
	// nor deletedItems: those fields are ignored there. Answers as
	// RouteOneDriveRestore.
	RouteOneDriveCopyTo Route = "OneDriveCopyTo"
	// RouteOneDriveSave is POST .../{oneDriveId}/save (no body),
	// .../Documents/save (documents), .../Documents/{documentId}/save and
	// .../Documents/{documentId}/Versions/{versionId}/save (body
	// RESTSaveOneDriveDocumentOptions {asZip}, required),
	// .../Folders/save (folders), .../Folders/{folderId}/save and
	// .../Folders/{folderId}/Versions/{versionId}/save (no body): answer
	// 200 application/octet-stream, a generated body of the export size,
	// as RouteSave (Range, If-Range, ETag, WithExportSize, ChangeExports,
	// WithExportDelay). One document with asZip false or null is served
	// as the file itself, named as the document; everything else is a zip
	// (the spec: "always saved in a ZIP archive"), one document with
	// asZip true and Documents/save of one document included.
	// Administrator tokens only.
	RouteOneDriveSave Route = "OneDriveSave"
	// RouteOneDriveSend is POST .../{oneDriveId}/send, .../Documents/send
	// (documents), .../Documents/{documentId}/send,
	// .../Documents/{documentId}/Versions/{versionId}/send,
	// .../Folders/send (folders), .../Folders/{folderId}/send and
	// .../Folders/{folderId}/Versions/{versionId}/send (bodies from, to,
	// subject, text, skipItemChecks; "to" is required, else 400: the
	// server's email settings have a sender but no recipient): send the
	// documents as attachments. v6 and v7 answer 200 with an empty body,
	// v8 204. Administrator tokens only.
	RouteOneDriveSend Route = "OneDriveSend"

	// RouteOneDrivesSearch is POST .../OneDrives/search: search the
	// documents and folders of every OneDrive. Query offset, limit, setId
	// and itemType (All, the default, Folders or Documents); body
	// RESTVESPSearchOptions {"query": "..."}; answer 200
	// PageOfRESTItemComposed. Queries and result sets work as the mailbox
	// search's (see Server), with these criteria: name (also filename),
	// createdby (also author), modifiedby (also editor), ext (also
	// extension: a file extension, with or without its dot, compared
	// exactly), created and modified (dates as received); a plain word, or
	// a term whose criterion is not one of these, matches the name.
	// Results are in seed order, depth first, each folder before its
	// contents. Operator and administrator tokens may search.
	RouteOneDrivesSearch Route = "OneDrivesSearch"
	// RouteOneDriveSearch is POST .../{oneDriveId}/search: search one
	// OneDrive, as RouteOneDrivesSearch.
	RouteOneDriveSearch Route = "OneDriveSearch"
	// RouteOneDriveFolderSearch is POST .../{oneDriveId}/Folders/{folderId}/search:
	// search what a folder holds, its subfolders' contents included, as
	// RouteOneDrivesSearch.
	RouteOneDriveFolderSearch Route = "OneDriveFolderSearch"
)

// Action kinds of OneDrive (Action.Kind); restore and save are
// ActionRestore and ActionSave.
const (
	// ActionCopyTo is a OneDrive copyTo: a restore to another place.
	ActionCopyTo = "copyTo"
	// ActionSend is a OneDrive send: documents sent as attachments.
	ActionSend = "send"
)

// Action scopes of OneDrive (Action.Scope); a single folder is
// ScopeFolder, as for mailboxes.
const (
	ScopeOneDrive        = "oneDrive"        // .../OneDrives/{oneDriveId}/<action>
	ScopeOneDrives       = "oneDrives"       // .../OneDrives/restore (bulk)
	ScopeDocuments       = "documents"       // .../Documents/<action>, documents in the body
	ScopeDocument        = "document"        // .../Documents/{documentId}/<action>
	ScopeDocumentVersion = "documentVersion" // .../Documents/{documentId}/Versions/{versionId}/<action>
	ScopeFolders         = "folders"         // .../Folders/<action>, folders in the body
	ScopeFolderVersion   = "folderVersion"   // .../Folders/{folderId}/Versions/{versionId}/<action>
)

// driveActionRoutes maps a lower-case OneDrive action segment to its route
// and kind.
var driveActionRoutes = map[string]struct {
	route Route
	kind  string
}{
	"restore": {RouteOneDriveRestore, ActionRestore},
	"copyto":  {RouteOneDriveCopyTo, ActionCopyTo},
	"save":    {RouteOneDriveSave, ActionSave},
	"send":    {RouteOneDriveSend, ActionSend},
}

// ---- versions ----

// parseVersionID reads a versionId path segment, an int32 to the binder;
// otherwise it answers 400.
func parseVersionID(w http.ResponseWriter, c call, v string) (int, bool) {
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		writeError(w, c.version, http.StatusBadRequest, "The value '"+v+"' is not valid for versionId.")
		return 0, false
	}
	return int(n), true
}

// hasVersion answers 404 unless it has version n.
func hasVersion(w http.ResponseWriter, c call, it *DriveItem, n int) bool {
	if n >= 1 && n <= it.Versions() {
		return true
	}
	writeError(w, c.version, http.StatusNotFound, "Version "+strconv.Itoa(n)+" of '"+it.id+"' was not found.")
	return false
}

// handleDriveItemVersion serves RouteOneDriveDocumentVersion and
// RouteOneDriveFolderVersion.
func (s *Server) handleDriveItemVersion(w http.ResponseWriter, _ *http.Request, c call) {
	n, ok := parseVersionID(w, c, c.params[3])
	if !ok {
		return
	}
	sid, it, ok := s.lookupDriveItem(w, c, c.route == RouteOneDriveFolderVersion)
	if !ok || !hasVersion(w, c, it, n) {
		return
	}
	writeJSON(w, http.StatusOK, driveItemView(c, sid, it, n))
}

func (s *Server) handleFolderVersions(w http.ResponseWriter, req *http.Request, c call) {
	pp, ok := s.parsePage(w, req, c)
	if !ok {
		return
	}
	sid, it, ok := s.lookupDriveItem(w, c, true)
	if !ok {
		return
	}
	n := it.Versions()
	res := pageView(pp, n, func(i int) driveItemJSON { return driveItemView(c, sid, it, i+1) })
	s.writePage(w, c, oneDrivesPath(c, sid)+"/"+url.PathEscape(it.drive.id)+"/Folders/"+it.id+"/Versions", nil, pp, n, res)
}

// ---- documents and folders in request bodies ----

// The required properties of RESTOneDriveDocument and RESTOneDriveFolder
// (identical in v6, v7 and v8).
var (
	documentRequired = []string{"id", "name", "sizeBytes", "createdBy", "creationTime", "modifiedBy", "modificationTime"}
	folderRequired   = []string{"id", "name", "createdBy", "creationTime", "modifiedBy", "modificationTime"}
)

// driveRefJSON is a RESTOneDriveDocument or RESTOneDriveFolder in a
// request, typed so that a value of the wrong type is refused as the
// binder refuses it.
type driveRefJSON struct {
	ID                   string  `json:"id"`
	Name                 string  `json:"name"`
	SizeBytes            *int64  `json:"sizeBytes"`
	IsFolder             *bool   `json:"isFolder"`
	OneDriveID           *string `json:"oneDriveId"`
	Version              *string `json:"version"`
	VersionID            *int32  `json:"versionId"`
	InheritedPermissions *bool   `json:"inheritedPermissions"`
	CreatedBy            string  `json:"createdBy"`
	CreationTime         string  `json:"creationTime"`
	ModifiedBy           string  `json:"modifiedBy"`
	ModificationTime     string  `json:"modificationTime"`
}

// isNull reports whether raw is absent or JSON null.
func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

// checkDriveRef validates one document (folder true: folder) of a body
// as the server's model validation does and returns its id, or the
// message of the 400 to answer. where names it in the message.
func checkDriveRef(raw json.RawMessage, where string, folder bool) (id, msg string) {
	if isNull(raw) {
		return "", "The " + where + " field is required."
	}
	var props map[string]json.RawMessage
	if err := json.Unmarshal(raw, &props); err != nil {
		return "", where + ": the value is not an object."
	}
	var d driveRefJSON
	if err := json.Unmarshal(raw, &d); err != nil {
		return "", where + ": " + jsonErrorText(err)
	}
	required := documentRequired
	if folder {
		required = folderRequired
	}
	values := map[string]string{"id": d.ID, "name": d.Name, "createdBy": d.CreatedBy, "creationTime": d.CreationTime,
		"modifiedBy": d.ModifiedBy, "modificationTime": d.ModificationTime}
	for _, name := range required {
		present := false
		for k, v := range props { // the binder matches names without regard to case
			if strings.EqualFold(k, name) && !isNull(v) {
				present = true
			}
		}
		if v, isString := values[name]; !present || (isString && strings.TrimSpace(v) == "") {
			return "", where + ": The " + name + " field is required."
		}
	}
	for _, name := range []string{"creationTime", "modificationTime"} {
		if _, ok := parseInputTime(values[name]); !ok {
			return "", where + ": The value '" + values[name] + "' is not valid for " + name + "."
		}
	}
	return d.ID, ""
}

// ---- operatorRestore ----

type driveOperatorRestoreBody struct {
	DocumentAction          *string `json:"documentAction"`
	DocumentsRestoreConfigs []*struct {
		Document        json.RawMessage `json:"document"`
		DocumentVersion *string         `json:"documentVersion"`
	} `json:"documentsRestoreConfigs"`
	Reason string `json:"reason"`
}

func (s *Server) handleOneDriveOperatorRestore(w http.ResponseWriter, req *http.Request, c call, p principal) {
	if !requireOperator(w, c, p) {
		return
	}
	var o driveOperatorRestoreBody
	empty, ok := readJSON(w, req, c, &o)
	if !ok {
		return
	}
	bad := func(msg string) { writeError(w, c.version, http.StatusBadRequest, msg) }
	switch {
	case empty:
		bad("The request body is required.")
		return
	case o.DocumentAction == nil:
		bad("The documentAction field is required.")
		return
	case !inEnum(o.DocumentAction, "Overwrite", "Keep"):
		bad("The documentAction value '" + *o.DocumentAction + "' is not valid.")
		return
	case o.DocumentsRestoreConfigs == nil:
		bad("The documentsRestoreConfigs field is required.")
		return
	case len(o.DocumentsRestoreConfigs) == 0:
		bad("The documentsRestoreConfigs collection must contain at least one document.")
		return
	}
	ids := make([]string, len(o.DocumentsRestoreConfigs))
	vers := make([]string, len(o.DocumentsRestoreConfigs))
	versionIDs := make([]int64, len(o.DocumentsRestoreConfigs))
	for i, cfg := range o.DocumentsRestoreConfigs {
		where := "documentsRestoreConfigs[" + strconv.Itoa(i) + "]"
		if cfg == nil {
			bad("The " + where + " field is required.")
			return
		}
		if !inEnum(cfg.DocumentVersion, "All", "Last") {
			bad(where + ": The documentVersion value '" + *cfg.DocumentVersion + "' is not valid.")
			return
		}
		id, msg := checkDriveRef(cfg.Document, where+".document", false)
		if msg != "" {
			bad(msg)
			return
		}
		ids[i] = id
		var ref driveRefJSON
		if json.Unmarshal(cfg.Document, &ref) == nil && ref.VersionID != nil {
			versionIDs[i] = int64(*ref.VersionID)
		}
		if cfg.DocumentVersion != nil {
			vers[i] = *cfg.DocumentVersion
		}
	}
	_, oi, ok := s.lookupOneDrive(w, c)
	if !ok {
		return
	}
	docs, ok := findDriveItems(w, c, oi, ids, false)
	if !ok {
		return
	}
	var size int64
	for i, d := range docs {
		ids[i] = d.id
		size += d.SizeBytes
	}
	s.mu.Lock()
	ss := s.lookupSession(w, c, c.params[0], true)
	if ss == nil {
		s.mu.Unlock()
		return
	}
	now := s.now()
	s.restores = append(s.restores, Restore{
		SessionID: ss.id, Reason: o.Reason, OneDriveID: oi.od.id, DocumentIDs: ids, DocumentVersions: vers,
		DocumentVersionIDs: versionIDs, DocumentAction: *o.DocumentAction, APIVersion: c.vs, Time: now,
	})
	od := oi.od
	s.appendEvent(ss, &event{
		typ: "Restore", status: "Success", title: "Restore documents of OneDrive " + od.Name,
		message: fmt.Sprintf("Restored %d document(s) of OneDrive %s to the original location (%s).",
			len(ids), od.Name, *o.DocumentAction),
		itemName: itemsName(docs, "documents"), itemType: "Document", source: od.URL, target: od.URL,
		start: now, end: now.Add(time.Second), size: size, items: int64(len(ids)), oneDrive: true,
	})
	sid := ss.id
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{"sessionId": sid})
}

// findDriveItems resolves ids (folder false: documents) in oi, all or
// nothing: an unknown one answers 404.
func findDriveItems(w http.ResponseWriter, c call, oi *odIndex, ids []string, folder bool) ([]*DriveItem, bool) {
	out := make([]*DriveItem, len(ids))
	for i, id := range ids {
		it := oi.byID[strings.ToLower(id)]
		if it == nil || it.IsFolder != folder {
			what := "Document"
			if folder {
				what = "Folder"
			}
			writeError(w, c.version, http.StatusNotFound, what+" with ID '"+id+"' was not found in OneDrive '"+oi.od.id+"'.")
			return nil, false
		}
		out[i] = it
	}
	return out, true
}

// itemsName names what an event is about: the item's name, or "N <plural>".
func itemsName(items []*DriveItem, plural string) string {
	if len(items) == 1 {
		return items[0].Name
	}
	return strconv.Itoa(len(items)) + " " + plural
}

// appendEvent numbers e and appends it to ss (the caller holds s.mu).
func (s *Server) appendEvent(ss *session, e *event) {
	e.order = len(ss.events) + 1
	e.id = hashUUID("event", ss.id, strconv.Itoa(e.order))
	ss.events = append(ss.events, e)
	ss.etag++
}

// ---- administrator actions ----

// driveRefBody is a RESTOneDrive in a request.
type driveRefBody struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

// driveActionBody is the union of the OneDrive action bodies
// (RESTRestoreToOriginal[Documents|Folders], RESTBulkRestoreConfig,
// RESTCopyToFolder[s], RestCopyToDocuments, RESTCopyToDocument,
// RESTSaveDocumentsOptions, RESTSaveOneDriveDocumentOptions,
// RESTSaveOneDriveFoldersOptions, RESTSharePointSendAsMsgOptions,
// RESTSendAsMsgOptionsV6, RESTSend{Documents,Folders}AsMsgOptions).
// Fields outside the route's schema are ignored.
type driveActionBody struct {
	Documents []json.RawMessage `json:"documents"`
	Folders   []json.RawMessage `json:"folders"`
	OneDrives []*driveRefBody   `json:"oneDrives"`

	UserName                       string  `json:"userName"`
	UserPassword                   string  `json:"userPassword"`
	UserCode                       string  `json:"userCode"`
	ApplicationID                  *string `json:"applicationId"`
	ApplicationCertificate         string  `json:"applicationCertificate"`
	ApplicationCertificatePassword string  `json:"applicationCertificatePassword"`
	OfficeRegion                   *string `json:"officeRegion"`
	OrganizationName               string  `json:"organizationName"`
	DocumentAction                 *string `json:"documentAction"`

	OfficeUsername         string `json:"officeUsername"`
	OfficeUserpassword     string `json:"officeUserpassword"`
	OnpremisesUsername     string `json:"onpremisesUsername"`
	OnpremisesUserpassword string `json:"onpremisesUserpassword"`
	SkipUnresolved         *bool  `json:"skipUnresolved"`

	OneDrive                    *driveRefBody `json:"onedrive"`
	Folder                      string        `json:"folder"`
	ChangedItems                *bool         `json:"changedItems"`
	DeletedItems                *bool         `json:"deletedItems"`
	RestorePermissions          *bool         `json:"restorePermissions"`
	SendSharedLinksNotification *bool         `json:"sendSharedLinksNotification"`
	DocumentVersion             *string       `json:"documentVersion"`
	DocumentLastVersionAction   *string       `json:"documentLastVersionAction"`

	AsZip *bool `json:"asZip"`

	From           string `json:"from"`
	To             string `json:"to"`
	Subject        string `json:"subject"`
	Text           string `json:"text"`
	SkipItemChecks *bool  `json:"skipItemChecks"`
}

// driveTarget is what a OneDrive action applies to.
type driveTarget struct {
	oi      *odIndex   // not bulk
	ois     []*odIndex // bulk
	docs    []*DriveItem
	folders []*DriveItem
	item    *DriveItem // document, folder and version scopes
	version int        // version scopes
	items   int        // documents covered
	bytes   int64
	what    string // for events: "3 document(s) of OneDrive Alice Johnson"
	name    string // the event's itemName
}

// addDocs counts the documents of items and of their folders.
func (t *driveTarget) addDocs(items ...*DriveItem) {
	for _, it := range items {
		if it.IsFolder {
			t.addDocs(it.children...)
			continue
		}
		t.items++
		t.bytes += it.SizeBytes
	}
}

// driveBodyless reports whether the route takes no body: the OneDrive's
// and one folder's save.
func driveBodyless(c call) bool {
	return c.kind == ActionSave && (c.scope == ScopeOneDrive || c.scope == ScopeFolder || c.scope == ScopeFolderVersion)
}

// handleOneDriveAction serves the restore, copyTo, save and send routes
// of every OneDrive scope.
func (s *Server) handleOneDriveAction(w http.ResponseWriter, req *http.Request, c call, p principal) {
	if !requireAdmin(w, c, p) {
		return
	}
	var b driveActionBody
	if !driveBodyless(c) {
		empty, ok := readJSON(w, req, c, &b)
		if !ok {
			return
		}
		if empty {
			writeError(w, c.version, http.StatusBadRequest, "The request body is required.")
			return
		}
	}
	region, ok := checkDriveBody(w, c, &b)
	if !ok {
		return
	}
	var docIDs, folderIDs []string
	bad := func(msg string) { writeError(w, c.version, http.StatusBadRequest, msg) }
	for _, l := range []struct {
		scope  string
		field  string
		raw    []json.RawMessage
		folder bool
		dst    *[]string
	}{{ScopeDocuments, "documents", b.Documents, false, &docIDs}, {ScopeFolders, "folders", b.Folders, true, &folderIDs}} {
		if c.scope != l.scope {
			continue
		}
		if len(l.raw) == 0 {
			bad("The " + l.field + " collection must contain at least one item.")
			return
		}
		for i, raw := range l.raw {
			id, msg := checkDriveRef(raw, l.field+"["+strconv.Itoa(i)+"]", l.folder)
			if msg != "" {
				bad(msg)
				return
			}
			*l.dst = append(*l.dst, id)
		}
	}
	version := 0
	if c.scope == ScopeDocumentVersion || c.scope == ScopeFolderVersion {
		if version, ok = parseVersionID(w, c, c.params[3]); !ok {
			return
		}
	}

	t, ok := s.resolveDriveTarget(w, c, &b, docIDs, folderIDs, version)
	if !ok {
		return
	}

	// The download, if any.
	download := c.kind == ActionSave
	var (
		gen                 content
		filename            string
		start, end          int64
		partial, satisfying bool
	)
	if download {
		size := s.exportSize.Load()
		single := (c.scope == ScopeDocument || c.scope == ScopeDocumentVersion) && !deref(b.AsZip)
		magic := magicZIP
		if single {
			magic, filename = documentMagic(t.item.Name), safeFileName(t.item.Name, "")
		} else {
			filename = safeFileName(t.zipBase(), ".zip")
		}
		parts := []string{c.params[0], "onedrive", c.kind, c.scope, t.oi.od.id, strconv.FormatInt(size, 10),
			strconv.Itoa(version), strconv.FormatBool(single)}
		if t.item != nil {
			parts = append(parts, t.item.id)
		}
		for _, it := range append(append([]*DriveItem(nil), t.docs...), t.folders...) {
			parts = append(parts, it.id)
		}
		gen = s.newExport(size, magic, parts...)
		start, end, partial, satisfying = gen.rangeOf(req.Header)
		if !satisfying {
			writeRangeNotSatisfiable(w, c.version, size)
			return
		}
	}

	// Act.
	s.mu.Lock()
	ss := s.lookupSession(w, c, c.params[0], true)
	if ss == nil {
		s.mu.Unlock()
		return
	}
	restores := c.kind == ActionRestore || c.kind == ActionCopyTo
	if restores && b.UserCode != "" && !s.deviceCodeValid(ss, b.UserCode) {
		s.mu.Unlock()
		writeError(w, c.version, http.StatusBadRequest, "The device code is not valid or has expired; request a new one.")
		return
	}
	now := s.now()
	a := Action{Kind: c.kind, Scope: c.scope, SessionID: ss.id, Items: t.items, VersionID: version, APIVersion: c.vs, Time: now}
	t.record(&a, c, &b, region)
	if download {
		a.served(gen, filename, start, end)
	}
	s.actions = append(s.actions, a)
	if !download || start == 0 {
		s.appendEvent(ss, t.event(c, &a, now))
	}
	sid := ss.id
	s.mu.Unlock()

	// Answer.
	switch {
	case download:
		if !s.waitExport(w, req) { // WithExportDelay (extras.go)
			return
		}
		streamDownload(w, gen, "application/octet-stream", filename, start, end, partial)
	case c.kind == ActionSend:
		answerSent(w, c)
	case c.version >= 8:
		writeJSON(w, http.StatusOK, map[string]string{"sessionId": sid})
	default:
		writeJSON(w, http.StatusOK, t.statistics(c, sid, &a))
	}
}

// checkDriveBody validates the fields of b that need no lookup and
// belong to the route's schema; it returns officeRegion in its own casing.
func checkDriveBody(w http.ResponseWriter, c call, b *driveActionBody) (region string, ok bool) {
	bad := func(msg string) (string, bool) {
		writeError(w, c.version, http.StatusBadRequest, msg)
		return "", false
	}
	restores := c.kind == ActionRestore || c.kind == ActionCopyTo
	bulk := c.scope == ScopeOneDrives
	if restores && b.ApplicationID != nil && *b.ApplicationID != "" && !isUUID(*b.ApplicationID) {
		return bad("The applicationId value is not a valid GUID.")
	}
	if restores && !bulk && !inEnum(b.OfficeRegion, "Worldwide", "Germany", "China", "USDefence", "USGovernment") {
		return bad("The officeRegion value '" + *b.OfficeRegion + "' is not valid.")
	}
	if c.kind == ActionRestore && !inEnum(b.DocumentAction, "Overwrite", "Keep") {
		return bad("The documentAction value '" + *b.DocumentAction + "' is not valid.")
	}
	if c.kind == ActionCopyTo {
		if !inEnum(b.DocumentVersion, "All", "Last") {
			return bad("The documentVersion value '" + *b.DocumentVersion + "' is not valid.")
		}
		if !inEnum(b.DocumentLastVersionAction, "Overwrite", "Merge") {
			return bad("The documentLastVersionAction value '" + *b.DocumentLastVersionAction + "' is not valid.")
		}
		if b.OneDrive == nil || (strings.TrimSpace(b.OneDrive.ID) == "" && strings.TrimSpace(b.OneDrive.URL) == "") {
			return bad("The onedrive value (the target OneDrive, with its id or url) is required.")
		}
	}
	if c.kind == ActionSend && strings.TrimSpace(b.To) == "" {
		return bad("The to value is required.")
	}
	if bulk {
		if len(b.OneDrives) == 0 {
			return bad("The oneDrives collection must contain at least one OneDrive.")
		}
		for i, d := range b.OneDrives {
			if d == nil || (d.ID == "" && d.URL == "") {
				return bad("OneDrive " + strconv.Itoa(i) + " has neither id nor url.")
			}
		}
	}
	if b.OfficeRegion != nil {
		region = *b.OfficeRegion
	}
	return region, true
}

// resolveDriveTarget resolves what the action applies to; it answers 404 (or
// 500 for a stopped session) when something is missing.
func (s *Server) resolveDriveTarget(w http.ResponseWriter, c call, b *driveActionBody, docIDs, folderIDs []string, version int) (*driveTarget, bool) {
	t := &driveTarget{version: version}
	if c.scope == ScopeOneDrives {
		if _, _, ok := s.lookupOneDrive(w, c); !ok {
			return nil, false
		}
		for _, ref := range b.OneDrives {
			oi := s.idx.oneDriveByID[strings.ToLower(ref.ID)]
			if ref.ID == "" {
				for _, x := range s.idx.oneDrives {
					if strings.EqualFold(x.od.URL, ref.URL) {
						oi = x
					}
				}
			}
			if oi == nil {
				writeError(w, c.version, http.StatusNotFound, "OneDrive '"+ref.ID+ref.URL+"' was not found.")
				return nil, false
			}
			t.ois = append(t.ois, oi)
			t.addDocs(oi.od.root...)
		}
		t.what = fmt.Sprintf("%d OneDrive(s) (%d document(s))", len(t.ois), t.items)
		t.name = strconv.Itoa(len(t.ois)) + " OneDrives"
		if len(t.ois) == 1 {
			t.name = t.ois[0].od.Name
		}
		return t, true
	}
	var ok bool
	switch c.scope {
	case ScopeDocument, ScopeDocumentVersion, ScopeFolder, ScopeFolderVersion:
		var it *DriveItem
		if _, it, ok = s.lookupDriveItem(w, c, c.scope == ScopeFolder || c.scope == ScopeFolderVersion); !ok {
			return nil, false
		}
		if (c.scope == ScopeDocumentVersion || c.scope == ScopeFolderVersion) && !hasVersion(w, c, it, version) {
			return nil, false
		}
		t.oi, t.item = s.idx.oneDriveByID[strings.ToLower(it.drive.id)], it
	default:
		if _, t.oi, ok = s.lookupOneDrive(w, c); !ok {
			return nil, false
		}
	}
	od := t.oi.od
	switch c.scope {
	case ScopeOneDrive:
		t.addDocs(od.root...)
		t.what = fmt.Sprintf("OneDrive %s (%d document(s))", od.Name, t.items)
		t.name = od.Name
	case ScopeDocuments:
		if t.docs, ok = findDriveItems(w, c, t.oi, docIDs, false); !ok {
			return nil, false
		}
		t.addDocs(t.docs...)
		t.what = fmt.Sprintf("%d document(s) of OneDrive %s", len(t.docs), od.Name)
		t.name = itemsName(t.docs, "documents")
	case ScopeFolders:
		if t.folders, ok = findDriveItems(w, c, t.oi, folderIDs, true); !ok {
			return nil, false
		}
		t.addDocs(t.folders...)
		t.what = fmt.Sprintf("%d folder(s) (%d document(s)) of OneDrive %s", len(t.folders), t.items, od.Name)
		t.name = itemsName(t.folders, "folders")
	case ScopeDocument, ScopeDocumentVersion:
		t.addDocs(t.item)
		if version > 0 && version <= len(t.item.versions) { // an older version's size
			t.bytes = t.item.versions[version-1].size
		}
		t.what = fmt.Sprintf("document %s of OneDrive %s", t.item.Name, od.Name)
		t.name = t.item.Name
	case ScopeFolder, ScopeFolderVersion:
		t.addDocs(t.item)
		t.what = fmt.Sprintf("folder %s (%d document(s)) of OneDrive %s", t.item.Name, t.items, od.Name)
		t.name = t.item.Name
	}
	if c.scope == ScopeDocumentVersion || c.scope == ScopeFolderVersion {
		t.what = "version " + strconv.Itoa(version) + " of " + t.what
	}
	return t, true
}

// zipBase is the name of a zip download, without extension.
func (t *driveTarget) zipBase() string {
	od := t.oi.od
	switch {
	case t.item != nil:
		return t.item.Name
	case len(t.docs) > 0 || len(t.folders) > 0:
		return od.Name + " - " + t.name
	}
	return od.Name
}

// documentMagic is the signature of a document file named name.
func documentMagic(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".docx", ".xlsx", ".pptx", ".zip":
		return magicZIP
	case ".pdf":
		return "%PDF-1.7\n"
	case ".jpg", ".jpeg":
		return "\xff\xd8\xff\xe0"
	case ".png":
		return "\x89PNG\r\n\x1a\n"
	}
	return ""
}

// record fills the action's target and the body's fields that belong to
// the route's schema.
func (t *driveTarget) record(a *Action, c call, b *driveActionBody, region string) {
	if t.oi != nil {
		a.OneDriveID = t.oi.od.id
	}
	for _, oi := range t.ois {
		a.OneDriveIDs = append(a.OneDriveIDs, oi.od.id)
	}
	for _, d := range t.docs {
		a.DocumentIDs = append(a.DocumentIDs, d.id)
	}
	for _, f := range t.folders {
		a.FolderIDs = append(a.FolderIDs, f.id)
	}
	switch c.scope {
	case ScopeDocument, ScopeDocumentVersion:
		a.DocumentIDs = []string{t.item.id}
	case ScopeFolder, ScopeFolderVersion:
		a.FolderID = t.item.id
	}
	docScope := c.scope == ScopeDocuments || c.scope == ScopeDocument || c.scope == ScopeDocumentVersion
	switch c.kind {
	case ActionRestore, ActionCopyTo:
		a.UserCode = b.UserCode
		if b.ApplicationID != nil {
			a.ApplicationID = *b.ApplicationID
		}
		var secrets []string
		fields := []struct{ name, v string }{ // in Action.SecretFields' order
			{"userPassword", b.UserPassword},
			{"applicationCertificate", b.ApplicationCertificate},
			{"applicationCertificatePassword", b.ApplicationCertificatePassword},
		}
		if c.scope == ScopeOneDrives { // RESTBulkRestoreConfig has no userPassword
			fields = append(fields[1:], struct{ name, v string }{"officeUserpassword", b.OfficeUserpassword},
				struct{ name, v string }{"onpremisesUserpassword", b.OnpremisesUserpassword})
		}
		for _, f := range fields {
			if f.v != "" {
				secrets = append(secrets, f.name)
			}
		}
		a.SecretFields = secrets
		if c.scope == ScopeOneDrives {
			a.UserName, a.OnPremisesUserName, a.SkipUnresolved = b.OfficeUsername, b.OnpremisesUsername, deref(b.SkipUnresolved)
		} else {
			a.UserName, a.OfficeRegion, a.OfficeOrganizationName = b.UserName, region, b.OrganizationName
		}
	}
	switch c.kind {
	case ActionRestore:
		if b.DocumentAction != nil {
			a.DocumentAction = *b.DocumentAction
		}
	case ActionCopyTo:
		a.TargetOneDrive, a.TargetFolder = b.OneDrive.ID, b.Folder
		if a.TargetOneDrive == "" {
			a.TargetOneDrive = b.OneDrive.URL
		}
		if b.DocumentVersion != nil {
			a.DocumentVersion = *b.DocumentVersion
		}
		if b.DocumentLastVersionAction != nil {
			a.DocumentLastVersionAction = *b.DocumentLastVersionAction
		}
		if !docScope || c.version >= 8 { // v6/v7 document bodies have no such fields
			a.ChangedItems, a.DeletedItems = deref(b.ChangedItems), deref(b.DeletedItems)
		}
		if !docScope {
			a.RestorePermissions, a.SendSharedLinksNotification = deref(b.RestorePermissions), deref(b.SendSharedLinksNotification)
		}
	case ActionSave:
		if c.scope == ScopeDocument || c.scope == ScopeDocumentVersion {
			a.AsZip = deref(b.AsZip)
		}
	case ActionSend:
		a.From, a.To, a.Subject, a.Text, a.SkipItemChecks = b.From, b.To, b.Subject, b.Text, deref(b.SkipItemChecks)
	}
}

// event is the session event of the action.
func (t *driveTarget) event(c call, a *Action, now time.Time) *event {
	source := ""
	if t.oi != nil {
		source = t.oi.od.URL
	} else {
		urls := make([]string, len(t.ois))
		for i, oi := range t.ois {
			urls[i] = oi.od.URL
		}
		source = strings.Join(urls, ", ")
	}
	itemType := "Document"
	switch c.scope {
	case ScopeFolders, ScopeFolder, ScopeFolderVersion:
		itemType = "Folder"
	case ScopeOneDrive, ScopeOneDrives:
		itemType = "OneDrive"
	}
	e := &event{status: "Success", itemName: t.name, itemType: itemType, source: source, target: source,
		start: now, end: now.Add(time.Second), size: t.bytes, oneDrive: true}
	switch c.kind {
	case ActionRestore:
		e.typ, e.title, e.items = "Restore", "Restore "+t.what, int64(t.items)
		e.message = "Restored " + t.what + " to the original location."
	case ActionCopyTo:
		e.typ, e.title, e.items = "Restore", "Copy "+t.what, int64(t.items)
		e.target = a.TargetOneDrive + targetSuffix(a.TargetFolder)
		e.message = "Copied " + t.what + " to " + e.target + "."
	case ActionSave:
		e.typ, e.title = "Save", "Save "+t.what
		e.target, e.size = a.FileName, a.Size
		e.message = fmt.Sprintf("Saved %s to %s (%d bytes).", t.what, a.FileName, a.Size)
	case ActionSend:
		e.typ, e.title = "Send", "Send "+t.what
		e.target = a.To
		e.message = "Sent " + t.what + " to " + a.To + "."
	}
	return e
}

// driveStatsJSON is RESTItemRestoreStatistics (v6, v7).
type driveStatsJSON struct {
	TotalItemsCount              int64  `json:"totalItemsCount"`
	RestoredItemsCount           int32  `json:"restoredItemsCount"`
	FailedItemsCount             int32  `json:"failedItemsCount"`
	SkippedItemsByErrorCount     int64  `json:"skippedItemsByErrorCount"`
	SkippedItemsByNoChangesCount int64  `json:"skippedItemsByNoChangesCount"`
	FailedRestrictionsCount      *int64 `json:"failedRestrictionsCount"`
	RestoreIssues                []any  `json:"restoreIssues"` // RESTRestoreObject; none
}

// driveBulkStatJSON is RESTExtendedCommonStatistic (v6, v7).
type driveBulkStatJSON struct {
	OneDrive oneDriveJSON `json:"oneDrive"`
	Status   string       `json:"status"`
	Error    string       `json:"error"`
	Details  struct {
		FailedRestrictionsCount *int64 `json:"failedRestrictionsCount"`
		RestoreIssues           []any  `json:"restoreIssues"`
	} `json:"details"`
}

// statistics is the v6/v7 answer of a restore or copyTo:
// RESTItemRestoreStatistics, or RESTSharePointBulkRestoreStatistics for
// the bulk restore. Every document counts as restored; permissions
// (copyTo's restorePermissions) are restored without failure.
func (t *driveTarget) statistics(c call, sid string, a *Action) any {
	var restrictions *int64
	if a.RestorePermissions {
		zero := int64(0)
		restrictions = &zero
	}
	if c.scope == ScopeOneDrives {
		details := make([]driveBulkStatJSON, len(t.ois))
		for i, oi := range t.ois {
			details[i].OneDrive, details[i].Status = oneDriveView(c, sid, oi.od), "Success"
			details[i].Details.RestoreIssues = []any{}
		}
		return map[string]any{"status": "Success", "error": "", "details": details}
	}
	return driveStatsJSON{TotalItemsCount: int64(t.items), RestoredItemsCount: int32(t.items),
		FailedRestrictionsCount: restrictions, RestoreIssues: []any{}}
}

// ---- search ----

// driveSearchFields are the criteria of the OneDrive searches.
var driveSearchFields = map[string]string{
	"name": "name", "filename": "name",
	"createdby": "createdby", "author": "createdby",
	"modifiedby": "modifiedby", "editor": "modifiedby",
	"ext": "ext", "extension": "ext",
	"created": "created", "modified": "modified",
}

func (t *searchTerm) matchDrive(it *DriveItem) bool {
	switch t.field {
	case "", "name":
		return contains(it.Name, t.value)
	case "createdby":
		return contains(it.CreatedBy, t.value)
	case "modifiedby":
		return contains(it.ModifiedBy, t.value)
	case "ext":
		return !it.IsFolder && strings.EqualFold(strings.TrimPrefix(path.Ext(it.Name), "."), strings.TrimPrefix(t.value, "."))
	case "created":
		return t.matchTime(it.Created)
	case "modified":
		return t.matchTime(it.Modified)
	}
	return false
}

// handleOneDriveSearch serves the three OneDrive search routes.
func (s *Server) handleOneDriveSearch(w http.ResponseWriter, req *http.Request, c call) {
	pp, ok := s.parsePage(w, req, c)
	if !ok {
		return
	}
	setID, _ := query(req, "setId")
	if setID != "" && !isUUID(setID) {
		writeError(w, c.version, http.StatusBadRequest, "The setId value is not a valid GUID.")
		return
	}
	itemType := "All"
	if v, ok := query(req, "itemType"); ok && v != "" {
		if !inEnum(&v, "All", "Folders", "Documents") {
			writeError(w, c.version, http.StatusBadRequest, "The itemType value '"+v+"' is not valid.")
			return
		}
		itemType = v
	}
	var o searchOptions
	if _, ok := readJSON(w, req, c, &o); !ok {
		return
	}
	var terms []searchTerm
	if setID == "" {
		q := ""
		if o.Query != nil {
			q = *o.Query
		}
		var err error
		if terms, err = parseQuery(q, driveSearchFields); err != nil {
			writeError(w, c.version, http.StatusBadRequest, "The search query is not valid: "+err.Error())
			return
		}
	}
	// Resolve the scope.
	var (
		sid    string
		oi     *odIndex
		folder *DriveItem
		base   string
	)
	switch c.route {
	case RouteOneDriveFolderSearch:
		if sid, folder, ok = s.lookupDriveItem(w, c, true); !ok {
			return
		}
		oi = s.idx.oneDriveByID[strings.ToLower(folder.drive.id)]
		base = oneDrivesPath(c, sid) + "/" + url.PathEscape(oi.od.id) + "/Folders/" + folder.id + "/search"
	default:
		if sid, oi, ok = s.lookupOneDrive(w, c); !ok {
			return
		}
		base = oneDrivesPath(c, sid) + "/search"
		if oi != nil {
			base = oneDrivesPath(c, sid) + "/" + url.PathEscape(oi.od.id) + "/search"
		}
	}
	key := searchSet{sessionID: sid, route: c.route}
	if oi != nil {
		key.oneDriveID = oi.od.id
	}
	if folder != nil {
		key.folderID = folder.id
	}
	var items []*DriveItem
	if setID != "" {
		set, ok := s.resultSet(w, c, setID, key)
		if !ok {
			return
		}
		items, setID = set.driveItems, strings.ToLower(setID)
	} else {
		var candidates []*DriveItem
		var walk func([]*DriveItem)
		walk = func(its []*DriveItem) {
			for _, it := range its {
				candidates = append(candidates, it)
				walk(it.children)
			}
		}
		switch {
		case folder != nil:
			walk(folder.children)
		case oi != nil:
			walk(oi.od.root)
		default:
			for _, x := range s.idx.oneDrives {
				walk(x.od.root)
			}
		}
		for _, it := range candidates {
			if (itemType == "Folders" && !it.IsFolder) || (itemType == "Documents" && it.IsFolder) {
				continue
			}
			match := true
			for i := range terms {
				match = match && terms[i].matchDrive(it)
			}
			if match {
				items = append(items, it)
			}
		}
		key.driveItems = items
		setID = s.keepResultSet(&key)
	}
	res := pageView(pp, len(items), func(i int) driveItemJSON { return driveItemView(c, sid, items[i], 0) })
	s.writePageSet(w, c, base, url.Values{"setId": {setID}}, pp, len(items), res, setID)
}
