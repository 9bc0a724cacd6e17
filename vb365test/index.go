package vb365test

import (
	"strings"
	"time"
)

// orgIndex is the immutable lookup structure built from the seed data.
type orgIndex struct {
	org       *Organization
	mailboxes []*mbIndex
	byID      map[string]*mbIndex // lower-case mailbox ID
	users     []*orgUser          // one per mailbox address, in seed order
	userByID  map[string]*orgUser // lower-case RBAC user ID

	oneDrives    []*odIndex
	oneDriveByID map[string]*odIndex // lower-case OneDrive ID
}

type mbIndex struct {
	mb         *Mailbox
	folders    []*Folder // whole tree, depth first
	folderByID map[string]*Folder
	items      []*Item // every item, folders depth first
	itemByID   map[string]*Item
}

func buildIndex(org *Organization) *orgIndex {
	x := &orgIndex{org: org, byID: make(map[string]*mbIndex, len(org.mailboxes))}
	for _, m := range org.mailboxes {
		mi := &mbIndex{mb: m}
		var walk func([]*Folder)
		walk = func(fs []*Folder) {
			for _, f := range fs {
				mi.folders = append(mi.folders, f)
				mi.items = append(mi.items, f.items...)
				walk(f.children)
			}
		}
		walk(m.folders)
		if len(mi.folders) > 0 {
			mi.folderByID = make(map[string]*Folder, len(mi.folders))
			for _, f := range mi.folders {
				mi.folderByID[f.id] = f
			}
		}
		if len(mi.items) > 0 {
			mi.itemByID = make(map[string]*Item, len(mi.items))
			for _, it := range mi.items {
				mi.itemByID[it.id] = it
			}
		}
		x.mailboxes = append(x.mailboxes, mi)
		x.byID[strings.ToLower(m.id)] = mi
	}
	x.indexUsers()
	buildOneDriveIndex(x, org)
	return x
}

// session is a restore session created through the server.
type session struct {
	id, name, typ, state, initiatedBy, reason, scopeName, clientHost, version string
	created, ended                                                            time.Time
	lastUsed                                                                  time.Time // last browse or restore call (WithSessionIdleTimeout)
	etag                                                                      int64
	events                                                                    []*event
	route                                                                     Route  // the explore route that created it
	repository                                                                string // v8 repositoryId, lower case
	point                                                                     string // the restore point shown (see Session.RestorePointID)
	deviceCodes                                                               []deviceCode
}

// deviceCode is a device code a session issued (RouteDeviceCode).
type deviceCode struct {
	code    string
	expires time.Time
}

type event struct {
	id, typ, status, title, message, itemName, itemType, source, target string
	start, end                                                          time.Time
	order                                                               int
	size                                                                int64
	items                                                               int64 // items restored (Restore events)
	oneDrive                                                            bool  // an event of OneDrive data (Statistics' itemType)
}
