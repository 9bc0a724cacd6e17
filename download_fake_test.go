package vb365_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365"
	"github.com/vb365-go/vb365/vb365test"
)

// exports returns the exportToPst downloads the fake served.
func exports(srv *vb365test.Server) []vb365test.Action {
	var out []vb365test.Action
	for _, a := range srv.Actions() {
		if a.Kind == vb365test.ActionExportToPst {
			out = append(out, a)
		}
	}
	return out
}

func TestResumeOnFakeContinuesTheSameFile(t *testing.T) {
	t.Parallel()
	const size, cut = 3 << 20, 1 << 20
	c, srv, sid := newAdmin(t, vb365.V8, vb365test.WithExportSize(size))
	alice := srv.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
	srv.InjectFault(vb365test.RouteExportToPst, vb365test.DropAfterBytes(cut))
	var got bytes.Buffer
	d, err := c.Mailboxes.ExportToPST(t.Context(), sid, alice.ID(), vb365.ScopeMailbox(), &got, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, d.Resumes)
	acts := exports(srv)
	require.Len(t, acts, 2)
	assert.Equal(t, int64(cut), acts[1].RangeStart, "the fake found the If-Range current and sent the rest")
	full, err := io.ReadAll(acts[0].Content())
	require.NoError(t, err)
	assert.Equal(t, sha256Of(full), sha256Of(got.Bytes()))
}

func TestResumeOnFakeAfterTheFileChanged(t *testing.T) {
	t.Parallel()
	const size, cut = 3 << 20, 1 << 20
	c, srv, sid := newAdmin(t, vb365.V8, vb365test.WithExportSize(size))
	alice := srv.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
	srv.InjectFault(vb365test.RouteExportToPst, vb365test.DropAfterBytes(cut))
	var got bytes.Buffer
	changed := false
	d, err := c.Mailboxes.ExportToPST(t.Context(), sid, alice.ID(), vb365.ScopeMailbox(), &got, &vb365.ExportOptions{
		DownloadOptions: vb365.DownloadOptions{Progress: func(written, _ int64) {
			if written > 0 && !changed {
				srv.ChangeExports() // before the resume is sent
				changed = true
			}
		}},
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "vb365: ExportToPST: the file changed on the server after the download broke off")
	assert.NotErrorIs(t, err, vb365.ErrOutcomeUnknown)
	assert.Equal(t, 1, d.Resumes)
	assert.Equal(t, int64(cut), d.Written, "nothing of the new file is written")
	acts := exports(srv)
	require.Len(t, acts, 2)
	assert.Equal(t, int64(0), acts[1].RangeStart, "the If-Range named the old file: the fake sent the whole new one")
	assert.Equal(t, acts[0].Size, acts[1].Size, "same size, other bytes")
	first, err := io.ReadAll(acts[0].Content())
	require.NoError(t, err)
	assert.Equal(t, first[:cut], got.Bytes())
}
