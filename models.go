package vb365

import (
	"encoding/json"
	"time"
)

// The models keep the JSON names of the server's OpenAPI description. Enum
// fields are open string types: a value this SDK does not know is kept as it
// comes. null decodes to the zero value anywhere.

// SessionType is the kind of data a restore session explores.
type SessionType string

// Restore session types.
const (
	SessionTypeExchange   SessionType = "Vex"
	SessionTypeOneDrive   SessionType = "Veod"
	SessionTypeSharePoint SessionType = "Vesp"
	SessionTypeTeams      SessionType = "Vet"
)

// SessionState is the state of a restore session.
type SessionState string

// Restore session states documented by the server.
const (
	SessionStateWorking SessionState = "Working"
	SessionStateStopped SessionState = "Stopped"
)

// SessionResult is the result of a restore session.
type SessionResult string

// Restore session results.
const (
	SessionResultSuccess SessionResult = "Success"
	SessionResultWarning SessionResult = "Warning"
	SessionResultFailed  SessionResult = "Failed"
)

// RestoreSession is a restore session (RESTRestoreSession).
type RestoreSession struct {
	ID           string        `json:"id"`
	Name         string        `json:"name"`
	Organization string        `json:"organization"`
	Type         SessionType   `json:"type"`
	CreationTime time.Time     `json:"creationTime"`
	EndTime      *time.Time    `json:"endTime"`
	State        SessionState  `json:"state"`
	Result       SessionResult `json:"result"`
	InitiatedBy  string        `json:"initiatedBy"`
	Details      string        `json:"details"`
	ScopeName    string        `json:"scopeName"`
	ClientHost   string        `json:"clientHost"`
	Reason       string        `json:"reason"`
	// ETag is sent by v8 servers only.
	ETag *int64 `json:"eTag"`
}

// EventType is the kind of action a restore session event records.
type EventType string

// Restore session event types.
const (
	EventTypeNone    EventType = "None"
	EventTypeSave    EventType = "Save"
	EventTypeExport  EventType = "Export"
	EventTypeSend    EventType = "Send"
	EventTypeRestore EventType = "Restore"
	EventTypeView    EventType = "View"
)

// EventStatus is the status of a restore session event.
type EventStatus string

// Restore session event statuses.
const (
	EventStatusRunning   EventStatus = "Running"
	EventStatusSuccess   EventStatus = "Success"
	EventStatusWarning   EventStatus = "Warning"
	EventStatusFailed    EventStatus = "Failed"
	EventStatusCancelled EventStatus = "Cancelled"
	EventStatusSkipped   EventStatus = "Skipped"
)

// RestoreSessionEvent is one event of a restore session
// (RESTRestoreSessionEvent): the server records restores, exports and sends
// as events.
type RestoreSessionEvent struct {
	ID            string      `json:"id"`
	Type          EventType   `json:"type"`
	Status        EventStatus `json:"status"`
	StartTime     time.Time   `json:"startTime"`
	EndTime       *time.Time  `json:"endTime"`
	Duration      string      `json:"duration"`
	Title         string      `json:"title"`
	Message       string      `json:"message"`
	Order         int         `json:"order"`
	ItemName      string      `json:"itemName"`
	ItemType      string      `json:"itemType"`
	ItemSizeBytes int64       `json:"itemSizeBytes"`
	Source        string      `json:"source"`
	Target        string      `json:"target"`
}

// RestoreSessionStatistics is what the restores of a restore session did
// (RESTRestoreSessionStatistics, v8 only): on v8 a restore answers with a
// session ID, and these counts are its result.
type RestoreSessionStatistics struct {
	TotalItemsCount    int64    `json:"totalItemsCount"`
	RestoredItemsCount int64    `json:"restoredItemsCount"`
	FailedItemsCount   int64    `json:"failedItemsCount"`
	SkippedItemsCount  int64    `json:"skippedItemsCount"`
	Warnings           []string `json:"warnings"`
	Errors             []string `json:"errors"`
	// Items has a detail for each object the restores processed, when the
	// server has them.
	Items []RestoreDetail `json:"items"`
}

// RestoreDetail is what a restore did with one object
// (RESTItemRestoreDetailsComposed); the mailbox fields are set for whole
// mailboxes (Type "BulkMailbox").
type RestoreDetail struct {
	ID string `json:"id"`
	// Type is "Item", "BulkMailbox" or "BulkOneDrive".
	Type     string `json:"itemRestoreDetailsType"`
	Title    string `json:"title"`
	Name     string `json:"name"`
	ItemType string `json:"itemType"`
	// Status is "Success", "Warning", "Failed" or "Skipped".
	Status   string   `json:"status"`
	Error    string   `json:"error"`
	Path     string   `json:"path"`
	Warnings []string `json:"warnings"`

	MailboxEmail               string `json:"mailboxEmail"`
	MailboxIsArchive           bool   `json:"mailboxIsArchive"`
	MailboxIsPublic            bool   `json:"mailboxIsPublic"`
	CreatedMailboxItemsCount   int64  `json:"createdMailboxItemsCount"`
	MergedMailboxItemsCount    int64  `json:"mergedMailboxItemsCount"`
	FailedMailboxItemsCount    int64  `json:"failedMailboxItemsCount"`
	SkippedMailboxItemsCount   int64  `json:"skippedMailboxItemsCount"`
	CannotContinueMailboxError string `json:"cannotContinueMailboxError"`

	// ChildItems details the objects within this one, when the server has them.
	ChildItems []RestoreDetail `json:"childItems"`
}

// RestorePortalSettings tells how Restore Portal is set up
// (RESTRestorePortalSettings): ApplicationID is the Microsoft Entra
// application whose access_as_user token a restore operator presents.
type RestorePortalSettings struct {
	ApplicationID    string `json:"applicationId"`
	MSALAuthorityURI string `json:"msalAuthorityUri"`
	IsEnabled        bool   `json:"isEnabled"`
}

// Mailbox is a backed-up mailbox in a restore session (RESTExchangeMailbox).
type Mailbox struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	IsArchive bool   `json:"isArchive"`
	IsPublic  bool   `json:"isPublic"`
}

// FolderType is the kind of items a mailbox folder holds.
type FolderType string

// Folder types. Mail folders are FolderTypeNone.
const (
	FolderTypeNone        FolderType = "None"
	FolderTypeJournal     FolderType = "Journal"
	FolderTypeTask        FolderType = "Task"
	FolderTypeStickyNote  FolderType = "StickyNote"
	FolderTypeContact     FolderType = "Contact"
	FolderTypeAppointment FolderType = "Appointment"
)

// FolderCategory is a well-known mailbox folder ("Inbox", "Sent", ...), or
// "None" for a folder of the user's own.
type FolderCategory string

// Some folder categories; see the OpenAPI description for all of them.
const (
	FolderCategoryNone    FolderCategory = "None"
	FolderCategoryInbox   FolderCategory = "Inbox"
	FolderCategoryOutbox  FolderCategory = "Outbox"
	FolderCategorySent    FolderCategory = "Sent"
	FolderCategoryDeleted FolderCategory = "Deleted"
	FolderCategoryDrafts  FolderCategory = "Drafts"
	FolderCategoryJunk    FolderCategory = "Junk"
)

// Folder is a mailbox folder (RESTExchangeFolder). Folder IDs are opaque
// strings that may contain '+', '/' and '='; the SDK escapes them.
type Folder struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Type        FolderType     `json:"type"`
	Category    FolderCategory `json:"category"`
	// MailboxID is the folder's mailbox: v8 servers send it, and on v6 and
	// v7 the SDK sets the mailbox it asked.
	MailboxID string `json:"mailboxId"`
	// ParentID is the ID of the folder that holds this one, "" for a
	// top-level folder, so that the tree can be rebuilt from one listing
	// of the whole tree (Folders with no ParentID). No API version has a
	// field for it: the SDK reads it from the folder's parent link
	// (_links.parent), and for the subfolders of a given parent it is that
	// parent.
	ParentID string `json:"-"`
}

// Importance is the importance of a message.
type Importance string

// Message importance levels.
const (
	ImportanceLow    Importance = "Low"
	ImportanceNormal Importance = "Normal"
	ImportanceHigh   Importance = "High"
)

// Attachment names an attachment of an item.
type Attachment struct {
	Name      string `json:"name"`
	SizeBytes int64  `json:"sizeBytes"`
}

// Item is a mailbox item (RESTExchangeItemsComposed): a message,
// appointment, contact, task, journal entry, sticky note or discussion, told
// apart by ItemClass ("IPM.Note", "IPM.Appointment", ...). Fields that do
// not apply to the kind are empty. Item IDs are opaque strings that may
// contain '+', '/' and '='; the SDK escapes them.
type Item struct {
	ID        string `json:"id"`
	ItemClass string `json:"itemClass"`
	Subject   string `json:"subject"`
	// MailboxID is the item's mailbox, so that a hit of SearchAll can go
	// to OperatorRestore as it is. v8 servers send it; on v6 and v7 the
	// SDK sets the mailbox it asked, or reads it from the item's mailbox
	// link (_links.mailbox).
	MailboxID string `json:"mailboxId"`
	// FolderID is the folder that holds the item, read from the item's
	// folder (or parent) link; no API version has a field for it. It is ""
	// when the server sends neither link, except in a listing of one
	// folder (ItemListOptions.FolderID), where it is that folder.
	FolderID string `json:"-"`

	// Messages and discussions.
	From        string       `json:"from"`
	To          string       `json:"to"`
	Cc          string       `json:"cc"`
	Bcc         string       `json:"bcc"`
	Sent        time.Time    `json:"sent"`
	Received    time.Time    `json:"received"`
	Reminder    bool         `json:"reminder"`
	Importance  Importance   `json:"importance"`
	Attachments []Attachment `json:"attachments"`
	PostedOn    time.Time    `json:"postedOn"`

	// Appointments and journal entries.
	Organizer               string    `json:"organizer"`
	Attendees               string    `json:"attendees"`
	StartTime               time.Time `json:"startTime"`
	EndTime                 time.Time `json:"endTime"`
	Location                string    `json:"location"`
	Recurring               bool      `json:"recurring"`
	RecurrencePatternFormat string    `json:"recurrencePatternFormat"`
	Duration                int       `json:"duration"`
	EntryType               string    `json:"entryType"`

	// Contacts.
	Name          string `json:"name"`
	Address       string `json:"address"`
	BusinessPhone string `json:"businessPhone"`
	Company       string `json:"company"`
	DisplayAs     string `json:"displayAs"`
	Email         string `json:"email"`
	Fax           string `json:"fax"`
	FileAs        string `json:"fileAs"`
	FullName      string `json:"fullName"`
	HomePhone     string `json:"homePhone"`
	IMAddress     string `json:"imAddress"`
	JobTitle      string `json:"jobTitle"`
	Mobile        string `json:"mobile"`
	WebPage       string `json:"webPage"`

	// Sticky notes.
	Date time.Time `json:"date"`

	// Tasks.
	Status          string    `json:"status"`
	PercentComplete float64   `json:"percentComplete"`
	StartDate       time.Time `json:"startDate"`
	DueDate         time.Time `json:"dueDate"`
	Owner           string    `json:"owner"`
}

// RbacItemType is the kind of object an RbacItem names.
type RbacItemType string

// RBAC item types.
const (
	RbacItemUser  RbacItemType = "User"
	RbacItemGroup RbacItemType = "Group"
	RbacItemSite  RbacItemType = "Site"
	RbacItemTeam  RbacItemType = "Team"
)

// RbacItem names the object a restore operator explores
// (RESTRbacItemComposed): set Type and ID, and the matching one of User,
// Group, Site or Team.
type RbacItem struct {
	Type  RbacItemType `json:"type"`
	ID    string       `json:"id"`
	User  *RbacUser    `json:"user,omitempty"`
	Group *RbacGroup   `json:"group,omitempty"`
	Site  *RbacSite    `json:"site,omitempty"`
	// Team is the team of a Type RbacItemTeam scope. Teams are scopes from
	// v7 on: on v6, a Team scope is refused with ErrInvalidArgument.
	Team *RbacTeam `json:"team,omitempty"`
}

// RbacUser is a user in an RBAC scope (RESTRbacUser). Name is the e-mail
// address.
type RbacUser struct {
	ID string `json:"id"`
	// OnPremisesSID is the user's security identifier in an on-premises
	// organization (v7 and later: refused with ErrInvalidArgument on v6).
	OnPremisesSID string `json:"onPremisesSid,omitempty"`
	DisplayName   string `json:"displayName"`
	Name          string `json:"name"`
	// Type is "User", "SharedMailbox" or "PublicMailbox"; empty is sent as
	// null, which the description allows, rather than as "", which is no
	// type.
	Type string `json:"type"`
}

// MarshalJSON sends an empty Type as null.
func (u RbacUser) MarshalJSON() ([]byte, error) {
	type plain RbacUser
	return json.Marshal(struct {
		plain
		Type *string `json:"type"`
	}{plain(u), nullable(u.Type)})
}

// RbacGroup is a group in an RBAC scope (RESTRbacGroup).
type RbacGroup struct {
	ID string `json:"id"`
	// OnPremisesSID is the group's security identifier in an on-premises
	// organization (v7 and later: refused with ErrInvalidArgument on v6).
	OnPremisesSID string `json:"onPremisesSid,omitempty"`
	DisplayName   string `json:"displayName"`
	Name          string `json:"name"`
	// Type is "Office365", "Security", "Distribution",
	// "DynamicDistribution" or "Unknown"; empty is sent as null.
	Type string `json:"type"`
}

// MarshalJSON sends an empty Type as null.
func (g RbacGroup) MarshalJSON() ([]byte, error) {
	type plain RbacGroup
	return json.Marshal(struct {
		plain
		Type *string `json:"type"`
	}{plain(g), nullable(g.Type)})
}

// nullable is s, or nil (JSON null) for "".
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// RbacTeam is a Microsoft Teams team in an RBAC scope (RESTRbacTeam, v7
// and later). The description requires every field.
type RbacTeam struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	Description string `json:"description"`
	// Mail is the team's e-mail address.
	Mail string `json:"mail"`
}

// RbacSite is a SharePoint site in an RBAC scope (RESTRbacSite).
type RbacSite struct {
	ID         string `json:"id"`
	URL        string `json:"url"`
	Title      string `json:"title"`
	ParentURL  string `json:"parentUrl,omitempty"`
	IsCloud    bool   `json:"isCloud"`
	IsPersonal bool   `json:"isPersonal"`
}

// RestoreResult is the server's answer to a restore
// (RESTOperatorRestoreResponse): the ID of the restore session whose events
// follow the restore.
type RestoreResult struct {
	SessionID string `json:"sessionId"`
}

// DeviceCode is a Microsoft device code for a restore
// (RESTDeviceCodeResponse): open VerificationURL, enter UserCode and sign
// in with the account to restore with, then send the restore with
// RestoreCredentials.UserCode set to UserCode.
type DeviceCode struct {
	UserCode        string `json:"userCode"`
	VerificationURL string `json:"verificationUrl"`
	// ExpiresIn is the code's lifetime in seconds, from when the server
	// answered.
	ExpiresIn int64 `json:"expiresIn"`
	// Message says what to do with the code, in words for a person.
	Message string `json:"message"`
}

// Lifetime is ExpiresIn as a duration.
func (d *DeviceCode) Lifetime() time.Duration { return time.Duration(d.ExpiresIn) * time.Second }
