package vb365

import (
	"context"
	"encoding/json"
	"errors"
	"hash"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
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
}

// DefaultMaxResumes is how many times a broken download is resumed.
const DefaultMaxResumes = 3

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
// DownloadOptions): the server keeps the file, and either sends the rest
// (206 to a Range request) or the whole file again, whose first bytes are
// then checked against what was written. The server needs 64-bit Outlook to
// make PST files.
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
	if o.MaxResumes == 0 {
		o.MaxResumes = DefaultMaxResumes
	}
	d := &Download{Total: -1}
	pw := &progressWriter{w: w, d: d, sum: crc32.NewIEEE(), progress: o.Progress}
	for {
		r.rangeFrom = d.Written
		r.stream = func(resp *http.Response) error { return d.receive(resp, pw) }
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

// receive copies one answer's body into pw. A 206 continues where the
// download stopped. A 200 to a resumed request sends the file from its
// start: the bytes already written are read again and checked against what
// was written, so that a server which made a different file is caught
// instead of spliced in.
func (d *Download) receive(resp *http.Response, pw *progressWriter) error {
	body := io.Reader(resp.Body)
	switch {
	case resp.StatusCode == http.StatusPartialContent:
		start, total, ok := contentRange(resp.Header.Get("Content-Range"))
		if !ok || start != d.Written {
			return errors.New("vb365: the server resumed the download with Content-Range " +
				quote(resp.Header.Get("Content-Range")) + ", not from byte " + strconv.FormatInt(d.Written, 10))
		}
		d.Total = total
	default:
		if d.Written > 0 {
			again := crc32.NewIEEE()
			if _, err := io.CopyN(again, body, d.Written); err != nil {
				return &brokenBody{err}
			}
			if again.Sum32() != pw.sum.Sum32() {
				return errors.New("vb365: the download broke off and the server sent a different file when asked again; the bytes written so far are not part of it")
			}
		}
		if resp.ContentLength >= 0 {
			d.Total = resp.ContentLength
		}
	}
	d.ContentType = resp.Header.Get("Content-Type")
	pw.report()
	_, err := io.Copy(pw, body)
	if err != nil && pw.err == nil {
		// The writer did not fail: the body broke off.
		return &brokenBody{err}
	}
	if err == nil && d.Total >= 0 && d.Written < d.Total {
		return &brokenBody{io.ErrUnexpectedEOF}
	}
	return err
}

// brokenBody is a download body that ended early.
type brokenBody struct{ err error }

func (e *brokenBody) Error() string { return "vb365: download broke off: " + e.err.Error() }
func (e *brokenBody) Unwrap() error { return e.err }

// contentRange reads "bytes start-end/total".
func contentRange(v string) (start, total int64, ok bool) {
	v, found := strings.CutPrefix(v, "bytes ")
	if !found {
		return 0, 0, false
	}
	rng, size, found := strings.Cut(v, "/")
	from, _, found2 := strings.Cut(rng, "-")
	if !found || !found2 {
		return 0, 0, false
	}
	start, err := strconv.ParseInt(from, 10, 64)
	if err != nil {
		return 0, 0, false
	}
	total, err = strconv.ParseInt(size, 10, 64)
	if err != nil {
		total = -1
	}
	return start, total, true
}

// progressWriter counts what reaches the caller's writer, keeps its
// checksum, and reports progress.
type progressWriter struct {
	w        io.Writer
	d        *Download
	sum      hash.Hash32 // CRC-32 of the bytes written
	progress func(written, total int64)
	err      error // the caller's writer failed
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	p.sum.Write(b[:n])
	p.d.Written += int64(n)
	if err != nil {
		p.err = err
	}
	p.report()
	return n, err
}

func (p *progressWriter) report() {
	if p.progress != nil {
		p.progress(p.d.Written, p.d.Total)
	}
}
