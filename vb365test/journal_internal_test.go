package vb365test

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestRecordingWriterEscapesJSONOnly: with .NET escaping on, JSON answers
// are rewritten and counted once; other answers pass through as they are,
// as they are written (not kept until the handler returns).
func TestRecordingWriterEscapesJSONOnly(t *testing.T) {
	for _, tc := range []struct {
		ctype, body, want string
		streamed          bool
	}{
		{"application/json; charset=utf-8", `{"m":"a+b"}`, `{"m":"a\u002Bb"}`, false},
		{"application/problem+json", `{"m":"<"}`, `{"m":"\u003C"}`, false},
		{"application/octet-stream", `{"m":"a+b"}`, `{"m":"a+b"}`, true},
		{"text/plain", `"it's"`, `"it's"`, true},
	} {
		rec := httptest.NewRecorder()
		commits := 0
		w := &recordingWriter{w: rec, escape: true, commit: func() { commits++ }}
		w.Header().Set("Content-Type", tc.ctype)
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(tc.body))
		if got := rec.Body.Len() > 0; got != tc.streamed {
			t.Errorf("%s: written before the handler returned: %v, want %v", tc.ctype, got, tc.streamed)
		}
		w.finish()
		if rec.Body.String() != tc.want {
			t.Errorf("%s: body %q, want %q", tc.ctype, rec.Body.String(), tc.want)
		}
		if commits != 1 || w.bytes != int64(len(tc.want)) {
			t.Errorf("%s: %d commits, %d bytes counted", tc.ctype, commits, w.bytes)
		}
	}
}
