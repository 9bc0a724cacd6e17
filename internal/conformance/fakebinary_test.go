package conformance_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vb365-go/vb365"
	"github.com/vb365-go/vb365/vb365test"
)

// TestFakeBinary builds cmd/vb365-fake, runs it as users do, sends it the
// restore-operator workflow and an administrator's export as plain HTTP
// requests on every version, and checks its answers against the
// descriptions, as TestConformance checks vb365test's in-process answers.
// It also checks that no path of the control API (/_fake/...) is a path
// of any description.
func TestFakeBinary(t *testing.T) {
	for _, v := range apiVersions {
		specFor(t, v)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build cmd/vb365-fake with:", err)
	}
	exe := filepath.Join(t.TempDir(), "vb365-fake")
	build := exec.CommandContext(t.Context(), goTool, "build", "-o", exe, sdkModule+"/cmd/vb365-fake")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build cmd/vb365-fake: %v\n%s", err, out)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "--http", "--addr", "127.0.0.1:0", "--export-size", "4096")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := cmd.Process.Signal(os.Interrupt); err != nil { // Windows: no SIGINT to send
			_ = cmd.Process.Kill()
		}
		_ = cmd.Wait()
	}()
	env := map[string]string{}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			env[k] = v
		}
		if _, ok := env["VB365_FAKE_CONTROL"]; ok {
			break
		}
	}
	if env["VB365_URL"] == "" {
		t.Fatalf("vb365-fake printed no VB365_URL; stderr: %s", stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()

	tr := http.DefaultTransport.(*http.Transport).Clone()
	defer tr.CloseIdleConnections()
	var (
		log   []*exchange
		logMu sync.Mutex
	)
	rec := &recorder{base: tr, log: &log, logM: &logMu}
	p := &plainClient{t: t, hc: &http.Client{Transport: rec, Timeout: 30 * time.Second}, base: env["VB365_URL"], env: env}
	for _, v := range apiVersions {
		rec.setStep("binary " + string(v))
		p.workflow(v)
	}
	_, findings := validate(t, log)
	for _, k := range slices.Sorted(maps.Keys(findings)) {
		if _, ok := knownFindings[k]; ok {
			continue
		}
		f := findings[k]
		t.Errorf("vb365-fake: finding (%d×): %s\n\trequest:  %s %s %s\n\tresponse: %s %s",
			f.count, k, f.ex.method, f.ex.url, clip(f.ex.body), statusText(f.ex.status), clip(f.ex.respBody))
	}
	if len(log) < 3*12 {
		t.Errorf("only %d exchanges recorded", len(log))
	}

	// The control API is nowhere in the descriptions.
	r := p.send("GET", env["VB365_FAKE_CONTROL"], "", nil, http.StatusOK)
	var info struct {
		Endpoints []struct{ Method, Path string }
	}
	if err := json.Unmarshal(r, &info); err != nil || len(info.Endpoints) == 0 {
		t.Fatalf("GET /_fake/: %v %s", err, r)
	}
	for _, v := range apiVersions {
		s := specFor(t, v)
		for path := range s.doc.Paths.Map() {
			if strings.HasPrefix(strings.ToLower(path), strings.TrimSuffix(vb365test.ControlPrefix, "/")) {
				t.Errorf("%s: spec path %s is under the control API's prefix", v, path)
			}
		}
		for _, ep := range info.Endpoints {
			u := env["VB365_URL"] + strings.ReplaceAll(ep.Path, "{id}", "7a34cd55-b15d-57a9-be23-57f5e9ad24e5")
			req, err := http.NewRequestWithContext(t.Context(), ep.Method, u, nil)
			if err != nil {
				t.Fatal(err)
			}
			if route, _, err := s.router.FindRoute(req); err == nil {
				t.Errorf("%s: control endpoint %s %s is the spec's %s %s", v, ep.Method, ep.Path, route.Method, route.Path)
			}
		}
	}
}

// plainClient sends the workflow's requests with net/http only.
type plainClient struct {
	t    *testing.T
	hc   *http.Client
	base string
	env  map[string]string
}

// send sends a request and requires status want; it returns the body.
func (p *plainClient) send(method, u, token string, body any, want int) []byte {
	p.t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			p.t.Fatal(err)
		}
		rd, ctype = bytes.NewReader(j), "application/json"
	}
	if !strings.HasPrefix(u, "http") {
		u = p.base + u
	}
	req, err := http.NewRequestWithContext(p.t.Context(), method, u, rd)
	if err != nil {
		p.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := p.hc.Do(req)
	if err != nil {
		p.t.Fatalf("%s %s: %v", method, u, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		p.t.Fatal(err)
	}
	if res.StatusCode != want {
		p.t.Fatalf("%s %s: %s, want %d: %s", method, u, res.Status, want, b)
	}
	return b
}

func (p *plainClient) decode(b []byte, v any) {
	p.t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		p.t.Fatalf("%v: %s", err, b)
	}
}

func (p *plainClient) token(v vb365.APIVersion, form url.Values) string {
	if v != vb365.V6 {
		form.Set("disable_antiforgery_token", "true")
	}
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	p.decode(p.send("POST", "/"+string(v)+"/token", "", form, http.StatusOK), &tr)
	return tr.AccessToken
}

type page struct {
	Results []struct {
		ID, Name, Email string
	} `json:"results"`
}

// workflow is the restore operator's workflow, then an administrator's
// export, on version v.
func (p *plainClient) workflow(v vb365.APIVersion) {
	vs := "/" + string(v)
	created := http.StatusOK
	if v == vb365.V8 {
		created = http.StatusCreated
	}
	p.send("GET", vs+"/RestorePortalSettings", "", nil, http.StatusOK)
	op := p.token(v, url.Values{"grant_type": {"operator"}, "client_id": {p.env["VB365_CLIENT_ID"]}, "assertion": {p.env["VB365_ASSERTION"]}})
	var s struct{ ID string }
	p.decode(p.send("POST", vs+"/Organization/OperatorExplore", op,
		map[string]any{"dateTime": time.Now().UTC().Format(time.RFC3339), "reason": "conformance of vb365-fake"}, created), &s)
	p.send("GET", vs+"/RestoreSessions?offset=0&limit=5", op, nil, http.StatusOK)
	// An unknown ID in a message: .NET escaping writes its quotes as \u0027.
	nf := p.send("GET", vs+"/RestoreSessions/00000000-0000-0000-0000-000000000000", op, nil, http.StatusNotFound)
	if !bytes.Contains(nf, []byte(`\u0027`)) {
		p.t.Errorf("%s: 404 message without .NET escaping: %s", v, nf)
	}
	base := vs + "/RestoreSessions/" + s.ID + "/organization/mailboxes"
	var mbs page
	p.decode(p.send("GET", base+"?offset=0&limit=10", op, nil, http.StatusOK), &mbs)
	mid := ""
	for _, m := range mbs.Results {
		if m.Email == p.env["VB365_USERNAME"] || strings.HasPrefix(m.Email, "alice@") {
			mid = m.ID
			break
		}
	}
	if mid == "" {
		p.t.Fatalf("%s: no alice among %v", v, mbs.Results)
	}
	var folders page
	p.decode(p.send("GET", base+"/"+mid+"/folders?offset=0&limit=10&parentId=root", op, nil, http.StatusOK), &folders)
	inbox := ""
	for _, f := range folders.Results {
		if f.Name == "Inbox" {
			inbox = f.ID
		}
	}
	param := "parentId"
	if v == vb365.V6 {
		param = "folderId"
	}
	var items page
	p.decode(p.send("GET", base+"/"+mid+"/items?offset=0&limit=5&"+param+"="+url.QueryEscape(inbox), op, nil, http.StatusOK), &items)
	if len(items.Results) < 2 {
		p.t.Fatalf("%s: %d items", v, len(items.Results))
	}
	p.send("GET", base+"/"+mid+"/items/"+url.PathEscape(items.Results[0].ID), op, nil, http.StatusOK)
	p.send("POST", base+"/"+mid+"/items/operatorRestore", op, map[string]any{
		"items": []map[string]string{{"id": items.Results[0].ID}, {"id": items.Results[1].ID}}, "reason": "conformance",
	}, http.StatusOK)
	p.send("GET", vs+"/RestoreSessions/"+s.ID+"/Events?offset=0&limit=10", op, nil, http.StatusOK)
	stopped := http.StatusOK
	if v == vb365.V8 {
		stopped = http.StatusNoContent
	}
	p.send("POST", vs+"/RestoreSessions/"+s.ID+"/Stop", op, nil, stopped)

	admin := p.token(v, url.Values{"grant_type": {"password"}, "username": {p.env["VB365_USERNAME"]}, "password": {p.env["VB365_PASSWORD"]}})
	var as struct{ ID string }
	p.decode(p.send("POST", vs+"/Organization/Explore", admin, map[string]any{"dateTime": time.Now().UTC().Format(time.RFC3339)}, created), &as)
	pst := p.send("POST", vs+"/RestoreSessions/"+as.ID+"/organization/mailboxes/"+mid+"/exportToPst", admin,
		map[string]any{"contentKeyword": "budget"}, http.StatusOK)
	if len(pst) != 4096 {
		p.t.Errorf("%s: export of %d bytes, want --export-size 4096", v, len(pst))
	}
	if v != vb365.V6 {
		p.send("POST", vs+"/token/logout", admin, nil, map[bool]int{true: http.StatusNoContent, false: http.StatusOK}[v == vb365.V8])
	}
}
