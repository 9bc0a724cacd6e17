package vb365

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// This file holds the administrators' side of Exchange restores: restore
// sessions opened for an organization, and the restore, export, save and
// send actions on items, folders and whole mailboxes.

// ExploreRequest describes a restore session that an administrator opens
// (RESTExploreOptions; RESTOrganizationExploreOptions on v8).
type ExploreRequest struct {
	// DateTime is the point in time: the session shows data backed up
	// before it. Required.
	DateTime time.Time
	// Type is the kind of data; empty means SessionTypeExchange.
	Type SessionType
	// ShowDeleted shows items deleted before DateTime; nil leaves it to
	// the server.
	ShowDeleted *bool
	// ShowAllVersions shows every version of items changed before
	// DateTime; nil leaves it to the server.
	ShowAllVersions *bool
	// RepositoryID selects the backup repository (v8, ExploreOrganization
	// only).
	RepositoryID string
}

type exploreBody struct {
	DateTime        string      `json:"dateTime"`
	Type            SessionType `json:"type"`
	ShowDeleted     *bool       `json:"showDeleted,omitempty"`
	ShowAllVersions *bool       `json:"showAllVersions,omitempty"`
	RepositoryID    string      `json:"repositoryId,omitempty"`
}

// ExploreOrganization opens a restore session for an organization, on the
// backup provider's side (POST /vN/Organizations/{organizationId}/explore).
// It needs an administrator's login (WithPassword).
//
// Retry class: unsafe, as OperatorExplore.
func (s *RestoreSessionsService) ExploreOrganization(ctx context.Context, organizationID string, req *ExploreRequest) (*RestoreSession, error) {
	path, err := idPath("/Organizations/{}/explore", "organizationID", organizationID)
	if err != nil {
		return nil, err
	}
	return s.explore(ctx, "ExploreOrganization", path, req, true)
}

// Explore opens a restore session for the organization the administrator
// logged in to, on the tenant's side (POST /vN/Organization/Explore).
//
// Retry class: unsafe, as OperatorExplore.
func (s *RestoreSessionsService) Explore(ctx context.Context, req *ExploreRequest) (*RestoreSession, error) {
	return s.explore(ctx, "Explore", "/Organization/Explore", req, false)
}

func (s *RestoreSessionsService) explore(ctx context.Context, op, path string, req *ExploreRequest, repository bool) (*RestoreSession, error) {
	if req == nil {
		return nil, invalidArg("req", "must not be nil")
	}
	body, err := s.exploreFields(req, repository)
	if err != nil {
		return nil, err
	}
	return s.openSession(ctx, op, path, body, req.RepositoryID)
}

// exploreFields checks and encodes what every explore request has;
// repository says whether the endpoint takes a repositoryId (on v8).
func (s *RestoreSessionsService) exploreFields(req *ExploreRequest, repository bool) (exploreBody, error) {
	if req.DateTime.IsZero() {
		return exploreBody{}, invalidArg("req.DateTime", "must be set")
	}
	if req.RepositoryID != "" {
		if err := checkID("req.RepositoryID", req.RepositoryID); err != nil {
			return exploreBody{}, err
		}
		if !repository {
			return exploreBody{}, invalidArg("req.RepositoryID", "is sent by OperatorExplore and ExploreOrganization only, on v8")
		}
	}
	body := exploreBody{
		DateTime:        req.DateTime.UTC().Format(serverTime),
		Type:            req.Type,
		ShowDeleted:     req.ShowDeleted,
		ShowAllVersions: req.ShowAllVersions,
		RepositoryID:    req.RepositoryID,
	}
	if body.Type == "" {
		body.Type = SessionTypeExchange
	}
	return body, nil
}

// openSession sends an explore request and returns the session it opened.
// repositoryID is the body's repositoryId, which only v8 takes; newer are
// the other arguments set that not every version takes.
func (s *RestoreSessionsService) openSession(ctx context.Context, op, path string, body any, repositoryID string, newer ...versionArg) (*RestoreSession, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	r := &request{
		op: op, method: "POST", path: path, body: b, unsafe: true,
		check: "list the restore sessions (RestoreSessions.All) to see whether one was opened",
	}
	if repositoryID != "" {
		newer = append(newer, versionArg{"req.RepositoryID", V8})
	}
	r.vcheck = needVersions(newer...)
	return call[RestoreSession](ctx, s.client, r, nil)
}

// versionArg is an argument that the API versions before since lack.
type versionArg struct {
	arg   string
	since APIVersion
}

// needVersions returns a request.vcheck that refuses args, set by the
// caller, for an API version that lacks them; it is checked once the
// version is known (with Auto, after the server was asked). nil: no check.
func needVersions(args ...versionArg) func(APIVersion) error {
	if len(args) == 0 {
		return nil
	}
	return func(v APIVersion) error {
		for _, a := range args {
			if v < a.since {
				where := "on " + string(a.since) + " and later"
				if a.since == versions[0] {
					where = "on " + string(a.since) + " only"
				}
				return invalidArg(a.arg, "is sent "+where+"; the client speaks "+string(v))
			}
		}
		return nil
	}
}

// Scope says what an action applies to in a mailbox: some items, one item,
// a folder, or the whole mailbox. Make one with ScopeItems, ScopeItem,
// ScopeFolder or ScopeMailbox.
type Scope struct{ target }

// The mailbox scopes, as target kinds.
const (
	scopeItems   = targetMany
	scopeItem    = targetOne
	scopeFolder  = targetFolder
	scopeMailbox = targetWhole
)

// ScopeItems is the scope of the given items of a mailbox (the items/<action>
// endpoints, with the IDs in the body).
func ScopeItems(ids ...string) Scope { return Scope{target{kind: scopeItems, ids: ids}} }

// ScopeItem is the scope of one item (the items/{itemId}/<action> endpoints).
func ScopeItem(id string) Scope { return Scope{target{kind: scopeItem, id: id}} }

// ScopeFolder is the scope of a whole folder (folders/{folderId}/<action>).
func ScopeFolder(id string) Scope { return Scope{target{kind: scopeFolder, id: id}} }

// ScopeMailbox is the scope of the whole mailbox (mailboxes/{id}/<action>).
func ScopeMailbox() Scope { return Scope{target{kind: scopeMailbox}} }

// The scopes the mailbox actions take.
var (
	anyScope  = kinds(scopeItems, scopeItem, scopeFolder, scopeMailbox)
	itemScope = kinds(scopeItems, scopeItem)
)

var mailboxLayout = &layout{
	base:     "/RestoreSessions/{}/organization/mailboxes/{}",
	baseArgs: [2]string{"sessionID", "mailboxID"},
	objects:  "items", folders: "folders",
	args:         map[targetKind]string{scopeItem: "scope.ItemID", scopeFolder: "scope.FolderID"},
	constructors: map[targetKind]string{scopeItems: "ScopeItems", scopeItem: "ScopeItem", scopeFolder: "ScopeFolder", scopeMailbox: "ScopeMailbox"},
}

// path checks the scope's IDs and returns the action's path under the
// mailbox, and the item references for the body (items scope only).
func (sc Scope) path(op string, allowed kindSet, sessionID, mailboxID, action string) (string, []itemRef, error) {
	p, err := sc.route(mailboxLayout, op, allowed, sessionID, mailboxID, action)
	if err != nil || sc.kind != scopeItems {
		return p, nil, err
	}
	refs, err := itemRefs("scope.ItemIDs", sc.ids)
	if err != nil {
		return "", nil, err
	}
	return p, refs, nil
}

// itemRefs checks IDs (of items, or mailboxes) and turns them into the body's [{"id": ...}].
func itemRefs(arg string, ids []string) ([]itemRef, error) {
	if len(ids) == 0 {
		return nil, invalidArg(arg, "must not be empty")
	}
	refs := make([]itemRef, len(ids))
	for i, id := range ids {
		if p := idProblem(id); p != "" {
			return nil, invalidArg(arg+"["+strconv.Itoa(i)+"]", p)
		}
		refs[i].ID = id
	}
	return refs, nil
}

// RestoreCredentials are the account the server restores with, when it is
// not the organization's own: a user name and password, or a Microsoft Entra
// application with its certificate. The secrets are sent to the server only,
// and never logged or shown in errors.
type RestoreCredentials struct {
	UserName     string
	UserPassword Secret
	// UserCode is a device code, for an account with multi-factor
	// authentication.
	UserCode      string
	ApplicationID string
	// ApplicationCertificate is the application's certificate (PFX); it
	// is sent base64-encoded.
	ApplicationCertificate         []byte
	ApplicationCertificatePassword Secret
	ImpersonationAccountName       string
}

// credentialsBody is RestoreCredentials on the wire, with the secrets as
// plain strings: only request bodies hold them in the clear.
type credentialsBody struct {
	UserName                       string `json:"userName,omitempty"`
	UserPassword                   string `json:"userPassword,omitempty"`
	UserCode                       string `json:"userCode,omitempty"`
	ApplicationID                  string `json:"applicationId,omitempty"`
	ApplicationCertificate         []byte `json:"applicationCertificate,omitempty"`
	ApplicationCertificatePassword string `json:"applicationCertificatePassword,omitempty"`
	ImpersonationAccountName       string `json:"impersonationAccountName,omitempty"`
}

func (rc *RestoreCredentials) body() *credentialsBody {
	if rc == nil {
		return nil
	}
	return &credentialsBody{
		UserName:                       rc.UserName,
		UserPassword:                   string(rc.UserPassword),
		UserCode:                       rc.UserCode,
		ApplicationID:                  rc.ApplicationID,
		ApplicationCertificate:         rc.ApplicationCertificate,
		ApplicationCertificatePassword: string(rc.ApplicationCertificatePassword),
		ImpersonationAccountName:       rc.ImpersonationAccountName,
	}
}

// secrets returns what errors must not show of rc: its passwords, and its
// certificate as it travels (base64).
func (rc *RestoreCredentials) secrets() []string {
	if rc == nil {
		return nil
	}
	return []string{string(rc.UserPassword), string(rc.ApplicationCertificatePassword),
		base64.StdEncoding.EncodeToString(rc.ApplicationCertificate)}
}

// redactedCredentials is RestoreCredentials as it may be shown.
type redactedCredentials struct {
	UserName                       string
	UserPassword                   string
	UserCode                       string
	ApplicationID                  string
	ApplicationCertificate         string
	ApplicationCertificatePassword string
	ImpersonationAccountName       string
}

func (rc RestoreCredentials) redacted() redactedCredentials {
	hidden := func(n int) string {
		if n == 0 {
			return ""
		}
		return redacted
	}
	return redactedCredentials{
		UserName:                       rc.UserName,
		UserPassword:                   hidden(len(rc.UserPassword)),
		UserCode:                       rc.UserCode,
		ApplicationID:                  rc.ApplicationID,
		ApplicationCertificate:         hidden(len(rc.ApplicationCertificate)),
		ApplicationCertificatePassword: hidden(len(rc.ApplicationCertificatePassword)),
		ImpersonationAccountName:       rc.ImpersonationAccountName,
	}
}

// String shows the credentials with their secrets hidden, so that printing a
// request never shows a password (fmt's %v, %+v and %s).
func (rc RestoreCredentials) String() string { return fmt.Sprintf("%+v", rc.redacted()) }

// GoString is String, for %#v.
func (rc RestoreCredentials) GoString() string { return "vb365.RestoreCredentials" + rc.String() }

// LogValue is String, for slog.
func (rc RestoreCredentials) LogValue() slog.Value { return slog.StringValue(rc.String()) }

// Format implements fmt.Formatter: every verb prints String (%#v
// GoString), also through a pointer in another struct, where fmt would
// print the fields themselves for verbs such as %t or %d.
func (rc RestoreCredentials) Format(f fmt.State, verb rune) { formatRedacted(f, verb, rc) }

// formatRedacted prints v, whose String and GoString hide its secrets, for
// any fmt verb.
func formatRedacted(f fmt.State, verb rune, v interface {
	String() string
	GoString() string
}) {
	if verb == 'v' && f.Flag('#') {
		_, _ = io.WriteString(f, v.GoString())
		return
	}
	_, _ = io.WriteString(f, v.String())
}

// MarshalJSON shows the credentials with their secrets hidden, for loggers
// that encode values as JSON. Request bodies use their own encoding.
func (rc RestoreCredentials) MarshalJSON() ([]byte, error) { return json.Marshal(rc.redacted()) }

// RestoreRequest says how to restore to the original location.
type RestoreRequest struct {
	// Credentials, when set, are the account to restore with.
	Credentials *RestoreCredentials
}

// RestoreToRequest says where, and how, to restore to another mailbox
// (RESTRestoreToDifferentLocation).
type RestoreToRequest struct {
	// Credentials, when set, are the account to restore with.
	Credentials *RestoreCredentials
	// Mailbox is the target mailbox's e-mail address. Required.
	Mailbox string
	// Folder is the target folder; empty keeps the original folders.
	Folder string
	// CASServer is an on-premises Client Access server.
	CASServer string
	// OfficeRegion is "Worldwide", "Germany", "China", "USDefence" or
	// "USGovernment".
	OfficeRegion string
	// OfficeOrganizationName is the target Microsoft 365 organization.
	OfficeOrganizationName string

	// ChangedItems restores items that changed since the backup.
	ChangedItems bool
	// DeletedItems restores items missing from the target.
	DeletedItems bool
	// MarkRestoredAsUnread marks the restored items unread.
	MarkRestoredAsUnread bool
	// ExcludeDrafts, ExcludeDeletedItems, ExcludeInPlaceHoldItems and
	// ExcludeLitigationHoldItems leave those items out.
	ExcludeDrafts              bool
	ExcludeDeletedItems        bool
	ExcludeInPlaceHoldItems    bool
	ExcludeLitigationHoldItems bool
}

type restoreToBody struct {
	*credentialsBody
	Mailbox                    string    `json:"mailbox"`
	Folder                     string    `json:"folder,omitempty"`
	CASServer                  string    `json:"casServer,omitempty"`
	OfficeRegion               string    `json:"officeRegion,omitempty"`
	OfficeOrganizationName     string    `json:"officeOrganizationName,omitempty"`
	ChangedItems               bool      `json:"changedItems"`
	DeletedItems               bool      `json:"deletedItems"`
	MarkRestoredAsUnread       bool      `json:"markRestoredAsUnread"`
	ExcludeDrafts              bool      `json:"excludeDrafts"`
	ExcludeDeletedItems        bool      `json:"excludeDeletedItems"`
	ExcludeInPlaceHoldItems    bool      `json:"excludeInPlaceHoldItems"`
	ExcludeLitigationHoldItems bool      `json:"excludeLitigationHoldItems"`
	Items                      []itemRef `json:"items,omitempty"`
}

type restoreBody struct {
	*credentialsBody
	Items []itemRef `json:"items,omitempty"`
}

// RestoreOutcome is the server's answer to a mailbox restore (Restore,
// RestoreTo).
type RestoreOutcome = Outcome[RestoreStatistics]

// RestoreStatistics counts what a restore did (RESTItemsRestoreStatistics,
// RESTFoldersRestoreStatistics).
type RestoreStatistics struct {
	CreatedItemsCount   int      `json:"createdItemsCount"`
	MergedItemsCount    int      `json:"mergedItemsCount"`
	FailedItemsCount    int      `json:"failedItemsCount"`
	SkippedItemsCount   int      `json:"skippedItemsCount"`
	FailedFoldersCount  int      `json:"failedFoldersCount"`
	Exceptions          []string `json:"exceptions"`
	Warnings            []string `json:"warnings"`
	CannotContinueError string   `json:"cannotContinueError"`
}

// Restore restores items, an item, a folder or a whole mailbox to where
// they were (the restore endpoints). It needs an administrator's login.
//
// Retry class: unsafe. It is re-sent only when the server provably did not
// act; after other failures the error matches ErrOutcomeUnknown.
func (s *MailboxesService) Restore(ctx context.Context, sessionID, mailboxID string, scope Scope, req *RestoreRequest) (*RestoreOutcome, error) {
	path, refs, err := scope.path("Restore", anyScope, sessionID, mailboxID, "restore")
	if err != nil {
		return nil, err
	}
	body := restoreBody{Items: refs}
	var secrets []string
	if req != nil {
		if err := req.Credentials.check("req.Credentials"); err != nil {
			return nil, err
		}
		body.credentialsBody, secrets = req.Credentials.body(), req.Credentials.secrets()
	}
	return s.restore(ctx, "Restore", path, body, secrets)
}

// RestoreTo restores items, an item, a folder or a whole mailbox to another
// mailbox (the restoreTo endpoints). It needs an administrator's login.
//
// Retry class: unsafe, as Restore.
func (s *MailboxesService) RestoreTo(ctx context.Context, sessionID, mailboxID string, scope Scope, req *RestoreToRequest) (*RestoreOutcome, error) {
	path, refs, err := scope.path("RestoreTo", anyScope, sessionID, mailboxID, "restoreTo")
	if err != nil {
		return nil, err
	}
	if req == nil {
		return nil, invalidArg("req", "must not be nil")
	}
	if strings.TrimSpace(req.Mailbox) == "" {
		return nil, invalidArg("req.Mailbox", "must name the target mailbox")
	}
	if err := checkRegion("req.OfficeRegion", req.OfficeRegion); err != nil {
		return nil, err
	}
	if err := req.Credentials.check("req.Credentials"); err != nil {
		return nil, err
	}
	return s.restore(ctx, "RestoreTo", path, restoreToBody{
		credentialsBody:            req.Credentials.body(),
		Mailbox:                    req.Mailbox,
		Folder:                     req.Folder,
		CASServer:                  req.CASServer,
		OfficeRegion:               req.OfficeRegion,
		OfficeOrganizationName:     req.OfficeOrganizationName,
		ChangedItems:               req.ChangedItems,
		DeletedItems:               req.DeletedItems,
		MarkRestoredAsUnread:       req.MarkRestoredAsUnread,
		ExcludeDrafts:              req.ExcludeDrafts,
		ExcludeDeletedItems:        req.ExcludeDeletedItems,
		ExcludeInPlaceHoldItems:    req.ExcludeInPlaceHoldItems,
		ExcludeLitigationHoldItems: req.ExcludeLitigationHoldItems,
		Items:                      refs,
	}, req.Credentials.secrets())
}

// restore sends a restore's body; secrets are the credentials' values it
// carries, kept out of errors.
func (s *MailboxesService) restore(ctx context.Context, op, path string, body any, secrets []string) (*RestoreOutcome, error) {
	return sendRestore[RestoreStatistics](ctx, s.client, op, path, body, secrets)
}

// RestoreMailboxesRequest says how to restore whole mailboxes to where they
// were (RestBulkRestoreOptions).
type RestoreMailboxesRequest struct {
	// Credentials, when set, are the Microsoft 365 account or application
	// to restore with (sent as office365UserName, office365UserPassword and
	// the application fields).
	Credentials *RestoreCredentials
	// OnPremises, when set, is the account for mailboxes on an
	// on-premises Exchange server.
	OnPremises *OnPremisesCredentials
	// CASServer is an on-premises Client Access server.
	CASServer string

	// ChangedItems restores items that changed since the backup.
	ChangedItems bool
	// DeletedItems restores items missing from the mailbox.
	DeletedItems bool
	// MarkRestoredAsUnread marks the restored items unread.
	MarkRestoredAsUnread bool
	// SkipUnresolved skips the mailboxes the server cannot resolve instead
	// of failing the restore.
	SkipUnresolved bool
	// ExcludeDrafts, ExcludeDeletedItems, ExcludeInPlaceHoldItems and
	// ExcludeLitigationHoldItems leave those items out.
	ExcludeDrafts              bool
	ExcludeDeletedItems        bool
	ExcludeInPlaceHoldItems    bool
	ExcludeLitigationHoldItems bool
}

// OnPremisesCredentials are an on-premises Exchange account. The password
// is a Secret: never printed or logged.
type OnPremisesCredentials struct {
	DomainName string
	UserName   string
	Password   Secret
}

// String shows the credentials with the password hidden.
func (oc OnPremisesCredentials) String() string {
	return "{DomainName:" + oc.DomainName + " UserName:" + oc.UserName + " Password:" + oc.Password.String() + "}"
}

// GoString is String, for %#v.
func (oc OnPremisesCredentials) GoString() string { return "vb365.OnPremisesCredentials" + oc.String() }

// Format implements fmt.Formatter, as RestoreCredentials.Format.
func (oc OnPremisesCredentials) Format(f fmt.State, verb rune) { formatRedacted(f, verb, oc) }

type restoreMailboxesBody struct {
	Mailboxes                      []itemRef `json:"mailboxes"`
	CASServer                      string    `json:"casServer,omitempty"`
	ChangedItems                   bool      `json:"changedItems"`
	DeletedItems                   bool      `json:"deletedItems"`
	MarkRestoredAsUnread           bool      `json:"markRestoredAsUnread"`
	SkipUnresolved                 bool      `json:"skipUnresolved"`
	ExcludeDrafts                  bool      `json:"excludeDrafts"`
	ExcludeDeletedItems            bool      `json:"excludeDeletedItems"`
	ExcludeInPlaceHoldItems        bool      `json:"excludeInPlaceHoldItems"`
	ExcludeLitigationHoldItems     bool      `json:"excludeLitigationHoldItems"`
	Office365UserName              string    `json:"office365UserName,omitempty"`
	Office365UserPassword          string    `json:"office365UserPassword,omitempty"`
	UserCode                       string    `json:"userCode,omitempty"`
	ApplicationID                  string    `json:"applicationId,omitempty"`
	ApplicationCertificate         []byte    `json:"applicationCertificate,omitempty"`
	ApplicationCertificatePassword string    `json:"applicationCertificatePassword,omitempty"`
	ImpersonationAccountName       string    `json:"impersonationAccountName,omitempty"`
	DomainName                     string    `json:"domainName,omitempty"`
	OnPremisesUserName             string    `json:"onPremisesUserName,omitempty"`
	OnPremisesUserPassword         string    `json:"onPremisesUserPassword,omitempty"`
}

// BulkRestoreOutcome is the server's answer to RestoreMailboxes:
// statistics per mailbox from servers up to v7, a session that follows the
// restore from v8 servers (see also RestoreSessions.Statistics).
type BulkRestoreOutcome = Outcome[BulkRestoreStatistics]

// BulkRestoreStatistics is what a restore of whole mailboxes did
// (RESTBulkRestoreStatistics).
type BulkRestoreStatistics struct {
	// Status is "Success", "Warning" or "Failed".
	Status  string                     `json:"status"`
	Error   string                     `json:"error"`
	Details []MailboxRestoreStatistics `json:"details"`
}

// MailboxRestoreStatistics is what a bulk restore did with one mailbox
// (RESTBulkMailboxRestoreStatistics).
type MailboxRestoreStatistics struct {
	Mailbox Mailbox           `json:"mailbox"`
	Status  string            `json:"status"`
	Error   string            `json:"error"`
	Details RestoreStatistics `json:"details"`
}

// RestoreMailboxes restores whole mailboxes of a restore session to where
// they were (POST /vN/RestoreSessions/{id}/organization/mailboxes/restore).
// It needs an administrator's login.
//
// Retry class: unsafe, as Restore.
func (s *MailboxesService) RestoreMailboxes(ctx context.Context, sessionID string, mailboxIDs []string, req *RestoreMailboxesRequest) (*BulkRestoreOutcome, error) {
	path, err := idPath("/RestoreSessions/{}/organization/mailboxes/restore", "sessionID", sessionID)
	if err != nil {
		return nil, err
	}
	refs, err := itemRefs("mailboxIDs", mailboxIDs)
	if err != nil {
		return nil, err
	}
	if req == nil {
		req = &RestoreMailboxesRequest{}
	}
	if err := req.Credentials.check("req.Credentials"); err != nil {
		return nil, err
	}
	body := restoreMailboxesBody{
		Mailboxes:                  refs,
		CASServer:                  req.CASServer,
		ChangedItems:               req.ChangedItems,
		DeletedItems:               req.DeletedItems,
		MarkRestoredAsUnread:       req.MarkRestoredAsUnread,
		SkipUnresolved:             req.SkipUnresolved,
		ExcludeDrafts:              req.ExcludeDrafts,
		ExcludeDeletedItems:        req.ExcludeDeletedItems,
		ExcludeInPlaceHoldItems:    req.ExcludeInPlaceHoldItems,
		ExcludeLitigationHoldItems: req.ExcludeLitigationHoldItems,
	}
	if rc := req.Credentials; rc != nil {
		body.Office365UserName, body.Office365UserPassword = rc.UserName, string(rc.UserPassword)
		body.UserCode, body.ApplicationID = rc.UserCode, rc.ApplicationID
		body.ApplicationCertificate = rc.ApplicationCertificate
		body.ApplicationCertificatePassword = string(rc.ApplicationCertificatePassword)
		body.ImpersonationAccountName = rc.ImpersonationAccountName
	}
	secrets := req.Credentials.secrets()
	if op := req.OnPremises; op != nil {
		body.DomainName, body.OnPremisesUserName, body.OnPremisesUserPassword = op.DomainName, op.UserName, string(op.Password)
		secrets = append(secrets, string(op.Password))
	}
	return sendRestore[BulkRestoreStatistics](ctx, s.client, "RestoreMailboxes", path, body, secrets)
}

// SendRequest is the message that carries items sent to an address other
// than the default one.
type SendRequest struct {
	From, To, Subject, Text string
}

// SendToDefaultAddress mails items, or one item, as attachments to the
// address set on the server.
//
// Retry class: unsafe: a message sent twice arrives twice.
func (s *MailboxesService) SendToDefaultAddress(ctx context.Context, sessionID, mailboxID string, scope Scope) error {
	path, refs, err := scope.path("SendToDefaultAddress", itemScope, sessionID, mailboxID, "sendToDefaultAddress")
	if err != nil {
		return err
	}
	var b []byte
	if refs != nil {
		b, _ = json.Marshal(struct {
			Items []itemRef `json:"items"`
		}{refs})
	}
	return s.send(ctx, "SendToDefaultAddress", path, b)
}

// SendToDifferentAddress mails items, or one item, as attachments to
// req.To.
//
// Retry class: unsafe: a message sent twice arrives twice.
func (s *MailboxesService) SendToDifferentAddress(ctx context.Context, sessionID, mailboxID string, scope Scope, req *SendRequest) error {
	path, refs, err := scope.path("SendToDifferentAddress", itemScope, sessionID, mailboxID, "sendToDifferentAddress")
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
		Items   []itemRef `json:"items,omitempty"`
		From    string    `json:"from,omitempty"`
		To      string    `json:"to"`
		Subject string    `json:"subject,omitempty"`
		Text    string    `json:"text,omitempty"`
	}{refs, req.From, req.To, req.Subject, req.Text})
	return s.send(ctx, "SendToDifferentAddress", path, b)
}

func (s *MailboxesService) send(ctx context.Context, op, path string, body []byte) error {
	return sendMessage(ctx, s.client, op, path, body)
}

// GetItem returns one item of a mailbox.
func (s *MailboxesService) GetItem(ctx context.Context, sessionID, mailboxID, itemID string) (*Item, error) {
	path, err := idPath("/RestoreSessions/{}/organization/mailboxes/{}/items/{}", "sessionID", sessionID, "mailboxID", mailboxID, "itemID", itemID)
	w, err := call[itemWire](ctx, s.client, &request{op: "Mailboxes.GetItem", method: "GET", path: path}, err)
	if err != nil {
		return nil, err
	}
	return w.fix(mailboxID, ""), nil
}

// GetFolder returns one folder of a mailbox.
func (s *MailboxesService) GetFolder(ctx context.Context, sessionID, mailboxID, folderID string) (*Folder, error) {
	path, err := idPath("/RestoreSessions/{}/organization/mailboxes/{}/folders/{}", "sessionID", sessionID, "mailboxID", mailboxID, "folderID", folderID)
	w, err := call[folderWire](ctx, s.client, &request{op: "Mailboxes.GetFolder", method: "GET", path: path}, err)
	if err != nil {
		return nil, err
	}
	return w.fix(mailboxID, ""), nil
}

// SearchOptions narrows a search and selects its pages.
type SearchOptions struct {
	ListOptions
	// FolderID searches one folder of the mailbox (Search only).
	FolderID string
}

// Search iterates over the items of a mailbox, or of one of its folders,
// that match query (POST .../mailboxes/{id}/search). query is the server's
// "criteria:value" search language, such as `subject:invoice from:bob`.
// The pages of one search share the server's result set (setId).
func (s *MailboxesService) Search(ctx context.Context, sessionID, mailboxID, query string, opts *SearchOptions) iter.Seq2[Item, error] {
	format, ids := "/RestoreSessions/{}/organization/mailboxes/{}/search", []string{"sessionID", sessionID, "mailboxID", mailboxID}
	if opts != nil && opts.FolderID != "" {
		format = "/RestoreSessions/{}/organization/mailboxes/{}/folders/{}/search"
		ids = append(ids, "opts.FolderID", opts.FolderID)
	}
	path, err := idPath(format, ids...)
	return s.search(ctx, "Mailboxes.Search", path, mailboxID, query, opts, err)
}

// SearchAll iterates over the items of every mailbox in the session that
// match query (POST .../organization/mailboxes/search). Each hit carries
// its MailboxID and FolderID on every API version, so it can go to
// OperatorRestore as it is.
func (s *MailboxesService) SearchAll(ctx context.Context, sessionID, query string, opts *ListOptions) iter.Seq2[Item, error] {
	path, err := idPath("/RestoreSessions/{}/organization/mailboxes/search", "sessionID", sessionID)
	var so *SearchOptions
	if opts != nil {
		so = &SearchOptions{ListOptions: *opts}
	}
	return s.search(ctx, "Mailboxes.SearchAll", path, "", query, so, err)
}

// search sends a search; mailboxID is the mailbox searched, "" for every
// mailbox. A folder's search covers its subfolders, so the folder searched
// is not the hits' folder: that comes from their links.
func (s *MailboxesService) search(ctx context.Context, op, path, mailboxID, query string, opts *SearchOptions, err error) iter.Seq2[Item, error] {
	if err == nil && strings.TrimSpace(query) == "" {
		err = invalidArg("query", "must not be empty")
	}
	body, _ := json.Marshal(struct {
		Query string `json:"query"`
	}{query})
	var lo *ListOptions
	if opts != nil {
		lo = &opts.ListOptions
	}
	l := lister{c: s.client, op: op, path: path, method: "POST", body: body, keepSet: true}
	if mailboxID == "" {
		return listAllAs(ctx, l, lo, err, (*hitWire).fix)
	}
	return listAllAs(ctx, l, lo, err, func(w *itemWire) *Item { return w.fix(mailboxID, "") })
}
