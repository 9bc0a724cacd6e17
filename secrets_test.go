package vb365_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365"
	"github.com/vb365-go/vb365/vb365test"
)

// The secret scan: the whole workflow, with a debug-level JSON logger, must
// never put a password, an assertion, an access token or a refresh token in
// the log or in an error's text, failed logins included.

// The secrets hold characters that escaping changes (JSON, .NET's JSON,
// form encoding), so that a form redact misses shows.
const (
	scanPassword        = "Scan-Passw0rd-7c1e9a'+<>&\"\\é😀"
	scanAssertion       = "eyJhbGciOiJub25lIn0.scan-assertion-4b2f.sig'+<>&\"\\ü🔑"
	scanRestorePassword = "restore-account-pw-51d3'+<>&\"\\ß🎉"
)

// safeBuffer is a log sink for concurrent writers.
type safeBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *safeBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *safeBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// tokenRecorder is a transport that notes every access and refresh token
// the token endpoint hands out, so the scan knows what to look for.
type tokenRecorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	seen []string
}

func (r *tokenRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if err != nil || !strings.HasSuffix(req.URL.Path, "/token") {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return resp, nil
	}
	var tok struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	if json.Unmarshal(body, &tok) == nil {
		r.add(tok.AccessToken, tok.RefreshToken)
	}
	return resp, nil
}

func (r *tokenRecorder) add(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range secrets {
		if s != "" {
			r.seen = append(r.seen, s)
		}
	}
}

func (r *tokenRecorder) tokens() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.seen...)
}

// forms returns s as it would appear raw, form-encoded (with + or %20 for
// a space), JSON-escaped by Go or by .NET (hex in either case).
func forms(s string) []string {
	j, _ := json.Marshal(s)
	return []string{s, url.QueryEscape(s), url.PathEscape(s), string(j[1 : len(j)-1]), netEscape(s, false), netEscape(s, true)}
}

// netEscape is s as System.Text.Json's default encoder writes it in a JSON
// string: \\ for a backslash; " ' + < > & ` and every non-ASCII character as
// \uXXXX of UTF-16, with upper- or lowercase hex. (The secrets here have no
// control characters, which it writes as \n and the like.)
func netEscape(s string, lower bool) string {
	format := `\u%04X`
	if lower {
		format = `\u%04x`
	}
	var b strings.Builder
	for _, u := range utf16.Encode([]rune(s)) {
		switch {
		case u == '\\':
			b.WriteString(`\\`)
		case u > 0x7e || strings.ContainsRune("\"'+<>&`", rune(u)):
			fmt.Fprintf(&b, format, u)
		default:
			b.WriteRune(rune(u))
		}
	}
	return b.String()
}

func TestNetEscape(t *testing.T) {
	t.Parallel()
	// As System.Text.Json writes it (dotnet/runtime issues 38543, 50998).
	assert.Equal(t, `x\u0027\u002B\u003C\u003E\u0026\u0022\\\u00E9\uD83D\uDE00`, netEscape(`x'+<>&"\é😀`, false))
	assert.Equal(t, `\u002b\ud83d\ude00`, netEscape(`+😀`, true))
}

// errorTexts collects every error a workflow met, in every format.
type errorTexts struct {
	mu    sync.Mutex
	texts []string
	n     int
}

func (e *errorTexts) add(err error) {
	if err == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.n++
	e.texts = append(e.texts, err.Error(), fmt.Sprintf("%v %+v %#v %q", err, err, err, err))
	var apiErr *vb365.APIError
	if errors.As(err, &apiErr) {
		e.texts = append(e.texts, fmt.Sprintf("%#v", apiErr), string(apiErr.Body), apiErr.Message, string(apiErr.Code))
	}
}

func TestSecretsStayOutOfLogsAndErrors(t *testing.T) {
	t.Parallel()
	srv := vb365test.NewServer(
		vb365test.WithUser(vb365test.DefaultUsername, scanPassword),
		vb365test.WithOperator(vb365test.DefaultOperatorClientID, scanAssertion))
	t.Cleanup(srv.Close)
	var log safeBuffer
	logger := slog.New(slog.NewJSONHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	rec := &tokenRecorder{base: http.DefaultTransport.(*http.Transport).Clone()}
	hc := &http.Client{Transport: rec}
	t.Cleanup(hc.CloseIdleConnections)
	errs := &errorTexts{}
	ctx := t.Context()
	newClient := func(creds vb365.Option, v vb365.APIVersion) *vb365.Client {
		c, err := vb365.NewClient(srv.URL, creds, vb365.WithAPIVersion(v), vb365.WithHTTPClient(hc),
			vb365.WithLogger(logger), vb365.WithRetry(2, time.Millisecond, 10*time.Millisecond))
		require.NoError(t, err)
		return c
	}
	mb := srv.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
	inbox := mb.Folder("Inbox")

	// A restore operator's workflow, with token expiry, revocation, faults
	// and a logout.
	op := newClient(vb365.WithOperator(vb365test.DefaultOperatorClientID, scanAssertion), vb365.V7)
	_, err := op.RestorePortalSettings(ctx)
	errs.add(err)
	sess, err := op.RestoreSessions.OperatorExplore(ctx, &vb365.OperatorExploreRequest{DateTime: time.Now(), Reason: "scan"})
	require.NoError(t, err)
	for _, err := range op.Mailboxes.All(ctx, sess.ID, &vb365.ListOptions{Limit: 2}) {
		errs.add(err)
	}
	for _, err := range op.Mailboxes.Folders(ctx, sess.ID, mb.ID(), &vb365.FolderListOptions{ParentID: vb365.RootFolders}) {
		errs.add(err)
	}
	var ids []string
	for it, err := range op.Mailboxes.Items(ctx, sess.ID, mb.ID(), &vb365.ItemListOptions{FolderID: inbox.ID()}) {
		errs.add(err)
		ids = append(ids, it.ID)
	}
	require.NotEmpty(t, ids)
	srv.ExpireTokens() // a 401, then a refresh
	_, err = op.Mailboxes.OperatorRestore(ctx, sess.ID, mb.ID(), &vb365.OperatorRestoreRequest{ItemIDs: ids[:1], Reason: "scan"})
	errs.add(err)
	srv.InjectFault(vb365test.RouteOperatorRestore, vb365test.ActThenRespond(502, "<html>Bad Gateway</html>"))
	_, err = op.Mailboxes.OperatorRestore(ctx, sess.ID, mb.ID(), &vb365.OperatorRestoreRequest{ItemIDs: ids[:1]})
	require.ErrorIs(t, err, vb365.ErrOutcomeUnknown)
	errs.add(err)
	srv.InjectFault(vb365test.RouteSession, vb365test.RetryAfter(503, 0), vb365test.DropBeforeAct())
	srv.RevokeTokens() // a 401, a refused refresh, a new login
	_, err = op.RestoreSessions.Get(ctx, sess.ID)
	errs.add(err)
	_, err = op.RestoreSessions.Get(ctx, "00000000-0000-0000-0000-000000000000")
	require.ErrorIs(t, err, vb365.ErrNotFound)
	errs.add(err)
	for _, err := range op.RestoreSessions.Events(ctx, sess.ID, nil) {
		errs.add(err)
	}
	errs.add(op.RestoreSessions.Stop(ctx, sess.ID))
	errs.add(op.Close(ctx))

	// An administrator's workflow, with restore credentials.
	admin := newClient(vb365.WithPassword(vb365test.DefaultUsername, scanPassword), vb365.V8)
	asess, err := admin.RestoreSessions.ExploreOrganization(ctx, srv.Organization().ID(), &vb365.ExploreRequest{DateTime: time.Now()})
	require.NoError(t, err)
	creds := &vb365.RestoreCredentials{UserName: "svc@contoso.onmicrosoft.com", UserPassword: scanRestorePassword}
	_, err = admin.Mailboxes.Restore(ctx, asess.ID, mb.ID(), vb365.ScopeItems(ids[:1]...), &vb365.RestoreRequest{Credentials: creds})
	errs.add(err)
	srv.InjectFault(vb365test.RouteRestore, vb365test.DropAfterAct())
	_, err = admin.Mailboxes.Restore(ctx, asess.ID, mb.ID(), vb365.ScopeItems(ids[:1]...), &vb365.RestoreRequest{Credentials: creds})
	require.ErrorIs(t, err, vb365.ErrOutcomeUnknown)
	errs.add(err)
	logger.DebugContext(ctx, "a request, as a caller might log it", "creds", creds)
	errs.add(admin.Close(ctx))

	// Failed logins: refused credentials, then a server that echoes the
	// whole login form in its error.
	for _, creds := range []vb365.Option{
		vb365.WithPassword(vb365test.DefaultUsername, scanPassword+"-wrong"),
		vb365.WithOperator(vb365test.DefaultOperatorClientID, scanAssertion+"-wrong"),
	} {
		_, err := newClient(creds, vb365.V6).RestoreSessions.Get(ctx, sess.ID)
		require.ErrorIs(t, err, vb365.ErrUnauthorized)
		errs.add(err)
	}
	echo := echoingTokenServer(t)
	for _, creds := range []vb365.Option{
		vb365.WithPassword(vb365test.DefaultUsername, scanPassword),
		vb365.WithOperator(vb365test.DefaultOperatorClientID, scanAssertion),
	} {
		for _, status := range []int{http.StatusBadRequest, http.StatusInternalServerError} {
			c, err := vb365.NewClient(echo.URL, creds, vb365.WithLogger(logger), vb365.WithUserAgent(fmt.Sprint(status)))
			require.NoError(t, err)
			_, err = c.RestoreSessions.Get(ctx, "s1")
			require.Error(t, err)
			errs.add(err)
		}
	}

	secrets := append([]string{scanPassword, scanAssertion, scanRestorePassword}, rec.tokens()...)
	// Operator: a login, a refresh after the expiry, a login after the
	// revocation; administrator: a login. Each gives two tokens.
	assert.Len(t, rec.tokens(), 2*4, "the scan knows the tokens handed out")
	text := log.String()
	for _, msg := range []string{"vb365 token request", "vb365 request", "vb365 401: logging in again", "vb365 retry", "vb365 outcome unknown"} {
		assert.Contains(t, text, `"msg":"`+msg+`"`, "the log is not empty of what matters")
	}
	assert.GreaterOrEqual(t, errs.n, 8, "the scan saw errors of every kind")
	all := strings.Join(errs.texts, "\n")
	for _, s := range secrets {
		for _, f := range forms(s) {
			assert.NotContains(t, text, f, "a secret in the log")
			assert.NotContains(t, all, f, "a secret in an error")
		}
	}
	t.Logf("secret scan: %d secrets (%d tokens) over %d log bytes and %d errors", len(secrets), len(rec.tokens()), len(text), errs.n)
}

// echoingTokenServer is a broken server whose token endpoint answers with
// the status the User-Agent names and echoes the form it got, secrets and
// all, in the error description (JSON-escaped as Go does) and the message
// (as .NET does).
func echoingTokenServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(b))
		status := http.StatusBadRequest
		_, _ = fmt.Sscan(r.UserAgent(), &status)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		text := fmt.Sprintf("bad grant: %s; form %v", b, form)
		desc, _ := json.Marshal(text)
		fmt.Fprintf(w, `{"error":"invalid_grant","error_description":%s,"message":"%s"}`, desc, netEscape(text, false))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// echoingAPI is a broken server that repeats the bearer token of a call, or
// the form of a renewal (the refresh token in it), in its error bodies.
func echoingAPI(t *testing.T, access, refresh string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		b, _ := io.ReadAll(r.Body)
		switch {
		case strings.HasSuffix(r.URL.Path, "/token") && strings.Contains(string(b), "grant_type=refresh_token"):
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintf(w, `{"message":"cannot refresh %s"}`, b)
		case strings.HasSuffix(r.URL.Path, "/token"):
			fmt.Fprintf(w, `{"access_token":%q,"refresh_token":%q,"expires_in":3600}`, access, refresh)
		case strings.HasSuffix(r.URL.Path, "/s401"):
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"message":"token expired"}`)
		default:
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, `{"message":"%s may not read this"}`, r.Header.Get("Authorization"))
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestEchoedRefreshTokenStaysOutOfErrors(t *testing.T) {
	t.Parallel()
	const access, refresh = "access-token-SECRET-8e1f", "refresh-token-SECRET-2a7c"
	var log safeBuffer
	logger := slog.New(slog.NewJSONHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := echoingAPI(t, access, refresh)
	c, err := vb365.NewClient(srv.URL, vb365.WithOperator(vb365test.DefaultOperatorClientID, scanAssertion),
		vb365.WithLogger(logger), vb365.WithRetry(0, 0, 0))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	_, err = c.RestoreSessions.Get(t.Context(), "s401") // a 401, then a renewal the server fails and echoes
	require.Error(t, err)
	errs := &errorTexts{}
	errs.add(err)
	all := strings.Join(errs.texts, "\n") + log.String()
	assert.Contains(t, all, "cannot refresh", "the server's message is kept")
	for _, s := range []string{access, refresh, scanAssertion} {
		for _, f := range forms(s) {
			assert.NotContains(t, all, f)
		}
	}
}

func TestEchoedAccessTokenStaysOutOfErrors(t *testing.T) {
	t.Parallel()
	const access = "access-token-SECRET-8e1f"
	srv := echoingAPI(t, access, "refresh-token-SECRET-2a7c")
	c, err := vb365.NewClient(srv.URL, vb365.WithOperator(vb365test.DefaultOperatorClientID, scanAssertion), vb365.WithRetry(0, 0, 0))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	_, err = c.RestoreSessions.Get(t.Context(), "s403")
	require.ErrorIs(t, err, vb365.ErrForbidden)
	errs := &errorTexts{}
	errs.add(err)
	var apiErr *vb365.APIError
	require.ErrorAs(t, err, &apiErr)
	all := strings.Join(errs.texts, "\n") + string(apiErr.Body)
	for _, f := range forms(access) {
		assert.NotContains(t, all, f)
	}
}

// Restore credentials as a broken server repeats them. Each secret starts
// with seven bytes that no escaping changes, so that a form redact misses
// shows whatever it is; the certificate's base64 has + and /.
const (
	restorePassword = "rpw5d1e'+<\"&>\\é😀"
	certPassword    = "cpw9a2c<&>'\"+\\ü🔑"
	onPremPassword  = "opw3b7f\"\\'+<>&ß🎉"
	restoreCert     = "cert7e4a-\xfb\xef\xbe\xff\xff\xff\x01"
)

// echoingRestoreServer is a broken server that logs anyone in and answers
// every other call with status, repeating the request's body and the
// values in it: as they are (echo "raw", a text body), .NET-escaped in the
// message and errorCode of a JSON body ("net"), or form-encoded with + and
// with %20 for a space ("form").
func echoingRestoreServer(t *testing.T, status int, echo string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if strings.HasSuffix(r.URL.Path, "/token") {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"access_token":"access-token-restore-echo","expires_in":3600}`)
			return
		}
		var fields map[string]any
		_ = json.Unmarshal(b, &fields)
		text := fmt.Sprintf("cannot restore %s with %v", b, fields)
		switch echo {
		case "raw":
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(status)
			fmt.Fprint(w, text)
		case "net":
			password, _ := fields["userPassword"].(string)
			if password == "" {
				password, _ = fields["office365UserPassword"].(string)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"message":"%s","errorCode":"Refused:%s"}`, netEscape(text, false), netEscape(password, true))
		case "form":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"message":"cannot restore %s, %s"}`, url.QueryEscape(text), url.PathEscape(text))
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRestoreCredentialsStayOutOfErrors(t *testing.T) {
	t.Parallel()
	creds := &vb365.RestoreCredentials{UserName: "svc@contoso.onmicrosoft.com", UserPassword: restorePassword,
		ApplicationID: "3f2b8c1e-6a4d-4e2f-9b7a-1c5d8e9f0a2b", ApplicationCertificate: []byte(restoreCert), ApplicationCertificatePassword: certPassword}
	credSecrets := []string{restorePassword, certPassword, base64.StdEncoding.EncodeToString([]byte(restoreCert))}
	calls := []struct {
		name    string
		secrets []string
		call    func(context.Context, *vb365.Client) error
	}{
		{"Restore", credSecrets, func(ctx context.Context, c *vb365.Client) error {
			_, err := c.Mailboxes.Restore(ctx, "s1", "m1", vb365.ScopeItems("i1"), &vb365.RestoreRequest{Credentials: creds})
			return err
		}},
		{"RestoreTo", credSecrets, func(ctx context.Context, c *vb365.Client) error {
			_, err := c.Mailboxes.RestoreTo(ctx, "s1", "m1", vb365.ScopeFolder("f1"), &vb365.RestoreToRequest{Credentials: creds, Mailbox: "bob@contoso.onmicrosoft.com"})
			return err
		}},
		{"RestoreMailboxes", append([]string{onPremPassword}, credSecrets...), func(ctx context.Context, c *vb365.Client) error {
			_, err := c.Mailboxes.RestoreMailboxes(ctx, "s1", []string{"m1"}, &vb365.RestoreMailboxesRequest{Credentials: creds,
				OnPremises: &vb365.OnPremisesCredentials{DomainName: "corp", UserName: "exadmin", Password: onPremPassword}})
			return err
		}},
	}
	assert.Equal(t, "Y2VydDdlNGEt++++////AQ==", credSecrets[2], "the certificate travels in base64, with + and /")
	for _, call := range calls {
		for _, echo := range []string{"raw", "net", "form"} {
			for _, status := range []int{http.StatusBadRequest, http.StatusInternalServerError} {
				t.Run(fmt.Sprint(call.name, "/", echo, "/", status), func(t *testing.T) {
					t.Parallel()
					srv := echoingRestoreServer(t, status, echo)
					c, err := vb365.NewClient(srv.URL, vb365.WithPassword(vb365test.DefaultUsername, scanPassword),
						vb365.WithAPIVersion(vb365.V8), vb365.WithRetry(0, 0, 0))
					require.NoError(t, err)
					t.Cleanup(c.CloseIdleConnections)
					err = call.call(t.Context(), c)
					var apiErr *vb365.APIError
					require.ErrorAs(t, err, &apiErr)
					if status == http.StatusInternalServerError {
						var unknown *vb365.OutcomeUnknownError
						require.ErrorAs(t, err, &unknown, "a 500 on a restore leaves its outcome unknown")
					} else {
						require.ErrorIs(t, err, vb365.ErrBadRequest)
					}
					errs := &errorTexts{}
					errs.add(err)
					all := strings.Join(errs.texts, "\n")
					assert.Contains(t, all, "cannot restore", "the server's message is kept")
					assert.GreaterOrEqual(t, strings.Count(string(apiErr.Body), "REDACTED"), len(call.secrets), "the server repeated the secrets")
					for _, s := range call.secrets {
						assert.NotContains(t, all, s[:7], "a secret, in some form, in an error")
						for _, f := range forms(s) {
							assert.NotContains(t, all, f, "a secret in an error")
						}
					}
				})
			}
		}
	}
}
