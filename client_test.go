package vb365

import (
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewClientRefusesBadSettings(t *testing.T) {
	t.Parallel()
	cases := []struct {
		url  string
		opts []Option
		arg  string
	}{
		{"", nil, "serverURL"},
		{"ftp://host", nil, "serverURL"},
		{"https://host:4443/v6", nil, "serverURL"},
		{"https://user:pw@host:4443", nil, "serverURL"},
		{"https://host?x=1", nil, "serverURL"},
		{"https://host", []Option{WithAPIVersion("v9")}, "v"},
		{"https://host", []Option{WithPassword("", "pw")}, "username"},
		{"https://host", []Option{WithPassword("u", "")}, "password"},
		{"https://host", []Option{WithOperator("", "a")}, "clientID"},
		{"https://host", []Option{WithOperator("c", "")}, "assertion"},
		{"https://host", []Option{WithPassword("u", "p"), WithOperator("c", "a")}, "opts"},
		{"https://host", []Option{WithRetry(-1, 0, 0)}, "maxRetries"},
		{"https://host", []Option{WithRetry(1, time.Second, time.Millisecond)}, "maxWait"},
		{"https://host", []Option{WithHTTPClient(http.DefaultClient), WithRootCAs(x509.NewCertPool())}, "opts"},
		{"https://host", []Option{WithTokenSource(nil)}, "ts"},
		{"https://host", []Option{WithLogger(nil)}, "l"},
		{"https://host", []Option{nil}, "opts"},
	}
	for _, tc := range cases {
		c, err := NewClient(tc.url, tc.opts...)
		assert.Nil(t, c)
		require.ErrorIs(t, err, ErrInvalidArgument, tc.url)
		var argErr *ArgumentError
		require.ErrorAs(t, err, &argErr)
		assert.Equal(t, tc.arg, argErr.Arg, err.Error())
		assert.Contains(t, err.Error(), tc.arg)
	}
	c, err := NewClient("https://vb365.example.com:4443/", WithAPIVersion(V8))
	require.NoError(t, err)
	assert.Equal(t, V8, c.APIVersion())
}

func TestBadInputRefusedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	var hits atomic.Int32
	f.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { hits.Add(1) })
	ctx := t.Context()
	cases := []struct {
		arg string
		err error
	}{
		{"sessionID", first(c.RestoreSessions.Get(ctx, ""))},
		{"sessionID", first(c.RestoreSessions.Get(ctx, "  "))},
		{"sessionID", c.RestoreSessions.Stop(ctx, "")},
		{"sessionID", c.RestoreSessions.Stop(ctx, "../token")},
		{"req", first(c.RestoreSessions.OperatorExplore(ctx, nil))},
		{"req.DateTime", first(c.RestoreSessions.OperatorExplore(ctx, &OperatorExploreRequest{}))},
		{"sessionID", first(c.Mailboxes.List(ctx, "", nil))},
		{"opts.Limit", first(c.Mailboxes.List(ctx, "s1", &ListOptions{Limit: -1}))},
		{"opts.Offset", first(c.Mailboxes.List(ctx, "s1", &ListOptions{Offset: -5}))},
		{"opts.Limit", first(c.Mailboxes.List(ctx, "s1", &ListOptions{Limit: MaxPageSize + 1}))},
		{"mailboxID", first(c.Mailboxes.Get(ctx, "s1", ""))},
		{"mailboxID", first(c.Mailboxes.Get(ctx, "s1", strings.Repeat("a", 5000)))},
		{"mailboxID", first(c.Mailboxes.Get(ctx, "s1", "a\nb"))},
		{"sessionID", first(c.Mailboxes.OperatorRestore(ctx, "", "m1", restoreReq))},
		{"mailboxID", first(c.Mailboxes.OperatorRestore(ctx, "s1", "", restoreReq))},
		{"req", first(c.Mailboxes.OperatorRestore(ctx, "s1", "m1", nil))},
		{"req.ItemIDs", first(c.Mailboxes.OperatorRestore(ctx, "s1", "m1", &OperatorRestoreRequest{}))},
		{"req.ItemIDs[1]", first(c.Mailboxes.OperatorRestore(ctx, "s1", "m1", &OperatorRestoreRequest{ItemIDs: []string{"a", ""}}))},
		{"sessionID", iterErr(c.RestoreSessions.Events(ctx, "", nil))},
		{"opts.Limit", iterErr(c.RestoreSessions.All(ctx, &RestoreSessionListOptions{ListOptions: ListOptions{Limit: -1}}))},
		{"mailboxID", iterErr(c.Mailboxes.Folders(ctx, "s1", "", nil))},
		{"opts.ParentID", iterErr(c.Mailboxes.Folders(ctx, "s1", "m1", &FolderListOptions{ParentID: " "}))},
		{"mailboxID", iterErr(c.Mailboxes.Items(ctx, "s1", "", nil))},
		{"opts.FolderID", iterErr(c.Mailboxes.Items(ctx, "s1", "m1", &ItemListOptions{FolderID: ".."}))},
	}
	for i, tc := range cases {
		require.ErrorIs(t, tc.err, ErrInvalidArgument, "case %d", i)
		var argErr *ArgumentError
		require.ErrorAs(t, tc.err, &argErr)
		assert.Equal(t, tc.arg, argErr.Arg, "case %d: %v", i, tc.err)
	}
	assert.Zero(t, hits.Load(), "no request reached the server")
	assert.Empty(t, f.forms(), "not even a login")
}

func first[T any](_ T, err error) error { return err }

func iterErr[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

func TestIDsArePathEscaped(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	const folderID = "AAMk+ADc/xZ=="
	const itemID = "AAAZ+/Qq-_w=="
	var gotPath, gotQuery, gotBody string
	f.mux.HandleFunc("/v6/RestoreSessions/{sid}/organization/mailboxes/{mid}/", f.authed(func(w http.ResponseWriter, r *http.Request) {
		gotPath = r.URL.EscapedPath()
		gotQuery = r.URL.Query().Get("folderId")
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
		if r.Method == http.MethodPost {
			writeJSON(w, 200, `{"sessionId":"r1"}`)
			return
		}
		writeJSON(w, 200, `{"offset":0,"limit":500,"results":[]}`)
	}))
	require.NoError(t, iterErr(c.Mailboxes.Items(t.Context(), "s1", "m/1", &ItemListOptions{FolderID: folderID})))
	assert.Equal(t, "/v6/RestoreSessions/s1/organization/mailboxes/m%2F1/items", gotPath)
	assert.Equal(t, folderID, gotQuery)

	_, err := c.Mailboxes.OperatorRestore(t.Context(), "s1", "m1", &OperatorRestoreRequest{ItemIDs: []string{itemID}, Reason: "ticket 42"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"changedItems":false,"deletedItems":false,"markRestoredAsUnread":false,"items":[{"id":"AAAZ+/Qq-_w=="}],"reason":"ticket 42"}`, gotBody)
}

func TestOperatorExploreBody(t *testing.T) {
	t.Parallel()
	c, f := setup(t, WithAPIVersion(V8))
	var body, contentType string
	f.handle("POST /v8/Organization/OperatorExplore", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		body, contentType = string(b), r.Header.Get("Content-Type")
		writeJSON(w, 201, `{"id":"3f1c","type":"Vex","creationTime":"2026-11-20T10:15:30.1234567Z","state":"Working","result":"Success","eTag":7}`)
	})
	at := time.Date(2026, 11, 1, 12, 0, 0, 123456789, time.FixedZone("x", 3*3600))
	s, err := c.RestoreSessions.OperatorExplore(t.Context(), &OperatorExploreRequest{
		DateTime: at, ShowDeleted: Bool(true), Reason: "ticket 7",
		Scope: &RbacItem{Type: RbacItemUser, ID: "u1", User: &RbacUser{ID: "u1", Name: "alice@contoso.com", Type: "User"}},
	})
	require.NoError(t, err, "201 is success")
	assert.Equal(t, "application/json", contentType)
	assert.JSONEq(t, `{"dateTime":"2026-11-01T09:00:00.1234567Z","type":"Vex","showDeleted":true,
		"scope":{"type":"User","id":"u1","user":{"id":"u1","displayName":"","name":"alice@contoso.com","type":"User"}},
		"reason":"ticket 7"}`, body)
	assert.Equal(t, "3f1c", s.ID)
	assert.Equal(t, int64(7), *s.ETag)
	assert.Equal(t, 1234567*100, s.CreationTime.Nanosecond())
}

func TestEmptySuccessBodiesAreNotDecoded(t *testing.T) {
	t.Parallel()
	for _, status := range []int{200, 204} {
		c, f := setup(t)
		f.handle("POST /v6/RestoreSessions/s1/Stop", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(status) })
		assert.NoError(t, c.RestoreSessions.Stop(t.Context(), "s1"), status)
	}
}

func TestNon2xxBecomesAPIError(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status  int
		body    string
		code    ErrorCode
		message string
		is      error
	}{
		{404, `{"message":"Restore session not found."}`, "", "Restore session not found.", ErrNotFound},
		{404, `{"message":"Not found.","errorCode":"ResourceNotFound","stackTrace":null}`, ErrorCodeResourceNotFound, "Not found.", ErrNotFound},
		{403, `{"message":"denied","errorCode":"ResourceAccessDenied"}`, ErrorCodeResourceAccessDenied, "denied", ErrForbidden},
		{409, `{"message":"busy","errorCode":"OperationConflict"}`, ErrorCodeOperationConflict, "busy", ErrConflict},
		{400, `{"message":null,"errorCode":null}`, "", "", ErrBadRequest},
		{404, "<html><body><h1>404 - File or directory not found.</h1></body></html>", "", "<html><body><h1>404 - File or directory not found.</h1></body></html>", ErrNotFound},
		{404, "", "", "", ErrNotFound},
	}
	for _, tc := range cases {
		c, f := setup(t)
		f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(tc.status)
			_, _ = io.WriteString(w, tc.body)
		})
		_, err := c.RestoreSessions.Get(t.Context(), "s1")
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, tc.status, apiErr.StatusCode)
		assert.Equal(t, tc.code, apiErr.Code)
		assert.Equal(t, tc.message, apiErr.Message)
		assert.Equal(t, "GET", apiErr.Method)
		assert.ErrorIs(t, err, tc.is)
		assert.NotErrorIs(t, err, ErrOutcomeUnknown)
	}
}

func TestLenientDecoding(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":"s1","name":null,"organization":null,"type":"Vnew","creationTime":"2017-05-30T13:53:45.0679711+03:00",
			"endTime":null,"state":"Stopping","result":null,"reason":null,"eTag":null,"unknownField":{"a":[1,2]},"_links":null}`)
	})
	s, err := c.RestoreSessions.Get(t.Context(), "s1")
	require.NoError(t, err)
	assert.Equal(t, SessionType("Vnew"), s.Type, "unknown enum values are kept")
	assert.Equal(t, SessionState("Stopping"), s.State)
	assert.Nil(t, s.EndTime)
	assert.Nil(t, s.ETag)
	assert.True(t, s.CreationTime.Equal(time.Date(2017, 5, 30, 10, 53, 45, 67971100, time.UTC)))
}

func TestRestorePortalSettingsIsAnonymous(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	var auth string
	f.mux.HandleFunc("GET /v6/RestorePortalSettings", func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		writeJSON(w, 200, `{"applicationId":"a6d3","msalAuthorityUri":"https://login.microsoftonline.com/","isEnabled":true}`)
	})
	s, err := c.RestorePortalSettings(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "a6d3", s.ApplicationID)
	assert.True(t, s.IsEnabled)
	assert.Empty(t, auth)
	assert.Empty(t, f.forms(), "no login for an anonymous call")
}

func TestNoCredentials(t *testing.T) {
	t.Parallel()
	_, f := setup(t)
	c, err := NewClient(f.srv.URL)
	require.NoError(t, err)
	_, err = c.RestoreSessions.Get(t.Context(), "s1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "needs credentials")
}

func TestRedirectsNotFollowedByEitherClient(t *testing.T) {
	t.Parallel()
	var leaked atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Add(1)
		writeJSON(w, 200, `{"id":"evil","access_token":"x"}`)
	}))
	t.Cleanup(other.Close)
	for _, own := range []bool{false, true} {
		_, f := setup(t)
		f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+"/v6/RestoreSessions/s1", http.StatusFound)
		})
		f.handle(restorePath, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+"/restore", http.StatusTemporaryRedirect)
		})
		opts := []Option{WithOperator(testClientID, testAssertion)}
		if own {
			// The caller's client follows redirects; the SDK's copy does not.
			opts = append(opts, WithHTTPClient(&http.Client{}))
		}
		c, err := NewClient(f.srv.URL, opts...)
		require.NoError(t, err)
		_, err = c.RestoreSessions.Get(t.Context(), "s1")
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr, "a redirect is not followed")
		assert.Equal(t, http.StatusFound, apiErr.StatusCode)
		_, err = c.Mailboxes.OperatorRestore(t.Context(), "s1", "m1", restoreReq)
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusTemporaryRedirect, apiErr.StatusCode)
		assert.NotErrorIs(t, err, ErrOutcomeUnknown, "a 307 did not act")

		login := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
		}))
		t.Cleanup(login.Close)
		cl, err := NewClient(login.URL, opts...)
		require.NoError(t, err)
		_, err = cl.RestoreSessions.Get(t.Context(), "s1")
		require.Error(t, err, "a redirected login fails")
		assert.NotContains(t, err.Error(), testAssertion)
	}
	assert.Zero(t, leaked.Load(), "the other host got no request: no token, no assertion, no restore")
}

func TestSeeOtherAfterUnsafeCallIsOutcomeUnknown(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	f.handle(restorePath, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/v6/RestoreSessions/s1", http.StatusSeeOther)
	})
	_, err := c.Mailboxes.OperatorRestore(t.Context(), "s1", "m1", restoreReq)
	assert.ErrorIs(t, err, ErrOutcomeUnknown, "a 303 to a POST usually means it was done")
}

func TestCertificateVerificationStaysOn(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"applicationId":"a","isEnabled":true}`)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.URL, WithRetry(3, 0, 0))
	require.NoError(t, err)
	_, err = c.RestorePortalSettings(t.Context())
	require.Error(t, err, "a self-signed certificate is refused")
	assert.True(t, isCertError(err), "%v", err)

	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	c, err = NewClient(srv.URL, WithRootCAs(pool))
	require.NoError(t, err)
	_, err = c.RestorePortalSettings(t.Context())
	require.NoError(t, err)
}

func TestTruncatedSuccessOfUnsafeCallIsOutcomeUnknown(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	f.handle(restorePath, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"sessionId":"r`) })
	_, err := c.Mailboxes.OperatorRestore(t.Context(), "s1", "m1", restoreReq)
	require.ErrorIs(t, err, ErrOutcomeUnknown)
	f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"id":`) })
	_, err = c.RestoreSessions.Get(t.Context(), "s1")
	require.Error(t, err)
	assert.False(t, errors.Is(err, ErrOutcomeUnknown))
}

// TestGroupOnPremisesSID sends a group's on-premises SID on v7 and v8, and
// refuses it on v6, whose RESTRbacGroup lacks it, before any request.
func TestGroupOnPremisesSID(t *testing.T) {
	t.Parallel()
	for _, v := range []APIVersion{V6, V7, V8} {
		c, f := setup(t, WithAPIVersion(v))
		var body map[string]any
		n := f.handle("POST /"+string(v)+"/Organization/OperatorExplore", func(w http.ResponseWriter, r *http.Request) {
			_ = json.NewDecoder(r.Body).Decode(&body)
			writeJSON(w, 201, `{"id":"7f1c0d4e-0000-4000-8000-000000000001","state":"Working"}`)
		})
		_, err := c.RestoreSessions.OperatorExplore(t.Context(), &OperatorExploreRequest{DateTime: time.Now(),
			Scope: &RbacItem{Type: RbacItemGroup, ID: "g1", Group: &RbacGroup{ID: "g1", Name: "Sales", OnPremisesSID: "S-1-5-21-1-2-3-1105"}}})
		if v == V6 {
			var ae *ArgumentError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, "req.Scope.Group.OnPremisesSID", ae.Arg)
			assert.Zero(t, n.Load())
			continue
		}
		require.NoError(t, err, v)
		assert.Equal(t, "S-1-5-21-1-2-3-1105", body["scope"].(map[string]any)["group"].(map[string]any)["onPremisesSid"])
	}
}
