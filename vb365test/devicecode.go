package vb365test

import (
	"encoding/base32"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DeviceCodeLifetime is the lifetime of the device codes the server issues
// (expiresIn), as Microsoft's device-code sign-in gives them.
const DeviceCodeLifetime = 15 * time.Minute

// deviceCodeURL is where a person enters a device code.
const deviceCodeURL = "https://microsoft.com/devicelogin"

type deviceCodeOptions struct {
	TargetApplicationID    *string `json:"targetApplicationId"`
	TargetRegion           *string `json:"targetRegion"`
	TargetOrganizationName *string `json:"targetOrganizationName"`
}

// handleDeviceCode serves RouteDeviceCode.
func (s *Server) handleDeviceCode(w http.ResponseWriter, req *http.Request, c call, p principal) {
	if !requireAdmin(w, c, p) {
		return
	}
	var o deviceCodeOptions
	empty, ok := readJSON(w, req, c, &o)
	if !ok {
		return
	}
	switch {
	case empty:
		writeError(w, c.version, http.StatusBadRequest, "The request body is required.")
		return
	case o.TargetApplicationID != nil && !isUUID(*o.TargetApplicationID):
		writeError(w, c.version, http.StatusBadRequest, "The targetApplicationId value is not a valid GUID.")
		return
	case !inEnum(o.TargetRegion, "Worldwide", "Germany", "China", "USDefence", "USGovernment"):
		writeError(w, c.version, http.StatusBadRequest, "The targetRegion value is not valid.")
		return
	}
	s.mu.Lock()
	ss := s.lookupSession(w, c, c.params[0], true)
	if ss == nil {
		s.mu.Unlock()
		return
	}
	n := len(ss.deviceCodes) + 1
	code := userCode(hashUUID("device-code", ss.id, strconv.Itoa(n)))
	ss.deviceCodes = append(ss.deviceCodes, deviceCode{code: code, expires: s.now().Add(DeviceCodeLifetime)})
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"userCode":        code,
		"verificationUrl": deviceCodeURL,
		"expiresIn":       int64(DeviceCodeLifetime / time.Second),
		"message": "To sign in, use a web browser to open the page " + deviceCodeURL +
			" and enter the code " + code + " to authenticate.",
	})
}

// userCode makes a Microsoft-style user code (nine letters and digits)
// from seed.
func userCode(seed string) string {
	return strings.ToUpper(base32.StdEncoding.EncodeToString([]byte(seed))[:9])
}

// deviceCodeValid reports whether ss issued code and it has not expired
// (caller holds s.mu). Codes are compared as Microsoft does, without
// regard to case.
func (s *Server) deviceCodeValid(ss *session, code string) bool {
	now := s.now()
	for _, d := range ss.deviceCodes {
		if strings.EqualFold(d.code, strings.TrimSpace(code)) {
			return now.Before(d.expires)
		}
	}
	return false
}

// DeviceCode is a device code the server issued for a restore session.
type DeviceCode struct {
	// UserCode is the code a person enters.
	UserCode string
	// Expires is when the code stops being valid, on the server's clock.
	Expires time.Time
}

// DeviceCodes returns the device codes the restore session with ID id
// issued, oldest first (nil for an unknown session).
func (s *Server) DeviceCodes(id string) []DeviceCode {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessByID[strings.ToLower(id)]
	if ss == nil {
		return nil
	}
	out := make([]DeviceCode, len(ss.deviceCodes))
	for i, d := range ss.deviceCodes {
		out[i] = DeviceCode{UserCode: d.code, Expires: d.expires}
	}
	return out
}
