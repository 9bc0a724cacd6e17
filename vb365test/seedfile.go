package vb365test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// SeedData is seed data in JSON, the format of cmd/vb365-fake's
// --seed-file: the organization, its mailboxes, folders and items, and the
// credentials the server accepts. Read it with ParseSeed or LoadSeedFile,
// write one with SeedFromOrganization (cmd/vb365-fake --print-seed prints
// the built-in tenant, a starting point). A small file:
//
//	{
//	  "organizations": [{
//	    "name": "Fabrikam",
//	    "mailboxes": [{
//	      "name": "Erin Lee", "email": "erin@fabrikam.onmicrosoft.com",
//	      "folders": [{
//	        "name": "Inbox", "category": "Inbox",
//	        "items": [{"subject": "Hello", "from": "bob@fabrikam.com",
//	                   "to": "erin@fabrikam.onmicrosoft.com",
//	                   "received": "2026-11-02T09:00:00Z"}],
//	        "folders": [{"name": "Projects", "generatedMessages": 500}]
//	      }]
//	    }],
//	    "generatedMailboxes": 2000,
//	    "restorePoints": [{"backupTime": "2026-11-01T22:00:00Z"},
//	                      {"backupTime": "2026-11-08T22:00:00Z", "mailboxes": [0]}]
//	  }],
//	  "administrators": [{"username": "admin@fabrikam.onmicrosoft.com", "password": "secret"}],
//	  "operators": [{"clientId": "<userObjectId>.<tenantId>", "assertion": "token",
//	                 "name": "Help Desk", "scope": ["erin@fabrikam.onmicrosoft.com"]}]
//	}
//
// Fields are taken as written: an absent string is empty and an absent
// time is none (an item without "sent" has no sent time), except where a
// type's documentation gives a default. Unknown fields are refused, so a
// misspelled name is an error rather than data quietly missing. IDs are
// not in the file: they are derived from names and order as with
// NewOrganization and its Add methods, so the same file always gives the
// same IDs; read them from the API (list the mailboxes of a session).
type SeedData struct {
	// Organizations holds the backed-up organizations. The fake serves
	// one organization: exactly one is required.
	Organizations []SeedOrganization `json:"organizations"`
	// Administrators are the password-grant logins (WithUser); none
	// keeps DefaultUsername and DefaultPassword.
	Administrators []SeedAdministrator `json:"administrators,omitempty"`
	// Operators are the operator-grant logins (WithOperator); none keeps
	// DefaultOperatorClientID and DefaultOperatorAssertion.
	Operators []SeedOperator `json:"operators,omitempty"`
}

// SeedAdministrator is a password-grant login of SeedData.
type SeedAdministrator struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// SeedOperator is an operator-grant login of SeedData: client_id
// ("<userObjectId>.<tenantId>") and assertion, and optionally who the
// operator is and whom they may restore (WithOperatorScope).
type SeedOperator struct {
	ClientID  string `json:"clientId"`
	Assertion string `json:"assertion"`
	// Name is the operator's name (LoggedInUser); default as without
	// WithOperatorScope.
	Name string `json:"name,omitempty"`
	// Scope holds the mailbox addresses of the users the operator may
	// restore (EffectiveScope); absent means every user.
	Scope []string `json:"scope,omitempty"`
}

// SeedOrganization is an Organization of SeedData.
type SeedOrganization struct {
	// Name is required; the organization's ID derives from it.
	Name string `json:"name"`
	// Domain is the domain of generated mailboxes; default as
	// NewOrganization makes it.
	Domain string `json:"domain,omitempty"`
	// PortalApplicationID is RestorePortalSettings' applicationId;
	// default as NewOrganization makes it.
	PortalApplicationID string `json:"portalApplicationId,omitempty"`
	// Mailboxes, in order.
	Mailboxes []SeedMailbox `json:"mailboxes,omitempty"`
	// GeneratedMailboxes adds that many mailboxes after Mailboxes, as
	// Organization.AddMailboxes does (at most 1000000).
	GeneratedMailboxes int `json:"generatedMailboxes,omitempty"`
	// RestorePoints are the backups (Organization.AddRestorePoint), in
	// order; none means none.
	RestorePoints []SeedRestorePoint `json:"restorePoints,omitempty"`
}

// SeedRestorePoint is a RestorePoint of SeedData.
type SeedRestorePoint struct {
	// BackupTime is required.
	BackupTime time.Time `json:"backupTime"`
	// Mailboxes holds the positions (from 0) of the mailboxes backed up,
	// in the organization's mailboxes followed by the generated ones;
	// absent means all of them.
	Mailboxes []int `json:"mailboxes,omitempty"`
	// IsCopy, IsLongTermCopy and IsRetrieved set the kind of point.
	IsCopy         bool `json:"isCopy,omitempty"`
	IsLongTermCopy bool `json:"isLongTermCopy,omitempty"`
	IsRetrieved    bool `json:"isRetrieved,omitempty"`
}

// SeedMailbox is a Mailbox of SeedData.
type SeedMailbox struct {
	// Name and Email are required.
	Name  string `json:"name"`
	Email string `json:"email"`
	// IsArchive marks an in-place archive, IsPublic a public-folder
	// mailbox.
	IsArchive bool `json:"isArchive,omitempty"`
	IsPublic  bool `json:"isPublic,omitempty"`
	// Folders are the top-level folders, in order.
	Folders []SeedFolder `json:"folders,omitempty"`
}

// SeedFolder is a Folder of SeedData.
type SeedFolder struct {
	// Name is required.
	Name string `json:"name"`
	// Category is the spec category (Inbox, Sent, Deleted, Drafts, ...);
	// default "None".
	Category string `json:"category,omitempty"`
	// Type is the folder type (None, Appointment, Contact, Task, ...);
	// default "None".
	Type string `json:"type,omitempty"`
	// Description is free text.
	Description string `json:"description,omitempty"`
	// Items directly in the folder, in order.
	Items []SeedItem `json:"items,omitempty"`
	// GeneratedMessages adds that many messages after Items, as
	// Folder.AddMessages does (at most 1000000).
	GeneratedMessages int `json:"generatedMessages,omitempty"`
	// Folders are the subfolders, in order.
	Folders []SeedFolder `json:"folders,omitempty"`
}

// SeedItem is an Item of SeedData.
type SeedItem struct {
	// ItemClass is the MAPI class; default "IPM.Note".
	ItemClass string `json:"itemClass,omitempty"`
	Subject   string `json:"subject"`
	From      string `json:"from,omitempty"`
	To        string `json:"to,omitempty"`
	Cc        string `json:"cc,omitempty"`
	Bcc       string `json:"bcc,omitempty"`
	// Sent and Received are RFC 3339 times; absent is none.
	Sent     *time.Time `json:"sent,omitempty"`
	Received *time.Time `json:"received,omitempty"`
	// Importance is Low, Normal or High; default Normal.
	Importance  string           `json:"importance,omitempty"`
	Attachments []SeedAttachment `json:"attachments,omitempty"`
}

// SeedAttachment is an Attachment of SeedData.
type SeedAttachment struct {
	Name      string `json:"name"`
	SizeBytes int64  `json:"sizeBytes"`
}

// maxGenerated bounds the generated mailboxes and messages of one entry.
const maxGenerated = 1000000

// ParseSeed reads SeedData in JSON from r and checks it (see
// SeedData.Organization).
func ParseSeed(r io.Reader) (*SeedData, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var d SeedData
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("vb365test: seed data: %w", err)
	}
	if dec.More() {
		return nil, errors.New("vb365test: seed data: more than one JSON value")
	}
	if _, err := d.Organization(); err != nil {
		return nil, err
	}
	return &d, nil
}

// LoadSeedFile reads SeedData from the JSON file at path.
func LoadSeedFile(path string) (*SeedData, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("vb365test: seed data: %w", err)
	}
	d, err := ParseSeed(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return d, nil
}

// Organization builds the Organization d describes. Each call builds a new,
// identical one. It fails when d has not exactly one organization, or when
// a required field is empty or a count out of range.
func (d *SeedData) Organization() (*Organization, error) {
	if len(d.Organizations) != 1 {
		return nil, fmt.Errorf("vb365test: seed data: %d organizations; the fake serves exactly one", len(d.Organizations))
	}
	so := d.Organizations[0]
	if so.Name == "" {
		return nil, errors.New("vb365test: seed data: organizations[0].name is required")
	}
	o := NewOrganization(so.Name)
	if so.Domain != "" {
		o.Domain = so.Domain
	}
	if so.PortalApplicationID != "" {
		o.PortalApplicationID = so.PortalApplicationID
	}
	for i, sm := range so.Mailboxes {
		where := fmt.Sprintf("organizations[0].mailboxes[%d]", i)
		if sm.Name == "" || sm.Email == "" {
			return nil, fmt.Errorf("vb365test: seed data: %s: name and email are required", where)
		}
		m := o.AddMailbox(sm.Name, sm.Email)
		m.IsArchive, m.IsPublic = sm.IsArchive, sm.IsPublic
		for j, sf := range sm.Folders {
			if err := addSeedFolder(m.AddFolder, sf, fmt.Sprintf("%s.folders[%d]", where, j)); err != nil {
				return nil, err
			}
		}
	}
	if n := so.GeneratedMailboxes; n < 0 || n > maxGenerated {
		return nil, fmt.Errorf("vb365test: seed data: organizations[0].generatedMailboxes must be between 0 and %d", maxGenerated)
	}
	o.AddMailboxes(so.GeneratedMailboxes)
	all := o.Mailboxes()
	for i, sp := range so.RestorePoints {
		if sp.BackupTime.IsZero() {
			return nil, fmt.Errorf("vb365test: seed data: organizations[0].restorePoints[%d].backupTime is required", i)
		}
		var mbs []*Mailbox
		for _, k := range sp.Mailboxes {
			if k < 0 || k >= len(all) {
				return nil, fmt.Errorf("vb365test: seed data: organizations[0].restorePoints[%d].mailboxes: no mailbox %d (there are %d)", i, k, len(all))
			}
			mbs = append(mbs, all[k])
		}
		if sp.Mailboxes != nil && len(mbs) == 0 {
			return nil, fmt.Errorf("vb365test: seed data: organizations[0].restorePoints[%d].mailboxes is empty; leave it out for all", i)
		}
		p := o.AddRestorePoint(sp.BackupTime, mbs...)
		p.IsCopy, p.IsLongTermCopy, p.IsRetrieved = sp.IsCopy, sp.IsLongTermCopy, sp.IsRetrieved
	}
	for i, a := range d.Administrators {
		if a.Username == "" {
			return nil, fmt.Errorf("vb365test: seed data: administrators[%d].username is required", i)
		}
	}
	for i, op := range d.Operators {
		if op.ClientID == "" || op.Assertion == "" {
			return nil, fmt.Errorf("vb365test: seed data: operators[%d]: clientId and assertion are required", i)
		}
	}
	return o, nil
}

func addSeedFolder(add func(name, category string) *Folder, sf SeedFolder, where string) error {
	if sf.Name == "" {
		return fmt.Errorf("vb365test: seed data: %s.name is required", where)
	}
	f := add(sf.Name, sf.Category)
	if sf.Type != "" {
		f.Type = sf.Type
	}
	f.Description = sf.Description
	for _, si := range sf.Items {
		var received time.Time
		if si.Received != nil {
			received = *si.Received
		}
		it := f.AddMessage(si.Subject, si.From, received)
		if si.ItemClass != "" {
			it.ItemClass = si.ItemClass
		}
		it.To, it.Cc, it.Bcc = si.To, si.Cc, si.Bcc
		it.Sent = time.Time{}
		if si.Sent != nil {
			it.Sent = *si.Sent
		}
		if si.Importance != "" {
			it.Importance = si.Importance
		}
		for _, a := range si.Attachments {
			it.Attachments = append(it.Attachments, Attachment(a))
		}
	}
	if n := sf.GeneratedMessages; n < 0 || n > maxGenerated {
		return fmt.Errorf("vb365test: seed data: %s.generatedMessages must be between 0 and %d", where, maxGenerated)
	}
	f.AddMessages(sf.GeneratedMessages)
	for j, sub := range sf.Folders {
		if err := addSeedFolder(f.AddFolder, sub, fmt.Sprintf("%s.folders[%d]", where, j)); err != nil {
			return err
		}
	}
	return nil
}

// Options returns the server options d stands for: WithOrganization, and
// WithUser and WithOperator for its credentials.
func (d *SeedData) Options() ([]Option, error) {
	o, err := d.Organization()
	if err != nil {
		return nil, err
	}
	opts := []Option{WithOrganization(o)}
	for _, a := range d.Administrators {
		opts = append(opts, WithUser(a.Username, a.Password))
	}
	for _, op := range d.Operators {
		opts = append(opts, WithOperator(op.ClientID, op.Assertion))
		if op.Name == "" && op.Scope == nil {
			continue
		}
		scope := op.Scope
		if scope == nil {
			for _, m := range o.Mailboxes() {
				scope = append(scope, m.Email)
			}
		}
		name := op.Name
		switch {
		case name != "":
		case strings.EqualFold(op.ClientID, DefaultOperatorClientID):
			name = DefaultOperatorName // the names operators without a scope have
		default:
			name = op.ClientID
		}
		opts = append(opts, WithOperatorScope(op.ClientID, name, scope...))
	}
	return opts, nil
}

// SeedFromOrganization returns the SeedData of org, without credentials:
// SeedData.Organization of the result builds an organization with the same
// data, and the same IDs when org's folders were added depth first (each
// folder's subfolders before its next sibling, as DefaultOrganization
// does), since a folder's ID counts the folders added before it in its
// mailbox. Generated mailboxes and messages are written out one by one;
// restore points follow.
func SeedFromOrganization(org *Organization) *SeedData {
	so := SeedOrganization{Name: org.Name, Domain: org.Domain, PortalApplicationID: org.PortalApplicationID}
	for _, m := range org.mailboxes {
		sm := SeedMailbox{Name: m.Name, Email: m.Email, IsArchive: m.IsArchive, IsPublic: m.IsPublic}
		for _, f := range m.folders {
			sm.Folders = append(sm.Folders, seedFolder(f))
		}
		so.Mailboxes = append(so.Mailboxes, sm)
	}
	pos := map[*Mailbox]int{}
	for i, m := range org.mailboxes {
		pos[m] = i
	}
	for _, p := range org.points {
		sp := SeedRestorePoint{BackupTime: p.BackupTime, IsCopy: p.IsCopy, IsLongTermCopy: p.IsLongTermCopy, IsRetrieved: p.IsRetrieved}
		for _, m := range p.mailboxes {
			sp.Mailboxes = append(sp.Mailboxes, pos[m])
		}
		so.RestorePoints = append(so.RestorePoints, sp)
	}
	return &SeedData{Organizations: []SeedOrganization{so}}
}

func seedFolder(f *Folder) SeedFolder {
	sf := SeedFolder{Name: f.Name, Category: f.Category, Type: f.Type, Description: f.Description}
	for _, it := range f.items {
		si := SeedItem{ItemClass: it.ItemClass, Subject: it.Subject, From: it.From, To: it.To, Cc: it.Cc, Bcc: it.Bcc,
			Importance: it.Importance}
		if !it.Sent.IsZero() {
			t := it.Sent
			si.Sent = &t
		}
		if !it.Received.IsZero() {
			t := it.Received
			si.Received = &t
		}
		for _, a := range it.Attachments {
			si.Attachments = append(si.Attachments, SeedAttachment(a))
		}
		sf.Items = append(sf.Items, si)
	}
	for _, c := range f.children {
		sf.Folders = append(sf.Folders, seedFolder(c))
	}
	return sf
}
