package vb365

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

const mailboxJSON = `{"id":"m1","name":"Alice","email":"alice@contoso.com","isArchive":false,"isPublic":false}`

func TestOperatorLoginForm(t *testing.T) {
	t.Parallel()
	for _, v := range []APIVersion{V6, V7, V8} {
		t.Run(string(v), func(t *testing.T) {
			t.Parallel()
			c, f := setup(t, WithAPIVersion(v))
			f.handle("GET /"+string(v)+"/RestoreSessions/s1/organization/mailboxes/m1", func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 200, mailboxJSON)
			})
			_, err := c.Mailboxes.Get(t.Context(), "s1", "m1")
			require.NoError(t, err)
			forms := f.forms()
			require.Len(t, forms, 1)
			want := url.Values{"grant_type": {"operator"}, "client_id": {testClientID}, "assertion": {testAssertion}}
			if v != V6 {
				want.Set("disable_antiforgery_token", "true")
			}
			assert.Equal(t, want, forms[0])
		})
	}
}

func TestPasswordLoginThenRefreshWithNewestToken(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	c2, err := NewClient(f.srv.URL, WithPassword(testUser, testPassword), WithRetry(0, 0, 0))
	require.NoError(t, err)
	_ = c
	f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":"s1"}`)
	})
	clock := newClock()
	c2.tokens.now = clock.Now
	c2.now = clock.Now

	for range 3 {
		_, err := c2.RestoreSessions.Get(t.Context(), "s1")
		require.NoError(t, err)
		clock.Advance(2 * time.Hour) // past expires_in (3600 s)
	}
	forms := f.forms()
	require.Len(t, forms, 3)
	assert.Equal(t, url.Values{"grant_type": {"password"}, "username": {testUser}, "password": {testPassword}}, forms[0])
	assert.Equal(t, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"refresh-1"}}, forms[1])
	assert.Equal(t, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"refresh-2"}}, forms[2], "the newest refresh token is used")
}

func TestRefusedRefreshFallsBackToLogin(t *testing.T) {
	t.Parallel()
	_, f := setup(t)
	f.refuse = func(form url.Values) bool { return form.Get("grant_type") == "refresh_token" }
	c, err := NewClient(f.srv.URL, WithPassword(testUser, testPassword))
	require.NoError(t, err)
	f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"id":"s1"}`) })
	clock := newClock()
	c.tokens.now = clock.Now
	c.now = clock.Now

	_, err = c.RestoreSessions.Get(t.Context(), "s1")
	require.NoError(t, err)
	clock.Advance(2 * time.Hour)
	_, err = c.RestoreSessions.Get(t.Context(), "s1")
	require.NoError(t, err)

	var grants []string
	for _, form := range f.forms() {
		grants = append(grants, form.Get("grant_type"))
	}
	assert.Equal(t, []string{"password", "refresh_token", "password"}, grants)
}

func TestFailedLoginIsSentOnceAndKeepsSecrets(t *testing.T) {
	t.Parallel()
	_, f := setup(t)
	f.refuse = func(url.Values) bool { return true }
	for _, opt := range []Option{WithPassword(testUser, testPassword), WithOperator(testClientID, testAssertion)} {
		c, err := NewClient(f.srv.URL, opt, WithRetry(5, 0, 0))
		require.NoError(t, err)
		before := len(f.forms())
		_, err = c.RestoreSessions.Get(t.Context(), "s1")
		require.Error(t, err)
		assert.Len(t, f.forms(), before+1, "a failed login is never sent twice")
		assert.ErrorIs(t, err, ErrUnauthorized)
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
		assert.Equal(t, ErrorCode("invalid_grant"), apiErr.Code)
		assert.NotContains(t, err.Error(), testPassword)
		assert.NotContains(t, err.Error(), testAssertion)
	}
}

func TestLoginErrorScrubsEchoedSecrets(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		writeJSON(w, 400, `{"error":"invalid_grant","error_description":"bad assertion `+r.PostForm.Get("assertion")+`"}`)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.URL, WithOperator(testClientID, testAssertion), WithAPIVersion(V7))
	require.NoError(t, err)
	_, err = c.RestoreSessions.Get(t.Context(), "s1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bad assertion REDACTED")
	assert.NotContains(t, err.Error(), testAssertion)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.NotContains(t, string(apiErr.Body), testAssertion)
}

func TestTokenRenewedBeforeExpiry(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	f.expiresIn = 600
	f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"id":"s1"}`) })
	clock := newClock()
	c.tokens.now = clock.Now
	c.now = clock.Now

	_, err := c.RestoreSessions.Get(t.Context(), "s1")
	require.NoError(t, err)
	// A 600 s token is renewed a tenth of its life, 60 s, before it
	// expires: at 540 s.
	clock.Advance(539 * time.Second)
	_, err = c.RestoreSessions.Get(t.Context(), "s1")
	require.NoError(t, err)
	assert.Len(t, f.forms(), 1, "still within the token's life")

	clock.Advance(2 * time.Second) // inside the early-renewal window, before expiry
	_, err = c.RestoreSessions.Get(t.Context(), "s1")
	require.NoError(t, err)
	assert.Len(t, f.forms(), 2, "renewed before expires_in ran out")
}

func TestConcurrentCallsOnExpiredTokenCauseOneTokenRequest(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"id":"s1"}`) })
	clock := newClock()
	c.tokens.now = clock.Now
	c.now = clock.Now
	_, err := c.RestoreSessions.Get(t.Context(), "s1")
	require.NoError(t, err)
	clock.Advance(2 * time.Hour)

	var wg sync.WaitGroup
	var failed atomic.Int32
	for range 64 {
		wg.Go(func() {
			if _, err := c.RestoreSessions.Get(t.Context(), "s1"); err != nil {
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	assert.Zero(t, failed.Load())
	assert.Len(t, f.forms(), 2, "one login, then one renewal for 64 callers")
}

func TestUnauthorizedDropsTokenAndResendsOnce(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	var executed atomic.Int32
	calls := f.handle("POST /v6/RestoreSessions/s1/organization/mailboxes/m1/items/operatorRestore", func(w http.ResponseWriter, r *http.Request) {
		executed.Add(1)
		writeJSON(w, 200, `{"sessionId":"r1"}`)
	})
	_, err := c.Mailboxes.OperatorRestore(t.Context(), "s1", "m1", &OperatorRestoreRequest{ItemIDs: []string{"i1"}})
	require.NoError(t, err)

	f.revoke() // the server forgets the token the client holds
	res, err := c.Mailboxes.OperatorRestore(t.Context(), "s1", "m1", &OperatorRestoreRequest{ItemIDs: []string{"i2"}})
	require.NoError(t, err)
	assert.Equal(t, "r1", res.SessionID)
	assert.Len(t, f.forms(), 2, "logged in again after the 401")
	assert.Equal(t, int32(2), executed.Load(), "each restore executed once")
	assert.Equal(t, int32(2), calls.Load())
}

func TestUnauthorizedTwiceIsAnError(t *testing.T) {
	t.Parallel()
	c, f := setup(t)
	f.mux.HandleFunc("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 401, `{"message":"Authorization has been denied for this request."}`)
	})
	_, err := c.RestoreSessions.Get(t.Context(), "s1")
	require.ErrorIs(t, err, ErrUnauthorized)
	assert.Len(t, f.forms(), 2, "one new login after the first 401, no loop")
}

func TestTokenSourceOption(t *testing.T) {
	t.Parallel()
	_, f := setup(t)
	f.mu.Lock()
	f.valid["static"] = true
	f.mu.Unlock()
	f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"id":"s1"}`) })
	c, err := NewClient(f.srv.URL, WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "static"})))
	require.NoError(t, err)
	_, err = c.RestoreSessions.Get(t.Context(), "s1")
	require.NoError(t, err)
	assert.Empty(t, f.forms(), "no login with the caller's tokens")
}

func TestTokenWaitEndsWithContext(t *testing.T) {
	t.Parallel()
	block, started := make(chan struct{}), make(chan struct{})
	tc := newTokenCache(func(ctx context.Context) (*oauth2.Token, error) {
		close(started)
		<-block
		return &oauth2.Token{AccessToken: "a"}, nil
	}, time.Now)
	first, cancelFirst := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { _, err := tc.token(first); done <- err }()
	<-started
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := tc.token(ctx)
	assert.True(t, errors.Is(err, context.Canceled))
	cancelFirst()
	assert.ErrorIs(t, <-done, context.Canceled, "the caller who started the login may give up too")
	close(block)
	// The login went on without its callers, and its token is kept.
	tok, err := tc.token(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "Bearer a", tok.header)
}

func TestSecretNeverPrints(t *testing.T) {
	t.Parallel()
	s := Secret("hunter2")
	for _, got := range []string{s.String(), s.GoString(), s.LogValue().String()} {
		assert.Equal(t, "REDACTED", got)
	}
	assert.NotContains(t, fmtAll(s), "hunter2")
}

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestSecretsStayHiddenInJSONLogs(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	l := slog.New(slog.NewJSONHandler(&logs, nil))
	creds := &RestoreCredentials{UserName: "svc", UserPassword: "pw-SECRET-1", ApplicationCertificatePassword: "pfx-SECRET-2", ApplicationCertificate: []byte("PFX-SECRET-3")}
	l.Info("restore", "req", &RestoreToRequest{Mailbox: "m", Credentials: creds}, "creds", creds, "secret", Secret("s-SECRET-4"))
	b, err := json.Marshal(struct{ C *RestoreCredentials }{creds})
	require.NoError(t, err)
	for _, out := range []string{logs.String(), string(b), fmtAll(creds), fmtAll(*creds)} {
		assert.NotContains(t, out, "SECRET")
		assert.NotContains(t, out, base64.StdEncoding.EncodeToString(creds.ApplicationCertificate))
		assert.Contains(t, out, "svc")
	}
}
