package vb365

import (
	"context"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DownloadOptions steer a download (ExportToPST, Save).
type DownloadOptions struct {
	// Progress, when set, is called as the body arrives with the bytes
	// written so far and the total size (-1 while unknown). It runs on the
	// calling goroutine and must be quick.
	Progress func(written, total int64)
	// MaxResumes is how many times a download that breaks off is asked for
	// again from where it stopped; the server keeps the file in its temp
	// folder. 0 means DefaultMaxResumes; a negative value, never.
	MaxResumes int
	// StallTimeout bounds the silence of the body: when no body byte has
	// come for this long, the download is broken off (and resumed, see
	// MaxResumes; once no resume is left, the error matches ErrTimeout).
	// 0 means DefaultStallTimeout; a negative value is refused with an
	// error that matches ErrInvalidArgument.
	StallTimeout time.Duration
}

// DefaultMaxResumes is how many times a broken download is resumed.
const DefaultMaxResumes = 3

// DefaultStallTimeout is how long a download's body may send nothing
// before the download is broken off and resumed.
const DefaultStallTimeout = 5 * time.Minute

// Download tells what a download wrote.
type Download struct {
	// Written is the number of bytes written to the caller's writer.
	Written int64
	// Total is the size the server announced, or -1.
	Total int64
	// ContentType is the type the server announced.
	ContentType string
	// Resumes is how many times the download was resumed after breaking
	// off.
	Resumes int
}

// ExportOptions describe a PST export.
type ExportOptions struct {
	DownloadOptions
	// PSTSizeLimitBytes, when positive, splits the PST at this size.
	PSTSizeLimitBytes int64
	// ContentKeyword keeps items that contain it (ScopeFolder and
	// ScopeMailbox only).
	ContentKeyword string
}

// ExportToPST exports items, an item, a folder or a whole mailbox to a PST
// file and streams it into w (the exportToPst endpoints). The file is never
// held in memory whole. A download that breaks off is asked for again (see
// DownloadOptions) with Range and If-Range (the first answer's ETag, or its
// Last-Modified): the server keeps the file, and either sends the rest (206,
// whose Content-Range must start at the bytes written and agree with the
// file's size) or the whole file again, whose ETag, length and first bytes
// are then checked against what was written. A file that changed, or an
// answer of the wrong length, is an error, never spliced in; download it
// again from the start. The server needs 64-bit Outlook to make PST files.
//
// Retry class: re-requestable: the server keeps the file, so the call is
// retried like a read, and resumed where it broke off.
func (s *MailboxesService) ExportToPST(ctx context.Context, sessionID, mailboxID string, scope Scope, w io.Writer, opts *ExportOptions) (*Download, error) {
	path, refs, err := scope.path("ExportToPST", anyScope, sessionID, mailboxID, "exportToPst")
	if err != nil {
		return nil, err
	}
	if w == nil {
		return nil, invalidArg("w", "must not be nil")
	}
	var o ExportOptions
	if opts != nil {
		o = *opts
	}
	if o.PSTSizeLimitBytes < 0 {
		return nil, invalidArg("opts.PSTSizeLimitBytes", "must not be negative")
	}
	if o.ContentKeyword != "" && scope.kind != scopeFolder && scope.kind != scopeMailbox {
		return nil, invalidArg("opts.ContentKeyword", "applies to ScopeFolder and ScopeMailbox only")
	}
	b, _ := json.Marshal(struct {
		Items              []itemRef `json:"items,omitempty"`
		ContentKeyword     string    `json:"contentKeyword,omitempty"`
		EnablePSTSizeLimit bool      `json:"enablePstSizeLimit"`
		PSTSizeLimitBytes  int64     `json:"pstSizeLimitBytes,omitempty"`
	}{refs, o.ContentKeyword, o.PSTSizeLimitBytes > 0, o.PSTSizeLimitBytes})
	return s.client.download(ctx, &request{op: "ExportToPST", method: "POST", path: path, body: b}, w, &o.DownloadOptions)
}

// Save saves items, or one item, as MSG files and streams them into w (the
// Save endpoints; several items come zipped). Streaming and resuming are as
// for ExportToPST.
//
// Retry class: re-requestable, as ExportToPST.
func (s *MailboxesService) Save(ctx context.Context, sessionID, mailboxID string, scope Scope, w io.Writer, opts *DownloadOptions) (*Download, error) {
	action := "Save" // the items form is capitalised, the single-item form not
	if scope.kind == scopeItem {
		action = "save"
	}
	path, refs, err := scope.path("Save", itemScope, sessionID, mailboxID, action)
	if err != nil {
		return nil, err
	}
	if w == nil {
		return nil, invalidArg("w", "must not be nil")
	}
	var b []byte
	if refs != nil {
		b, _ = json.Marshal(struct {
			Items []itemRef `json:"items"`
		}{refs})
	}
	return s.client.download(ctx, &request{op: "Save", method: "POST", path: path, body: b}, w, opts)
}

// download sends r and streams the answer's body into w, asking again from
// where it stopped when the body breaks off.
func (c *Client) download(ctx context.Context, r *request, w io.Writer, opts *DownloadOptions) (*Download, error) {
	var o DownloadOptions
	if opts != nil {
		o = *opts
	}
	switch {
	case o.StallTimeout < 0:
		return nil, invalidArg("opts.StallTimeout", "must not be negative")
	case o.StallTimeout == 0:
		o.StallTimeout = DefaultStallTimeout
	}
	if o.MaxResumes == 0 {
		o.MaxResumes = DefaultMaxResumes
	}
	d := &Download{Total: -1}
	dl := &downloader{op: r.op, d: d, pw: &progressWriter{w: w, d: d, progress: o.Progress}}
	r.stall = o.StallTimeout
	r.stream = dl.receive
	for {
		r.ifRange, dl.from = "", mark{d.Written, dl.pw.sum}
		if d.Written > 0 {
			r.ifRange = dl.validator()
			if r.ifRange == "" {
				// Without a validator a range cannot be told from the
				// same bytes of another file: ask from a mark before
				// the bytes written, and check the bytes sent again
				// (see receive). Before the first mark, the whole file
				// is asked for, and its first bytes checked.
				dl.from = dl.pw.overlap()
			}
		}
		r.rangeFrom = dl.from.at
		err := c.do(ctx, r, nil)
		var broken *brokenBody
		if err == nil || !errors.As(err, &broken) || d.Resumes >= o.MaxResumes || ctx.Err() != nil {
			return d, err
		}
		d.Resumes++
		if c.debug {
			c.logger.DebugContext(ctx, "vb365 resuming download", "op", r.op, "from", d.Written)
		}
	}
}

// downloader is one download across its resumes.
type downloader struct {
	op string
	d  *Download
	pw *progressWriter
	// etag and modified are the ETag and Last-Modified of the answer
	// whose bytes are being written.
	etag, modified string
	// from is where the request asks the file from: the bytes written,
	// or without a validator a mark before them, from which the answer
	// sends again the bytes written after it.
	from mark
}

// validator is the If-Range of a resumed request: the first answer's ETag,
// or without one its Last-Modified date. A weak ETag cannot be sent in
// If-Range, and then no date may be either (RFC 9110, 13.1.5).
func (dl *downloader) validator() string {
	switch {
	case dl.etag == "":
		return dl.modified
	case strings.HasPrefix(dl.etag, "W/"):
		return ""
	}
	return dl.etag
}

// receive copies one answer's body into the caller's writer. A 206
// continues where the download stopped, if its Content-Range starts at
// the bytes written and agrees with its length and with the file's size. A
// 200 to a resumed request sends the file from its start: unless its ETag
// or length shows that the file changed, the bytes already written are
// read again and checked against what was written, so that a server which
// made a different file is caught instead of spliced in.
func (dl *downloader) receive(resp *http.Response) error {
	d, pw := dl.d, dl.pw
	body := io.Reader(resp.Body)
	etag, modified := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if d.Written == 0 {
		// Nothing is kept of an earlier answer: this one is the file.
		d.Total, dl.etag, dl.modified = -1, etag, modified
	}
	switch {
	case dl.etag != "" && etag != "" && etag != dl.etag:
		return dl.changed("its ETag was " + shownTag(dl.etag) + ", now " + shownTag(etag))
	case dl.modified != "" && modified != "" && modified != dl.modified:
		// A server that ignores If-Range still says when its file changed.
		return dl.changed("it was last modified " + quote(dl.modified) + ", now " + quote(modified))
	}
	end := int64(-1) // where this answer's body ends in the file, if known
	switch {
	case resp.StatusCode == http.StatusPartialContent:
		asked := dl.from.at
		cr := resp.Header.Get("Content-Range")
		start, last, total, ok := contentRange(cr)
		bad := ""
		switch {
		case !ok:
			bad = "which is not a byte range"
		case start != asked:
			bad = "which does not start at byte " + strconv.FormatInt(asked, 10)
		case last < start:
			bad = "which ends before it starts"
		case total >= 0 && last >= total, total < 0 && d.Total >= 0 && last >= d.Total:
			bad = "which ends past the file's size"
		case resp.ContentLength >= 0 && resp.ContentLength != last-start+1:
			bad = "which disagrees with its Content-Length " + strconv.FormatInt(resp.ContentLength, 10)
		}
		if bad != "" {
			return dl.errorf("asked for the rest of the file from byte " + strconv.FormatInt(asked, 10) +
				", the server answered with Content-Range " + quote(cr) + ", " + bad)
		}
		if total >= 0 && d.Total >= 0 && total != d.Total {
			return dl.changed("it had " + strconv.FormatInt(d.Total, 10) + " bytes, now " + strconv.FormatInt(total, 10) + " by Content-Range " + quote(cr))
		}
		if total >= 0 {
			d.Total = total // a total of "*" keeps the one known
		}
		end = last + 1
		if d.Written > asked {
			// The bytes from the mark to those written come again: they
			// must be the ones written.
			again := make([]byte, d.Written-asked)
			if _, err := io.ReadFull(body, again); err != nil {
				return &brokenBody{err}
			}
			if crc32.Update(dl.from.sum, crc32.IEEETable, again) != pw.sum {
				return dl.changed("asked again from byte " + strconv.FormatInt(asked, 10) +
					", the server sent other bytes than those written")
			}
		}
	case d.Written > 0:
		if n := resp.ContentLength; n >= 0 && (d.Total >= 0 && n != d.Total || n < d.Written) {
			had := d.Total
			if had < 0 {
				had = d.Written // at least
			}
			return dl.changed("it had " + strconv.FormatInt(had, 10) + " bytes, now " + strconv.FormatInt(n, 10))
		}
		again := &crcWriter{}
		if _, err := io.CopyN(again, body, d.Written); err != nil {
			return &brokenBody{err}
		}
		if again.sum != pw.sum {
			return dl.changed("asked again, the server sent a different file: its first bytes differ")
		}
		fallthrough
	default:
		if resp.ContentLength >= 0 {
			d.Total = resp.ContentLength
		}
	}
	if end < 0 {
		end = d.Total
	}
	d.ContentType = resp.Header.Get("Content-Type")
	pw.end, pw.long = end, false
	pw.report()
	_, err := io.Copy(pw, body)
	switch {
	case pw.long:
		return dl.errorf("the server sent a longer body than it announced (more than " + strconv.FormatInt(end, 10) + " bytes of the file)")
	case err != nil && pw.err == nil:
		// The writer did not fail: the body broke off.
		return &brokenBody{err}
	case err != nil:
		return err
	case end >= 0 && d.Written < end:
		// The body ended before the bytes its range announced.
		return &brokenBody{io.ErrUnexpectedEOF}
	case d.Total >= 0 && d.Written < d.Total:
		// The file is shorter than its total: ask for the rest.
		return &brokenBody{io.ErrUnexpectedEOF}
	}
	return nil
}

// errorf is the error of a download that went wrong for good.
func (dl *downloader) errorf(msg string) error {
	return errors.New("vb365: " + dl.op + ": " + msg)
}

// changed is the error of a file that is not the one whose first bytes
// were written.
func (dl *downloader) changed(why string) error {
	return dl.errorf("the file changed on the server after the download broke off (" + why +
		"); the " + strconv.FormatInt(dl.d.Written, 10) + " bytes written are not part of it: download it again from the start")
}

// shownTag is an ETag for an error's text: as sent when it is quoted, as
// it should be, else quoted.
func shownTag(v string) string {
	q := quote(v)
	if strings.HasPrefix(v, "\"") || strings.HasPrefix(v, "W/\"") {
		return q[1 : len(q)-1]
	}
	return q
}

// brokenBody is a download body that ended early.
type brokenBody struct{ err error }

func (e *brokenBody) Error() string { return "vb365: download broke off: " + e.err.Error() }
func (e *brokenBody) Unwrap() error { return e.err }

// contentRange reads "bytes first-last/total" or "bytes first-last/*";
// total is -1 for "*".
func contentRange(v string) (first, last, total int64, ok bool) {
	v, found := strings.CutPrefix(v, "bytes ")
	rng, size, found2 := strings.Cut(v, "/")
	a, b, found3 := strings.Cut(rng, "-")
	if !found || !found2 || !found3 {
		return 0, 0, 0, false
	}
	first, ok1 := digits(a)
	last, ok2 := digits(b)
	total, ok3 := digits(size)
	if size == "*" {
		total, ok3 = -1, true
	}
	return first, last, total, ok1 && ok2 && ok3
}

// digits reads a non-negative decimal number without sign or spaces.
func digits(s string) (int64, bool) {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// progressWriter counts what reaches the caller's writer, keeps its
// checksum, and reports progress.
type progressWriter struct {
	w        io.Writer
	d        *Download
	sum      uint32  // CRC-32 of the bytes written
	marks    [2]mark // the last two marks passed, the latest last
	progress func(written, total int64)
	err      error // the caller's writer failed
	// end, when not negative, is the size the file may not grow past;
	// long says that the body went on past it.
	end  int64
	long bool
}

func (p *progressWriter) Write(b []byte) (int, error) {
	if p.end >= 0 && p.d.Written+int64(len(b)) > p.end {
		b, p.long = b[:max(p.end-p.d.Written, 0)], true
	}
	n, err := p.w.Write(b)
	p.add(b[:n])
	if err != nil {
		p.err = err
	}
	p.report()
	if err == nil && p.long {
		err = errTooLong
	}
	return n, err
}

var errTooLong = errors.New("longer than announced")

// mark is a point of a download: the bytes written up to it, and their
// CRC-32.
type mark struct {
	at  int64
	sum uint32
}

// Marks are set every markEvery bytes; a resume without a validator asks
// again for at least minOverlap bytes already written.
const (
	markEvery  = 64 << 10
	minOverlap = 4 << 10
)

// add counts b as written, and sets the marks it passes.
func (p *progressWriter) add(b []byte) {
	for len(b) > 0 {
		next := (p.d.Written/markEvery + 1) * markEvery
		k := min(int64(len(b)), next-p.d.Written)
		p.sum = crc32.Update(p.sum, crc32.IEEETable, b[:k])
		p.d.Written += k
		b = b[k:]
		if p.d.Written == next {
			p.marks[0], p.marks[1] = p.marks[1], mark{p.d.Written, p.sum}
		}
	}
}

// overlap returns the latest mark at least minOverlap bytes before the
// bytes written; the zero mark, the start of the file, when none is.
func (p *progressWriter) overlap() mark {
	for i := len(p.marks) - 1; i >= 0; i-- {
		if m := p.marks[i]; m.at > 0 && m.at <= p.d.Written-minOverlap {
			return m
		}
	}
	return mark{}
}

// crcWriter computes the CRC-32 of what is written to it.
type crcWriter struct{ sum uint32 }

func (c *crcWriter) Write(b []byte) (int, error) {
	c.sum = crc32.Update(c.sum, crc32.IEEETable, b)
	return len(b), nil
}

func (p *progressWriter) report() {
	if p.progress != nil {
		p.progress(p.d.Written, p.d.Total)
	}
}
