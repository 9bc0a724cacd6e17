package vb365

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Request bodies that can hold thousands of item IDs are written by hand:
// each ID is checked (as checkID does) and encoded in one pass over its
// bytes, into one buffer sized up front, with the bytes encoding/json
// writes for the same value (HTML characters, U+2028, U+2029 and invalid
// UTF-8 escaped alike). The tests compare the two.

// encode returns the body of OperatorRestore (operatorRestoreBody's JSON),
// or the error of the first bad item ID.
func (req *OperatorRestoreRequest) encode() ([]byte, error) {
	if len(req.ItemIDs) == 0 {
		return nil, invalidArg("req.ItemIDs", "must not be empty")
	}
	n := 128 + len(req.Folder) + len(req.Reason)
	for _, id := range req.ItemIDs {
		n += len(id) + len(`{"id":""},`)
	}
	b := make([]byte, 0, n)
	b = append(b, `{"changedItems":`...)
	b = strconv.AppendBool(b, req.ChangedItems)
	b = append(b, `,"deletedItems":`...)
	b = strconv.AppendBool(b, req.DeletedItems)
	b = append(b, `,"markRestoredAsUnread":`...)
	b = strconv.AppendBool(b, req.MarkRestoredAsUnread)
	if req.Folder != "" {
		b = append(b, `,"folder":`...)
		b = appendJSONString(b, req.Folder)
	}
	b = append(b, `,"items":`...)
	b, err := appendItemRefs(b, "req.ItemIDs", req.ItemIDs)
	if err != nil {
		return nil, err
	}
	if req.Reason != "" {
		b = append(b, `,"reason":`...)
		b = appendJSONString(b, req.Reason)
	}
	return append(b, '}'), nil
}

// appendItemRefs appends ids as a JSON array of item references
// ([{"id":"..."},...], []itemRef's JSON), each checked as checkID does;
// the error of a bad one names it as arg[i]. ids must not be empty.
func appendItemRefs(b []byte, arg string, ids []string) ([]byte, error) {
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":`...)
		var ok bool
		if b, ok = appendID(b, id); !ok {
			return nil, invalidArg(arg+"["+strconv.Itoa(i)+"]", idProblem(id))
		}
		b = append(b, '}')
	}
	return append(b, ']'), nil
}

// Classes of bytes in an ID (idClass): 0 is a printable ASCII byte that
// JSON takes as it is, other than a space or a dot.
const (
	idSpace   = 1 << iota // ' '
	idDot                 // '.'
	idControl             // refused
	idEscape              // '"', '\\', '<', '>', '&': escaped in JSON
	idHigh                // part of a multi-byte UTF-8 sequence, or invalid
)

var idClass = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case c < 0x20 || c == 0x7f:
			t[c] = idControl
		case c >= utf8.RuneSelf:
			t[c] = idHigh
		case c == ' ':
			t[c] = idSpace
		case c == '.':
			t[c] = idDot
		case c == '"' || c == '\\' || c == '<' || c == '>' || c == '&':
			t[c] = idEscape
		}
	}
	return t
}()

// appendID appends id as a JSON string and reports whether it is an ID
// that checkID takes; when it is not, b is returned as it was, and
// idProblem says why. Every problem idProblem finds makes appendID refuse
// the ID, and the other way round.
func appendID(b []byte, id string) ([]byte, bool) {
	if len(id) == 0 || len(id) > maxIDLength {
		return b, false
	}
	var seen uint8 // the classes of the bytes seen
	blank := true  // no ASCII byte other than a space yet
	prevDot := false
	for i := 0; i < len(id); i++ {
		c := idClass[id[i]]
		if c == 0 {
			blank, prevDot = false, false
			continue
		}
		if c&idControl != 0 || c&idDot != 0 && prevDot {
			return b, false
		}
		prevDot = c&idDot != 0
		if c&(idSpace|idHigh) == 0 {
			blank = false
		}
		seen |= c
	}
	if blank && strings.TrimSpace(id) == "" || id == "." {
		return b, false
	}
	if seen&(idEscape|idHigh) != 0 {
		return appendJSONString(b, id), true
	}
	b = append(b, '"')
	b = append(b, id...)
	return append(b, '"'), true
}

// appendJSONString appends s as encoding/json encodes a string (with HTML
// escaping, its default).
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
