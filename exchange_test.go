package vb365

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const mbPath = "/RestoreSessions/s1/organization/mailboxes/m1"

func TestRestoreOutcomePerVersion(t *testing.T) {
	t.Parallel()
	c6, f6 := setup(t)
	f6.handle("POST /v6"+mbPath+"/items/restore", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"createdItemsCount":2,"mergedItemsCount":1,"failedItemsCount":0,"skippedItemsCount":1,"exceptions":[],"warnings":["w"],"cannotContinueError":null}`)
	})
	out, err := c6.Mailboxes.Restore(t.Context(), "s1", "m1", ScopeItems("a", "b"), nil)
	require.NoError(t, err)
	assert.False(t, out.Async())
	require.NotNil(t, out.Statistics)
	assert.Equal(t, 2, out.Statistics.CreatedItemsCount)
	assert.Equal(t, []string{"w"}, out.Statistics.Warnings)

	c8, f8 := setup(t, WithAPIVersion(V8))
	f8.handle("POST /v8"+mbPath+"/folders/F%2B1/restore", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"sessionId":"9d0c"}`)
	})
	out, err = c8.Mailboxes.Restore(t.Context(), "s1", "m1", ScopeFolder("F+1"), nil)
	require.NoError(t, err)
	assert.True(t, out.Async())
	assert.Equal(t, "9d0c", out.SessionID)
	assert.Nil(t, out.Statistics)
}

func TestScopesPickEndpointAndBody(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	var paths, bodies []string
	f.mux.HandleFunc("POST /v6/RestoreSessions/s1/organization/mailboxes/", f.authed(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		paths = append(paths, strings.TrimPrefix(r.URL.EscapedPath(), "/v6"+mbPath))
		bodies = append(bodies, string(b))
		writeJSON(w, 200, `{"createdItemsCount":1}`)
	}))
	ctx := t.Context()
	for _, sc := range []Scope{ScopeItems("a/1", "b"), ScopeItem("a/1"), ScopeFolder("f=1"), ScopeMailbox()} {
		_, err := c.Mailboxes.Restore(ctx, "s1", "m1", sc, nil)
		require.NoError(t, err)
	}
	assert.Equal(t, []string{"/items/restore", "/items/a%2F1/restore", "/folders/f=1/restore", "/restore"}, paths)
	assert.JSONEq(t, `{"items":[{"id":"a/1"},{"id":"b"}]}`, bodies[0])
	assert.JSONEq(t, `{}`, bodies[1])

	_, err := c.Mailboxes.Save(ctx, "s1", "m1", ScopeFolder("f"), io.Discard, nil)
	require.ErrorIs(t, err, ErrInvalidArgument)
	assert.Contains(t, err.Error(), "scope")
	_, err = c.Mailboxes.Restore(ctx, "s1", "m1", Scope{}, nil)
	require.ErrorIs(t, err, ErrInvalidArgument)
	_, err = c.Mailboxes.Restore(ctx, "s1", "m1", ScopeItems(), nil)
	require.ErrorIs(t, err, ErrInvalidArgument)
	assert.Contains(t, err.Error(), "scope.ItemIDs")
	err = c.Mailboxes.SendToDifferentAddress(ctx, "s1", "m1", ScopeItem("a"), &SendRequest{})
	require.ErrorIs(t, err, ErrInvalidArgument)
	assert.Contains(t, err.Error(), "req.To")
	assert.Len(t, paths, 4, "refused calls sent nothing")
}

// sentOnceWithSecrets mounts path answering 502 after reading the body, with
// the body echoed in the error message,
// makes the call with a debug-level JSON logger, and checks that the
// unsafe call failed as outcome unknown after one execution. It returns
// the body the server got and the texts that must not show a secret: the
// error and the log.
func sentOnceWithSecrets(t *testing.T, path string, call func(*Client) error) (map[string]any, []string) {
	t.Helper()
	var logs bytes.Buffer
	c, f := setup(t, WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	var body map[string]any
	var executed atomic.Int32
	f.handle(path, func(w http.ResponseWriter, r *http.Request) {
		executed.Add(1)
		raw, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(raw, &body)
		// The answer echoes the request, as some servers' errors do.
		msg, _ := json.Marshal(map[string]string{"message": "gateway: cannot process " + string(raw)})
		writeJSON(w, 502, string(msg))
	})
	err := call(c)
	require.ErrorIs(t, err, ErrOutcomeUnknown, "the call is unsafe")
	assert.Equal(t, int32(1), executed.Load(), "not sent again after a 502")
	assert.NotEmpty(t, logs.String())
	return body, []string{err.Error(), logs.String()}
}

func TestRestoreToSendsCredentialsButNeverShowsThem(t *testing.T) {
	t.Parallel()
	req := &RestoreToRequest{
		Mailbox: "carol@contoso.com", Folder: "Restored", MarkRestoredAsUnread: true,
		Credentials: &RestoreCredentials{
			UserName: "svc-restore", UserPassword: "Tr0ub4dor-SECRET",
			ApplicationCertificate: []byte{1, 2, 3}, ApplicationCertificatePassword: "pfx-SECRET-pw",
		},
	}
	body, texts := sentOnceWithSecrets(t, "POST /v6"+mbPath+"/items/restoreTo", func(c *Client) error {
		return first(c.Mailboxes.RestoreTo(t.Context(), "s1", "m1", ScopeItems("i1"), req))
	})
	assert.Equal(t, "Tr0ub4dor-SECRET", body["userPassword"], "the server gets the secret")
	assert.Equal(t, "AQID", body["applicationCertificate"])
	assert.Equal(t, "carol@contoso.com", body["mailbox"])
	assert.Equal(t, true, body["markRestoredAsUnread"])
	for _, text := range append(texts, fmtAll(req), fmtAll(*req.Credentials)) {
		assert.NotContains(t, text, "Tr0ub4dor-SECRET")
		assert.NotContains(t, text, "pfx-SECRET-pw")
	}
}

func TestRestoreMailboxesSendsCredentialsButNeverShowsThem(t *testing.T) {
	t.Parallel()
	req := &RestoreMailboxesRequest{
		Credentials:    &RestoreCredentials{UserName: "svc@contoso.com", UserPassword: "o365-SECRET-pw"},
		OnPremises:     &OnPremisesCredentials{DomainName: "CONTOSO", UserName: "svc", Password: "onprem-SECRET-pw"},
		SkipUnresolved: true,
	}
	body, texts := sentOnceWithSecrets(t, "POST /v6/RestoreSessions/s1/organization/mailboxes/restore", func(c *Client) error {
		return first(c.Mailboxes.RestoreMailboxes(t.Context(), "s1", []string{"m1", "m2"}, req))
	})
	assert.Equal(t, []any{map[string]any{"id": "m1"}, map[string]any{"id": "m2"}}, body["mailboxes"])
	assert.Equal(t, "svc@contoso.com", body["office365UserName"])
	assert.Equal(t, "o365-SECRET-pw", body["office365UserPassword"], "the server gets the secrets")
	assert.Equal(t, "onprem-SECRET-pw", body["onPremisesUserPassword"])
	assert.Equal(t, "CONTOSO", body["domainName"])
	assert.Equal(t, true, body["skipUnresolved"])
	for _, text := range append(texts, fmtAll(req), fmtAll(*req.OnPremises)) {
		assert.NotContains(t, text, "o365-SECRET-pw")
		assert.NotContains(t, text, "onprem-SECRET-pw")
	}
}

func TestSendIsUnsafeAndAcceptsEmptyAnswers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v      APIVersion
		status int
	}{{V6, 200}, {V8, 204}} {
		c, f := setup(t, WithAPIVersion(tc.v))
		base := "POST /" + string(tc.v) + mbPath
		var body string
		f.handle(base+"/items/sendToDifferentAddress", func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			body = string(b)
			w.WriteHeader(tc.status)
		})
		require.NoError(t, c.Mailboxes.SendToDifferentAddress(t.Context(), "s1", "m1", ScopeItems("i1"),
			&SendRequest{To: "audit@contoso.com", Subject: "Restored mail"}))
		assert.JSONEq(t, `{"items":[{"id":"i1"}],"to":"audit@contoso.com","subject":"Restored mail"}`, body)

		attempts, executed := scripted(f, base+"/items/i1/sendToDefaultAddress", fault{status: 500, act: true})
		err := c.Mailboxes.SendToDefaultAddress(t.Context(), "s1", "m1", ScopeItem("i1"))
		require.ErrorIs(t, err, ErrOutcomeUnknown)
		assert.Equal(t, int32(1), attempts.Load())
		assert.Equal(t, int32(1), executed.Load())
	}
}

// pattern is the deterministic content of a download: byte i is i*7 mod 251.
func pattern(from, n int64) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte((from + int64(i)) * 7 % 251)
	}
	return b
}

// servePattern writes size bytes of pattern from offset from, in chunks,
// stopping (hanging up) after cut bytes when cut > 0.
func servePattern(w http.ResponseWriter, from, size, cut int64) {
	chunk := int64(64 << 10)
	buf := make([]byte, chunk)
	for off := from; off < size; off += chunk {
		n := min(chunk, size-off)
		if cut > 0 && off-from+n > cut {
			_, _ = w.Write(pattern(off, cut-(off-from)))
			http.NewResponseController(w).Flush()
			hangUp(w)
			return
		}
		copy(buf, pattern(off, n))
		if _, err := w.Write(buf[:n]); err != nil {
			return
		}
	}
}

func TestExportStreamsResumesAndReportsProgress(t *testing.T) {
	t.Parallel()
	const size = 5<<20 + 123
	for _, honourRange := range []bool{true, false} {
		c, f := setup(t)
		var requests, ranges []string
		f.handle("POST /v6"+mbPath+"/exportToPst", func(w http.ResponseWriter, r *http.Request) {
			var body map[string]any
			_ = json.NewDecoder(r.Body).Decode(&body)
			requests = append(requests, fmt.Sprint(body))
			ranges = append(ranges, r.Header.Get("Range"))
			w.Header().Set("Content-Type", "application/octet-stream")
			from := int64(0)
			if rg := r.Header.Get("Range"); rg != "" && honourRange {
				from, _ = strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(rg, "bytes="), "-"), 10, 64)
				w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", from, size-1, size))
				w.Header().Set("Content-Length", strconv.FormatInt(size-from, 10))
				w.WriteHeader(http.StatusPartialContent)
				servePattern(w, from, size, 0)
				return
			}
			w.Header().Set("Content-Length", strconv.Itoa(size))
			cut := int64(0)
			if len(requests) == 1 {
				cut = 2<<20 + 17 // the first answer breaks off
			}
			servePattern(w, 0, size, cut)
		})
		var got bytes.Buffer
		var last, lastTotal int64
		monotonic := true
		d, err := c.Mailboxes.ExportToPST(t.Context(), "s1", "m1", ScopeMailbox(), &got, &ExportOptions{
			ContentKeyword:    "invoice",
			PSTSizeLimitBytes: 1 << 30,
			DownloadOptions: DownloadOptions{Progress: func(written, total int64) {
				monotonic = monotonic && written >= last
				last, lastTotal = written, total
			}},
		})
		require.NoError(t, err, "honourRange %v", honourRange)
		assert.Equal(t, 1, d.Resumes)
		assert.Equal(t, int64(size), d.Written)
		assert.Equal(t, int64(size), d.Total)
		assert.Equal(t, "application/octet-stream", d.ContentType)
		assert.Equal(t, sha256.Sum256(pattern(0, size)), sha256.Sum256(got.Bytes()), "the bytes arrive whole and in order")
		assert.True(t, monotonic)
		assert.Equal(t, int64(size), last)
		assert.Equal(t, int64(size), lastTotal)
		// The server sends no validator: the resume asks again from the
		// last mark at least minOverlap before the cut, to check the
		// bytes sent again.
		assert.Equal(t, []string{"", "bytes=" + strconv.Itoa((2<<20+17-minOverlap)/markEvery*markEvery) + "-"}, ranges)
		assert.Equal(t, requests[0], requests[1], "the same export is asked for again")
		assert.Contains(t, requests[0], "contentKeyword:invoice")
	}
}

func TestDownloadGivesUpAfterMaxResumes(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	calls := f.handle("POST /v6"+mbPath+"/items/Save", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000")
		servePattern(w, 0, 1000000, 1000)
	})
	d, err := c.Mailboxes.Save(t.Context(), "s1", "m1", ScopeItems("i1"), io.Discard, &DownloadOptions{MaxResumes: 2})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "download broke off")
	assert.Equal(t, 2, d.Resumes)
	assert.Equal(t, int32(3), calls.Load())
}

func TestDownloadWriterErrorIsNotResumed(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	calls := f.handle("POST /v6"+mbPath+"/items/i1/save", func(w http.ResponseWriter, r *http.Request) {
		servePattern(w, 0, 1<<20, 0)
	})
	_, err := c.Mailboxes.Save(t.Context(), "s1", "m1", ScopeItem("i1"), failingWriter{}, nil)
	require.ErrorIs(t, err, errDiskFull)
	assert.Equal(t, int32(1), calls.Load())
}

var errDiskFull = fmt.Errorf("disk full")

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskFull }

// heapWatcher discards what it is written and samples the heap in use
// above what it was when the watcher was made (after a collection), so
// that memory other tests of the process hold does not count.
type heapWatcher struct {
	n, base, peak uint64
}

func newHeapWatcher() *heapWatcher {
	h := &heapWatcher{}
	runtime.GC()
	h.base = heapInUse()
	return h
}

func heapInUse() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func (h *heapWatcher) Write(b []byte) (int, error) {
	h.n += uint64(len(b))
	if h.n%(32<<20) < uint64(len(b)) {
		h.sample()
	}
	return len(b), nil
}

func (h *heapWatcher) sample() {
	if in := heapInUse(); in > h.base {
		h.peak = max(h.peak, in-h.base)
	}
}

func TestExportOfOneGiBStaysSmallInMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 1 GiB")
	}
	const size = 1 << 30
	c, f := setup(t)
	f.handle("POST /v6"+mbPath+"/items/exportToPst", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(size))
		chunk := bytes.Repeat([]byte("PST!"), 16<<10)
		for off := 0; off < size; off += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	h := newHeapWatcher()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	d, err := c.Mailboxes.ExportToPST(ctx, "s1", "m1", ScopeItems("i1"), h, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(size), d.Written)
	assert.Less(t, h.peak, uint64(32<<20), "heap in use while streaming 1 GiB, above the start")
	t.Logf("streamed %d MiB; peak heap in use %.1f MiB above the %.1f MiB at the start",
		d.Written>>20, float64(h.peak)/(1<<20), float64(h.base)/(1<<20))
}

func TestSearchPagesThroughOneResultSet(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	var queries, bodies []string
	f.handle("POST /v6"+mbPath+"/folders/F1/search", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		queries = append(queries, r.URL.RawQuery)
		bodies = append(bodies, string(b))
		if r.URL.Query().Get("offset") == "0" {
			writeJSON(w, 200, `{"offset":0,"limit":2,"setId":"set-9","results":[{"id":"a"},{"id":"b"}],"_links":{"self":{},"next":{}}}`)
			return
		}
		writeJSON(w, 200, `{"offset":2,"limit":2,"setId":"set-9","results":[{"id":"c"}],"_links":{"self":{}}}`)
	})
	var ids []string
	for it, err := range c.Mailboxes.Search(t.Context(), "s1", "m1", "subject:invoice", &SearchOptions{FolderID: "F1", ListOptions: ListOptions{Limit: 2}}) {
		require.NoError(t, err)
		ids = append(ids, it.ID)
	}
	assert.Equal(t, []string{"a", "b", "c"}, ids)
	assert.Equal(t, []string{"offset=0&limit=2", "offset=2&limit=2&setId=set-9"}, queries)
	assert.JSONEq(t, `{"query":"subject:invoice"}`, bodies[1])

	require.ErrorIs(t, iterErr(c.Mailboxes.SearchAll(t.Context(), "s1", "", nil)), ErrInvalidArgument)
}

func TestWaitFollowsARestoreToItsEnd(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	var polls atomic.Int32
	f.handle("GET /v6/RestoreSessions/r1/Events", func(w http.ResponseWriter, r *http.Request) {
		switch polls.Add(1) {
		case 1:
			writeJSON(w, 200, `{"offset":0,"limit":500,"results":[]}`)
		case 2:
			writeJSON(w, 200, `{"offset":0,"limit":500,"results":[{"id":"e1","type":"Restore","status":"Running"}]}`)
		default:
			writeJSON(w, 200, `{"offset":0,"limit":500,"results":[
				{"id":"e1","type":"Restore","status":"Success"},{"id":"e2","type":"Restore","status":"Success"},
				{"id":"e3","type":"Restore","status":"Failed"},{"id":"e4","type":"Restore","status":"Skipped"},
				{"id":"e5","type":"Restore","status":"Warning"},{"id":"e6","type":"View","status":"Success"}]}`)
		}
	})
	gets := f.handle("GET /v6/RestoreSessions/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":"`+r.PathValue("id")+`","state":"Working","result":"Success"}`)
	})
	sum, err := c.RestoreSessions.Wait(t.Context(), "r1", &WaitOptions{PollInterval: time.Millisecond})
	require.NoError(t, err)
	assert.Equal(t, int32(3), polls.Load())
	assert.Equal(t, int32(2), gets.Load(), "the session is read while the events do not say the restore ended")
	assert.Equal(t, 2, sum.Restored)
	assert.Equal(t, 1, sum.Failed)
	assert.Equal(t, 1, sum.Skipped)
	assert.Equal(t, 1, sum.Warnings)
	assert.Len(t, sum.Events, 6)

	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	f.handle("GET /v6/RestoreSessions/r2/Events", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"offset":0,"limit":500,"results":[{"id":"e1","type":"Restore","status":"Running"}]}`)
	})
	_, err = c.RestoreSessions.Wait(ctx, "r2", &WaitOptions{PollInterval: time.Millisecond})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestExploreForAdministrators(t *testing.T) {
	t.Parallel()
	c, f := setup(t, WithAPIVersion(V8))
	var orgBody, tenantBody string
	f.handle("POST /v8/Organizations/org%2F1/explore", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		orgBody = string(b)
		writeJSON(w, 201, `{"id":"s-org"}`)
	})
	f.handle("POST /v8/Organization/Explore", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		tenantBody = string(b)
		writeJSON(w, 201, `{"id":"s-tenant"}`)
	})
	at := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	s, err := c.RestoreSessions.ExploreOrganization(t.Context(), "org/1", &ExploreRequest{DateTime: at, RepositoryID: "repo-1", ShowAllVersions: Bool(false)})
	require.NoError(t, err)
	assert.Equal(t, "s-org", s.ID)
	assert.JSONEq(t, `{"dateTime":"2026-10-01T00:00:00Z","type":"Vex","showAllVersions":false,"repositoryId":"repo-1"}`, orgBody)
	s, err = c.RestoreSessions.Explore(t.Context(), &ExploreRequest{DateTime: at})
	require.NoError(t, err)
	assert.Equal(t, "s-tenant", s.ID)
	assert.JSONEq(t, `{"dateTime":"2026-10-01T00:00:00Z","type":"Vex"}`, tenantBody)

	_, err = c.RestoreSessions.Explore(t.Context(), &ExploreRequest{DateTime: at, RepositoryID: "r"})
	assert.ErrorIs(t, err, ErrInvalidArgument)
	_, err = c.RestoreSessions.ExploreOrganization(t.Context(), "", &ExploreRequest{DateTime: at})
	assert.ErrorIs(t, err, ErrInvalidArgument)
}

func TestResumeRefusesADifferentFile(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	var n atomic.Int32
	f.handle("POST /v6"+mbPath+"/items/Save", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100000")
		if n.Add(1) == 1 {
			servePattern(w, 0, 100000, 5000)
			return
		}
		// Asked again, the server ignores Range and makes another file.
		_, _ = w.Write(bytes.Repeat([]byte{'x'}, 100000))
	})
	var got bytes.Buffer
	_, err := c.Mailboxes.Save(t.Context(), "s1", "m1", ScopeItems("i1"), &got, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "different file")
	assert.Equal(t, pattern(0, 5000), got.Bytes(), "nothing of the other file was written")

	f.handle("POST /v6"+mbPath+"/items/i2/save", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Range") == "" {
			w.Header().Set("Content-Length", "100000")
			w.Header().Set("ETag", `"v1"`)
			servePattern(w, 0, 100000, 5000)
			return
		}
		w.Header().Set("Content-Range", "bytes 0-99999/100000") // not where it stopped
		w.WriteHeader(http.StatusPartialContent)
		servePattern(w, 0, 100000, 0)
	})
	_, err = c.Mailboxes.Save(t.Context(), "s1", "m1", ScopeItem("i2"), io.Discard, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Content-Range")
}

func TestWaitSinceIgnoresEarlierRestores(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	var polls atomic.Int32
	f.handle("GET /v6/RestoreSessions/r1/Events", func(w http.ResponseWriter, r *http.Request) {
		old := `{"id":"e0","type":"Restore","status":"Success","startTime":"2026-11-01T08:00:00Z"}`
		if polls.Add(1) == 1 {
			writeJSON(w, 200, `{"offset":0,"limit":500,"results":[`+old+`]}`)
			return
		}
		writeJSON(w, 200, `{"offset":0,"limit":500,"results":[`+old+`,{"id":"e1","type":"Restore","status":"Failed","startTime":"2026-11-01T09:00:01Z"}]}`)
	})
	f.handle("GET /v6/RestoreSessions/r1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":"r1","state":"Working","result":"Success"}`)
	})
	sum, err := c.RestoreSessions.Wait(t.Context(), "r1", &WaitOptions{PollInterval: time.Millisecond, Since: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	assert.Equal(t, int32(2), polls.Load(), "the earlier restore's event did not end the wait")
	assert.Equal(t, 1, sum.Failed)
	assert.Zero(t, sum.Restored)
	assert.Len(t, sum.Events, 1)
}
