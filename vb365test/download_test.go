package vb365test_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365/vb365test"
)

// post sends a JSON POST with optional headers and returns the open
// response; the caller closes its body.
func post(t *testing.T, hc *http.Client, s *vb365test.Server, path, token string, body any, header map[string]string) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(context.Background(), "POST", s.URL+path, rd)
	require.NoError(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := hc.Do(req)
	require.NoError(t, err)
	return res
}

func content(t *testing.T, a vb365test.Action) []byte {
	t.Helper()
	b, err := io.ReadAll(a.Content())
	require.NoError(t, err)
	require.Len(t, b, int(a.Size))
	return b
}

// exportSetup opens an administrator session and returns the token and the
// paths of an items export and of a single-item save.
func exportSetup(t *testing.T, s *vb365test.Server, v string) (tok, export, save, sid string) {
	t.Helper()
	alice := s.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
	tok, sid = adminSession(t, s, v)
	mp := mailboxPath(v, sid, alice.ID())
	it := alice.Folder("Inbox").Items()[0]
	return tok, mp + "/items/exportToPst", mp + "/items/" + url.PathEscape(it.ID()) + "/save", sid
}

func TestDownloadShapes(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			const size = 100_003
			s := newServer(t, vb365test.WithExportSize(size))
			require.Equal(t, int64(size), s.ExportSize())
			tok, export, save, _ := exportSetup(t, s, v)
			alice := s.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
			items := alice.Folder("Inbox").Items()
			body := itemsBody(items[0].ID(), items[1].ID())

			r := do(t, s, "POST", export, tok, body)
			require.Equal(t, http.StatusOK, r.status)
			require.Equal(t, "application/octet-stream", r.header.Get("Content-Type"))
			require.Equal(t, strconv.Itoa(size), r.header.Get("Content-Length"))
			require.Equal(t, "bytes", r.header.Get("Accept-Ranges"))
			require.Contains(t, r.header.Get("Content-Disposition"), `attachment; filename="alice@contoso.onmicrosoft.com - 2 items.pst"`)
			require.Len(t, r.body, size)
			require.Equal(t, "!BDN", string(r.body[:4]))
			a := s.Actions()[0]
			require.Equal(t, int64(size), a.Size)
			require.Equal(t, int64(0), a.RangeStart)
			require.Equal(t, int64(size), a.RangeEnd)
			require.Equal(t, content(t, a), r.body)

			// Asking again gives the same file (the temp-folder copy); other
			// requests give other files.
			again := do(t, s, "POST", export, tok, body)
			require.Equal(t, r.body, again.body)
			other := do(t, s, "POST", export, tok, itemsBody(items[0].ID()))
			require.NotEqual(t, r.body[100:200], other.body[100:200])

			// Save: an MSG for one item, a zip for several.
			one := do(t, s, "POST", save, tok, nil)
			require.Equal(t, http.StatusOK, one.status, string(one.body))
			require.Equal(t, []byte{0xd0, 0xcf, 0x11, 0xe0}, one.body[:4])
			require.Contains(t, one.header.Get("Content-Disposition"), ".msg")
			several := do(t, s, "POST", mailboxPath(v, s.Actions()[0].SessionID, alice.ID())+"/items/Save", tok, body)
			require.Equal(t, "PK\x03\x04", string(several.body[:4]))
			require.Contains(t, several.header.Get("Content-Disposition"), ".zip")

			// A PST larger than its size limit comes zipped.
			split := do(t, s, "POST", export, tok, with(body, "enablePstSizeLimit", true, "pstSizeLimitBytes", 1000))
			require.Equal(t, "PK\x03\x04", string(split.body[:4]))

			// The size can change at run time; 0 is an empty file.
			s.SetExportSize(7)
			require.Len(t, do(t, s, "POST", export, tok, body).body, 7)
			s.SetExportSize(-1) // ignored
			require.Equal(t, int64(7), s.ExportSize())
			s.SetExportSize(0)
			empty := do(t, s, "POST", export, tok, body)
			require.Equal(t, http.StatusOK, empty.status)
			require.Empty(t, empty.body)
			require.Equal(t, 8, s.ActionCount(vb365test.ActionExportToPst)+s.ActionCount(vb365test.ActionSave))
			require.Len(t, events(t, s, v, tok, s.Actions()[0].SessionID), 8)
		})
	}
}

func TestDownloadRange(t *testing.T) {
	t.Parallel()
	const size = 50_000
	s := newServer(t, vb365test.WithExportSize(size))
	v := "v8"
	tok, export, _, sid := exportSetup(t, s, v)
	alice := s.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
	body := itemsBody(alice.Folder("Inbox").Items()[0].ID())
	full := do(t, s, "POST", export, tok, body).body
	require.Len(t, full, size)

	get := func(rng string) *http.Response {
		res := post(t, s.Client(), s, export, tok, body, map[string]string{"Range": rng})
		t.Cleanup(func() { res.Body.Close() })
		return res
	}
	read := func(res *http.Response) []byte {
		b, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return b
	}
	for _, tc := range []struct {
		rng        string
		start, end int
	}{
		{"bytes=1000-", 1000, size},
		{"bytes=10-19", 10, 20},
		{"bytes=49990-60000", 49990, size},
		{"bytes=-5", size - 5, size},
		{"bytes=-100000", 0, size},
		{"bytes=0-", 0, size},
	} {
		res := get(tc.rng)
		require.Equal(t, http.StatusPartialContent, res.StatusCode, tc.rng)
		require.Equal(t, "bytes "+strconv.Itoa(tc.start)+"-"+strconv.Itoa(tc.end-1)+"/"+strconv.Itoa(size), res.Header.Get("Content-Range"), tc.rng)
		require.Equal(t, int64(tc.end-tc.start), res.ContentLength, tc.rng)
		require.Equal(t, full[tc.start:tc.end], read(res), tc.rng)
	}
	for _, rng := range []string{"bytes=50000-", "bytes=60000-70000", "bytes=-0"} {
		res := get(rng)
		require.Equal(t, http.StatusRequestedRangeNotSatisfiable, res.StatusCode, rng)
		require.Equal(t, "bytes */50000", res.Header.Get("Content-Range"), rng)
		require.NotEmpty(t, messageOf(t, read(res)), rng)
	}
	for _, rng := range []string{"bytes=0-1,5-6", "items=0-", "bytes=x-", "bytes=9-3"} {
		res := get(rng)
		require.Equal(t, http.StatusOK, res.StatusCode, rng)
		require.Equal(t, full, read(res), rng)
	}
	// Resumes are recorded but add no event; 416 records nothing.
	acts := s.Actions()
	require.Len(t, acts, 1+6+4)
	require.Equal(t, int64(1000), acts[1].RangeStart)
	require.Equal(t, int64(size), acts[1].RangeEnd)
	require.Equal(t, int64(10), acts[2].RangeStart)
	require.Equal(t, int64(20), acts[2].RangeEnd)
	evs := events(t, s, v, tok, sid)
	require.Len(t, evs, 1+2+4) // the full one, the two ranges from byte 0, and the four ignored ranges
	require.Equal(t, "Export", evs[0]["type"])
}

func messageOf(t *testing.T, b []byte) any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), string(b))
	return m["message"]
}

func TestDropAfterBytesAndResume(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			const size = 300_000
			s := newServer(t, vb365test.WithExportSize(size))
			tok, _, save, _ := exportSetup(t, s, v)
			hc := freshClient(t)
			s.InjectFault(vb365test.RouteSave, vb365test.DropAfterBytes(123_457))
			res := post(t, hc, s, save, tok, nil, nil)
			require.Equal(t, http.StatusOK, res.StatusCode)
			require.Equal(t, int64(size), res.ContentLength)
			part, err := io.ReadAll(res.Body)
			res.Body.Close()
			require.ErrorIs(t, err, io.ErrUnexpectedEOF)
			require.Len(t, part, 123_457)
			require.Equal(t, 1, s.ActionCount(vb365test.ActionSave), "the cut download acted")

			// Resume where it broke off.
			res = post(t, hc, s, save, tok, nil, map[string]string{"Range": "bytes=" + strconv.Itoa(len(part)) + "-"})
			require.Equal(t, http.StatusPartialContent, res.StatusCode)
			rest, err := io.ReadAll(res.Body)
			res.Body.Close()
			require.NoError(t, err)
			whole := append(part, rest...)
			acts := s.Actions()
			require.Len(t, acts, 2)
			require.Equal(t, content(t, acts[0]), whole)
			require.Equal(t, int64(123_457), acts[1].RangeStart)
			require.Equal(t, 2, s.Requests(vb365test.RouteSave))
			require.Equal(t, 1, s.FaultsInjected())

			// Cutting at 0 sends the headers only; a cut beyond the body lets
			// it through whole.
			s.InjectFault(vb365test.RouteSave, vb365test.DropAfterBytes(0), vb365test.DropAfterBytes(size))
			res = post(t, hc, s, save, tok, nil, nil)
			require.Equal(t, http.StatusOK, res.StatusCode)
			b, err := io.ReadAll(res.Body)
			res.Body.Close()
			require.Error(t, err)
			require.Empty(t, b)
			res = post(t, hc, s, save, tok, nil, nil)
			b, err = io.ReadAll(res.Body)
			res.Body.Close()
			require.NoError(t, err)
			require.Len(t, b, size)
		})
	}
}

func TestDropAfterBytesOnJSON(t *testing.T) {
	t.Parallel()
	s, op, path, body := restoreSetup(t, "v7")
	s.InjectFault(vb365test.RouteOperatorRestore, vb365test.DropAfterBytes(5))
	_, err := doErr(context.Background(), freshClient(t), s.URL, "POST", path, op, body)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	require.Equal(t, 1, s.RestoreCount())
	require.Equal(t, "FaultDropAfterBytes", vb365test.FaultDropAfterBytes.String())
}

// TestActThenRespondDoesNotBuffer checks that a fault replacing a huge
// download's answer neither holds nor generates the file.
func TestActThenRespondDoesNotBuffer(t *testing.T) {
	t.Parallel()
	s := newServer(t, vb365test.WithExportSize(1<<40)) // 1 TiB
	tok, export, _, _ := exportSetup(t, s, "v8")
	alice := s.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
	body := itemsBody(alice.Folder("Inbox").Items()[0].ID())
	s.InjectFault(vb365test.RouteExportToPst, vb365test.ActThenRespond(http.StatusBadGateway, ""))
	start := time.Now()
	require.Equal(t, http.StatusBadGateway, do(t, s, "POST", export, tok, body).status)
	require.Less(t, time.Since(start), 5*time.Second)
	require.Equal(t, int64(1<<40), s.Actions()[0].Size)
	s.InjectFault(vb365test.RouteExportToPst, vb365test.DropAfterAct())
	_, err := doErr(context.Background(), freshClient(t), s.URL, "POST", export, tok, body)
	require.Error(t, err)
	require.Equal(t, 2, s.ActionCount(vb365test.ActionExportToPst))
}

// TestCloseDuringDownload checks that Close ends a long download at once.
func TestCloseDuringDownload(t *testing.T) {
	t.Parallel()
	s := vb365test.NewServer(vb365test.WithExportSize(1 << 40))
	defer s.Close()
	tok, export, _, _ := exportSetup(t, s, "v6")
	alice := s.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
	res := post(t, s.Client(), s, export, tok, itemsBody(alice.Folder("Inbox").Items()[0].ID()), nil)
	defer res.Body.Close()
	_, err := io.CopyN(io.Discard, res.Body, 1<<20)
	require.NoError(t, err)
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close hangs while a download streams")
	}
	_, err = io.Copy(io.Discard, res.Body)
	require.Error(t, err)
}

// TestDownloadBoundedMemory streams 1 GiB (32 MiB with -short or -race) to
// io.Discard and checks that the heap stays small. It is not parallel, so
// that no other test allocates meanwhile.
func TestDownloadBoundedMemory(t *testing.T) {
	size := int64(1 << 30)
	if testing.Short() || raceEnabled {
		size = 32 << 20
	}
	s := newServer(t, vb365test.WithExportSize(size))
	tok, export, _, _ := exportSetup(t, s, "v8")
	alice := s.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
	body := itemsBody(alice.Folder("Inbox").Items()[0].ID())

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak atomic.Uint64
	stop, sampled := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	start := time.Now()
	res := post(t, s.Client(), s, export, tok, body, nil)
	n, err := io.Copy(io.Discard, res.Body)
	res.Body.Close()
	close(stop)
	<-sampled
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	require.Equal(t, size, n)
	require.Equal(t, size, res.ContentLength)
	grow := int64(peak.Load()) - int64(before.HeapInuse)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d MiB in %v: heap grew at most %d KiB, %d KiB allocated", size>>20, time.Since(start).Round(time.Millisecond), grow>>10, alloc>>10)
	require.Less(t, grow, int64(16<<20), "heap in use grew")
	require.Less(t, alloc, uint64(32<<20), "bytes allocated while streaming")
}

func TestDownloadValidatorsAndIfRange(t *testing.T) {
	t.Parallel()
	const size = 50_000
	clk := &fakeClock{t: time.Date(2026, 11, 20, 10, 15, 30, 123456700, time.UTC)}
	s := newServer(t, vb365test.WithExportSize(size), vb365test.WithClock(clk.Now))
	tok, export, save, _ := exportSetup(t, s, "v8")
	alice := s.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
	items := alice.Folder("Inbox").Items()
	body := itemsBody(items[0].ID())

	first := do(t, s, "POST", export, tok, body)
	etag, lm := first.header.Get("ETag"), first.header.Get("Last-Modified")
	require.Regexp(t, `^"[0-9a-f]+-[0-9a-f]+"$`, etag, "a strong ETag")
	require.Equal(t, "Fri, 20 Nov 2026 10:15:30 GMT", lm)
	require.Equal(t, etag, do(t, s, "POST", export, tok, body).header.Get("ETag"), "the same file, the same ETag")
	require.NotEqual(t, etag, do(t, s, "POST", export, tok, itemsBody(items[1].ID())).header.Get("ETag"), "another file, another ETag")
	one := do(t, s, "POST", save, tok, nil)
	require.NotEmpty(t, one.header.Get("ETag"))
	require.Equal(t, lm, one.header.Get("Last-Modified"))

	get := func(h map[string]string) (int, []byte, http.Header) {
		res := post(t, s.Client(), s, export, tok, body, h)
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res.StatusCode, b, res.Header
	}
	for _, tc := range []struct {
		rng, ifRange string
		status       int
	}{
		{"bytes=1000-", etag, http.StatusPartialContent},
		{"bytes=1000-", lm, http.StatusPartialContent},
		{"bytes=1000-", "W/" + etag, http.StatusOK}, // a weak tag never matches
		{"bytes=1000-", `"other"`, http.StatusOK},
		{"bytes=1000-", "Fri, 20 Nov 2026 10:15:29 GMT", http.StatusOK},
		{"bytes=1000-", "not a validator", http.StatusOK},
		{"bytes=60000-", etag, http.StatusRequestedRangeNotSatisfiable},
		{"bytes=60000-", `"other"`, http.StatusOK},
		{"", etag, http.StatusOK},
	} {
		h := map[string]string{"If-Range": tc.ifRange}
		if tc.rng != "" {
			h["Range"] = tc.rng
		}
		status, b, header := get(h)
		require.Equal(t, tc.status, status, "Range %q, If-Range %q", tc.rng, tc.ifRange)
		switch status {
		case http.StatusOK:
			require.Equal(t, first.body, b, "If-Range %q", tc.ifRange)
		case http.StatusPartialContent:
			require.Equal(t, first.body[1000:], b)
			require.Equal(t, etag, header.Get("ETag"))
		}
	}

	// A changed file: same size, other bytes, another ETag, a later date;
	// an If-Range naming the old file gets the whole new one.
	s.ChangeExports()
	changed := do(t, s, "POST", export, tok, body)
	etag2 := changed.header.Get("ETag")
	require.NotEqual(t, etag, etag2)
	require.Equal(t, "Fri, 20 Nov 2026 10:15:31 GMT", changed.header.Get("Last-Modified"), "later, though the clock stands still")
	require.Len(t, changed.body, size)
	require.NotEqual(t, first.body[1000:2000], changed.body[1000:2000])
	acts := s.Actions()
	require.Equal(t, changed.body, content(t, acts[len(acts)-1]))
	for _, old := range []string{etag, lm} {
		status, b, header := get(map[string]string{"Range": "bytes=1000-", "If-Range": old})
		require.Equal(t, http.StatusOK, status, old)
		require.Equal(t, changed.body, b, old)
		require.Equal(t, etag2, header.Get("ETag"))
	}
	status, b, _ := get(map[string]string{"Range": "bytes=1000-", "If-Range": etag2})
	require.Equal(t, http.StatusPartialContent, status)
	require.Equal(t, changed.body[1000:], b)
	s.ChangeExports()
	require.Equal(t, "Fri, 20 Nov 2026 10:15:32 GMT", do(t, s, "POST", export, tok, body).header.Get("Last-Modified"))
	clk.Advance(10 * time.Minute)
	s.ChangeExports()
	require.Equal(t, "Fri, 20 Nov 2026 10:25:30 GMT", do(t, s, "POST", export, tok, body).header.Get("Last-Modified"))

	// The size is part of the file, so it changes the ETag too.
	s.SetExportSize(size + 1)
	require.NotEqual(t, etag2, do(t, s, "POST", export, tok, body).header.Get("ETag"))
}
