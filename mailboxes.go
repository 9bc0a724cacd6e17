package vb365

import (
	"context"
	"iter"
	"net/url"
	"strconv"
	"strings"
)

// MailboxesService browses the mailboxes, folders and items of a restore
// session, and restores items.
type MailboxesService service

func (s *MailboxesService) mailboxes(sessionID string) (lister, error) {
	path, err := idPath("/RestoreSessions/{}/organization/mailboxes", "sessionID", sessionID)
	return lister{c: s.client, op: "Mailboxes.List", path: path}, err
}

// List returns one page of the mailboxes in a restore session
// (GET /vN/RestoreSessions/{id}/organization/mailboxes).
func (s *MailboxesService) List(ctx context.Context, sessionID string, opts *ListOptions) (*Page[Mailbox], error) {
	l, err := s.mailboxes(sessionID)
	if err != nil {
		return nil, err
	}
	return listPage[Mailbox](ctx, l, opts)
}

// All iterates over the mailboxes in a restore session, from opts.Offset on,
// page by page.
func (s *MailboxesService) All(ctx context.Context, sessionID string, opts *ListOptions) iter.Seq2[Mailbox, error] {
	l, err := s.mailboxes(sessionID)
	return listAll[Mailbox](ctx, l, opts, err)
}

// Get returns one mailbox of a restore session.
func (s *MailboxesService) Get(ctx context.Context, sessionID, mailboxID string) (*Mailbox, error) {
	path, err := idPath("/RestoreSessions/{}/organization/mailboxes/{}", "sessionID", sessionID, "mailboxID", mailboxID)
	return call[Mailbox](ctx, s.client, &request{op: "Mailboxes.Get", method: "GET", path: path}, err)
}

// findPageSize is the page size Find walks the mailboxes with: large pages,
// few round trips; a mailbox is a few hundred bytes.
const findPageSize = 1000

// Find returns the primary mailbox, not an archive, whose address is email,
// compared without regard to case, from the mailboxes of a restore session.
// The server has no filter for mailboxes, so Find pages through them and
// stops at the first match. When no primary mailbox has the address (an
// archive alone does not count), the error is a *MailboxNotFoundError,
// which matches ErrNotFound. A blank email is refused before any request.
func (s *MailboxesService) Find(ctx context.Context, sessionID, email string) (*Mailbox, error) {
	l, err := s.mailboxes(sessionID)
	if err != nil {
		return nil, err
	}
	want := strings.TrimSpace(email)
	switch {
	case want == "":
		return nil, invalidArg("email", "must not be empty")
	case len(want) > maxIDLength:
		return nil, invalidArg("email", "is longer than "+strconv.Itoa(maxIDLength)+" bytes")
	}
	for m, err := range listAll[Mailbox](ctx, l, &ListOptions{Limit: findPageSize}, nil) {
		if err != nil {
			return nil, err
		}
		if !m.IsArchive && strings.EqualFold(m.Email, want) {
			return &m, nil
		}
	}
	return nil, &MailboxNotFoundError{SessionID: sessionID, Email: want}
}

// MailboxNotFoundError is Find's error when no primary mailbox of the
// session has the address. It matches ErrNotFound.
type MailboxNotFoundError struct {
	// SessionID is the restore session searched.
	SessionID string
	// Email is the address looked for, without surrounding spaces.
	Email string
}

// Error implements error.
func (e *MailboxNotFoundError) Error() string {
	return "vb365: Mailboxes.Find: no mailbox with the address " + quote(e.Email) +
		" (other than an archive) in restore session " + quote(e.SessionID)
}

// Is reports whether target is ErrNotFound.
func (e *MailboxNotFoundError) Is(target error) bool { return target == ErrNotFound }

// RootFolders is the FolderListOptions.ParentID that lists a mailbox's
// top-level folders.
const RootFolders = "root"

// FolderListOptions selects the folders that Folders lists.
type FolderListOptions struct {
	ListOptions
	// ParentID lists the subfolders of this folder. RootFolders lists the
	// top-level folders; empty lists the whole folder tree, which is slow
	// on large mailboxes.
	ParentID string
	// Name keeps folders whose name matches; '*' and '?' are wildcards.
	Name string
}

// Folders iterates over the folders of a mailbox
// (GET .../mailboxes/{id}/folders).
func (s *MailboxesService) Folders(ctx context.Context, sessionID, mailboxID string, opts *FolderListOptions) iter.Seq2[Folder, error] {
	path, err := idPath("/RestoreSessions/{}/organization/mailboxes/{}/folders", "sessionID", sessionID, "mailboxID", mailboxID)
	l := lister{c: s.client, op: "Mailboxes.Folders", path: path}
	var lo *ListOptions
	parentID := "" // the parent of every folder listed, when one was asked
	if opts != nil && err == nil {
		lo = &opts.ListOptions
		switch parent := opts.ParentID; parent {
		case "":
		case RootFolders:
			// The v6 documentation names the top level "null"; v7 and
			// later name it "root".
			l.vextra = func(v APIVersion) string {
				if v == V6 {
					return "&parentId=null"
				}
				return "&parentId=root"
			}
		default:
			err = checkID("opts.ParentID", parent)
			l.extra += "&parentId=" + url.QueryEscape(parent)
			parentID = parent
		}
		if opts.Name != "" {
			l.extra += "&name=" + url.QueryEscape(opts.Name)
		}
	}
	return listAllAs(ctx, l, lo, err, func(w *folderWire) *Folder { return w.fix(mailboxID, parentID) })
}

// ItemListOptions selects the items that Items lists.
type ItemListOptions struct {
	ListOptions
	// FolderID lists the items of this folder; empty lists the whole
	// mailbox.
	FolderID string
}

// Items iterates over the items of a mailbox, or of one of its folders
// (GET .../mailboxes/{id}/items). The folder goes as folderId on v6 and as
// parentId on v7 and later, as each version's API description says.
func (s *MailboxesService) Items(ctx context.Context, sessionID, mailboxID string, opts *ItemListOptions) iter.Seq2[Item, error] {
	path, err := idPath("/RestoreSessions/{}/organization/mailboxes/{}/items", "sessionID", sessionID, "mailboxID", mailboxID)
	l := lister{c: s.client, op: "Mailboxes.Items", path: path}
	var lo *ListOptions
	folderID := ""
	if opts != nil && err == nil {
		lo = &opts.ListOptions
		folderID = opts.FolderID
		if opts.FolderID != "" {
			err = checkID("opts.FolderID", opts.FolderID)
			folder := url.QueryEscape(opts.FolderID)
			l.vextra = func(v APIVersion) string {
				if v == V6 {
					return "&folderId=" + folder
				}
				return "&parentId=" + folder
			}
		}
	}
	return listAllAs(ctx, l, lo, err, func(w *itemWire) *Item { return w.fix(mailboxID, folderID) })
}

// OperatorRestoreRequest says what a restore operator restores, and where
// (RESTOperatorRestoreOptions).
type OperatorRestoreRequest struct {
	// ChangedItems restores items that changed since the backup.
	ChangedItems bool
	// DeletedItems restores items that are missing from the mailbox.
	DeletedItems bool
	// MarkRestoredAsUnread marks the restored items unread.
	MarkRestoredAsUnread bool
	// Folder is the folder to restore to, created when missing; empty
	// restores to the original location.
	Folder string
	// ItemIDs are the items to restore. At least one is required.
	ItemIDs []string
	// Reason is a free-text reason, kept by the server.
	Reason string
}

type itemRef struct {
	ID string `json:"id"`
}

// operatorRestoreBody is the JSON of an OperatorRestoreRequest, as
// OperatorRestoreRequest.encode writes it.
type operatorRestoreBody struct {
	ChangedItems         bool      `json:"changedItems"`
	DeletedItems         bool      `json:"deletedItems"`
	MarkRestoredAsUnread bool      `json:"markRestoredAsUnread"`
	Folder               string    `json:"folder,omitempty"`
	Items                []itemRef `json:"items"`
	Reason               string    `json:"reason,omitempty"`
}

// OperatorRestore restores mailbox items as a restore operator
// (POST .../mailboxes/{id}/items/operatorRestore) and returns the ID of the
// session whose events follow the restore.
//
// Retry class: unsafe. A restore sent twice restores twice, so it is re-sent
// only when the server provably did not act (no connection made, 408, 429,
// 503 with Retry-After) or after a 401 with a new token. After any other
// failure the error matches ErrOutcomeUnknown: read the session's events
// (RestoreSessions.Events) to see whether the restore ran before sending it
// again.
func (s *MailboxesService) OperatorRestore(ctx context.Context, sessionID, mailboxID string, req *OperatorRestoreRequest) (*RestoreResult, error) {
	path, err := idPath("/RestoreSessions/{}/organization/mailboxes/{}/items/operatorRestore", "sessionID", sessionID, "mailboxID", mailboxID)
	if err != nil {
		return nil, err
	}
	if req == nil {
		return nil, invalidArg("req", "must not be nil")
	}
	// The IDs are checked as they are encoded (encode.go).
	b, err := req.encode()
	if err != nil {
		return nil, err
	}
	return sendOperatorRestore(ctx, s.client, "OperatorRestore", path, b)
}
