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

// server is a lean loopback VB365 server for benchmarks: its answers are
// encoded once, so that what the client does dominates the time measured.
type server struct {
	*httptest.Server
	mailboxes [][]byte // one encoded mailbox each
	items     [][]byte // one encoded item each
	mailbox   []byte
	tokens    atomic.Int64
	conns     atomic.Int64
}

const token = "bench-access-token"

func newServer(mailboxes, items int) *server {
	s := &server{mailbox: []byte(`{"id":"m1","name":"Alice Johnson","email":"alice@contoso.onmicrosoft.com","isArchive":false,"isPublic":false,"_links":{"self":{"href":"/v6/RestoreSessions/s1/organization/mailboxes/m1"}}}`)}
	for i := range mailboxes {
		s.mailboxes = append(s.mailboxes, fmt.Appendf(nil,
			`{"id":"6f1d2c3b-0000-4000-8000-%012d","name":"User %d","email":"user%d@contoso.onmicrosoft.com","isArchive":false,"isPublic":false,"_links":{"self":{"href":"/v6/RestoreSessions/s1/organization/mailboxes/%d"}}}`,
			i, i, i, i))
	}
	for i := range items {
		s.items = append(s.items, fmt.Appendf(nil,
			`{"id":"AAMkADc3+/%08d==","itemClass":"IPM.Note","subject":"Weekly status report %d","from":"carol@contoso.onmicrosoft.com","to":"alice@contoso.onmicrosoft.com","cc":"","sent":"2026-11-02T09:05:00.1234567Z","received":"2026-11-02T09:05:01.1234567Z","reminder":false,"importance":"Normal","attachments":[{"name":"report.pdf","sizeBytes":24576}],"_links":{"self":{"href":"/v6/x"}}}`,
			i, i))
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v6/token", func(w http.ResponseWriter, r *http.Request) {
		s.tokens.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"`+token+`","refresh_token":"r","token_type":"bearer","expires_in":3600}`)
	})
	mux.HandleFunc("GET /v6/RestoreSessions/s1/organization/mailboxes/m1", s.authed(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, s.mailbox)
	}))
	mux.HandleFunc("POST /v6/RestoreSessions/s1/organization/mailboxes/m1/items/operatorRestore", s.authed(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		writeJSON(w, []byte(`{"sessionId":"3f9e1c2a-4b5d-4e6f-8a7b-9c0d1e2f3a4b"}`))
	}))
	mux.HandleFunc("GET /v6/RestoreSessions/s1/organization/mailboxes", s.authed(func(w http.ResponseWriter, r *http.Request) {
		s.page(w, r, s.mailboxes, "/v6/RestoreSessions/s1/organization/mailboxes")
	}))
	mux.HandleFunc("GET /v6/RestoreSessions/s1/organization/mailboxes/m1/items", s.authed(func(w http.ResponseWriter, r *http.Request) {
		s.page(w, r, s.items, "/v6/RestoreSessions/s1/organization/mailboxes/m1/items")
	}))
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
	q := r.URL.Query()
	offset, _ := strconv.Atoi(q.Get("offset"))
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 {
		limit = 30
	}
	end := min(offset+limit, len(all))
	offset = min(offset, end)
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"offset":%d,"limit":%d,"setId":"0b1c2d3e-0000-4000-8000-000000000001","results":[`, offset, limit)
	b.Write(bytes.Join(all[offset:end], []byte(",")))
	fmt.Fprintf(&b, `],"totalCount":%d,"_links":{"self":{"href":"%s?offset=%d&limit=%d"}`, len(all), path, offset, limit)
	if end < len(all) {
		fmt.Fprintf(&b, `,"next":{"href":"%s?offset=%d&limit=%d"}`, path, end, limit)
	}
	b.WriteString("}}")
	writeJSON(w, b.Bytes())
}

// url returns the server's URL; strings.Clone keeps callers from sharing it.
func (s *server) url() string { return strings.Clone(s.URL) }
