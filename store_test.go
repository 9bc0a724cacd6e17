package vb365

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// memStore is a TokenStore in memory that records what it was given.
type memStore struct {
	mu    sync.Mutex
	tok   *oauth2.Token
	saves []*oauth2.Token
	err   error // Load fails with it
}

func (m *memStore) Load(context.Context) (*oauth2.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return nil, m.err
	}
	if m.tok == nil {
		return nil, nil
	}
	t := *m.tok
	return &t, nil
}

func (m *memStore) Save(_ context.Context, tok *oauth2.Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tok = tok
	m.saves = append(m.saves, tok)
	return nil
}

func (m *memStore) current() *oauth2.Token {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.tok
}

func TestTokenStoreKeepsTheLoginAcrossClients(t *testing.T) {
	t.Parallel()
	_, f := setup(t)
	f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"id":"s1"}`) })
	store := &memStore{}
	run := func() *Client {
		c, err := NewClient(f.srv.URL, WithPassword(testUser, testPassword), WithTokenStore(store), WithRetry(3, 0, time.Second))
		require.NoError(t, err)
		_, err = c.RestoreSessions.Get(t.Context(), "s1")
		require.NoError(t, err)
		c.CloseIdleConnections()
		return c
	}
	run()
	require.Len(t, f.forms(), 1)
	kept := store.current()
	require.NotNil(t, kept)
	assert.Equal(t, "access-1", kept.AccessToken)
	assert.Equal(t, "refresh-1", kept.RefreshToken)

	// The next runs use the kept token: no token request at all.
	for range 3 {
		run()
	}
	assert.Len(t, f.forms(), 1, "a script run again and again logs in once")

	// Once the kept access token has expired, the kept refresh token
	// renews it, and the newest tokens are kept.
	store.mu.Lock()
	store.tok.Expiry = time.Now().Add(-time.Minute)
	store.mu.Unlock()
	run()
	forms := f.forms()
	require.Len(t, forms, 2)
	assert.Equal(t, "refresh_token", forms[1].Get("grant_type"))
	assert.Equal(t, "refresh-1", forms[1].Get("refresh_token"))
	assert.Equal(t, "refresh-2", store.current().RefreshToken)

	// Close ends the login and forgets it.
	c := run()
	require.NoError(t, c.Close(t.Context()))
	assert.Nil(t, store.current())

	for _, tok := range store.saves {
		if tok != nil {
			assert.NotContains(t, tok.AccessToken+tok.RefreshToken, testPassword, "a password is never kept")
		}
	}
}

func TestTokenStoreWithRefusedTokensLogsInAgain(t *testing.T) {
	t.Parallel()
	_, f := setup(t)
	f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"id":"s1"}`) })
	f.mu.Lock()
	f.refuse = func(form url.Values) bool { return form.Get("grant_type") == "refresh_token" }
	f.mu.Unlock()
	// Tokens kept from a login the server has since forgotten.
	store := &memStore{tok: &oauth2.Token{AccessToken: "stale", RefreshToken: "stale-refresh", Expiry: time.Now().Add(time.Hour)}}
	c, err := NewClient(f.srv.URL, WithOperator(testClientID, testAssertion), WithTokenStore(store), WithRetry(3, 0, time.Second))
	require.NoError(t, err)
	_, err = c.RestoreSessions.Get(t.Context(), "s1")
	require.NoError(t, err)
	forms := f.forms()
	require.Len(t, forms, 2, "the stale token got a 401, its refresh was refused, then a fresh login")
	assert.Equal(t, "stale-refresh", forms[0].Get("refresh_token"))
	assert.Equal(t, "operator", forms[1].Get("grant_type"))
	assert.Equal(t, "access-1", store.current().AccessToken)
	require.Len(t, store.saves, 2)
	assert.Nil(t, store.saves[0], "the refused tokens are forgotten first")
	for _, tok := range store.saves {
		if tok != nil {
			assert.False(t, strings.Contains(tok.AccessToken+tok.RefreshToken, testAssertion), "an assertion is never kept")
		}
	}
}

func TestTokenStoreThatFailsToLoadMeansALogin(t *testing.T) {
	t.Parallel()
	_, f := setup(t)
	f.handle("GET /v6/RestoreSessions/s1", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"id":"s1"}`) })
	store := &memStore{err: errors.New("unreadable")}
	c, err := NewClient(f.srv.URL, WithPassword(testUser, testPassword), WithTokenStore(store))
	require.NoError(t, err)
	_, err = c.RestoreSessions.Get(t.Context(), "s1")
	require.NoError(t, err)
	assert.Len(t, f.forms(), 1)

	_, err = NewClient(f.srv.URL, WithTokenStore(store))
	require.ErrorIs(t, err, ErrInvalidArgument, "a store without a login to keep")
	_, err = NewClient(f.srv.URL, WithPassword(testUser, testPassword), WithTokenStore(nil))
	require.ErrorIs(t, err, ErrInvalidArgument)
}

func TestCloseEndsAKeptLoginThatMadeNoCall(t *testing.T) {
	t.Parallel()
	_, f := setup(t)
	var auth atomic.Value
	logouts := f.handle("POST /v7/token/logout", func(w http.ResponseWriter, r *http.Request) {
		auth.Store(r.Header.Get("Authorization"))
		w.WriteHeader(200)
	})
	f.mu.Lock()
	f.valid["kept-access"] = true
	f.mu.Unlock()
	store := &memStore{tok: &oauth2.Token{AccessToken: "kept-access", RefreshToken: "kept-refresh", Expiry: time.Now().Add(time.Hour)}}
	c, err := NewClient(f.srv.URL, WithPassword(testUser, testPassword), WithTokenStore(store), WithAPIVersion(V7))
	require.NoError(t, err)
	require.NoError(t, c.Close(t.Context()))
	assert.Equal(t, int32(1), logouts.Load(), "the kept login is ended on the server")
	assert.Equal(t, "Bearer kept-access", auth.Load())
	assert.Nil(t, store.current())
	assert.Empty(t, f.forms(), "no login to log out")
}
