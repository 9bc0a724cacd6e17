package vb365test

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Organization is the backed-up Microsoft 365 organization whose data the
// fake serves. Build one with NewOrganization and its Add methods, or use
// DefaultOrganization. All IDs are derived deterministically from names and
// insertion order, so the same building code always yields the same IDs.
//
// An Organization must not be modified after it has been passed to a server.
type Organization struct {
	// Name is the organization name reported in restore sessions.
	Name string
	// Domain is the mail domain used by AddMailboxes
	// (default: the letters and digits of the name + ".onmicrosoft.com").
	Domain string
	// PortalApplicationID is the applicationId answered by
	// RestorePortalSettings (default: derived from the name).
	PortalApplicationID string

	id        string
	mailboxes []*Mailbox
	points    []*RestorePoint
	oneDrives []*OneDrive
}

// Mailbox is an Exchange mailbox of an Organization.
type Mailbox struct {
	// Name is the display name.
	Name string
	// Email is the primary SMTP address.
	Email string
	// IsArchive marks an in-place archive mailbox.
	IsArchive bool
	// IsPublic marks a public-folder mailbox.
	IsPublic bool

	id      string
	org     *Organization
	folders []*Folder // top-level folders
	nfolder int       // folders created in this mailbox (for IDs)
}

// Folder is a mailbox folder.
type Folder struct {
	// Name is the folder name, e.g. "Inbox".
	Name string
	// Category is the spec category: Inbox, Outbox, Sent, Deleted, Drafts,
	// Junk, None, ...
	Category string
	// Type is the spec folder type: None (mail), Appointment, Contact, Task,
	// Journal or StickyNote. Default "None".
	Type string
	// Description is free text.
	Description string

	id       string
	mailbox  *Mailbox
	parent   *Folder
	children []*Folder
	items    []*Item
}

// Attachment is a file attached to an Item.
type Attachment struct {
	// Name is the file name.
	Name string
	// SizeBytes is the file size.
	SizeBytes int64
}

// Item is a mailbox item (by default a message, item class "IPM.Note").
type Item struct {
	// ItemClass is the MAPI class, default "IPM.Note".
	ItemClass string
	// Subject of the item.
	Subject string
	// From, To, Cc and Bcc are plain strings, as in the API.
	From, To, Cc, Bcc string
	// Sent and Received times.
	Sent, Received time.Time
	// Importance is Low, Normal (default) or High.
	Importance string
	// Attachments of the item.
	Attachments []Attachment

	id     string
	folder *Folder
}

// NewOrganization returns an empty organization named name.
func NewOrganization(name string) *Organization {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		b.WriteString("tenant")
	}
	return &Organization{
		Name:                name,
		Domain:              b.String() + ".onmicrosoft.com",
		PortalApplicationID: hashUUID("portal-app", name),
		id:                  hashUUID("organization", name),
	}
}

// ID returns the organization's ID (a UUID derived from the name given to
// NewOrganization).
func (o *Organization) ID() string { return o.id }

// Mailboxes returns the organization's mailboxes in insertion order. The
// slice is a copy; the mailboxes are shared.
func (o *Organization) Mailboxes() []*Mailbox { return append([]*Mailbox(nil), o.mailboxes...) }

// AddMailbox adds a user mailbox and returns it. Set IsArchive or IsPublic on
// the result for other kinds.
func (o *Organization) AddMailbox(name, email string) *Mailbox {
	m := &Mailbox{
		Name:  name,
		Email: email,
		org:   o,
		id:    hashUUID("mailbox", o.id, fmt.Sprint(len(o.mailboxes)), strings.ToLower(email), name),
	}
	o.mailboxes = append(o.mailboxes, m)
	return m
}

// AddMailboxes adds n generated mailboxes named "User 00001"... with
// addresses user00001@Domain..., numbered after the existing mailboxes. They
// have no folders. It is meant for benchmarks and paging tests.
func (o *Organization) AddMailboxes(n int) []*Mailbox {
	out := make([]*Mailbox, 0, max(n, 0))
	base := len(o.mailboxes)
	for i := 1; i <= n; i++ {
		k := base + i
		out = append(out, o.AddMailbox(fmt.Sprintf("User %05d", k), fmt.Sprintf("user%05d@%s", k, o.Domain)))
	}
	return out
}

// MailboxByEmail returns the first mailbox whose address matches email
// (case-insensitively), preferring a non-archive mailbox, or nil.
func (o *Organization) MailboxByEmail(email string) *Mailbox {
	var archive *Mailbox
	for _, m := range o.mailboxes {
		if strings.EqualFold(m.Email, email) {
			if !m.IsArchive {
				return m
			}
			if archive == nil {
				archive = m
			}
		}
	}
	return archive
}

// MailboxByName returns the first mailbox whose display name equals name
// (case-insensitively), or nil.
func (o *Organization) MailboxByName(name string) *Mailbox {
	for _, m := range o.mailboxes {
		if strings.EqualFold(m.Name, name) {
			return m
		}
	}
	return nil
}

// ID returns the mailbox ID (a UUID).
func (m *Mailbox) ID() string { return m.id }

// Folders returns the top-level folders of the mailbox.
func (m *Mailbox) Folders() []*Folder { return append([]*Folder(nil), m.folders...) }

// AddFolder adds a top-level folder. category is a spec folder category
// such as "Inbox", "Sent", "Deleted", "Drafts" or "None".
func (m *Mailbox) AddFolder(name, category string) *Folder {
	f := m.newFolder(nil, name, category)
	m.folders = append(m.folders, f)
	return f
}

// Folder returns the first folder (searching the whole tree, depth first)
// whose name equals name case-insensitively, or nil. A path such as
// "Inbox/Projects" selects a subfolder.
func (m *Mailbox) Folder(name string) *Folder {
	parts := strings.Split(name, "/")
	list := m.folders
	var found *Folder
	for _, p := range parts {
		found = nil
		for _, f := range list {
			if strings.EqualFold(f.Name, p) {
				found = f
				break
			}
		}
		if found == nil {
			break
		}
		list = found.children
	}
	if found != nil || len(parts) > 1 {
		return found
	}
	var walk func([]*Folder) *Folder
	walk = func(fs []*Folder) *Folder {
		for _, f := range fs {
			if strings.EqualFold(f.Name, name) {
				return f
			}
			if r := walk(f.children); r != nil {
				return r
			}
		}
		return nil
	}
	return walk(m.folders)
}

func (m *Mailbox) newFolder(parent *Folder, name, category string) *Folder {
	m.nfolder++
	if category == "" {
		category = "None"
	}
	pid := ""
	if parent != nil {
		pid = parent.id
	}
	return &Folder{
		Name:     name,
		Category: category,
		Type:     "None",
		mailbox:  m,
		parent:   parent,
		id:       exchangeID(0x2e, "folder", m.id, pid, fmt.Sprint(m.nfolder), name),
	}
}

// ID returns the folder ID: an opaque base64 string containing '+', '/' and '='.
func (f *Folder) ID() string { return f.id }

// Mailbox returns the mailbox holding the folder.
func (f *Folder) Mailbox() *Mailbox { return f.mailbox }

// Parent returns the parent folder, or nil for a top-level folder.
func (f *Folder) Parent() *Folder { return f.parent }

// Folders returns the direct subfolders.
func (f *Folder) Folders() []*Folder { return append([]*Folder(nil), f.children...) }

// Items returns the items directly in the folder.
func (f *Folder) Items() []*Item { return append([]*Item(nil), f.items...) }

// AddFolder adds a subfolder.
func (f *Folder) AddFolder(name, category string) *Folder {
	c := f.mailbox.newFolder(f, name, category)
	f.children = append(f.children, c)
	return c
}

// AddMessage adds a message (IPM.Note) addressed to the mailbox, sent one
// minute before received, and returns it for further tuning.
func (f *Folder) AddMessage(subject, from string, received time.Time) *Item {
	it := &Item{
		ItemClass:  "IPM.Note",
		Subject:    subject,
		From:       from,
		To:         f.mailbox.Email,
		Sent:       received.Add(-time.Minute),
		Received:   received,
		Importance: "Normal",
		folder:     f,
		id:         exchangeID(0x46, "item", f.id, fmt.Sprint(len(f.items)), subject),
	}
	f.items = append(f.items, it)
	return it
}

// AddMessages adds n generated messages ("Message 000001"...) received one
// minute apart from 2026-01-05T08:00:00Z. It is meant for benchmarks and
// paging tests.
func (f *Folder) AddMessages(n int) []*Item {
	out := make([]*Item, 0, max(n, 0))
	base := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	start := len(f.items)
	for i := 1; i <= n; i++ {
		k := start + i
		out = append(out, f.AddMessage(fmt.Sprintf("Message %06d", k),
			fmt.Sprintf("sender%03d@fabrikam.com", k%1000), base.Add(time.Duration(k)*time.Minute)))
	}
	return out
}

// ID returns the item ID: an opaque base64 string containing '+', '/' and '='.
func (it *Item) ID() string { return it.id }

// Folder returns the folder holding the item.
func (it *Item) Folder() *Folder { return it.folder }

// DefaultOrganization returns a small, realistic, deterministic tenant
// "Contoso" (domain contoso.onmicrosoft.com):
//
//   - Alice Johnson <alice@contoso.onmicrosoft.com>: Inbox (with subfolder
//     Projects), Sent Items, Deleted Items, Drafts, Calendar
//   - Bob Smith <bob@contoso.onmicrosoft.com>: Inbox, Sent Items, Deleted Items, Drafts, Calendar
//   - Support <support@contoso.onmicrosoft.com>: a shared mailbox with Inbox and Sent Items
//   - Online Archive - Alice Johnson <alice@contoso.onmicrosoft.com>: an archive (IsArchive)
//
// with about forty messages dated November 2026; OneDrives for Alice
// (folders Documents, Documents/Project Falcon and Pictures, five documents,
// three of them with older versions) and Bob; and six restore points:
// weekly backups on Sunday nights at 22:00 UTC (November 1, 8, 15, 22 and
// 29), of which the first two lack the Support mailbox (it joined the
// backup job later), and a long-term backup copy of the last one. Every
// call returns a new, identical value.
func DefaultOrganization() *Organization {
	o := NewOrganization("Contoso")
	day := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, time.UTC) }
	ext := "@fabrikam.com"
	dom := "@" + o.Domain

	alice := o.AddMailbox("Alice Johnson", "alice"+dom)
	inbox := alice.AddFolder("Inbox", "Inbox")
	projects := inbox.AddFolder("Projects", "None")
	sent := alice.AddFolder("Sent Items", "Sent")
	deleted := alice.AddFolder("Deleted Items", "Deleted")
	drafts := alice.AddFolder("Drafts", "Drafts")
	cal := alice.AddFolder("Calendar", "None")
	cal.Type = "Appointment"
	for i, s := range []struct{ subj, from string }{
		{"Q4 budget review", "bob" + dom},
		{"Welcome to the team!", "hr" + dom},
		{"Invoice INV-20431", "billing" + ext},
		{"Re: Offsite agenda", "bob" + dom},
		{"Your password expires in 7 days", "it-helpdesk" + dom},
		{"Weekly status report", "carol" + dom},
		{"Contract draft v3", "legal" + ext},
		{"Lunch on Friday?", "dave" + dom},
		{"Security awareness training", "security" + dom},
		{"Shipping confirmation #88213", "orders" + ext},
		{"Customer escalation: Northwind", "support" + dom},
		{"Board deck - final", "ceo" + dom},
	} {
		it := inbox.AddMessage(s.subj, s.from, day(2+i, 9+i%8, 5*i))
		if i%4 == 0 {
			it.Importance = "High"
		}
		if i%3 == 1 {
			it.Attachments = []Attachment{{Name: "document" + fmt.Sprint(i) + ".pdf", SizeBytes: int64(24576 * (i + 1))}}
		}
		if i%5 == 2 {
			it.Cc = "bob" + dom
		}
	}
	projects.AddMessage("Project Falcon kickoff", "bob"+dom, day(3, 10, 0))
	projects.AddMessage("Falcon milestones", "carol"+dom, day(10, 14, 30))
	projects.AddMessage("Falcon risk register", "dave"+dom, day(17, 11, 15))
	for i, s := range []string{"Re: Q4 budget review", "Offsite agenda", "Re: Contract draft v3", "Re: Lunch on Friday?"} {
		it := sent.AddMessage(s, alice.Email, day(3+2*i, 16, 20))
		it.To = "bob" + dom
	}
	deleted.AddMessage("You have won a prize", "promo@spam.example", day(6, 7, 45))
	deleted.AddMessage("Newsletter November", "news"+ext, day(12, 6, 0))
	d := drafts.AddMessage("Draft: performance review notes", alice.Email, day(18, 17, 0))
	d.To = ""
	d.Sent = time.Time{}

	bob := o.AddMailbox("Bob Smith", "bob"+dom)
	bin := bob.AddFolder("Inbox", "Inbox")
	bsent := bob.AddFolder("Sent Items", "Sent")
	bob.AddFolder("Deleted Items", "Deleted")
	bob.AddFolder("Drafts", "Drafts")
	bcal := bob.AddFolder("Calendar", "None")
	bcal.Type = "Appointment"
	for i, s := range []struct{ subj, from string }{
		{"Offsite agenda", "alice" + dom},
		{"Re: Q4 budget review", "alice" + dom},
		{"Expense report approved", "finance" + dom},
		{"Server maintenance window", "it-helpdesk" + dom},
		{"Quote request", "sales" + ext},
		{"Team photo", "carol" + dom},
	} {
		bin.AddMessage(s.subj, s.from, day(4+2*i, 8+i, 10*i))
	}
	bsent.AddMessage("Q4 budget review", bob.Email, day(2, 8, 55)).To = "alice" + dom
	bsent.AddMessage("Re: Quote request", bob.Email, day(15, 9, 30)).To = "sales" + ext

	support := o.AddMailbox("Support", "support"+dom)
	sin := support.AddFolder("Inbox", "Inbox")
	ssent := support.AddFolder("Sent Items", "Sent")
	for i, s := range []string{"Cannot log in", "Order 5521 missing", "Feature request: dark mode", "Refund request", "VPN not connecting"} {
		sin.AddMessage(s, fmt.Sprintf("customer%d%s", i+1, ext), day(5+3*i, 13, 0))
	}
	ssent.AddMessage("Re: Cannot log in", support.Email, day(5, 15, 0)).To = "customer1" + ext

	archive := o.AddMailbox("Online Archive - Alice Johnson", "alice"+dom)
	archive.IsArchive = true
	ain := archive.AddFolder("Inbox", "Inbox")
	for i, s := range []string{"2025 annual plan", "Old vendor contract", "Holiday schedule 2025", "Migration retrospective"} {
		ain.AddMessage(s, "bob"+dom, time.Date(2025, time.Month(2+3*i), 14, 10, 0, 0, 0, time.UTC))
	}

	for d := 1; d <= 29; d += 7 {
		if d < 15 {
			o.AddRestorePoint(day(d, 22, 0), alice, bob, archive)
		} else {
			o.AddRestorePoint(day(d, 22, 0))
		}
	}
	cp := o.AddRestorePoint(day(29, 22, 0))
	cp.IsCopy, cp.IsLongTermCopy = true, true
	seedOneDrives(o)
	return o
}
