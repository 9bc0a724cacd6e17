package vb365test

import (
	"crypto/subtle"
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

type tokenKind int

const (
	kindPassword tokenKind = iota
	kindOperator
)

type accessToken struct {
	kind     tokenKind
	userName string
	expires  time.Time
	expired  bool // forced by ExpireTokens
	revoked  bool
	refresh  string // paired refresh token
}

// principal is the authenticated caller of a request.
type principal struct {
	access   string
	kind     tokenKind
	userName string
}

type refreshToken struct {
	kind     tokenKind
	userName string
	expires  time.Time
	used     bool
	revoked  bool
}

// ExpireTokens makes every access token issued so far expired: using one
// answers 401. Refresh tokens keep working, so a client can refresh.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.access {
		t.expired = true
	}
}

// RevokeTokens revokes every access and refresh token issued so far: using
// an access token answers 401, refreshing answers 400 invalid_grant. A new
// password or operator grant still works.
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.access {
		t.revoked = true
	}
	for _, t := range s.refresh {
		t.revoked = true
	}
}

// ActiveAccessTokens reports how many issued access tokens are currently
// usable (neither expired nor revoked).
func (s *Server) ActiveAccessTokens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	n := 0
	for _, t := range s.access {
		if !t.expired && !t.revoked && now.Before(t.expires) {
			n++
		}
	}
	return n
}

type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	UserName     string `json:"userName"`
	Issued       string `json:".issued"`
	Expires      string `json:".expires"`
}

func writeOAuthError(w http.ResponseWriter, code, desc string) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": code, "error_description": desc})
}

func secretEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// overQuota reports whether a token request now is past WithTokenQuota,
// and counts it when it is not.
func (s *Server) overQuota() bool {
	if s.cfg.tokenQuota == 0 {
		return false
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.tokenTimes[:0]
	for _, t := range s.tokenTimes {
		if now.Sub(t) < s.cfg.tokenWindow {
			kept = append(kept, t)
		}
	}
	s.tokenTimes = kept
	if len(kept) >= s.cfg.tokenQuota {
		return true
	}
	s.tokenTimes = append(s.tokenTimes, now)
	return false
}

func (s *Server) handleToken(w http.ResponseWriter, req *http.Request, c call) {
	if s.overQuota() {
		writeError(w, c.version, http.StatusTooManyRequests, "Quota Exceeded")
		return
	}
	mt, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if mt != "application/x-www-form-urlencoded" {
		writeOAuthError(w, "invalid_request", "The request must be sent as application/x-www-form-urlencoded.")
		return
	}
	req.Body = http.MaxBytesReader(w, req.Body, 1<<20)
	if err := req.ParseForm(); err != nil {
		writeOAuthError(w, "invalid_request", "The request body could not be read.")
		return
	}
	f := req.PostForm
	if c.version >= 7 {
		if v := f.Get("disable_antiforgery_token"); v != "" {
			if _, err := strconv.ParseBool(v); err != nil {
				writeOAuthError(w, "invalid_request", "disable_antiforgery_token must be true or false.")
				return
			}
		}
	}
	grant := f.Get("grant_type")
	if grant == "" {
		grant = "password" // the spec's default
	}
	var (
		kind tokenKind
		user string
	)
	switch grant {
	case "password":
		u, p := f.Get("username"), f.Get("password")
		ok := false
		for _, cr := range s.cfg.users {
			if strings.EqualFold(cr.id, u) && secretEqual(cr.secret, p) {
				ok, user = true, cr.id
				break
			}
		}
		if !ok {
			writeOAuthError(w, "invalid_grant", "The user name or password is incorrect.")
			return
		}
		kind = kindPassword
	case "operator":
		id, a := f.Get("client_id"), f.Get("assertion")
		ok := false
		for _, cr := range s.cfg.operators {
			if strings.EqualFold(cr.id, id) && secretEqual(cr.secret, a) {
				ok, user = true, cr.id
				break
			}
		}
		if !ok {
			writeOAuthError(w, "invalid_grant", "The operator credentials are invalid.")
			return
		}
		kind = kindOperator
	case "refresh_token":
		rt := f.Get("refresh_token")
		s.mu.Lock()
		t := s.refresh[rt]
		now := s.now()
		if t == nil || t.used || t.revoked || !now.Before(t.expires) {
			s.mu.Unlock()
			writeOAuthError(w, "invalid_grant", "The refresh token is invalid, expired, revoked or already used.")
			return
		}
		t.used = true // rotation: a refresh token works once
		kind, user = t.kind, t.userName
		s.mu.Unlock()
	default:
		writeOAuthError(w, "invalid_grant", "The grant type is not supported by this server.")
		return
	}
	at, rt := randomToken(), randomToken()
	s.mu.Lock()
	now := s.now()
	life := s.cfg.tokenLifetime // SetTokenLifetime changes it under s.mu
	s.access[at] = &accessToken{kind: kind, userName: user, expires: now.Add(life), refresh: rt}
	s.refresh[rt] = &refreshToken{kind: kind, userName: user, expires: now.Add(s.cfg.refreshLifetime)}
	s.countLogin(grant) // extras.go
	s.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, tokenResponse{
		AccessToken:  at,
		RefreshToken: rt,
		TokenType:    "bearer",
		ExpiresIn:    int64(life / time.Second),
		UserName:     user,
		Issued:       formatTime(now),
		Expires:      formatTime(now.Add(life)),
	})
}

// authenticate checks the bearer token; on failure it answers 401.
func (s *Server) authenticate(w http.ResponseWriter, req *http.Request, c call) (principal, bool) {
	h := req.Header.Get("Authorization")
	scheme, tok, _ := strings.Cut(h, " ")
	tok = strings.TrimSpace(tok)
	if strings.EqualFold(scheme, "bearer") && tok != "" {
		s.mu.Lock()
		t := s.access[tok]
		valid := t != nil && !t.expired && !t.revoked && s.now().Before(t.expires)
		var p principal
		if valid {
			p = principal{access: tok, kind: t.kind, userName: t.userName}
		}
		s.mu.Unlock()
		if valid {
			return p, true
		}
	}
	w.Header().Set("WWW-Authenticate", "Bearer")
	writeError(w, c.version, http.StatusUnauthorized, "Authorization has been denied for this request.")
	return principal{}, false
}

// requireOperator answers 403 unless tok is an operator token.
func requireOperator(w http.ResponseWriter, c call, tok principal) bool {
	if tok.kind == kindOperator {
		return true
	}
	writeError(w, c.version, http.StatusForbidden, "Access denied. This operation requires a restore operator token (grant_type=operator).")
	return false
}

// requireAdmin answers 403 unless tok is a password-grant (administrator or
// tenant) token.
func requireAdmin(w http.ResponseWriter, c call, tok principal) bool {
	if tok.kind == kindPassword {
		return true
	}
	writeError(w, c.version, http.StatusForbidden, "Access denied. This operation requires an administrator token (grant_type=password); restore operators cannot use it.")
	return false
}

func (s *Server) handleLogout(w http.ResponseWriter, _ *http.Request, c call, tok principal) {
	s.mu.Lock()
	if t := s.access[tok.access]; t != nil {
		t.revoked = true
		if r := s.refresh[t.refresh]; r != nil {
			r.revoked = true
		}
	}
	s.mu.Unlock()
	if c.version >= 8 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"message":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeError writes the version's RESTExceptionInfo shape.
func writeError(w http.ResponseWriter, version, status int, msg string) {
	body := map[string]any{"message": msg}
	switch {
	case version == 7:
		body["errorCode"] = nil
	case version >= 8:
		body["errorCode"] = errorCode(status)
	}
	writeJSON(w, status, body)
}

// errorCode maps a status to a v8 RESTExceptionInfo errorCode.
func errorCode(status int) any {
	switch status {
	case http.StatusBadRequest, http.StatusUnsupportedMediaType, http.StatusRequestEntityTooLarge:
		return "ParameterValidationFailure"
	case http.StatusUnauthorized, http.StatusForbidden:
		return "ResourceAccessDenied"
	case http.StatusNotFound:
		return "ResourceNotFound"
	case http.StatusConflict:
		return "OperationConflict"
	case http.StatusMethodNotAllowed:
		return "HttpError"
	}
	return nil
}
