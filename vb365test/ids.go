package vb365test

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
)

// timeLayout renders times like the .NET server: seven fractional digits.
const timeLayout = "2006-01-02T15:04:05.0000000Z07:00"

// formatTime renders t in UTC with seven fractional digits.
func formatTime(t time.Time) string {
	return t.UTC().Format(timeLayout)
}

// formatTimePtr is formatTime for optional values (zero time → nil → JSON null).
func formatTimePtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := formatTime(t)
	return &s
}

// formatDuration renders d as a .NET TimeSpan ("00:00:01").
func formatDuration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	sec := int64(d / time.Second)
	h, m, s := sec/3600, (sec/60)%60, sec%60
	var b strings.Builder
	if h >= 24 {
		b.WriteString(itoa(h/24) + ".")
		h %= 24
	}
	b.WriteString(pad2(h) + ":" + pad2(m) + ":" + pad2(s))
	return b.String()
}

func pad2(v int64) string {
	if v < 10 {
		return "0" + itoa(v)
	}
	return itoa(v)
}

func itoa(v int64) string {
	if v == 0 {
		return "0"
	}
	neg := v < 0
	if neg {
		v = -v
	}
	var buf [20]byte
	i := len(buf)
	for v > 0 {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}

// hashUUID derives a deterministic, name-based UUID (version 5 layout) from parts.
func hashUUID(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	b := sum[:16]
	b[6] = (b[6] & 0x0f) | 0x50
	b[8] = (b[8] & 0x3f) | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// exchangeID derives a deterministic opaque Exchange-style ID. The result is
// standard base64 that always contains '+', '/' and '=' (the bytes 0xfb 0xff
// 0xbf at a 3-byte boundary encode to "+/+/" and 28 bytes end with "=="), so
// clients must path-escape it.
func exchangeID(kind byte, parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	raw := make([]byte, 0, 28)
	raw = append(raw, 0x00, 0x03, kind)
	raw = append(raw, sum[:12]...)
	raw = append(raw, 0xfb, 0xff, 0xbf)
	raw = append(raw, sum[12:22]...)
	return base64.StdEncoding.EncodeToString(raw)
}

// randomToken returns an opaque random token string.
func randomToken() string {
	var b [33]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms.
	return "AQAAANCMnd8BFdERjHoAwE_" + base64.RawURLEncoding.EncodeToString(b[:])
}

// isUUID reports whether v has the 8-4-4-4-12 hexadecimal UUID form.
func isUUID(v string) bool {
	if len(v) != 36 {
		return false
	}
	for i := 0; i < len(v); i++ {
		ch := v[i]
		switch i {
		case 8, 13, 18, 23:
			if ch != '-' {
				return false
			}
		default:
			if !('0' <= ch && ch <= '9' || 'a' <= ch && ch <= 'f' || 'A' <= ch && ch <= 'F') {
				return false
			}
		}
	}
	return true
}
