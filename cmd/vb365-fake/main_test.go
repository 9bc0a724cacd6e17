package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// mainEnv makes the test binary run main itself (TestSignals).
const mainEnv = "VB365_FAKE_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) == "1" {
		os.Args = append([]string{os.Args[0]}, strings.Fields(os.Getenv(mainEnv+"_ARGS"))...)
		main()
		return
	}
	goleak.VerifyTestMain(m)
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fake is one in-process run of the command.
type fake struct {
	t       *testing.T
	env     map[string]string // the VB365_* lines it printed
	stdout  *syncBuffer
	stderr  *syncBuffer
	hc      *http.Client
	url     string // VB365_URL
	control string // VB365_FAKE_CONTROL
}

// start runs the command with args (after --addr 127.0.0.1:0 and a
// --cert-out in a temporary directory, which args may override) until the
// test ends, and returns when it has printed its settings. The cleanup
// checks that it stopped with status 0 and wrote nothing to stderr unless
// quiet is false.
func start(t *testing.T, args ...string) *fake {
	t.Helper()
	return startWith(t, true, args...)
}

func startWith(t *testing.T, quiet bool, args ...string) *fake {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	f := &fake{t: t, stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	all := append([]string{"--addr", "127.0.0.1:0", "--cert-out", filepath.Join(t.TempDir(), "ca.pem")}, args...)
	done := make(chan int, 1)
	go func() { done <- run(ctx, all, f.stdout, f.stderr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			assert.Equal(t, exitOK, code, "exit status; stderr: %s", f.stderr)
		case <-time.After(10 * time.Second):
			t.Error("vb365-fake did not stop within 10s of its context's end")
		}
		if f.hc != nil {
			f.hc.CloseIdleConnections()
		}
		if quiet {
			assert.Empty(t, f.stderr.String(), "stderr")
		}
		for _, l := range strings.Split(strings.TrimSpace(f.stdout.String()), "\n") {
			assert.Regexp(t, `^(# .*|VB365_[A-Z_]+=(\S+|'[^']*'))$`, l, "every line of stdout is a comment or a setting")
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(f.stdout.String(), "VB365_FAKE_CONTROL=") {
		select {
		case code := <-done:
			t.Fatalf("vb365-fake ended with status %d before printing its settings; stderr: %s", code, f.stderr)
		default:
		}
		require.True(t, time.Now().Before(deadline), "vb365-fake printed no settings within 10s")
		time.Sleep(5 * time.Millisecond)
	}
	f.env = parseEnv(f.stdout.String())
	f.url, f.control = f.env["VB365_URL"], f.env["VB365_FAKE_CONTROL"]
	tr := &http.Transport{DisableKeepAlives: true, ResponseHeaderTimeout: 10 * time.Second}
	if ca := f.env["VB365_CA_FILE"]; ca != "" {
		pem, err := os.ReadFile(ca)
		require.NoError(t, err)
		pool := x509.NewCertPool()
		require.True(t, pool.AppendCertsFromPEM(pem), "the CA file holds a PEM certificate")
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	f.hc = &http.Client{Transport: tr, Timeout: 20 * time.Second}
	return f
}

func parseEnv(out string) map[string]string {
	env := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if ok && !strings.HasPrefix(k, "#") {
			env[k] = strings.Trim(v, "'")
		}
	}
	return env
}

// reply is an answer.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.body, &m), "body %q", r.body)
	return m
}

// do sends a request to the fake. body: nil, url.Values (a form), string
// (raw JSON) or any other value (encoded as JSON).
func (f *fake) do(method, path, token string, body any) reply {
	f.t.Helper()
	r, err := f.try(method, path, token, body)
	require.NoError(f.t, err, "%s %s", method, path)
	return r
}

func (f *fake) try(method, path, token string, body any) (reply, error) {
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case string:
		rd, ctype = strings.NewReader(b), "application/json"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			return reply{}, err
		}
		rd, ctype = bytes.NewReader(j), "application/json"
	}
	u := path
	if !strings.HasPrefix(u, "http") {
		u = f.url + path
	}
	req, err := http.NewRequestWithContext(f.t.Context(), method, u, rd)
	if err != nil {
		return reply{}, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := f.hc.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return reply{res.StatusCode, res.Header, b}, err
}

// ctl calls the control API and requires a 200 JSON answer.
func (f *fake) ctl(method, path string, body any) map[string]any {
	f.t.Helper()
	r := f.do(method, f.control+path, "", body)
	require.Equal(f.t, http.StatusOK, r.status, "%s %s: %s", method, path, r.body)
	require.Contains(f.t, r.header.Get("Content-Type"), "application/json")
	return r.json(f.t)
}

// login logs in with the printed operator (grant "operator") or
// administrator (grant "password") credentials on version v.
func (f *fake) login(v, grant string) string {
	f.t.Helper()
	form := url.Values{"grant_type": {grant}}
	if grant == "operator" {
		form.Set("client_id", f.env["VB365_CLIENT_ID"])
		form.Set("assertion", f.env["VB365_ASSERTION"])
	} else {
		form.Set("username", f.env["VB365_USERNAME"])
		form.Set("password", f.env["VB365_PASSWORD"])
	}
	r := f.do("POST", "/"+v+"/token", "", form)
	require.Equal(f.t, http.StatusOK, r.status, "login: %s", r.body)
	tok, _ := r.json(f.t)["access_token"].(string)
	require.NotEmpty(f.t, tok)
	return tok
}

// num reads a number at a path of keys in decoded JSON.
func num(t *testing.T, m map[string]any, keys ...string) int {
	t.Helper()
	var v any = m
	for _, k := range keys {
		mm, ok := v.(map[string]any)
		require.True(t, ok, "%v: not an object at %q", m, k)
		v = mm[k]
	}
	n, ok := v.(float64)
	require.True(t, ok, "%v at %v is not a number", v, keys)
	return int(n)
}

func results(t *testing.T, r reply) []map[string]any {
	t.Helper()
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var page struct {
		Results []map[string]any `json:"results"`
	}
	require.NoError(t, json.Unmarshal(r.body, &page))
	return page.Results
}

func find(t *testing.T, list []map[string]any, key, value string) map[string]any {
	t.Helper()
	for _, m := range list {
		if m[key] == value {
			return m
		}
	}
	require.Failf(t, "not found", "no %s=%q in %v", key, value, list)
	return nil
}
