package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
)

// sizes are the sizes of the workloads: the full ones for the table, tiny
// ones for the tests.
type sizes struct {
	mailboxes, items int   // in the lists iterated
	restoreItems     int   // items in the large restore
	walkMailboxes    int   // mailboxes walked at once
	walkGoroutines   int   // goroutines walking them
	folders          int   // folders in each mailbox
	folderPage       int   // page size of the folder walk
	itemPage         int   // the first item page of each mailbox
	pst              int64 // bytes of the exported PST
}

var (
	fullSizes = sizes{
		mailboxes: 10000, items: 100000, restoreItems: 5000,
		walkMailboxes: 1000, walkGoroutines: 64, folders: 45, folderPage: 20, itemPage: 100,
		pst: 1 << 30,
	}
	smokeSizes = sizes{
		mailboxes: 2500, items: 2500, restoreItems: 500,
		walkMailboxes: 20, walkGoroutines: 4, folders: 45, folderPage: 20, itemPage: 100,
		pst: 3<<20 + 12345,
	}
)

// server is a lean loopback VB365 server for benchmarks: its answers are
// encoded once (or, for the folders of each mailbox, put together from
// parts encoded once), so that what the client does dominates the time
// measured.
type server struct {
	*httptest.Server
	sz        sizes
	mailboxes [][]byte // one encoded mailbox each
	items     [][]byte // one encoded item each
	mailbox   []byte
	// folderParts are the folders of a mailbox, each split where the
	// mailbox's ID goes into its links.
	folderParts [][3][]byte
	pstChunk    []byte // the PST's bytes, repeated
	tokens      atomic.Int64
	conns       atomic.Int64
	requests    atomic.Int64
}

const token = "bench-access-token"

// sessionPath is the path of the benchmark's restore session's organization.
const sessionPath = "/v6/RestoreSessions/s1/organization"

func newServer(sz sizes) *server {
	s := &server{sz: sz, mailbox: []byte(`{"id":"m1","name":"Alice Johnson","email":"alice@contoso.onmicrosoft.com","isArchive":false,"isPublic":false,"_links":{"self":{"href":"/v6/RestoreSessions/s1/organization/mailboxes/m1"}}}`)}
	for i := range sz.mailboxes {
		s.mailboxes = append(s.mailboxes, fmt.Appendf(nil,
			`{"id":"6f1d2c3b-0000-4000-8000-%012d","name":"User %d","email":"user%d@contoso.onmicrosoft.com","isArchive":false,"isPublic":false,"_links":{"self":{"href":"/v6/RestoreSessions/s1/organization/mailboxes/%d"}}}`,
			i, i, i, i))
	}
	for i := range max(sz.items, sz.itemPage) {
		s.items = append(s.items, fmt.Appendf(nil,
			`{"id":"AAMkADc3+/%08d==","itemClass":"IPM.Note","subject":"Weekly status report %d","from":"carol@contoso.onmicrosoft.com","to":"alice@contoso.onmicrosoft.com","cc":"","sent":"2026-11-02T09:05:00.1234567Z","received":"2026-11-02T09:05:01.1234567Z","reminder":false,"importance":"Normal","attachments":[{"name":"report.pdf","sizeBytes":24576}],"_links":{"self":{"href":"/v6/x"}}}`,
			i, i))
	}
	for i := range sz.folders {
		f := fmt.Sprintf(`{"id":"AAMkAGFolder%04d==","name":"Folder %d","description":"","type":"None","category":"None","_links":{"self":{"href":"/v6/RestoreSessions/s1/organization/mailboxes/@/folders/AAMkAGFolder%04d%%3D%%3D"},"parent":{"href":"/v6/RestoreSessions/s1/organization/mailboxes/@/folders/AAMkAGRoot%%3D%%3D"}}}`, i, i, i)
		p := strings.Split(f, "@")
		s.folderParts = append(s.folderParts, [3][]byte{[]byte(p[0]), []byte(p[1]), []byte(p[2])})
	}
	s.pstChunk = bytes.Repeat([]byte("!BDN PST bench, "), (1<<20)/16)

	mux := http.NewServeMux()
	mux.HandleFunc("POST /v6/token", func(w http.ResponseWriter, r *http.Request) {
		s.tokens.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"`+token+`","refresh_token":"r","token_type":"bearer","expires_in":3600}`)
	})
	mux.HandleFunc("GET "+sessionPath+"/mailboxes/m1", s.authed(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, s.mailbox)
	}))
	mux.HandleFunc("POST "+sessionPath+"/mailboxes/m1/items/operatorRestore", s.authed(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		writeJSON(w, []byte(`{"sessionId":"3f9e1c2a-4b5d-4e6f-8a7b-9c0d1e2f3a4b"}`))
	}))
	mux.HandleFunc("GET "+sessionPath+"/mailboxes", s.authed(func(w http.ResponseWriter, r *http.Request) {
		s.page(w, r, s.mailboxes, sessionPath+"/mailboxes")
	}))
	mux.HandleFunc("GET "+sessionPath+"/mailboxes/{mailbox}/items", s.authed(func(w http.ResponseWriter, r *http.Request) {
		s.page(w, r, s.items, sessionPath+"/mailboxes/"+r.PathValue("mailbox")+"/items")
	}))
	mux.HandleFunc("GET "+sessionPath+"/mailboxes/{mailbox}/folders", s.authed(s.folders))
	mux.HandleFunc("POST "+sessionPath+"/mailboxes/m1/exportToPst", s.authed(s.exportToPST))
	s.Server = httptest.NewUnstartedServer(mux)
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	return s
}

func (s *server) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		if r.Header.Get("Authorization") != "Bearer "+token {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		h(w, r)
	}
}

func writeJSON(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

// page answers one page of the real server's shape.
func (s *server) page(w http.ResponseWriter, r *http.Request, all [][]byte, path string) {
	offset, limit, end := window(r, len(all))
	// A buffer of its own for each answer, not one from a pool: a pool
	// would keep a page's worth of bytes alive, which the heap lines
	// would count.
	b := new(bytes.Buffer)
	if end > offset {
		b.Grow(256 + (end-offset)*(len(all[offset])+1))
	}
	s.pageStart(b, offset, limit)
	for i, item := range all[offset:end] {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(item)
	}
	s.pageEnd(b, len(all), path, offset, limit, end)
	writeJSON(w, b.Bytes())
}

// folders answers a page of the folders of any mailbox.
func (s *server) folders(w http.ResponseWriter, r *http.Request) {
	mailbox := r.PathValue("mailbox")
	offset, limit, end := window(r, len(s.folderParts))
	b := new(bytes.Buffer)
	b.Grow(512 + (end-offset)*(len(s.folderParts[0][0])+len(s.folderParts[0][1])+len(s.folderParts[0][2])+2*len(mailbox)+1))
	s.pageStart(b, offset, limit)
	for i, f := range s.folderParts[offset:end] {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(f[0])
		b.WriteString(mailbox)
		b.Write(f[1])
		b.WriteString(mailbox)
		b.Write(f[2])
	}
	s.pageEnd(b, len(s.folderParts), sessionPath+"/mailboxes/"+mailbox+"/folders", offset, limit, end)
	writeJSON(w, b.Bytes())
}

// window reads a page's offset and limit, and where it ends in n results.
func window(r *http.Request, n int) (offset, limit, end int) {
	q := r.URL.Query()
	offset, _ = strconv.Atoi(q.Get("offset"))
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 {
		limit = 30
	}
	end = min(offset+limit, n)
	return min(offset, end), limit, end
}

func (s *server) pageStart(b *bytes.Buffer, offset, limit int) {
	fmt.Fprintf(b, `{"offset":%d,"limit":%d,"setId":"0b1c2d3e-0000-4000-8000-000000000001","results":[`, offset, limit)
}

func (s *server) pageEnd(b *bytes.Buffer, total int, path string, offset, limit, end int) {
	fmt.Fprintf(b, `],"totalCount":%d,"_links":{"self":{"href":"%s?offset=%d&limit=%d"}`, total, path, offset, limit)
	if end < total {
		fmt.Fprintf(b, `,"next":{"href":"%s?offset=%d&limit=%d"}`, path, end, limit)
	}
	b.WriteString("}}")
}

// exportToPST sends a PST of s.sz.pst bytes, as the real server does once
// it has built the file: its length announced, in one answer.
func (s *server) exportToPST(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(s.sz.pst, 10))
	for left := s.sz.pst; left > 0; {
		n := min(left, int64(len(s.pstChunk)))
		if _, err := w.Write(s.pstChunk[:n]); err != nil {
			return
		}
		left -= n
	}
}

// url returns the server's URL; strings.Clone keeps callers from sharing it.
func (s *server) url() string { return strings.Clone(s.URL) }
