package vb365test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// actionBody is the union of the action request bodies
// (RESTRestoreToOriginalLocation[SelectedItems],
// RESTRestoreToDifferentLocation[SelectedItems], RESTSeveralItemsExportOptions,
// RESTExportToPstOptions, RESTExportFolderToPst, RESTSaveToMsgOptions,
// RESTSendToDefaultAddressOptions, RESTSendToDifferentAddressOptions,
// RESTSendAsMsgOptions, RestBulkRestoreOptions). Fields outside the
// route's schema are ignored.
type actionBody struct {
	Items []struct {
		ID string `json:"id"`
	} `json:"items"`

	UserName                       string  `json:"userName"`
	UserPassword                   string  `json:"userPassword"`
	UserCode                       string  `json:"userCode"`
	ApplicationID                  *string `json:"applicationId"`
	ApplicationCertificatePassword string  `json:"applicationCertificatePassword"`
	ApplicationCertificate         string  `json:"applicationCertificate"`
	ImpersonationAccountName       string  `json:"impersonationAccountName"`

	ChangedItems               *bool   `json:"changedItems"`
	DeletedItems               *bool   `json:"deletedItems"`
	MarkRestoredAsUnread       *bool   `json:"markRestoredAsUnread"`
	ExcludeDrafts              *bool   `json:"excludeDrafts"`
	ExcludeDeletedItems        *bool   `json:"excludeDeletedItems"`
	ExcludeInPlaceHoldItems    *bool   `json:"excludeInPlaceHoldItems"`
	ExcludeLitigationHoldItems *bool   `json:"excludeLitigationHoldItems"`
	Mailbox                    string  `json:"mailbox"`
	CasServer                  string  `json:"casServer"`
	Folder                     string  `json:"folder"`
	OfficeRegion               *string `json:"officeRegion"`
	OfficeOrganizationName     string  `json:"officeOrganizationName"`

	ContentKeyword     string `json:"contentKeyword"`
	EnablePstSizeLimit *bool  `json:"enablePstSizeLimit"`
	PstSizeLimitBytes  *int64 `json:"pstSizeLimitBytes"`

	From    string `json:"from"`
	To      string `json:"to"`
	Subject string `json:"subject"`
	Text    string `json:"text"`

	Mailboxes []struct {
		ID    string `json:"id"`
		Email string `json:"email"`
	} `json:"mailboxes"`
	SkipUnresolved         *bool  `json:"skipUnresolved"`
	Office365UserName      string `json:"office365UserName"`
	Office365UserPassword  string `json:"office365UserPassword"`
	OnPremisesUserPassword string `json:"onPremisesUserPassword"`
}

func deref(b *bool) bool { return b != nil && *b }

// actionTarget is what an action applies to, resolved from the path and body.
type actionTarget struct {
	mb      *mbIndex   // not bulk
	mbs     []*mbIndex // bulk
	folder  *Folder
	itemIDs []string
	items   int   // item count
	bytes   int64 // estimated item bytes
	name    string
}

func itemBytes(it *Item) int64 {
	n := int64(len(it.Subject)) + 1024
	for _, a := range it.Attachments {
		n += a.SizeBytes
	}
	return n
}

func (t *actionTarget) addItems(items []*Item) {
	for _, it := range items {
		t.items++
		t.bytes += itemBytes(it)
	}
}

// handleAction serves the restore, restoreTo, exportToPst, save and send
// routes in every scope (see Server for the documented choices).
func (s *Server) handleAction(w http.ResponseWriter, req *http.Request, c call, p principal) {
	if !requireAdmin(w, c, p) {
		return
	}
	var b actionBody
	// The single-item save and sendToDefaultAddress take no body.
	if !(c.scope == ScopeItem && (c.kind == ActionSave || c.kind == ActionSendToDefaultAddress)) {
		empty, ok := readJSON(w, req, c, &b)
		if !ok {
			return
		}
		if empty {
			writeError(w, c.version, http.StatusBadRequest, "The request body is required.")
			return
		}
	}
	// Body checks that need no lookup.
	bad := func(msg string) { writeError(w, c.version, http.StatusBadRequest, msg) }
	if c.kind == ActionRestore || c.kind == ActionRestoreTo {
		if b.ApplicationID != nil && *b.ApplicationID != "" && !isUUID(*b.ApplicationID) {
			bad("The applicationId value is not a valid GUID.")
			return
		}
	}
	region := ""
	if c.kind == ActionRestoreTo {
		if strings.TrimSpace(b.Mailbox) == "" {
			bad("The mailbox value (the target mailbox) is required.")
			return
		}
		if b.OfficeRegion != nil && *b.OfficeRegion != "" {
			for _, r := range []string{"Worldwide", "Germany", "China", "USDefence", "USGovernment"} {
				if strings.EqualFold(r, *b.OfficeRegion) {
					region = r
				}
			}
			if region == "" {
				bad("The officeRegion value is not valid.")
				return
			}
		}
	}
	if c.kind == ActionSendToDifferentAddress && strings.TrimSpace(b.To) == "" {
		bad("The to value is required.")
		return
	}
	var pstLimit int64
	if c.kind == ActionExportToPst && deref(b.EnablePstSizeLimit) {
		if b.PstSizeLimitBytes == nil || *b.PstSizeLimitBytes <= 0 {
			bad("pstSizeLimitBytes must be positive when enablePstSizeLimit is true.")
			return
		}
		pstLimit = *b.PstSizeLimitBytes
	}
	if c.scope == ScopeItems {
		if len(b.Items) == 0 {
			bad("The items collection must contain at least one item.")
			return
		}
		for i, it := range b.Items {
			if it.ID == "" {
				bad("Item " + strconv.Itoa(i) + " has no id.")
				return
			}
		}
	}
	if c.scope == ScopeMailboxes {
		if len(b.Mailboxes) == 0 {
			bad("The mailboxes collection must contain at least one mailbox.")
			return
		}
		for i, m := range b.Mailboxes {
			if m.ID == "" && m.Email == "" {
				bad("Mailbox " + strconv.Itoa(i) + " has neither id nor email.")
				return
			}
		}
	}

	// Resolve the target.
	var t actionTarget
	notFound := func(msg string) { writeError(w, c.version, http.StatusNotFound, msg) }
	if c.scope == ScopeMailboxes {
		if _, ok := s.exchangeSession(w, c); !ok {
			return
		}
		for _, m := range b.Mailboxes {
			var mi *mbIndex
			if m.ID != "" {
				mi = s.idx.byID[strings.ToLower(m.ID)]
			} else if mb := s.cfg.org.MailboxByEmail(m.Email); mb != nil {
				mi = s.idx.byID[strings.ToLower(mb.id)]
			}
			if mi == nil {
				notFound("Mailbox '" + m.ID + m.Email + "' was not found.")
				return
			}
			t.mbs = append(t.mbs, mi)
			t.addItems(mi.items)
		}
		t.name = strconv.Itoa(len(t.mbs)) + " mailboxes"
	} else {
		_, mi, ok := s.lookupMailbox(w, c)
		if !ok {
			return
		}
		t.mb = mi
		switch c.scope {
		case ScopeItems:
			for _, ref := range b.Items {
				it := mi.itemByID[ref.ID]
				if it == nil {
					notFound("Item with ID '" + ref.ID + "' was not found in mailbox '" + mi.mb.id + "'.")
					return
				}
				t.itemIDs = append(t.itemIDs, ref.ID)
				t.addItems([]*Item{it})
			}
			t.name = fmt.Sprintf("%d items", len(t.itemIDs))
			if len(t.itemIDs) == 1 {
				t.name = mi.itemByID[t.itemIDs[0]].Subject
			}
		case ScopeItem:
			it := mi.itemByID[c.params[2]]
			if it == nil {
				notFound("Item with ID '" + c.params[2] + "' was not found.")
				return
			}
			t.itemIDs = []string{it.id}
			t.addItems([]*Item{it})
			t.name = it.Subject
		case ScopeFolder:
			f := mi.folderByID[c.params[2]]
			if f == nil {
				notFound("Folder with ID '" + c.params[2] + "' was not found.")
				return
			}
			t.folder = f
			var walk func(*Folder)
			walk = func(f *Folder) {
				t.addItems(f.items)
				for _, ch := range f.children {
					walk(ch)
				}
			}
			walk(f)
			t.name = f.Name
		case ScopeMailbox:
			t.addItems(mi.items)
			t.name = mi.mb.Email
		}
	}

	// The download, if any.
	download := c.kind == ActionExportToPst || c.kind == ActionSave
	var (
		gen                 content
		filename            string
		start, end          int64
		partial, satisfying bool
	)
	if download {
		size := s.exportSize.Load()
		magic, ext := magicPST, ".pst"
		switch {
		case c.kind == ActionSave && len(t.itemIDs) > 1:
			magic, ext = magicZIP, ".zip"
		case c.kind == ActionSave:
			magic, ext = magicMSG, ".msg"
		case pstLimit > 0 && size > pstLimit:
			magic, ext = magicZIP, ".zip"
		}
		base := t.name // the item's subject, or the mailbox's address
		if c.scope == ScopeItems || c.scope == ScopeFolder {
			base = t.mb.mb.Email + " - " + t.name
		}
		filename = safeFileName(base, ext)
		parts := []string{c.params[0], c.kind, c.scope, t.mb.mb.id, strconv.FormatInt(size, 10), b.ContentKeyword, strconv.FormatInt(pstLimit, 10)}
		if t.folder != nil {
			parts = append(parts, t.folder.id)
		}
		parts = append(parts, t.itemIDs...)
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
	if b.UserCode != "" && (c.kind == ActionRestore || c.kind == ActionRestoreTo) && !s.deviceCodeValid(ss, b.UserCode) {
		s.mu.Unlock()
		writeError(w, c.version, http.StatusBadRequest, "The device code is not valid or has expired; request a new one.")
		return
	}
	now := s.now()
	a := Action{
		Kind: c.kind, Scope: c.scope, SessionID: ss.id, ItemIDs: t.itemIDs, Items: t.items,
		APIVersion: c.vs, Time: now,
	}
	if t.mb != nil {
		a.MailboxID = t.mb.mb.id
	}
	for _, mi := range t.mbs {
		a.MailboxIDs = append(a.MailboxIDs, mi.mb.id)
	}
	if t.folder != nil {
		a.FolderID = t.folder.id
	}
	switch c.kind {
	case ActionRestore, ActionRestoreTo:
		a.UserName, a.ImpersonationAccountName, a.UserCode = b.UserName, b.ImpersonationAccountName, b.UserCode
		if b.ApplicationID != nil {
			a.ApplicationID = *b.ApplicationID
		}
		a.SecretFields = secretFields(b)
		a.ChangedItems, a.DeletedItems, a.MarkRestoredAsUnread = deref(b.ChangedItems), deref(b.DeletedItems), deref(b.MarkRestoredAsUnread)
		a.ExcludeDrafts, a.ExcludeDeletedItems = deref(b.ExcludeDrafts), deref(b.ExcludeDeletedItems)
		a.ExcludeInPlaceHoldItems, a.ExcludeLitigationHoldItems = deref(b.ExcludeInPlaceHoldItems), deref(b.ExcludeLitigationHoldItems)
		if c.scope == ScopeMailboxes {
			a.UserName = b.Office365UserName
			a.CASServer = b.CasServer
			a.SkipUnresolved = deref(b.SkipUnresolved)
		}
		if c.kind == ActionRestore && c.scope != ScopeMailboxes {
			// RESTRestoreToOriginalLocation has no restore options.
			a.ChangedItems, a.DeletedItems, a.MarkRestoredAsUnread = false, false, false
			a.ExcludeDrafts, a.ExcludeDeletedItems, a.ExcludeInPlaceHoldItems, a.ExcludeLitigationHoldItems = false, false, false, false
		}
		if c.kind == ActionRestoreTo {
			a.TargetMailbox, a.TargetFolder, a.CASServer = b.Mailbox, b.Folder, b.CasServer
			a.OfficeRegion, a.OfficeOrganizationName = region, b.OfficeOrganizationName
		}
	case ActionExportToPst:
		if c.scope == ScopeFolder || c.scope == ScopeMailbox {
			a.ContentKeyword = b.ContentKeyword
		}
		a.PSTSizeLimitBytes = pstLimit
	case ActionSendToDifferentAddress:
		a.From, a.To, a.Subject, a.Text = b.From, b.To, b.Subject, b.Text
	}
	if download {
		a.served(gen, filename, start, end)
	}
	s.actions = append(s.actions, a)
	if !download || start == 0 {
		s.addActionEvent(ss, c, &a, &t, now)
	}
	sid := ss.id
	s.mu.Unlock()

	// Answer.
	switch c.kind {
	case ActionExportToPst, ActionSave:
		if !s.waitExport(w, req) { // WithExportDelay (extras.go)
			return
		}
		streamDownload(w, gen, "application/octet-stream", filename, start, end, partial)
	case ActionSendToDefaultAddress, ActionSendToDifferentAddress:
		answerSent(w, c)
	default: // restore, restoreTo
		if c.version >= 8 {
			writeJSON(w, http.StatusOK, map[string]string{"sessionId": sid})
			return
		}
		writeJSON(w, http.StatusOK, s.restoreStatistics(c, sid, &t))
	}
}

// served records in a the download it serves: the bytes [start, end) of
// gen, under filename.
func (a *Action) served(gen content, filename string, start, end int64) {
	a.Size, a.RangeStart, a.RangeEnd = gen.size, start, end
	a.ContentType, a.FileName = "application/octet-stream", filename
	a.gen = gen
}

// answerSent answers a send action: 204 on v8, an empty 200 before.
func answerSent(w http.ResponseWriter, c call) {
	if c.version >= 8 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}

// secretFields names the secret fields of b that were sent non-empty.
func secretFields(b actionBody) []string {
	var out []string
	for _, f := range []struct {
		name, v string
	}{
		{"userPassword", b.UserPassword},
		{"applicationCertificate", b.ApplicationCertificate},
		{"applicationCertificatePassword", b.ApplicationCertificatePassword},
		{"office365UserPassword", b.Office365UserPassword},
		{"onPremisesUserPassword", b.OnPremisesUserPassword},
	} {
		if f.v != "" {
			out = append(out, f.name)
		}
	}
	return out
}

type restoreStats struct {
	FailedFoldersCount  *int64   `json:"failedFoldersCount,omitempty"`
	Exceptions          []string `json:"exceptions"`
	CreatedItemsCount   int64    `json:"createdItemsCount"`
	MergedItemsCount    int64    `json:"mergedItemsCount"`
	FailedItemsCount    int64    `json:"failedItemsCount"`
	SkippedItemsCount   int64    `json:"skippedItemsCount"`
	CannotContinueError string   `json:"cannotContinueError"`
	Warnings            []string `json:"warnings"`
}

type commonStats struct {
	CreatedItemsCount   int64    `json:"createdItemsCount"`
	MergedItemsCount    int64    `json:"mergedItemsCount"`
	FailedItemsCount    int64    `json:"failedItemsCount"`
	SkippedItemsCount   int64    `json:"skippedItemsCount"`
	CannotContinueError string   `json:"cannotContinueError"`
	Warnings            []string `json:"warnings"`
}

type bulkMailboxStats struct {
	Mailbox mailboxJSON `json:"mailbox"`
	Status  string      `json:"status"`
	Error   string      `json:"error"`
	Details commonStats `json:"details"`
}

// restoreStatistics is the v6/v7 answer of a restore: RESTItemsRestoreStatistics
// (items, item), RESTFoldersRestoreStatistics (folder, mailbox) or
// RESTBulkRestoreStatistics (mailboxes).
func (s *Server) restoreStatistics(c call, sid string, t *actionTarget) any {
	switch c.scope {
	case ScopeMailboxes:
		details := make([]bulkMailboxStats, 0, len(t.mbs))
		for _, mi := range t.mbs {
			details = append(details, bulkMailboxStats{
				Mailbox: mailboxView(c, sid, mi.mb), Status: "Success",
				Details: commonStats{CreatedItemsCount: int64(len(mi.items)), Warnings: []string{}},
			})
		}
		return map[string]any{"status": "Success", "error": "", "details": details}
	case ScopeFolder, ScopeMailbox:
		zero := int64(0)
		return restoreStats{FailedFoldersCount: &zero, Exceptions: []string{}, CreatedItemsCount: int64(t.items), Warnings: []string{}}
	}
	return restoreStats{Exceptions: []string{}, CreatedItemsCount: int64(t.items), Warnings: []string{}}
}

// addActionEvent appends the action's event to ss; the caller holds s.mu.
func (s *Server) addActionEvent(ss *session, c call, a *Action, t *actionTarget, now time.Time) {
	source := ""
	if t.mb != nil {
		source = t.mb.mb.Email
	} else {
		emails := make([]string, len(t.mbs))
		for i, mi := range t.mbs {
			emails[i] = mi.mb.Email
		}
		source = strings.Join(emails, ", ")
	}
	what := fmt.Sprintf("%d item(s) of mailbox %s", t.items, source)
	itemType := "Message"
	switch c.scope {
	case ScopeFolder:
		what = fmt.Sprintf("folder %s (%d item(s)) of mailbox %s", t.folder.Name, t.items, source)
		itemType = "Folder"
	case ScopeMailbox:
		what = fmt.Sprintf("mailbox %s (%d item(s))", source, t.items)
		itemType = "Mailbox"
	case ScopeMailboxes:
		what = fmt.Sprintf("%d mailbox(es) (%d item(s))", len(t.mbs), t.items)
		itemType = "Mailbox"
	}
	e := &event{status: "Success", itemName: t.name, itemType: itemType, source: source, target: source,
		start: now, end: now.Add(time.Second), size: t.bytes}
	switch c.kind {
	case ActionRestore:
		e.typ, e.title, e.items = "Restore", "Restore "+what, int64(t.items)
		e.message = "Restored " + what + " to the original location."
	case ActionRestoreTo:
		e.typ, e.title, e.items = "Restore", "Restore "+what, int64(t.items)
		e.target = a.TargetMailbox + targetSuffix(a.TargetFolder)
		e.message = "Restored " + what + " to mailbox " + e.target + "."
	case ActionExportToPst:
		e.typ, e.title = "Export", "Export "+what
		e.target, e.size = a.FileName, a.Size
		e.message = fmt.Sprintf("Exported %s to %s (%d bytes).", what, a.FileName, a.Size)
	case ActionSave:
		e.typ, e.title = "Save", "Save "+what
		e.target, e.size = a.FileName, a.Size
		e.message = fmt.Sprintf("Saved %s to %s (%d bytes).", what, a.FileName, a.Size)
	case ActionSendToDefaultAddress:
		e.typ, e.title = "Send", "Send "+what
		e.target = "default address"
		e.message = "Sent " + what + " to the default address."
	case ActionSendToDifferentAddress:
		e.typ, e.title = "Send", "Send "+what
		e.target = a.To
		e.message = "Sent " + what + " to " + a.To + "."
	}
	e.order = len(ss.events) + 1
	e.id = hashUUID("event", ss.id, strconv.Itoa(e.order))
	ss.events = append(ss.events, e)
	ss.etag++
}
