package vb365test

import (
	"encoding/json"
	"unicode/utf16"
)

// dotnetEscape rewrites the string literals of the JSON document b as
// System.Text.Json's default encoder writes them (see WithDotNetEscaping).
// Everything outside string literals is kept; a literal that does not
// decode is kept as it is.
func dotnetEscape(b []byte) []byte {
	out := make([]byte, 0, len(b)+len(b)/8)
	for i := 0; i < len(b); {
		if b[i] != '"' {
			out = append(out, b[i])
			i++
			continue
		}
		j := i + 1
		for j < len(b) && b[j] != '"' {
			if b[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(b) {
			return append(out, b[i:]...) // unterminated: keep the rest
		}
		var str string
		if err := json.Unmarshal(b[i:j+1], &str); err != nil {
			out = append(out, b[i:j+1]...)
		} else {
			out = appendDotNetString(out, str)
		}
		i = j + 1
	}
	return out
}

const hexDigits = "0123456789ABCDEF"

// appendDotNetString appends s as a JSON string literal escaped like
// System.Text.Json's JavaScriptEncoder.Default: only printable ASCII other
// than " & ' + < > \ and ` is written as it is; \b \f \n \r \t and \\
// have their short forms; everything else is \uXXXX in upper-case hex,
// characters beyond U+FFFF as a surrogate pair.
func appendDotNetString(out []byte, s string) []byte {
	out = append(out, '"')
	u := func(r rune) {
		out = append(out, '\\', 'u', hexDigits[r>>12&0xF], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
	}
	for _, r := range s {
		switch {
		case r == '\\':
			out = append(out, '\\', '\\')
		case r == '\b':
			out = append(out, '\\', 'b')
		case r == '\f':
			out = append(out, '\\', 'f')
		case r == '\n':
			out = append(out, '\\', 'n')
		case r == '\r':
			out = append(out, '\\', 'r')
		case r == '\t':
			out = append(out, '\\', 't')
		case r == '"' || r == '&' || r == '\'' || r == '+' || r == '<' || r == '>' || r == '`':
			u(r)
		case r >= 0x20 && r < 0x7F:
			out = append(out, byte(r))
		case r > 0xFFFF:
			hi, lo := utf16.EncodeRune(r)
			u(hi)
			u(lo)
		default:
			u(r)
		}
	}
	return append(out, '"')
}
