package vb365_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365"
	"github.com/vb365-go/vb365/vb365test"
)

func TestDetectAPIVersion(t *testing.T) {
	t.Parallel()
	cases := []struct {
		serves []int
		want   []vb365.APIVersion
	}{
		{[]int{6, 7, 8}, []vb365.APIVersion{vb365.V8, vb365.V7, vb365.V6}},
		{[]int{6, 7}, []vb365.APIVersion{vb365.V7, vb365.V6}},
		{[]int{6}, []vb365.APIVersion{vb365.V6}},
	}
	for _, tc := range cases {
		srv := vb365test.NewServer(vb365test.WithVersions(tc.serves...))
		got, err := vb365.DetectAPIVersion(t.Context(), srv.URL)
		require.NoError(t, err)
		assert.Equal(t, tc.want, got)
		assert.Zero(t, srv.TokenRequests(), "detection needs no credentials")
		srv.Close()
	}
}

func TestAutoVersionSpeaksTheNewest(t *testing.T) {
	t.Parallel()
	srv := vb365test.NewServer(vb365test.WithVersions(6, 7))
	t.Cleanup(srv.Close)
	c, err := vb365.NewClient(srv.URL, vb365.WithAPIVersion(vb365.Auto),
		vb365.WithOperator(vb365test.DefaultOperatorClientID, vb365test.DefaultOperatorAssertion))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	assert.Equal(t, vb365.Auto, c.APIVersion(), "not asked yet")
	sess, err := c.RestoreSessions.OperatorExplore(t.Context(), &vb365.OperatorExploreRequest{DateTime: time.Now()})
	require.NoError(t, err)
	assert.Equal(t, vb365.V7, c.APIVersion())
	assert.Nil(t, sess.ETag, "a v7 session")
	assert.Equal(t, 1, srv.Requests(vb365test.RouteOperatorExplore))

	mb := srv.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
	inbox := mb.Folder("Inbox")
	n := 0
	for _, err := range c.Mailboxes.Items(t.Context(), sess.ID, mb.ID(), &vb365.ItemListOptions{FolderID: inbox.ID()}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, len(inbox.Items()), n, "the folder filter goes as parentId on v7")
}

func TestAutoVersionWithNoServedVersion(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	c, err := vb365.NewClient(srv.URL, vb365.WithAPIVersion(vb365.Auto))
	require.NoError(t, err)
	_, err = c.RestorePortalSettings(t.Context())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "serves none")
}

func TestCloseLogsOutOnV7AndV8(t *testing.T) {
	t.Parallel()
	for _, v := range []vb365.APIVersion{vb365.V6, vb365.V7, vb365.V8} {
		c, srv := newFake(t, v)
		_, err := c.RestoreSessions.OperatorExplore(t.Context(), &vb365.OperatorExploreRequest{DateTime: time.Now()})
		require.NoError(t, err)
		require.Equal(t, 1, srv.ActiveAccessTokens())

		require.NoError(t, c.Close(t.Context()))
		require.NoError(t, c.Close(t.Context()), "a second Close is harmless")
		if v == vb365.V6 {
			assert.Zero(t, srv.Requests(vb365test.RouteLogout), "v6 has no logout")
			assert.Equal(t, 1, srv.ActiveAccessTokens(), "on v6 the token lives until it expires")
		} else {
			assert.Equal(t, 1, srv.Requests(vb365test.RouteLogout))
			assert.Zero(t, srv.ActiveAccessTokens(), "logged out")
		}
		_, err = c.RestoreSessions.Get(t.Context(), "x")
		assert.ErrorIs(t, err, vb365.ErrClosed)
	}
}

func TestErrorCodesMatchWithErrorsIs(t *testing.T) {
	t.Parallel()
	c, _ := newFake(t, vb365.V8)
	_, err := c.RestoreSessions.Get(t.Context(), "00000000-0000-0000-0000-000000000000")
	assert.ErrorIs(t, err, vb365.ErrorCodeResourceNotFound)
	assert.NotErrorIs(t, err, vb365.ErrorCodeOperationConflict)
	assert.ErrorIs(t, err, vb365.ErrNotFound)
}

func TestRepositoryIDOnV8Only(t *testing.T) {
	t.Parallel()
	c6, srv6 := newFake(t, vb365.V6)
	_, err := c6.RestoreSessions.OperatorExplore(t.Context(), &vb365.OperatorExploreRequest{DateTime: time.Now(), RepositoryID: "9b1f"})
	require.ErrorIs(t, err, vb365.ErrInvalidArgument)
	assert.Contains(t, err.Error(), "req.RepositoryID")
	assert.Zero(t, srv6.Requests(vb365test.RouteOperatorExplore))

	var body map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v8/token" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"access_token":"a","refresh_token":"r","expires_in":3600}`)
			return
		}
		b, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(b, &body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(201)
		_, _ = io.WriteString(w, `{"id":"s","eTag":3}`)
	}))
	t.Cleanup(srv.Close)
	c8, err := vb365.NewClient(srv.URL, vb365.WithAPIVersion(vb365.V8), vb365.WithOperator("a.b", "x"))
	require.NoError(t, err)
	t.Cleanup(c8.CloseIdleConnections)
	_, err = c8.RestoreSessions.OperatorExplore(t.Context(), &vb365.OperatorExploreRequest{DateTime: time.Now(), RepositoryID: "9b1f"})
	require.NoError(t, err)
	assert.Equal(t, "9b1f", body["repositoryId"])
}
