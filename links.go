package vb365

import (
	"net/url"
	"strings"
)

// Some IDs are in no field of the server's answers, only in their HAL links
// (_links): a folder's parent, and before v8 an item's mailbox; an item's
// folder on every version. The answers are decoded into the wire types
// below, which read those links in the same pass as the fields, and the
// IDs are taken from the links' hrefs as each result is handed out.

// folderWire is a folder as the server sends it.
type folderWire struct {
	Folder
	Links struct {
		Parent Link `json:"parent"`
	} `json:"_links"`
}

// fix completes the folder from its links and from what the request
// asked: the mailbox, and the parent whose subfolders were listed ("" when
// unknown).
func (w *folderWire) fix(mailboxID, parentID string) *Folder {
	f := &w.Folder
	if f.MailboxID == "" {
		f.MailboxID = mailboxID
	}
	if f.ParentID == "" {
		f.ParentID = linkID(w.Links.Parent.Href, "folders", true)
	}
	if f.ParentID == "" {
		f.ParentID = parentID
	}
	return f
}

// itemWire is an item as the server sends it, from a request that names
// the item's mailbox: its mailbox link is not decoded (an href is an
// allocation per item, and Items is the longest listing).
type itemWire struct {
	Item
	Links itemLinks `json:"_links"`
}

// itemLinks are the links of an item that name its folder.
type itemLinks struct {
	Folder Link `json:"folder"`
	Parent Link `json:"parent"`
}

// fix completes the item: mailboxID is the mailbox asked for, folderID
// the folder whose own items were listed ("" when unknown).
func (w *itemWire) fix(mailboxID, folderID string) *Item {
	it := &w.Item
	if it.MailboxID == "" {
		it.MailboxID = mailboxID
	}
	w.Links.fix(it, folderID)
	return it
}

func (l *itemLinks) fix(it *Item, folderID string) {
	if it.FolderID == "" {
		it.FolderID = linkID(l.Folder.Href, "folders", true)
	}
	if it.FolderID == "" {
		it.FolderID = linkID(l.Parent.Href, "folders", true)
	}
	if it.FolderID == "" {
		it.FolderID = folderID
	}
}

// hitWire is an item of a search of every mailbox, which only its links
// place in a mailbox before v8.
type hitWire struct {
	Item
	Links struct {
		Mailbox Link `json:"mailbox"`
		itemLinks
	} `json:"_links"`
}

func (w *hitWire) fix() *Item {
	it := &w.Item
	if it.MailboxID == "" {
		it.MailboxID = linkID(w.Links.Mailbox.Href, "mailboxes", false)
	}
	w.Links.fix(it, "")
	return it
}

// linkID returns the ID that follows the path segment seg ("mailboxes",
// "folders") in a link's href, or "". The href may be absolute or relative
// and in any casing: VB365 servers write links in other casings than their
// routes. With rest, the ID is the rest of the path: folder IDs may hold
// '/', which a server need not escape. The ID is unescaped.
func linkID(href, seg string, rest bool) string {
	if href == "" {
		return ""
	}
	if i := strings.IndexAny(href, "?#"); i >= 0 {
		href = href[:i]
	}
	i := indexSegment(href, seg)
	if i < 0 {
		return ""
	}
	id := href[i+len(seg)+2:]
	if !rest {
		if j := strings.IndexByte(id, '/'); j >= 0 {
			id = id[:j]
		}
	}
	if u, err := url.PathUnescape(id); err == nil {
		id = u
	}
	return id
}

// indexSegment returns where "/seg/" starts in path, compared
// case-insensitively (seg is lower case ASCII), or -1.
func indexSegment(path, seg string) int {
	n := len(seg) + 2
	for i := strings.IndexByte(path, '/'); i >= 0 && i+n <= len(path); {
		if path[i+n-1] == '/' && strings.EqualFold(path[i+1:i+n-1], seg) {
			return i
		}
		j := strings.IndexByte(path[i+1:], '/')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return -1
}
