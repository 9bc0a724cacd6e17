package vb365test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// OneDrive routes. Paths are relative to /vN/RestoreSessions/{id}, with the
// spec's capitals (matched without regard to case); every version serves
// them. They answer for sessions of type Veod (404 for other sessions, 500
// for a stopped one, as the mailbox routes).
const (
	// RouteOneDrives is GET .../Organization/OneDrives (paged): the
	// OneDrives of the seed's users (Organization.AddOneDrive).
	RouteOneDrives Route = "OneDrives"
	// RouteOneDrive is GET .../Organization/OneDrives/{oneDriveId}.
	RouteOneDrive Route = "OneDrive"
	// RouteOneDriveDocuments is GET .../OneDrives/{oneDriveId}/Documents
	// (paged): the documents of the root, or of the folder parentId (an
	// unknown folder answers 404). v6 answers PageOfRESTOneDriveDocument;
	// v7 and v8 PageOfRESTItemComposed, with the folders first when
	// includeFolders is true.
	RouteOneDriveDocuments Route = "OneDriveDocuments"
	// RouteOneDriveDocument is GET .../Documents/{documentId}: the
	// document's current version.
	RouteOneDriveDocument Route = "OneDriveDocument"
	// RouteOneDriveDocumentVersions is GET .../Documents/{documentId}/Versions
	// (paged): every backed-up version of the document, oldest first, the
	// current one last.
	RouteOneDriveDocumentVersions Route = "OneDriveDocumentVersions"
	// RouteOneDriveFolders is GET .../OneDrives/{oneDriveId}/Folders
	// (paged): the folders of the root, or of the folder parentId.
	RouteOneDriveFolders Route = "OneDriveFolders"
	// RouteOneDriveFolder is GET .../OneDrives/{oneDriveId}/Folders/{folderId},
	// the current version or, with the query versionId, that version (an
	// int32, else 400; one the folder does not have, 404).
	RouteOneDriveFolder Route = "OneDriveFolder"
)

// OneDrive is a user's OneDrive in an Organization.
type OneDrive struct {
	// Name is the OneDrive's display name, usually the user's.
	Name string
	// URL is the OneDrive's address.
	URL string

	id    string
	org   *Organization
	root  []*DriveItem // top-level folders and documents
	count int          // items created (for IDs)
}

// DriveItem is a OneDrive folder or document.
type DriveItem struct {
	// Name is the file or folder name.
	Name string
	// IsFolder marks a folder.
	IsFolder bool
	// SizeBytes is a document's size in its current version.
	SizeBytes int64
	// CreatedBy and ModifiedBy are user names.
	CreatedBy, ModifiedBy string
	// Created and Modified are when the item was created and last changed.
	Created, Modified time.Time

	id       string
	drive    *OneDrive
	parent   *DriveItem
	children []*DriveItem
	versions []driveVersion // older versions, oldest first
}

type driveVersion struct {
	size     int64
	modified time.Time
	by       string
}

// AddOneDrive adds a OneDrive and returns it. Its ID is a plain string
// derived from the name.
func (o *Organization) AddOneDrive(name, url string) *OneDrive {
	d := &OneDrive{Name: name, URL: url, org: o,
		id: "od-" + hashUUID("onedrive", o.id, fmt.Sprint(len(o.oneDrives)), name)}
	o.oneDrives = append(o.oneDrives, d)
	return d
}

// OneDrives returns the organization's OneDrives in insertion order.
func (o *Organization) OneDrives() []*OneDrive { return append([]*OneDrive(nil), o.oneDrives...) }

// ID returns the OneDrive's ID.
func (d *OneDrive) ID() string { return d.id }

// Items returns the OneDrive's top-level folders and documents.
func (d *OneDrive) Items() []*DriveItem { return append([]*DriveItem(nil), d.root...) }

// AddFolder adds a top-level folder.
func (d *OneDrive) AddFolder(name string) *DriveItem { return d.add(nil, name, true, 0) }

// AddDocument adds a top-level document of size bytes.
func (d *OneDrive) AddDocument(name string, size int64) *DriveItem {
	return d.add(nil, name, false, size)
}

func (d *OneDrive) add(parent *DriveItem, name string, folder bool, size int64) *DriveItem {
	d.count++
	t := time.Date(2026, 10, 1+d.count%28, 9, d.count%60, 0, 0, time.UTC)
	it := &DriveItem{Name: name, IsFolder: folder, SizeBytes: size, CreatedBy: d.Name, ModifiedBy: d.Name,
		Created: t, Modified: t.Add(24 * time.Hour), drive: d, parent: parent,
		id: hashUUID("drive-item", d.id, strconv.Itoa(d.count), name)}
	if parent == nil {
		d.root = append(d.root, it)
	} else {
		parent.children = append(parent.children, it)
	}
	return it
}

// ID returns the item's ID (a UUID).
func (it *DriveItem) ID() string { return it.id }

// Parent returns the folder holding the item, nil at the root.
func (it *DriveItem) Parent() *DriveItem { return it.parent }

// Items returns a folder's folders and documents.
func (it *DriveItem) Items() []*DriveItem { return append([]*DriveItem(nil), it.children...) }

// AddFolder adds a subfolder to a folder.
func (it *DriveItem) AddFolder(name string) *DriveItem { return it.drive.add(it, name, true, 0) }

// AddDocument adds a document of size bytes to a folder.
func (it *DriveItem) AddDocument(name string, size int64) *DriveItem {
	return it.drive.add(it, name, false, size)
}

// AddVersion records that the document had size bytes, as changed by by at
// modified, before its current version. Versions are numbered in the
// order added, the current version last.
func (it *DriveItem) AddVersion(size int64, by string, modified time.Time) *DriveItem {
	it.versions = append(it.versions, driveVersion{size: size, modified: modified, by: by})
	return it
}

// Versions returns how many versions the document has, the current one
// included.
func (it *DriveItem) Versions() int { return len(it.versions) + 1 }

// seedOneDrives gives the default organization's users their OneDrives.
func seedOneDrives(o *Organization) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 10, 0, 0, 0, time.UTC) }
	alice := o.AddOneDrive("Alice Johnson", "https://contoso-my.sharepoint.com/personal/alice_contoso_onmicrosoft_com")
	docs := alice.AddFolder("Documents")
	falcon := docs.AddFolder("Project Falcon")
	falcon.AddDocument("Falcon plan.docx", 48213).AddVersion(30211, "Alice Johnson", day(2)).AddVersion(41002, "Bob Smith", day(9))
	falcon.AddDocument("Risk register.xlsx", 20480)
	docs.AddDocument("Q4 budget.xlsx", 88120).AddVersion(61000, "Alice Johnson", day(3))
	alice.AddFolder("Pictures").AddDocument("Offsite.jpg", 1843200)
	alice.AddDocument("Notes.txt", 512).AddVersion(300, "Alice Johnson", day(4))

	bob := o.AddOneDrive("Bob Smith", "https://contoso-my.sharepoint.com/personal/bob_contoso_onmicrosoft_com")
	bob.AddFolder("Documents").AddDocument("Expenses.xlsx", 15360)
	bob.AddDocument("Quote.pdf", 204800)
}

// odIndex is the lookup structure of one OneDrive.
type odIndex struct {
	od   *OneDrive
	byID map[string]*DriveItem // lower-case item ID
}

func buildOneDriveIndex(x *orgIndex, org *Organization) {
	x.oneDriveByID = make(map[string]*odIndex, len(org.oneDrives))
	for _, d := range org.oneDrives {
		oi := &odIndex{od: d, byID: map[string]*DriveItem{}}
		var walk func([]*DriveItem)
		walk = func(items []*DriveItem) {
			for _, it := range items {
				oi.byID[strings.ToLower(it.id)] = it
				walk(it.children)
			}
		}
		walk(d.root)
		x.oneDrives = append(x.oneDrives, oi)
		x.oneDriveByID[strings.ToLower(d.id)] = oi
	}
}

// matchOneDrive routes .../Organization/OneDrives...; p and lc are the
// path's segments after the version, as given and in lower case. Literal
// segments (restore, search, operatorRestore, Versions...) win over IDs,
// as in the real server's routing.
func matchOneDrive(p, lc []string, set func(Route, string, ...string) (call, bool)) (call, bool) {
	sid := p[1]
	// act routes an action segment of scope; the OneDrive actions are
	// restore, copyTo, save and send on every scope but the bulk one.
	act := func(scope, seg string, params ...string) (call, bool) {
		a, ok := driveActionRoutes[seg]
		if !ok || (scope == ScopeOneDrives && a.kind != ActionRestore) {
			return call{}, false
		}
		c, _ := set(a.route, http.MethodPost, params...)
		c.kind, c.scope = a.kind, scope
		return c, true
	}
	n := len(p)
	docs := n >= 6 && lc[5] == "documents"
	folders := n >= 6 && lc[5] == "folders"
	switch {
	case n == 4:
		return set(RouteOneDrives, http.MethodGet, sid)
	case n == 5 && lc[4] == "restore":
		return act(ScopeOneDrives, lc[4], sid)
	case n == 5 && lc[4] == "search":
		return set(RouteOneDrivesSearch, http.MethodPost, sid)
	case n == 5:
		return set(RouteOneDrive, http.MethodGet, sid, p[4])
	case n == 6 && docs:
		return set(RouteOneDriveDocuments, http.MethodGet, sid, p[4])
	case n == 6 && folders:
		return set(RouteOneDriveFolders, http.MethodGet, sid, p[4])
	case n == 6 && lc[5] == "search":
		return set(RouteOneDriveSearch, http.MethodPost, sid, p[4])
	case n == 6:
		return act(ScopeOneDrive, lc[5], sid, p[4])
	case n == 7 && docs && lc[6] == "operatorrestore":
		return set(RouteOneDriveOperatorRestore, http.MethodPost, sid, p[4])
	case n == 7 && docs && driveActionRoutes[lc[6]].kind != "":
		return act(ScopeDocuments, lc[6], sid, p[4])
	case n == 7 && docs:
		return set(RouteOneDriveDocument, http.MethodGet, sid, p[4], p[6])
	case n == 7 && folders && driveActionRoutes[lc[6]].kind != "":
		return act(ScopeFolders, lc[6], sid, p[4])
	case n == 7 && folders:
		return set(RouteOneDriveFolder, http.MethodGet, sid, p[4], p[6])
	case n == 8 && docs && lc[7] == "versions":
		return set(RouteOneDriveDocumentVersions, http.MethodGet, sid, p[4], p[6])
	case n == 8 && docs:
		return act(ScopeDocument, lc[7], sid, p[4], p[6])
	case n == 8 && folders && lc[7] == "versions":
		return set(RouteOneDriveFolderVersions, http.MethodGet, sid, p[4], p[6])
	case n == 8 && folders && lc[7] == "search":
		return set(RouteOneDriveFolderSearch, http.MethodPost, sid, p[4], p[6])
	case n == 8 && folders:
		return act(ScopeFolder, lc[7], sid, p[4], p[6])
	case n == 9 && docs && lc[7] == "versions":
		return set(RouteOneDriveDocumentVersion, http.MethodGet, sid, p[4], p[6], p[8])
	case n == 9 && folders && lc[7] == "versions":
		return set(RouteOneDriveFolderVersion, http.MethodGet, sid, p[4], p[6], p[8])
	case n == 10 && docs && lc[7] == "versions":
		return act(ScopeDocumentVersion, lc[9], sid, p[4], p[6], p[8])
	case n == 10 && folders && lc[7] == "versions":
		return act(ScopeFolderVersion, lc[9], sid, p[4], p[6], p[8])
	}
	return call{}, false
}

// lookupOneDrive resolves the live OneDrive session and the OneDrive of
// c.params[1].
func (s *Server) lookupOneDrive(w http.ResponseWriter, c call) (string, *odIndex, bool) {
	s.mu.Lock()
	ss := s.lookupSession(w, c, c.params[0], true)
	s.mu.Unlock()
	if ss == nil {
		return "", nil, false
	}
	if ss.typ != "Veod" {
		writeError(w, c.version, http.StatusNotFound, "Restore session with ID '"+ss.id+"' has no OneDrive data.")
		return "", nil, false
	}
	if len(c.params) < 2 {
		return ss.id, nil, true
	}
	oi := s.idx.oneDriveByID[strings.ToLower(c.params[1])]
	if oi == nil {
		writeError(w, c.version, http.StatusNotFound, "OneDrive with ID '"+c.params[1]+"' was not found.")
		return "", nil, false
	}
	return ss.id, oi, true
}

func oneDrivesPath(c call, sid string) string {
	return "/" + c.vs + "/RestoreSessions/" + sid + "/Organization/OneDrives"
}

type oneDriveJSON struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	URL   string `json:"url"`
	Links links  `json:"_links"`
}

func oneDriveView(c call, sid string, d *OneDrive) oneDriveJSON {
	base := oneDrivesPath(c, sid) + "/" + url.PathEscape(d.id)
	return oneDriveJSON{ID: d.id, Name: d.Name, URL: d.URL, Links: links{
		"self":           {base},
		"restoreSession": {"/" + c.vs + "/RestoreSessions/" + sid},
		"documents":      {base + "/Documents"},
		"folders":        {base + "/Folders"},
	}}
}

// driveItemJSON is RESTOneDriveDocument, RESTOneDriveFolder and
// RESTItemComposed: sizeBytes and inheritedPermissions for documents only, isFolder from v7 on,
// oneDriveId on v8.
type driveItemJSON struct {
	ID                   string `json:"id"`
	Name                 string `json:"name"`
	SizeBytes            *int64 `json:"sizeBytes,omitempty"`
	IsFolder             *bool  `json:"isFolder,omitempty"`
	OneDriveID           string `json:"oneDriveId,omitempty"`
	Version              string `json:"version"`
	VersionID            int    `json:"versionId"`
	InheritedPermissions *bool  `json:"inheritedPermissions,omitempty"`
	CreatedBy            string `json:"createdBy"`
	CreationTime         string `json:"creationTime"`
	ModifiedBy           string `json:"modifiedBy"`
	ModificationTime     string `json:"modificationTime"`
	Links                links  `json:"_links"`
}

// driveItemView renders version n (1-based) of it; n 0 is the current one.
func driveItemView(c call, sid string, it *DriveItem, n int) driveItemJSON {
	dbase := oneDrivesPath(c, sid) + "/" + url.PathEscape(it.drive.id)
	kind := "/Documents/"
	if it.IsFolder {
		kind = "/Folders/"
	}
	self := dbase + kind + it.id
	size, by, mod := it.SizeBytes, it.ModifiedBy, it.Modified
	if n == 0 {
		n = len(it.versions) + 1
	}
	if n <= len(it.versions) {
		v := it.versions[n-1]
		size, by, mod = v.size, v.by, v.modified
	}
	j := driveItemJSON{ID: it.id, Name: it.Name, Version: strconv.Itoa(n) + ".0", VersionID: n,
		CreatedBy: it.CreatedBy, CreationTime: formatTime(it.Created),
		ModifiedBy: by, ModificationTime: formatTime(mod),
		Links: links{"self": {self}, "oneDrive": {dbase}}}
	if !it.IsFolder { // folders have neither size nor permissions
		inherited := true
		j.SizeBytes, j.InheritedPermissions = &size, &inherited
		j.Links["versions"] = link{self + "/Versions"}
	}
	if c.version >= 7 {
		f := it.IsFolder
		j.IsFolder = &f
	}
	if c.version >= 8 {
		j.OneDriveID = it.drive.id
	}
	if it.parent != nil {
		j.Links["parent"] = link{dbase + "/Folders/" + it.parent.id}
	}
	return j
}

func (s *Server) handleOneDrives(w http.ResponseWriter, req *http.Request, c call) {
	pp, ok := s.parsePage(w, req, c)
	if !ok {
		return
	}
	sid, _, ok := s.lookupOneDrive(w, c)
	if !ok {
		return
	}
	all := s.idx.oneDrives
	res := pageView(pp, len(all), func(i int) oneDriveJSON { return oneDriveView(c, sid, all[i].od) })
	s.writePage(w, c, oneDrivesPath(c, sid), nil, pp, len(all), res)
}

func (s *Server) handleOneDrive(w http.ResponseWriter, _ *http.Request, c call) {
	sid, oi, ok := s.lookupOneDrive(w, c)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, oneDriveView(c, sid, oi.od))
}

// handleDriveList serves RouteOneDriveDocuments and RouteOneDriveFolders.
func (s *Server) handleDriveList(w http.ResponseWriter, req *http.Request, c call) {
	pp, ok := s.parsePage(w, req, c)
	if !ok {
		return
	}
	sid, oi, ok := s.lookupOneDrive(w, c)
	if !ok {
		return
	}
	extra := url.Values{}
	within := oi.od.root
	if pid, ok := query(req, "parentId"); ok && pid != "" {
		extra.Set("parentId", pid)
		f := oi.byID[strings.ToLower(pid)]
		if f == nil || !f.IsFolder {
			writeError(w, c.version, http.StatusNotFound, "Folder with ID '"+pid+"' was not found.")
			return
		}
		within = f.children
	}
	folders, docs := c.route == RouteOneDriveFolders, c.route == RouteOneDriveDocuments
	if v, ok := query(req, "includeFolders"); ok && v != "" && docs && c.version >= 7 {
		b, err := strconv.ParseBool(v)
		if err != nil {
			writeError(w, c.version, http.StatusBadRequest, "The includeFolders value is not valid.")
			return
		}
		extra.Set("includeFolders", v)
		folders = b
	}
	var sel []*DriveItem
	for _, it := range within { // folders first
		if it.IsFolder && folders {
			sel = append(sel, it)
		}
	}
	for _, it := range within {
		if !it.IsFolder && docs {
			sel = append(sel, it)
		}
	}
	res := pageView(pp, len(sel), func(i int) driveItemJSON { return driveItemView(c, sid, sel[i], 0) })
	seg := "/Documents"
	if c.route == RouteOneDriveFolders {
		seg = "/Folders"
	}
	s.writePage(w, c, oneDrivesPath(c, sid)+"/"+url.PathEscape(oi.od.id)+seg, extra, pp, len(sel), res)
}

// lookupDriveItem resolves the document (or folder) of c.params[2].
func (s *Server) lookupDriveItem(w http.ResponseWriter, c call, folder bool) (string, *DriveItem, bool) {
	sid, oi, ok := s.lookupOneDrive(w, c)
	if !ok {
		return "", nil, false
	}
	it := oi.byID[strings.ToLower(c.params[2])]
	if it == nil || it.IsFolder != folder {
		what := "Document"
		if folder {
			what = "Folder"
		}
		writeError(w, c.version, http.StatusNotFound, what+" with ID '"+c.params[2]+"' was not found.")
		return "", nil, false
	}
	return sid, it, true
}

// handleDriveItem serves RouteOneDriveDocument and RouteOneDriveFolder;
// the folder route takes the query versionId (as
// RouteOneDriveFolderVersion's path does).
func (s *Server) handleDriveItem(w http.ResponseWriter, req *http.Request, c call) {
	n := 0
	if v, ok := query(req, "versionId"); ok && v != "" && c.route == RouteOneDriveFolder {
		if n, ok = parseVersionID(w, c, v); !ok {
			return
		}
	}
	sid, it, ok := s.lookupDriveItem(w, c, c.route == RouteOneDriveFolder)
	if !ok || (n != 0 && !hasVersion(w, c, it, n)) {
		return
	}
	writeJSON(w, http.StatusOK, driveItemView(c, sid, it, n))
}

func (s *Server) handleDocumentVersions(w http.ResponseWriter, req *http.Request, c call) {
	pp, ok := s.parsePage(w, req, c)
	if !ok {
		return
	}
	sid, it, ok := s.lookupDriveItem(w, c, false)
	if !ok {
		return
	}
	n := len(it.versions) + 1
	res := pageView(pp, n, func(i int) driveItemJSON {
		j := driveItemView(c, sid, it, i+1)
		j.IsFolder = nil // PageOfRESTOneDriveDocument on every version
		if c.version >= 7 {
			f := false
			j.IsFolder = &f
		}
		return j
	})
	s.writePage(w, c, oneDrivesPath(c, sid)+"/"+url.PathEscape(it.drive.id)+"/Documents/"+it.id+"/Versions", nil, pp, n, res)
}
