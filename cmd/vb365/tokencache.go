package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/oauth2"

	"github.com/vb365-go/vb365"
)

// The token cache keeps a login's access and refresh tokens across runs, so
// that a script running vb365 a hundred times logs in once (VB365 throttles
// its token endpoint). It is a vb365.TokenStore in a file of its own for
// each server and user, under the user's cache directory, that only the
// user may read. The SDK gives it tokens only: never a password or an
// assertion.

// tokenCacheDir is the directory of the token cache files, under dir (the
// user's cache directory).
func tokenCacheDir(dir string) string { return filepath.Join(dir, "vb365") }

// fileStore is the token cache file of one server and user.
type fileStore struct {
	path, server, kind, user string
}

// cachedTokens is a token cache file. The name finds it; the server, login
// kind and user in it must be this run's, or it is not used: a file copied
// or linked under another's name must not send one server's tokens to
// another.
type cachedTokens struct {
	Server       string    `json:"server"`
	Kind         string    `json:"kind"`
	User         string    `json:"user"`
	AccessToken  string    `json:"accessToken"`
	RefreshToken string    `json:"refreshToken,omitempty"`
	Expiry       time.Time `json:"expiry"`
}

// newFileStore returns the store of server's login kind (operator or
// password) for user, in cacheDir.
func newFileStore(cacheDir, server, kind, user string) *fileStore {
	server = strings.TrimRight(strings.ToLower(server), "/")
	sum := sha256.Sum256([]byte(server + "\x00" + kind + "\x00" + user))
	return &fileStore{
		path:   filepath.Join(tokenCacheDir(cacheDir), "token-"+hex.EncodeToString(sum[:12])+".json"),
		server: server, kind: kind, user: user,
	}
}

// Load implements vb365.TokenStore. A file that others may read or write,
// that is not a plain file of the user's own (a link), in a directory that
// others may reach, or that names another server or user, is not used.
func (s *fileStore) Load(context.Context) (*oauth2.Token, error) {
	fi, err := os.Lstat(s.path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	if err := private(filepath.Dir(s.path), true); err != nil {
		return nil, err
	}
	if err := privateInfo(s.path, fi, false); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(s.path)
	if err != nil {
		return nil, err
	}
	var c cachedTokens
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("token cache %s: %w", s.path, err)
	}
	if c.Server != s.server || c.Kind != s.kind || c.User != s.user {
		return nil, fmt.Errorf("token cache %s holds the login of another server or user; not used", s.path)
	}
	return &oauth2.Token{AccessToken: c.AccessToken, RefreshToken: c.RefreshToken, Expiry: c.Expiry, TokenType: "Bearer"}, nil
}

// Save implements vb365.TokenStore: it writes the file whole, under a
// temporary name then renamed, so that a run never reads half a file. nil
// removes the file.
func (s *fileStore) Save(_ context.Context, tok *oauth2.Token) error {
	if tok == nil {
		return s.remove()
	}
	b, err := json.Marshal(cachedTokens{Server: s.server, Kind: s.kind, User: s.user, AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry})
	if err != nil {
		return err
	}
	dir := filepath.Dir(s.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".token-*.tmp") // mode 0600
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), s.path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// private checks that path, a directory when dir is set, is the user's own
// and that nobody else may use it.
func private(path string, dir bool) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	return privateInfo(path, fi, dir)
}

func privateInfo(path string, fi fs.FileInfo, dir bool) error {
	kind, plain := "file", fi.Mode().IsRegular()
	if dir {
		kind, plain = "directory", fi.IsDir()
	}
	switch {
	case !plain:
		return fmt.Errorf("token cache %s is not a plain %s (a link?); not used", path, kind)
	case runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0:
		return fmt.Errorf("token cache %s may be used by others (mode %v); not used", path, fi.Mode().Perm())
	case !ownedByMe(fi):
		return fmt.Errorf("token cache %s belongs to another user; not used", path)
	}
	return nil
}

// remove deletes the file; a missing one is fine.
func (s *fileStore) remove() error {
	if err := os.Remove(s.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// tokenCache returns the option that keeps the login in the token cache, or
// nil without one (--no-token-cache, whose run also removes a kept login).
func (a *app) tokenCache(server string) (vb365.Option, error) {
	dir, err := a.cacheDir()
	if err != nil {
		if a.g.noTokenCache {
			return nil, nil
		}
		fmt.Fprintf(a.stderr, "vb365: no token cache (%v): each run logs in\n", err)
		return nil, nil
	}
	kind, user := a.login()
	s := newFileStore(dir, server, kind, user)
	if a.g.noTokenCache {
		if err := s.remove(); err != nil {
			return nil, fmt.Errorf("removing the token cache: %w", err)
		}
		return nil, nil
	}
	a.store = s
	return vb365.WithTokenStore(s), nil
}

// ---- vb365 logout ----

var logoutCommand = &command{
	name: "logout", summary: "end the login kept in the token cache, and remove it",
	help: "Ends the login that the token cache keeps for the server and user of the settings (--url, and\n" +
		"--client-id or --username), on the server (v7 and v8; v6 has no logout, its token runs out within\n" +
		"the hour), and removes its file. Runs log in once and keep the login for the next run, in a file\n" +
		"under the user's cache directory that only the user may read; --no-token-cache keeps none.",
	auth: true, setup: logout,
}

func logout(*pflag.FlagSet) (func(*app) error, action) {
	check := func(a *app) error {
		switch {
		case a.g.demo:
			return usagef("--demo keeps no login: there is nothing to log out")
		case a.g.noTokenCache:
			return usagef("logout ends the login kept in the token cache; drop --no-token-cache")
		}
		return nil
	}
	return check, func(ctx context.Context, a *app) error {
		_, user := a.login()
		where := fmt.Sprintf("%s at %s", user, strings.TrimRight(a.g.url, "/"))
		if a.store == nil {
			return errors.New("no token cache on this machine: nothing to log out")
		}
		if tok, err := a.store.Load(ctx); err == nil && tok == nil {
			return a.out.one(logoutJSON{Server: a.store.server, User: user, LoggedOut: false},
				field{"Logged out", "no: no login is kept for " + where})
		}
		// A call loads the kept token into the client (renewing it if it
		// ran out), so that Close ends it on the server.
		callErr := a.client.Do(ctx, "GET", "/RestoreSessions?limit=1", vb365.Safe, nil, nil)
		closeErr := a.client.Close(ctx) // logs out and removes the file
		a.ended = true
		if err := a.store.remove(); err != nil {
			return err
		}
		switch {
		case callErr != nil && !errors.Is(callErr, vb365.ErrUnauthorized):
			return fmt.Errorf("the kept login is removed, but it may still be valid on the server until it runs out: %w", callErr)
		case closeErr != nil:
			return fmt.Errorf("the kept login is removed, but logging out on the server failed: %w", closeErr)
		}
		note := "yes: " + where + "; its kept tokens are removed"
		if a.client.APIVersion() == vb365.V6 {
			note = "yes: the kept tokens of " + where + " are removed (v6 has no logout: the token stays valid on the server until it runs out)"
		}
		return a.out.one(logoutJSON{Server: a.store.server, User: user, LoggedOut: true}, field{"Logged out", note})
	}
}

type logoutJSON struct {
	Server    string `json:"server"`
	User      string `json:"user"`
	LoggedOut bool   `json:"loggedOut"`
}
