package vb365test

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// searchSet is a stored search result (setId).
type searchSet struct {
	sessionID  string
	route      Route
	mailboxID  string
	oneDriveID string
	folderID   string
	items      []*Item
	driveItems []*DriveItem // OneDrive searches (onedrive_actions.go)
}

// resultSet returns the result set setID kept by an earlier page of the
// search key describes, or answers 404.
func (s *Server) resultSet(w http.ResponseWriter, c call, setID string, key searchSet) (*searchSet, bool) {
	s.mu.Lock()
	set := s.searchSets[strings.ToLower(setID)]
	s.mu.Unlock()
	if set == nil || set.sessionID != key.sessionID || set.route != key.route ||
		set.mailboxID != key.mailboxID || set.oneDriveID != key.oneDriveID || set.folderID != key.folderID {
		writeError(w, c.version, http.StatusNotFound, "Search result set with ID '"+setID+"' was not found.")
		return nil, false
	}
	return set, true
}

// keepResultSet keeps set, with its results, for the later pages of its
// search, and returns its ID.
func (s *Server) keepResultSet(set *searchSet) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.searchSeq++
	id := hashUUID("search-set", s.cfg.org.id, set.sessionID, strconv.Itoa(s.searchSeq))
	s.searchSets[id] = set
	return id
}

type searchOptions struct {
	Query *string `json:"query"`
}

// handleSearch serves the three search routes (see Server for the query
// language and result sets).
func (s *Server) handleSearch(w http.ResponseWriter, req *http.Request, c call) {
	pp, ok := s.parsePage(w, req, c)
	if !ok {
		return
	}
	setID, _ := query(req, "setId")
	if setID != "" && !isUUID(setID) {
		writeError(w, c.version, http.StatusBadRequest, "The setId value is not a valid GUID.")
		return
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
		if terms, err = parseSearchQuery(q); err != nil {
			writeError(w, c.version, http.StatusBadRequest, "The search query is not valid: "+err.Error())
			return
		}
	}
	// Resolve the scope.
	var (
		sid    string
		mi     *mbIndex
		folder *Folder
		base   string
	)
	switch c.route {
	case RouteMailboxesSearch:
		if sid, ok = s.exchangeSession(w, c); !ok {
			return
		}
		base = mailboxesPath(c, sid) + "/search"
	default:
		if sid, mi, ok = s.lookupMailbox(w, c); !ok {
			return
		}
		base = mailboxesPath(c, sid) + "/" + mi.mb.id + "/search"
		if c.route == RouteFolderSearch {
			if folder = mi.folderByID[c.params[2]]; folder == nil {
				writeError(w, c.version, http.StatusNotFound, "Folder with ID '"+c.params[2]+"' was not found.")
				return
			}
			base = mailboxesPath(c, sid) + "/" + mi.mb.id + "/folders/" + url.PathEscape(folder.id) + "/search"
		}
	}
	key := searchSet{sessionID: sid, route: c.route}
	if mi != nil {
		key.mailboxID = mi.mb.id
	}
	if folder != nil {
		key.folderID = folder.id
	}
	var items []*Item
	if setID != "" {
		set, ok := s.resultSet(w, c, setID, key)
		if !ok {
			return
		}
		items, setID = set.items, strings.ToLower(setID)
	} else {
		var candidates []*Item
		switch {
		case folder != nil:
			var walk func(*Folder)
			walk = func(f *Folder) {
				candidates = append(candidates, f.items...)
				for _, ch := range f.children {
					walk(ch)
				}
			}
			walk(folder)
		case mi != nil:
			candidates = mi.items
		default:
			for _, m := range s.idx.mailboxes {
				candidates = append(candidates, m.items...)
			}
		}
		for _, it := range candidates {
			if matchAll(terms, it) {
				items = append(items, it)
			}
		}
		key.items = items
		setID = s.keepResultSet(&key)
	}
	res := pageView(pp, len(items), func(i int) itemJSON { return itemView(c, sid, items[i]) })
	s.writePageSet(w, c, base, url.Values{"setId": {setID}}, pp, len(items), res, setID)
}

// searchTerm is one criterion of a search query.
type searchTerm struct {
	field string // "" for a plain word
	value string // lower case for text criteria
	// received/sent
	op   string
	t    time.Time
	day  bool
	flag bool // hasattachments
}

var searchFields = map[string]string{
	"subject": "subject", "from": "from", "to": "to", "cc": "cc", "bcc": "bcc",
	"importance": "importance", "itemclass": "itemclass", "class": "itemclass", "messageclass": "itemclass",
	"attachment": "attachment", "attachments": "attachment", "hasattachments": "hasattachments",
	"received": "received", "sent": "sent",
}

// parseSearchQuery parses the query subset documented on Server.
func parseSearchQuery(q string) ([]searchTerm, error) { return parseQuery(q, searchFields) }

// parseQuery parses a query whose criteria are the keys of fields (each
// mapped to the criterion it names).
func parseQuery(q string, fields map[string]string) ([]searchTerm, error) {
	var terms []searchTerm
	rs := []rune(q)
	i := 0
	for {
		for i < len(rs) && unicode.IsSpace(rs[i]) {
			i++
		}
		if i >= len(rs) {
			break
		}
		var b strings.Builder
		field, quoted := "", false
		for i < len(rs) && !unicode.IsSpace(rs[i]) {
			switch {
			case rs[i] == '"':
				j := i + 1
				for j < len(rs) && rs[j] != '"' {
					j++
				}
				if j >= len(rs) {
					return nil, errors.New("unbalanced quote")
				}
				b.WriteString(string(rs[i+1 : j]))
				i, quoted = j+1, true
				continue
			case rs[i] == ':' && field == "" && !quoted && b.Len() > 0:
				if f, ok := fields[strings.ToLower(b.String())]; ok {
					field = f
					b.Reset()
					i++
					continue
				}
			}
			b.WriteRune(rs[i])
			i++
		}
		v := b.String()
		if field == "" && !quoted && v == "AND" {
			continue
		}
		if field != "" && v == "" {
			return nil, errors.New("a criterion has no value")
		}
		t := searchTerm{field: field, value: strings.ToLower(v)}
		switch field {
		case "received", "sent", "created", "modified":
			if err := t.parseTime(v); err != nil {
				return nil, err
			}
		case "hasattachments":
			switch t.value {
			case "yes", "true":
				t.flag = true
			case "no", "false":
			default:
				return nil, errors.New("hasattachments takes yes or no")
			}
		}
		terms = append(terms, t)
	}
	if len(terms) == 0 {
		return nil, errors.New("the query is empty")
	}
	return terms, nil
}

func (t *searchTerm) parseTime(v string) error {
	for _, op := range []string{">=", "<=", ">", "<", "="} {
		if rest, ok := strings.CutPrefix(v, op); ok {
			t.op, v = op, rest
			break
		}
	}
	if t.op == "" {
		t.op = "="
	}
	if d, err := time.Parse("2006-01-02", v); err == nil {
		t.t, t.day = d, true
		return nil
	}
	if d, err := time.Parse(time.RFC3339Nano, v); err == nil {
		t.t = d
		return nil
	}
	return errors.New("'" + v + "' is not a date (2006-01-02) or an RFC 3339 time")
}

func matchAll(terms []searchTerm, it *Item) bool {
	for i := range terms {
		if !terms[i].match(it) {
			return false
		}
	}
	return true
}

func contains(s, lowerSub string) bool { return strings.Contains(strings.ToLower(s), lowerSub) }

func (t *searchTerm) match(it *Item) bool {
	switch t.field {
	case "":
		return contains(it.Subject, t.value) || contains(it.From, t.value)
	case "subject":
		return contains(it.Subject, t.value)
	case "from":
		return contains(it.From, t.value)
	case "to":
		return contains(it.To, t.value)
	case "cc":
		return contains(it.Cc, t.value)
	case "bcc":
		return contains(it.Bcc, t.value)
	case "importance":
		imp := it.Importance
		if imp == "" {
			imp = "Normal"
		}
		return strings.EqualFold(imp, t.value)
	case "itemclass":
		cls := it.ItemClass
		if cls == "" {
			cls = "IPM.Note"
		}
		return contains(cls, t.value)
	case "attachment":
		for _, a := range it.Attachments {
			if contains(a.Name, t.value) {
				return true
			}
		}
		return false
	case "hasattachments":
		return (len(it.Attachments) > 0) == t.flag
	case "received":
		return t.matchTime(it.Received)
	case "sent":
		return t.matchTime(it.Sent)
	}
	return false
}

func (t *searchTerm) matchTime(v time.Time) bool {
	if v.IsZero() {
		return false
	}
	lo := t.t
	if t.day { // the UTC day [lo, hi)
		hi := lo.Add(24 * time.Hour)
		switch t.op {
		case ">":
			return !v.Before(hi)
		case ">=":
			return !v.Before(lo)
		case "<":
			return v.Before(lo)
		case "<=":
			return v.Before(hi)
		}
		return !v.Before(lo) && v.Before(hi)
	}
	switch t.op {
	case ">":
		return v.After(lo)
	case ">=":
		return !v.Before(lo)
	case "<":
		return v.Before(lo)
	case "<=":
		return !v.After(lo)
	}
	return v.Equal(lo)
}
