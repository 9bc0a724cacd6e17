package vb365

// Edge cases of the OneDrive restores: what an adversarial reading of the
// change found, each kept as a test.

import (
	"context"
	"errors"
	"math"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// versionId is an int32 in every spec (the path parameter and the
// documents' versionId): a larger one is refused before any request.
func TestOneDriveEdgeVersionIDBeyondInt32IsRefusedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	rec := record(f, V6, 200, `{}`)
	gets := f.handle("GET /v6/RestoreSessions/", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, `{}`) })
	big := int64(math.MaxInt32) + 1
	doc := testDoc("d1", "a.txt")
	doc.VersionID = big
	calls := map[string]func() error{
		"scope.VersionID": func() error {
			return first(c.OneDrives.Restore(t.Context(), "s1", "od1", OneDriveDocumentVersion("d1", big), nil))
		},
		"versionID": func() error { return first(c.OneDrives.GetVersion(t.Context(), "s1", "od1", "d1", big)) },
		"scope.Documents[0].VersionID": func() error {
			return first(c.OneDrives.Restore(t.Context(), "s1", "od1", OneDriveDocuments(doc), nil))
		},
	}
	for arg, call := range calls {
		err := call()
		assert.ErrorIs(t, err, ErrInvalidArgument, "%s = %d: %v", arg, big, err)
	}
	assert.Zero(t, rec.count(), "POSTs sent: %v", rec.paths)
	assert.Zero(t, gets.Load(), "GETs sent")
}

// A document of another OneDrive (Document.OneDriveID) is refused in a
// restore of this one, before any request: a real server, which wants the
// documents whole, might act on the body as sent.
func TestOneDriveEdgeDocumentOfAnotherOneDriveIsRefused(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	rec := record(f, V6, 200, `{"sessionId":"7f1c0d4e-0000-4000-8000-000000000001"}`)
	other := testDoc("d9", "Salaries.xlsx")
	other.OneDriveID = "od-of-someone-else"
	_, err := c.OneDrives.OperatorRestore(t.Context(), "s1", "od/1", &OneDriveOperatorRestoreRequest{
		Documents: []Document{testDoc("d1", "Budget.xlsx"), other}, Action: DocumentOverwrite})
	assert.ErrorIs(t, err, ErrInvalidArgument, "a document of another OneDrive")
	assert.Zero(t, rec.count(), "sent: %v %v", rec.paths, rec.bodies)
}

// RESTOneDriveDocument requires createdBy and modifiedBy as it requires
// name: a document without its authors is refused before any request.
func TestOneDriveEdgeDocumentWithoutAuthorsIsRefusedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	rec := record(f, V6, 200, `{"sessionId":"7f1c0d4e-0000-4000-8000-000000000001"}`)
	noAuthor := testDoc("d1", "a.txt")
	noAuthor.CreatedBy = ""
	_, err := c.OneDrives.OperatorRestore(t.Context(), "s1", "od1", &OneDriveOperatorRestoreRequest{Documents: []Document{noAuthor}})
	var ae *ArgumentError
	if assert.True(t, errors.As(err, &ae), "%v", err) {
		assert.Equal(t, "req.Documents[0].CreatedBy", ae.Arg)
	}
	assert.Zero(t, rec.count())
}

// Sound: the zero values and nil arguments of the new API are refused with
// an ErrInvalidArgument naming the argument, without a panic or a request.
func TestOneDriveEdgeZeroValuesAndNilsSound(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	rec := record(f, V6, 200, `{}`)
	var nilCtx context.Context
	ctx := t.Context()
	cases := map[string]func() error{
		"zero scope Restore": func() error { return first(c.OneDrives.Restore(ctx, "s1", "od1", OneDriveScope{}, nil)) },
		"zero scope CopyTo": func() error {
			return first(c.OneDrives.CopyTo(ctx, "s1", "od1", OneDriveScope{}, &OneDriveCopyRequest{OneDrive: OneDrive{ID: "x"}}))
		},
		"zero scope Save": func() error { return first(c.OneDrives.Save(ctx, "s1", "od1", OneDriveScope{}, nil, nil)) },
		"zero scope Send": func() error { return c.OneDrives.Send(ctx, "s1", "od1", OneDriveScope{}, nil) },
		"zero Document":   func() error { return first(c.OneDrives.Restore(ctx, "s1", "od1", OneDriveDocuments(Document{}), nil)) },
		"zero folder":     func() error { return first(c.OneDrives.Restore(ctx, "s1", "od1", OneDriveFolders(Document{}), nil)) },
		"nil doc list":    func() error { return first(c.OneDrives.Restore(ctx, "s1", "od1", OneDriveDocuments(), nil)) },
		"zero op req": func() error {
			return first(c.OneDrives.OperatorRestore(ctx, "s1", "od1", &OneDriveOperatorRestoreRequest{}))
		},
		"nil Send req": func() error { return c.OneDrives.Send(ctx, "s1", "od1", WholeOneDrive(), nil) },
		"zero copy req": func() error {
			return first(c.OneDrives.CopyTo(ctx, "s1", "od1", WholeOneDrive(), &OneDriveCopyRequest{}))
		},
		"zero mail scope": func() error { return first(c.Mailboxes.Restore(ctx, "s1", "m1", Scope{}, nil)) },
		"nil ctx Restore": func() error { return first(c.OneDrives.Restore(nilCtx, "s1", "od1", WholeOneDrive(), nil)) },
		"nil ctx Search":  func() error { return drainSeq(c.OneDrives.Search(nilCtx, "s1", "od1", "a", nil)) },
		"nil ctx Save": func() error {
			return first(c.OneDrives.Save(nilCtx, "s1", "od1", WholeOneDrive(), &countingWriter{}, nil))
		},
		"nil ctx OpRestore": func() error {
			return first(c.OneDrives.OperatorRestore(nilCtx, "s1", "od1", &OneDriveOperatorRestoreRequest{Documents: []Document{testDoc("d", "n")}}))
		},
	}
	for name, call := range cases {
		var err error
		require.NotPanics(t, func() { err = call() }, name)
		assert.ErrorIs(t, err, ErrInvalidArgument, name)
	}
	assert.Zero(t, rec.count(), "%v", rec.paths)
}
