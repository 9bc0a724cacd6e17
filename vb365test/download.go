package vb365test

import (
	"crypto/sha256"
	"encoding/binary"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// File signatures put at the start of generated downloads.
const (
	magicPST = "!BDN"                             // Outlook PST
	magicMSG = "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" // OLE compound file (MSG)
	magicZIP = "PK\x03\x04"                       // several files
)

// content is a generated file: magic, then a pseudo-random stream derived
// from seed. Any byte can be computed on its own, so ranges cost nothing and
// the file is never held in memory. etag and modified are its validators
// (set by Server.newExport).
type content struct {
	seed     uint64
	magic    string
	size     int64
	etag     string
	modified time.Time
}

// exportRevision is a generation of the files exportToPst and Save answer
// (see ChangeExports).
type exportRevision struct {
	n        int64
	modified time.Time // the files' Last-Modified, in whole seconds
}

// revision returns the current export revision, the first one made on
// first use.
func (s *Server) revision() *exportRevision {
	if r := s.exportRev.Load(); r != nil {
		return r
	}
	s.exportRev.CompareAndSwap(nil, &exportRevision{modified: s.now().UTC().Truncate(time.Second)})
	return s.exportRev.Load()
}

// ChangeExports makes exportToPst and Save answer new files from now on,
// as if the server had made the file in its temp folder again: the same
// request answers other bytes of the same size, with another ETag and a
// later Last-Modified, and a Range request whose If-Range names the old
// file answers 200 with the whole new file. Call it between a download's
// first answer and its resume to test a file that changed.
func (s *Server) ChangeExports() {
	for {
		old := s.revision()
		next := &exportRevision{n: old.n + 1, modified: s.now().UTC().Truncate(time.Second)}
		if !next.modified.After(old.modified) {
			next.modified = old.modified.Add(time.Second)
		}
		if s.exportRev.CompareAndSwap(old, next) {
			return
		}
	}
}

// newExport is the file a download answers, of the current revision: its
// bytes, ETag and Last-Modified depend on parts (what was asked for) and
// the revision only.
func (s *Server) newExport(size int64, magic string, parts ...string) content {
	rev := s.revision()
	if rev.n > 0 {
		parts = append(parts, "revision "+strconv.FormatInt(rev.n, 10))
	}
	g := newContent(size, magic, parts...)
	g.etag = "\"" + strconv.FormatUint(g.seed, 16) + "-" + strconv.FormatInt(size, 16) + "\""
	g.modified = rev.modified
	return g
}

// rangeOf reads the Range and If-Range headers of a request for g, as
// parseRange does. A Range whose If-Range does not name g (its ETag,
// compared strongly, or its Last-Modified date exactly) asks for a file
// the client no longer has: the whole file is answered (RFC 9110, 13.1.5).
func (g content) rangeOf(h http.Header) (start, end int64, partial, ok bool) {
	if v := h.Get("If-Range"); v != "" && h.Get("Range") != "" && !g.named(v) {
		return 0, g.size, false, true
	}
	return parseRange(h.Get("Range"), g.size)
}

// named reports whether the If-Range value v is g's validator.
func (g content) named(v string) bool {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "\"") || strings.HasPrefix(v, "W/") {
		return g.etag != "" && v == g.etag // a weak tag never matches
	}
	t, err := http.ParseTime(v)
	return err == nil && !g.modified.IsZero() && t.Equal(g.modified)
}

func newContent(size int64, magic string, parts ...string) content {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return content{seed: binary.LittleEndian.Uint64(sum[:8]), magic: magic, size: size}
}

// word is the 8-byte word k of the stream (splitmix64).
func (g content) word(k int64) uint64 {
	z := g.seed + uint64(k)*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// fill writes the bytes at [off, off+len(p)) into p.
func (g content) fill(p []byte, off int64) {
	i := 0
	for i < len(p) && off+int64(i) < int64(len(g.magic)) {
		p[i] = g.magic[off+int64(i)]
		i++
	}
	pos := off + int64(i)
	for i < len(p) && pos%8 != 0 {
		p[i] = byte(g.word(pos/8) >> (8 * (pos % 8)))
		i++
		pos++
	}
	for ; i+8 <= len(p); i += 8 {
		binary.LittleEndian.PutUint64(p[i:], g.word(pos/8))
		pos += 8
	}
	for ; i < len(p); i++ {
		p[i] = byte(g.word(pos/8) >> (8 * (pos % 8)))
		pos++
	}
}

// ReadAt implements io.ReaderAt.
func (g content) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, io.ErrUnexpectedEOF
	}
	if off >= g.size {
		return 0, io.EOF
	}
	n := len(p)
	if int64(n) > g.size-off {
		n = int(g.size - off)
	}
	g.fill(p[:n], off)
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// parseRange reads a Range header against size. It returns the byte range
// [start, end) to serve and whether it is partial (206); ok is false when
// the range cannot be satisfied (416). Forms other than one bytes range
// are ignored (the whole file, 200), as RFC 9110 allows.
func parseRange(h string, size int64) (start, end int64, partial, ok bool) {
	full := func() (int64, int64, bool, bool) { return 0, size, false, true }
	h = strings.TrimSpace(h)
	if h == "" || len(h) < 6 || !strings.EqualFold(h[:6], "bytes=") {
		return full()
	}
	spec := strings.TrimSpace(h[6:])
	if strings.Contains(spec, ",") {
		return full()
	}
	a, b, found := strings.Cut(spec, "-")
	if !found {
		return full()
	}
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if a == "" { // suffix: the last b bytes
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n < 0 {
			return full()
		}
		if n == 0 || size == 0 {
			return 0, 0, false, false
		}
		return size - min(n, size), size, true, true
	}
	st, err := strconv.ParseInt(a, 10, 64)
	if err != nil || st < 0 {
		return full()
	}
	last := size - 1
	if b != "" {
		e, err := strconv.ParseInt(b, 10, 64)
		if err != nil || e < st {
			return full()
		}
		last = min(last, e)
	}
	if st >= size {
		return 0, 0, false, false
	}
	return st, last + 1, true, true
}

var chunkPool = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// streamDownload answers [start, end) of g, in chunks.
func streamDownload(w http.ResponseWriter, g content, ctype, filename string, start, end int64, partial bool) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Accept-Ranges", "bytes")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	h.Set("Content-Length", strconv.FormatInt(end-start, 10))
	if g.etag != "" {
		h.Set("ETag", g.etag)
	}
	if !g.modified.IsZero() {
		h.Set("Last-Modified", g.modified.Format(http.TimeFormat))
	}
	status := http.StatusOK
	if partial {
		h.Set("Content-Range", "bytes "+strconv.FormatInt(start, 10)+"-"+strconv.FormatInt(end-1, 10)+"/"+strconv.FormatInt(g.size, 10))
		status = http.StatusPartialContent
	}
	w.WriteHeader(status)
	bp := chunkPool.Get().(*[]byte)
	defer chunkPool.Put(bp)
	buf := *bp
	for off := start; off < end; {
		n := int(min(int64(len(buf)), end-off))
		g.fill(buf[:n], off)
		if _, err := w.Write(buf[:n]); err != nil {
			return // the client went away or a fault cut the body
		}
		off += int64(n)
	}
}

// writeRangeNotSatisfiable answers 416 for a file of size bytes.
func writeRangeNotSatisfiable(w http.ResponseWriter, version int, size int64) {
	w.Header().Set("Content-Range", "bytes */"+strconv.FormatInt(size, 10))
	writeError(w, version, http.StatusRequestedRangeNotSatisfiable, "The requested range is not satisfiable; the file has "+strconv.FormatInt(size, 10)+" bytes.")
}

// safeFileName keeps letters, digits and a few marks of name.
func safeFileName(name, ext string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("-_.@ ", r):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 100 {
			break
		}
	}
	s := strings.TrimSpace(b.String())
	if s == "" {
		s = "export"
	}
	return s + ext
}
