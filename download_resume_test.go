package vb365

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const savePath = "/v6" + mbPath + "/items/Save"

// resumeServer mounts a Save endpoint whose first answer is a 200 of size
// bytes of pattern, with header first, that breaks off after cut bytes;
// every later request is answered by again. It returns the headers of
// every request, in order.
func resumeServer(t *testing.T, f *fakeAPI, size, cut int64, first http.Header, again http.HandlerFunc) func() []http.Header {
	t.Helper()
	var mu sync.Mutex
	var seen []http.Header
	f.handle("POST "+savePath, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		n := len(seen)
		mu.Unlock()
		if n > 1 {
			again(w, r)
			return
		}
		for k, v := range first {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		servePattern(w, 0, size, cut)
	})
	return func() []http.Header {
		mu.Lock()
		defer mu.Unlock()
		return append([]http.Header(nil), seen...)
	}
}

// partial answers 206 with Content-Range cr and, unless cl is negative, a
// Content-Length of cl, and writes the pattern's bytes [from, to).
func partial(cr string, cl, from, to int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Range", cr)
		if cl >= 0 {
			w.Header().Set("Content-Length", strconv.FormatInt(cl, 10))
		}
		w.WriteHeader(http.StatusPartialContent)
		writeChunked(w, pattern(from, to-from))
	}
}

// writeChunked writes b in flushed pieces, so that an answer without a
// Content-Length goes out chunked and a wrong Content-Length is not fixed.
func writeChunked(w http.ResponseWriter, b []byte) {
	for len(b) > 0 {
		n := min(len(b), 32<<10)
		if _, err := w.Write(b[:n]); err != nil {
			return
		}
		http.NewResponseController(w).Flush()
		b = b[n:]
	}
}

// rest answers the rest of a size-byte pattern file from the request's
// Range, as a server that keeps the file does.
// etagV1 is a first answer's validator, so that resumes ask for the rest
// of the file from where it stopped.
var etagV1 = http.Header{"Etag": {`"v1"`}}

func rest(size int64, header http.Header) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header()[k] = v
		}
		from, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(r.Header.Get("Range"), "bytes="), "-"), 10, 64)
		partial(fmt.Sprintf("bytes %d-%d/%d", from, size-1, size), size-from, from, size)(w, r)
	}
}

func TestDownloadStallTimeout(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 5*time.Minute, DefaultStallTimeout)
	c, f := setup(t)
	calls := f.handle("POST "+savePath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10")
		servePattern(w, 0, 10, 0)
	})

	// A negative bound is refused before anything is sent.
	_, err := c.Mailboxes.Save(t.Context(), "s1", "m1", ScopeItems("i1"), io.Discard, &DownloadOptions{StallTimeout: -time.Second})
	require.ErrorIs(t, err, ErrInvalidArgument)
	assert.Contains(t, err.Error(), "opts.StallTimeout")
	_, err = c.Mailboxes.ExportToPST(t.Context(), "s1", "m1", ScopeItems("i1"), io.Discard, &ExportOptions{DownloadOptions: DownloadOptions{StallTimeout: -1}})
	require.ErrorIs(t, err, ErrInvalidArgument)
	assert.Contains(t, err.Error(), "opts.StallTimeout")
	assert.Zero(t, calls.Load())

	// The request carries the bound the transport enforces.
	for _, tc := range []struct {
		opts *DownloadOptions
		want time.Duration
	}{
		{nil, DefaultStallTimeout},
		{&DownloadOptions{}, DefaultStallTimeout},
		{&DownloadOptions{StallTimeout: 7 * time.Second}, 7 * time.Second},
	} {
		r := &request{op: "Save", method: "POST", path: mbPath + "/items/Save"}
		d, err := c.download(t.Context(), r, io.Discard, tc.opts)
		require.NoError(t, err)
		assert.Equal(t, int64(10), d.Written)
		assert.Equal(t, tc.want, r.stall)
	}
}

// timeoutTransport fails the body of the first answer with an error that
// matches ErrTimeout after cut bytes, as the stall bound does.
type timeoutTransport struct {
	mu   sync.Mutex
	n    int
	cut  int64
	base http.RoundTripper
}

func (t *timeoutTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil || !strings.HasSuffix(req.URL.Path, "/Save") {
		return resp, err
	}
	t.mu.Lock()
	t.n++
	first := t.n == 1
	t.mu.Unlock()
	if first {
		resp.Body = &timedOutBody{ReadCloser: resp.Body, left: t.cut}
	}
	return resp, nil
}

type timedOutBody struct {
	io.ReadCloser
	left int64
}

func (b *timedOutBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, fmt.Errorf("no byte for 5m0s: %w", ErrTimeout)
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}

func TestDownloadStalledBodyIsResumed(t *testing.T) {
	t.Parallel()
	const size, cut = 300_000, 70_000
	for _, maxResumes := range []int{0, -1} {
		hc := &http.Client{Transport: &timeoutTransport{cut: cut, base: http.DefaultTransport.(*http.Transport).Clone()}}
		c, f := setup(t, WithHTTPClient(hc))
		seen := resumeServer(t, f, size, 0, http.Header{"Etag": {`"v1"`}}, rest(size, http.Header{"Etag": {`"v1"`}}))
		var got bytes.Buffer
		d, err := c.Mailboxes.Save(t.Context(), "s1", "m1", ScopeItems("i1"), &got, &DownloadOptions{MaxResumes: maxResumes})
		if maxResumes < 0 {
			require.ErrorIs(t, err, ErrTimeout)
			assert.Len(t, seen(), 1)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, 1, d.Resumes)
		assert.Equal(t, pattern(0, size), got.Bytes())
		require.Len(t, seen(), 2)
		assert.Equal(t, "bytes=70000-", seen()[1].Get("Range"))
	}
}

func TestResumeSendsIfRange(t *testing.T) {
	t.Parallel()
	const size, cut = 200_000, 50_000
	const lm = "Tue, 01 Dec 2026 19:06:31 GMT"
	for _, tc := range []struct {
		name   string
		header http.Header
		want   string
	}{
		{"etag", http.Header{"Etag": {`"abc"`}}, `"abc"`},
		{"etag over date", http.Header{"Etag": {`"abc"`}, "Last-Modified": {lm}}, `"abc"`},
		{"date", http.Header{"Last-Modified": {lm}}, lm},
		{"neither", http.Header{}, ""},
		{"weak etag", http.Header{"Etag": {`W/"abc"`}, "Last-Modified": {lm}}, ""},
	} {
		c, f := setup(t)
		seen := resumeServer(t, f, size, cut, tc.header, rest(size, tc.header))
		var got bytes.Buffer
		d, err := c.Mailboxes.Save(t.Context(), "s1", "m1", ScopeItems("i1"), &got, nil)
		require.NoError(t, err, tc.name)
		assert.Equal(t, 1, d.Resumes, tc.name)
		assert.Equal(t, pattern(0, size), got.Bytes(), tc.name)
		h := seen()
		require.Len(t, h, 2, tc.name)
		assert.Empty(t, h[0].Values("If-Range"), "%s: the first request is not conditional", tc.name)
		if tc.want == "" {
			// No validator: the whole file again (the cut is before the
			// first mark), whose first bytes are checked.
			assert.Empty(t, h[1].Values("Range"), tc.name)
			assert.Empty(t, h[1].Values("If-Range"), tc.name)
		} else {
			assert.Equal(t, "bytes=50000-", h[1].Get("Range"), tc.name)
			assert.Equal(t, []string{tc.want}, h[1].Values("If-Range"), tc.name)
		}
	}
}

// requireRefused checks a download that must end with an error that is not
// a broken body: resumed once, no byte written past the first answer's.
func requireRefused(t *testing.T, d *Download, err error, written int64, calls int, want string, msgAndArgs ...any) {
	t.Helper()
	require.Error(t, err, msgAndArgs...)
	var broken *brokenBody
	assert.False(t, errors.As(err, &broken), msgAndArgs...)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown, msgAndArgs...)
	assert.Contains(t, err.Error(), "vb365: Save: ", msgAndArgs...)
	assert.Contains(t, err.Error(), want, msgAndArgs...)
	assert.NotContains(t, err.Error(), "\n", msgAndArgs...)
	assert.Equal(t, written, d.Written, msgAndArgs...)
	assert.Equal(t, 1, d.Resumes, msgAndArgs...)
	assert.Equal(t, 2, calls, msgAndArgs...)
}

func TestResumeChecksContentRange(t *testing.T) {
	t.Parallel()
	const size, cut = 10_000, 1000
	for _, tc := range []struct {
		cr       string
		cl       int64
		from, to int64 // the bytes sent
		want     string
	}{
		{"bytes 999-9999/10000", 9001, 999, size, "does not start at byte 1000"},
		{"bytes 1001-9999/10000", 8999, 1001, size, "does not start at byte 1000"},
		{"bytes 0-9999/10000", size, 0, size, "does not start at byte 1000"},
		{"bytes 1000-999/10000", 0, 0, 0, "ends before it starts"},
		{"bytes 1000-10000/10000", 9001, 1000, size, "ends past the file's size"},
		{"bytes 1000-9999/10000", 5, 1000, 1005, "disagrees with its Content-Length 5"},
		{"bytes 1000-9999/10000", 8000, 1000, 9000, "disagrees with its Content-Length 8000"},
		{"bytes 1000-9999/*", 9002, 1000, 10_002, "disagrees with its Content-Length 9002"},
		{"bytes 1000-9999/20000", 9000, 1000, size, "the file changed on the server after the download broke off (it had 10000 bytes, now 20000 by Content-Range"},
		{"bytes 1000-9999/9999", 9000, 1000, size, "ends past the file's size"},
		{"bytes 1000-19999/20000", 19000, 1000, 20_000, "it had 10000 bytes, now 20000"},
		{"bytes */10000", 9000, 1000, size, "not a byte range"},
		{"bytes 1000-9999", 9000, 1000, size, "not a byte range"},
		{"bytes 1000-/10000", 9000, 1000, size, "not a byte range"},
		{"bytes +1000-9999/10000", 9000, 1000, size, "not a byte range"},
		{"bytes 1000-9999/x", 9000, 1000, size, "not a byte range"},
		{"items 1000-9999/10000", 9000, 1000, size, "not a byte range"},
		{"", 9000, 1000, size, "not a byte range"},
	} {
		c, f := setup(t)
		seen := resumeServer(t, f, size, cut, etagV1, partial(tc.cr, tc.cl, tc.from, tc.to))
		d, err := c.Mailboxes.Save(t.Context(), "s1", "m1", ScopeItems("i1"), io.Discard, nil)
		requireRefused(t, d, err, cut, len(seen()), tc.want, "Content-Range %q, Content-Length %d", tc.cr, tc.cl)
		if err != nil && tc.cr != "" {
			assert.Contains(t, err.Error(), strconv.Quote(tc.cr))
		}
	}
}

func TestResumeWithUnknownTotalKeepsTheKnownOne(t *testing.T) {
	t.Parallel()
	const size, cut = 10_000, 1000
	c, f := setup(t)
	// "*" for the total; the first resume sends 2000 bytes, the second the
	// rest.
	seen := resumeServer(t, f, size, cut, etagV1, func(w http.ResponseWriter, r *http.Request) {
		from, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(r.Header.Get("Range"), "bytes="), "-"), 10, 64)
		to := min(from+2000, size)
		partial(fmt.Sprintf("bytes %d-%d/*", from, to-1), to-from, from, to)(w, r)
	})
	var got bytes.Buffer
	var totals []int64
	d, err := c.Mailboxes.Save(t.Context(), "s1", "m1", ScopeItems("i1"), &got, &DownloadOptions{
		MaxResumes: 10,
		Progress:   func(_, total int64) { totals = append(totals, total) },
	})
	require.NoError(t, err)
	assert.Equal(t, int64(size), d.Total)
	assert.Equal(t, 5, d.Resumes)
	assert.Len(t, seen(), 6)
	assert.Equal(t, pattern(0, size), got.Bytes())
	assert.NotContains(t, totals, int64(-1), "the known total is never forgotten")
}

func TestResumeAnsweredWith200(t *testing.T) {
	t.Parallel()
	const size, cut = 10_000, 1000
	whole := func(header http.Header, cl int64, body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			for k, v := range header {
				w.Header()[k] = v
			}
			w.Header().Set("Content-Length", strconv.FormatInt(cl, 10))
			_, _ = w.Write(body)
		}
	}
	other := pattern(0, size)
	other[10] ^= 0xff
	v1, v2 := http.Header{"Etag": {`"v1"`}}, http.Header{"Etag": {`"v2"`}}
	for _, tc := range []struct {
		name  string
		first http.Header
		again http.HandlerFunc
		want  string // "": the download succeeds
	}{
		{"same file", v1, whole(v1, size, pattern(0, size)), ""},
		{"same file, no ETag", nil, whole(nil, size, pattern(0, size)), ""},
		{"another ETag", v1, whole(v2, size, pattern(0, size)), `(its ETag was "v1", now "v2")`},
		{"another length", v1, whole(v1, size+1, pattern(0, size+1)), "(it had 10000 bytes, now 10001)"},
		{"another length, no ETag", nil, whole(nil, size-1, pattern(0, size-1)), "(it had 10000 bytes, now 9999)"},
		{"other bytes", v1, whole(v1, size, other), "the server sent a different file: its first bytes differ"},
		{"other bytes, no ETag", nil, whole(nil, size, other), "the server sent a different file: its first bytes differ"},
	} {
		c, f := setup(t)
		seen := resumeServer(t, f, size, cut, tc.first, tc.again)
		var got bytes.Buffer
		d, err := c.Mailboxes.Save(t.Context(), "s1", "m1", ScopeItems("i1"), &got, nil)
		if tc.want == "" {
			require.NoError(t, err, tc.name)
			assert.Equal(t, pattern(0, size), got.Bytes(), tc.name)
			assert.Equal(t, int64(size), d.Total, tc.name)
			continue
		}
		requireRefused(t, d, err, cut, len(seen()), tc.want, tc.name)
		assert.Contains(t, err.Error(), "the file changed on the server", tc.name)
		assert.Equal(t, pattern(0, cut), got.Bytes(), tc.name)
	}
}

// TestResumeAnswered206WithAnotherETag checks a server that ignores
// If-Range: the 206 of another file is not spliced in.
func TestResumeAnswered206WithAnotherETag(t *testing.T) {
	t.Parallel()
	const size, cut = 10_000, 1000
	c, f := setup(t)
	seen := resumeServer(t, f, size, cut, http.Header{"Etag": {`"v1"`}}, rest(size, http.Header{"Etag": {`"v2"`}}))
	d, err := c.Mailboxes.Save(t.Context(), "s1", "m1", ScopeItems("i1"), io.Discard, nil)
	requireRefused(t, d, err, cut, len(seen()), `(its ETag was "v1", now "v2")`)
}

func TestDownloadShorterThanItsTotalIsNotComplete(t *testing.T) {
	t.Parallel()
	const size, cut = 10_000, 1000
	// Every resume sends at most 4000 bytes, with a true Content-Range:
	// each answer is whole, the file is not.
	upTo4000 := func(w http.ResponseWriter, r *http.Request) {
		from, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(r.Header.Get("Range"), "bytes="), "-"), 10, 64)
		to := min(from+4000, size)
		partial(fmt.Sprintf("bytes %d-%d/%d", from, to-1, size), to-from, from, to)(w, r)
	}
	c, f := setup(t)
	seen := resumeServer(t, f, size, cut, etagV1, upTo4000)
	d, err := c.Mailboxes.Save(t.Context(), "s1", "m1", ScopeItems("i1"), io.Discard, &DownloadOptions{MaxResumes: 2})
	require.ErrorIs(t, err, io.ErrUnexpectedEOF, "9000 of 10000 bytes is not a download")
	assert.Contains(t, err.Error(), "download broke off")
	assert.Equal(t, int64(9000), d.Written)
	assert.Equal(t, int64(size), d.Total)
	assert.Len(t, seen(), 3)

	c, f = setup(t)
	seen = resumeServer(t, f, size, cut, etagV1, upTo4000)
	var got bytes.Buffer
	d, err = c.Mailboxes.Save(t.Context(), "s1", "m1", ScopeItems("i1"), &got, nil)
	require.NoError(t, err)
	assert.Equal(t, 3, d.Resumes)
	assert.Len(t, seen(), 4)
	assert.Equal(t, pattern(0, size), got.Bytes())

	// Without any total, a body that ends before its range does is not
	// complete either.
	c, f = setup(t)
	var calls atomic.Int32
	f.handle("POST "+savePath, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Etag", `"v1"`)
			servePattern(w, 0, size, cut) // chunked, cut after 1000 bytes
			return
		}
		partial("bytes 1000-9999/*", -1, 1000, 5000)(w, r) // chunked, ends early
	})
	d, err = c.Mailboxes.Save(t.Context(), "s1", "m1", ScopeItems("i1"), io.Discard, &DownloadOptions{MaxResumes: 1})
	require.ErrorIs(t, err, io.ErrUnexpectedEOF, "5000 bytes of a range up to byte 10000 is not a download")
	assert.Equal(t, int64(5000), d.Written)
	assert.Equal(t, int64(-1), d.Total)
	assert.Equal(t, int32(2), calls.Load())
}

func TestDownloadLongerThanAnnouncedIsAnError(t *testing.T) {
	t.Parallel()
	const size, cut = 10_000, 1000
	chunked := func(status int, cr string, from, to int64) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if cr != "" {
				w.Header().Set("Content-Range", cr)
			}
			w.WriteHeader(status)
			writeChunked(w, pattern(from, to-from))
		}
	}
	for _, tc := range []struct {
		name  string
		again http.HandlerFunc
	}{
		{"200 without length", chunked(http.StatusOK, "", 0, size+500)},
		{"206 without length", chunked(http.StatusPartialContent, "bytes 1000-9999/10000", 1000, size+500)},
		{"206 without length, total *", chunked(http.StatusPartialContent, "bytes 1000-9999/*", 1000, size+500)},
		{"206 without length, short range", chunked(http.StatusPartialContent, "bytes 1000-4999/10000", 1000, 6000)},
	} {
		c, f := setup(t)
		seen := resumeServer(t, f, size, cut, etagV1, tc.again)
		var got bytes.Buffer
		d, err := c.Mailboxes.Save(t.Context(), "s1", "m1", ScopeItems("i1"), &got, nil)
		require.Error(t, err, tc.name)
		assert.Contains(t, err.Error(), "vb365: Save: the server sent a longer body than it announced", tc.name)
		assert.NotErrorIs(t, err, ErrOutcomeUnknown, tc.name)
		var broken *brokenBody
		assert.False(t, errors.As(err, &broken), "%s: not resumed", tc.name)
		assert.Len(t, seen(), 2, tc.name)
		assert.LessOrEqual(t, d.Written, int64(size), tc.name)
		assert.Equal(t, pattern(0, d.Written), got.Bytes(), "%s: nothing past the announced end is written", tc.name)
	}

	// The first answer, too, may not exceed the total a later one knows:
	// a 206 without Content-Length to a request without Range.
	c, f := setup(t)
	f.handle("POST "+savePath, chunked(http.StatusPartialContent, "bytes 0-99/100", 0, 150))
	d, err := c.Mailboxes.Save(t.Context(), "s1", "m1", ScopeItems("i1"), io.Discard, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "(more than 100 bytes of the file)")
	assert.Equal(t, int64(100), d.Written)
}

// TestResumeWithoutAValidatorChecksTheBytesSentAgain: an answer with no
// ETag and no Last-Modified gives a resume nothing to send in If-Range, so
// a range alone could splice another file's bytes onto this one's. The
// resume asks from a mark before the bytes written and checks the bytes
// sent again; before the first mark it asks for the whole file.
func TestResumeWithoutAValidatorChecksTheBytesSentAgain(t *testing.T) {
	t.Parallel()
	const size, cut = 300_000, 200_000
	from := int64((cut - minOverlap) / markEvery * markEvery)
	c, f := setup(t)
	seen := resumeServer(t, f, size, cut, nil, rest(size, nil))
	var got bytes.Buffer
	d, err := c.Mailboxes.Save(t.Context(), "s1", "m1", ScopeItems("i1"), &got, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, d.Resumes)
	assert.Equal(t, pattern(0, size), got.Bytes())
	h := seen()
	require.Len(t, h, 2)
	assert.Equal(t, "bytes="+strconv.FormatInt(from, 10)+"-", h[1].Get("Range"), "asked from the mark")
	assert.Empty(t, h[1].Values("If-Range"))

	// The server made the file again, with other bytes: the range it sends
	// does not begin with the bytes written, and nothing is spliced.
	other := func(w http.ResponseWriter, r *http.Request) {
		b := bytes.Repeat([]byte{'B'}, int(size-from))
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", from, size-1, size))
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.WriteHeader(http.StatusPartialContent)
		_, _ = w.Write(b)
	}
	c, f = setup(t)
	resumeServer(t, f, size, cut, nil, other)
	got.Reset()
	d, err = c.Mailboxes.Save(t.Context(), "s1", "m1", ScopeItems("i1"), &got, nil)
	requireRefused(t, d, err, cut, 2, "the server sent other bytes than those written")
	assert.Equal(t, pattern(0, cut), got.Bytes(), "nothing of the other file was written")

	// Before the first mark: the whole file is asked for, and an answer
	// that skips to the bytes not yet written is refused.
	const small = 10_000
	c, f = setup(t)
	seen = resumeServer(t, f, small, 1000, nil, partial("bytes 1000-9999/10000", 9000, 1000, small))
	d, err = c.Mailboxes.Save(t.Context(), "s1", "m1", ScopeItems("i1"), io.Discard, nil)
	requireRefused(t, d, err, 1000, len(seen()), "does not start at byte 0")
	assert.Empty(t, seen()[1].Values("Range"))
}
