package vb365test

import (
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// extState is the state of the journal, chaos mode, the settings a running
// server can change, and the control API.
type extState struct {
	exportDelay atomic.Int64 // time.Duration (WithExportDelay, SetExportDelay)

	jmu     sync.Mutex // guards the journal
	journal []JournalEntry
	jseq    int64 // sequence number of the last entry

	cmu   sync.Mutex // guards chaos
	chaos chaosState

	control http.Handler // the control API, nil unless WithControlAPI
	initial config       // the configuration as the options made it (Reset)
}

// initExtras sets the extras up from s.cfg (newServer).
func (s *Server) initExtras() {
	if s.cfg.control && s.cfg.journalSize == 0 {
		s.cfg.journalSize = DefaultJournalSize
	}
	s.ext.initial = s.cfg
	s.ext.exportDelay.Store(int64(s.cfg.exportDelay))
	s.ext.chaos = chaosState{rate: s.cfg.chaosRate, seed: s.cfg.chaosSeed}
	if s.cfg.control {
		s.ext.control = s.controlHandler()
	}
}

// Grant types, as sent in grant_type (LoginCount).
const (
	GrantPassword     = "password"
	GrantOperator     = "operator"
	GrantRefreshToken = "refresh_token"
)

// countLogin counts a login that issued tokens (caller holds s.mu).
func (s *Server) countLogin(grant string) {
	if s.logins == nil {
		s.logins = map[string]int{}
	}
	s.logins[grant]++
}

// LoginCount reports how many token requests with grant_type grant
// (GrantPassword, GrantOperator or GrantRefreshToken) issued tokens; ""
// counts every grant. Refused and throttled requests do not count (see
// TokenRequests for every request).
func (s *Server) LoginCount(grant string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if grant != "" {
		return s.logins[grant]
	}
	n := 0
	for _, v := range s.logins {
		n += v
	}
	return n
}

// SetTokenLifetime sets the lifetime of the access tokens issued from now
// on (expires_in), and of their refresh tokens when refresh is not 0 (see
// WithTokenLifetime and WithRefreshTokenLifetime). Tokens issued before
// keep theirs. Values below one second are ignored.
func (s *Server) SetTokenLifetime(access, refresh time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if access >= time.Second {
		s.cfg.tokenLifetime = access
	}
	if refresh >= time.Second {
		s.cfg.refreshLifetime = refresh
	}
}

// TokenLifetime reports the lifetimes of the access and refresh tokens the
// server issues.
func (s *Server) TokenLifetime() (access, refresh time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg.tokenLifetime, s.cfg.refreshLifetime
}

// SetExportDelay sets the wait of exportToPst and Save before their first
// byte from now on (see WithExportDelay). Negative values count as 0.
func (s *Server) SetExportDelay(d time.Duration) { s.ext.exportDelay.Store(int64(max(d, 0))) }

// ExportDelay reports the current export delay.
func (s *Server) ExportDelay() time.Duration { return time.Duration(s.ext.exportDelay.Load()) }

// waitExport waits the export delay. When the client gives up or the
// server closes first it closes the connection and reports false.
func (s *Server) waitExport(w http.ResponseWriter, req *http.Request) bool {
	d := s.ExportDelay()
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-req.Context().Done():
	case <-s.closing:
	}
	drop(w)
	return false
}

// Reset puts the server back as it started, with its seed data: it forgets
// every token (clients must log in again), restore session, search set,
// restore and action, clears the counters (Requests, LoginCount,
// FaultsInjected...), the queued faults, the token quota's window and the
// request journal, restarts chaos mode's sequence, and sets the token
// lifetimes, export size, export delay and chaos rate and seed back to what
// the options said. Downloads answer the files of the first revision again
// (see ChangeExports). The fault hook (SetFaultHook) is kept. IDs are
// derived as on a fresh server, so the first session after Reset has the
// ID the first session had. Requests running during Reset may see either
// state.
func (s *Server) Reset() {
	init := s.ext.initial
	s.mu.Lock()
	s.requests = map[Route]int{}
	s.faults = map[Route][]Fault{}
	s.faultCount = 0
	s.access = map[string]*accessToken{}
	s.refresh = map[string]*refreshToken{}
	s.sessions = nil
	s.sessByID = map[string]*session{}
	s.restores = nil
	s.actions = nil
	s.searchSets = map[string]*searchSet{}
	s.searchSeq = 0
	s.tokenTimes = nil
	s.logins = nil
	s.cfg.tokenLifetime, s.cfg.refreshLifetime = init.tokenLifetime, init.refreshLifetime
	s.mu.Unlock()

	s.exportSize.Store(init.exportSize)
	s.exportRev.Store(nil)
	s.ext.exportDelay.Store(int64(init.exportDelay))
	s.ClearJournal()
	s.ext.cmu.Lock()
	s.ext.chaos = chaosState{rate: init.chaosRate, seed: init.chaosSeed}
	s.ext.cmu.Unlock()
}
