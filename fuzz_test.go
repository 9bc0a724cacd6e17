package vb365

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"golang.org/x/oauth2"
)

// Fuzz targets for everything the client decodes from a server: sessions,
// pages, items, error answers, token answers, and the error-body parser.
// The seeds below run as ordinary tests; `go test -run=^$ -fuzz=^FuzzX$`
// explores further. Answers come from an in-memory transport, so an
// iteration costs no network.

// memTransport answers every request from answer, in memory.
type memTransport struct {
	answer   func(*http.Request) (status int, header http.Header, body []byte)
	requests atomic.Int32
	auth     atomic.Value // string: the last Authorization header sent to the API
}

func (m *memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	m.requests.Add(1)
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	status, header, body := m.answer(req)
	if header == nil {
		header = http.Header{}
	}
	return &http.Response{
		StatusCode: status, Status: http.StatusText(status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: header, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: req,
	}, nil
}

// memClient is a client whose every API answer is answer's, with a token of
// its own (no login) and no retries.
func memClient(t testing.TB, answer func(*http.Request) (int, http.Header, []byte)) (*Client, *memTransport) {
	t.Helper()
	m := &memTransport{answer: answer}
	c, err := NewClient("https://vb365.example.com:4443", WithHTTPClient(&http.Client{Transport: m}),
		WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "fuzz-token"})), WithRetry(0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	return c, m
}

func fixed(status int, body []byte) func(*http.Request) (int, http.Header, []byte) {
	return func(*http.Request) (int, http.Header, []byte) {
		return status, http.Header{"Content-Type": {"application/json"}}, body
	}
}

// checkErrorText fails on an error text that is not one line of valid
// UTF-8, or that carries a secret.
func checkErrorText(t *testing.T, err error, secrets ...string) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	if !utf8.ValidString(msg) || strings.ContainsAny(msg, "\r\n\x1b") {
		t.Fatalf("error text is not one line of valid UTF-8: %q", msg)
	}
	for _, s := range secrets {
		if strings.Contains(msg, s) {
			t.Fatalf("error text carries a secret: %q", msg)
		}
	}
}

// statusOf maps any int to an HTTP status the client may meet.
func statusOf(n int) int {
	if n < 0 {
		n = -n
	}
	return 200 + n%400
}

var sessionSeeds = []string{
	`{"id":"s1","name":"n","organization":"o","type":"Vex","creationTime":"2017-05-30T13:53:45.0679711+03:00","endTime":null,"state":"Working","result":"Success","reason":"r","eTag":3}`,
	`{"id":null,"creationTime":"not a time"}`,
	`{"id":"s1","eTag":1e400}`,
	`{"id":"s1",`,
	`null`, `[]`, `"s"`, ``, `{}{}`, "\xef\xbb\xbf{}",
	`{"endTime":"0001-01-01T00:00:00Z","creationTime":"9999-12-31T23:59:59.9999999-23:59"}`,
	`{"id":"s1","creationTime":"2017-05-04 18:00:00","endTime":"2017-05-04T18:00:00.1234567","reason":"2017-05-04 18:00:00"}`,
	`{"CreationTime":"2017-05-04 18:00:00","creationTime":"2017-13-04 18:00:00","details":"{\"endTime\":\"2017-05-04 18:00:00\"}"}`,
	`{"creationTime" : "2017-05-04 18:00:00.12345678","endTime":"2017-05-04 18:00:00Z"}`,
}

func FuzzSessionDecoding(f *testing.F) {
	for _, s := range sessionSeeds {
		f.Add(200, []byte(s))
		f.Add(201, []byte(s))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		c, _ := memClient(t, fixed(statusOf(status), body))
		s, err := c.RestoreSessions.Get(t.Context(), "s1")
		checkErrorText(t, err)
		if (err == nil) == (s == nil) {
			t.Fatalf("want a session or an error, got %v and %v", s, err)
		}
		var apiErr *APIError
		if st := statusOf(status); st > 299 && (!errors.As(err, &apiErr) || apiErr.StatusCode != st) {
			t.Fatalf("status %d: want an *APIError with it, got %v", st, err)
		}
	})
}

var pageSeeds = []string{
	`{"offset":0,"limit":2,"setId":"x","results":[{"id":"a"},{"id":"b"}],"totalCount":3,"_links":{"self":{"href":"/v6/x"},"next":{"href":"/v6/x?offset=2"}}}`,
	`{"offset":0,"limit":2,"results":[{"id":"a"},{"id":"b"}]}`,
	`{"offset":0,"limit":2,"results":[{"id":"a"}]}`,
	`{"results":null,"_links":null,"totalCount":null}`,
	`{"results":[null,null,{}]}`,
	`{"results":{"id":"a"}}`,
	`{"results":[{"id":1}]}`,
	`{"results":[{"id":"a"},]}`,
	`{"Results":[{"ID":"a"}],"RESULTS":[{"id":"b"}]}`,
	`{"results":[{"id":"a"}],"results":[{"id":"b"}]}`,
	`{"offset":-5,"limit":-1,"results":[{"id":"a"}],"totalCount":-1}`,
	`{"results":[` + strings.Repeat(`{},`, 50) + `{}],"_links":{"self":{},"next":{}}}`,
}

func FuzzPageDecoding(f *testing.F) {
	for _, s := range pageSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		c, m := memClient(t, fixed(200, body))
		p, err := c.Mailboxes.List(t.Context(), "s1", &ListOptions{Limit: 2})
		checkErrorText(t, err)
		if err == nil && len(p.Results) > MaxPageSize {
			t.Fatalf("a page of %d results", len(p.Results))
		}
		// The server answers the same page however it is asked: the
		// iterator must stop by the second page, with an error if that
		// one repeats the first.
		m.requests.Store(0)
		n := 0
		for _, err := range c.Mailboxes.All(t.Context(), "s1", &ListOptions{Limit: 2}) {
			checkErrorText(t, err)
			if n++; n > 2*MaxPageSize+1 {
				t.Fatal("the iterator does not stop")
			}
		}
		if r := m.requests.Load(); r > 2 {
			t.Fatalf("%d requests for a page that repeats itself", r)
		}
	})
}

var itemSeeds = []string{
	`{"id":"AAMk+/=","itemClass":"IPM.Note","subject":"s","from":"a","to":"b","sent":"2026-11-01T08:00:00.1234567Z","received":"2026-11-01T08:01:00+01:00","attachments":[{"name":"a.pdf","sizeBytes":10}],"importance":"High"}`,
	`{"itemClass":"IPM.Task","percentComplete":"50","dueDate":null}`,
	`{"itemClass":"IPM.Appointment","startTime":"2026-13-45T99:00:00Z","duration":1.5}`,
	`{"attachments":[null,{"sizeBytes":-1},{"sizeBytes":9223372036854775808}]}`,
	`{"subject":"\ud800 lone surrogate","from":"\u0000"}`,
	`{"id":"i1","subject":"2017-05-04 18:00:00","sent":"2017-05-04 18:00:00","received":"2017-05-04T18:00:00.1234567","date":"2017-05-04 18:00:00.5"}`,
	`{"sent":"2017-05-04 18:00:00","dueDate":"2017-02-30 18:00:00","s\u0065nt":"2017-05-04 18:00:00"}`,
	`{"id":"i1","_links":{"mailbox":{"href":"https://h/v6/restoresessions/s/organization/mailboxes/m1/"},"folder":{"href":"/v6/x/Folders/a%zz/../b?x#y"},"parent":null}}`,
	`{"id":"i2","_links":{"mailbox":{"href":"/mailboxes/"},"folder":{"href":"/folders/"},"parent":{"href":"\u002Ffolders\u002FF\u002B1"}}}`,
	`{"id":"i3","_links":{"folder":"not a link","mailbox":[1]}}`,
}

func FuzzItemDecoding(f *testing.F) {
	for _, s := range itemSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, item []byte) {
		c, _ := memClient(t, fixed(200, item))
		it, err := c.Mailboxes.GetItem(t.Context(), "s1", "m1", "i1")
		checkErrorText(t, err)
		if (err == nil) == (it == nil) {
			t.Fatalf("want an item or an error, got %v and %v", it, err)
		}
		page := append(append([]byte(`{"offset":0,"limit":2,"results":[`), item...), `]}`...)
		c, _ = memClient(t, fixed(200, page))
		for _, err := range c.Mailboxes.Items(t.Context(), "s1", "m1", &ItemListOptions{ListOptions: ListOptions{Limit: 2}}) {
			checkErrorText(t, err)
		}
		c, _ = memClient(t, fixed(200, page))
		for hit, err := range c.Mailboxes.SearchAll(t.Context(), "s1", "q", &ListOptions{Limit: 2}) {
			checkErrorText(t, err)
			if err == nil && len(hit.MailboxID) > len(page) {
				t.Fatalf("a mailbox ID longer than the answer: %q", hit.MailboxID)
			}
		}
	})
}

var errorSeeds = []string{
	`{"message":"Restore session not found.","errorCode":"ResourceNotFound"}`,
	`{"error":"invalid_grant","error_description":"The user name or password is incorrect."}`,
	`{"message":null,"errorCode":null}`,
	`{"message":"line\nbreak\u001b[31m","errorCode":"a\r\nb"}`,
	"<html><body>\xff\xfe<h1>502</h1></body></html>",
	`{"message":"` + strings.Repeat("é", 3000) + `"}`,
	``, `null`, `[1,2]`, `{"message":5}`,
}

func FuzzErrorDecoding(f *testing.F) {
	for i, s := range errorSeeds {
		f.Add(200+i*37, "application/json", []byte(s))
	}
	f.Add(503, "text/html", []byte("<html>Service Unavailable</html>"))
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		st := 300 + statusOf(status)%300
		c, _ := memClient(t, func(*http.Request) (int, http.Header, []byte) {
			return st, http.Header{"Content-Type": {contentType}}, body
		})
		_, err := c.RestoreSessions.Get(t.Context(), "s1")
		checkErrorText(t, err)
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != st {
			t.Fatalf("status %d: want an *APIError with it, got %v", st, err)
		}
		_, err = c.Mailboxes.OperatorRestore(t.Context(), "s1", "m1", &OperatorRestoreRequest{ItemIDs: []string{"i1"}})
		checkErrorText(t, err)
		// A 4xx is a decision not to act; without Retry-After, any 5xx
		// leaves open whether the server acted.
		if unknown := errors.Is(err, ErrOutcomeUnknown); st >= 400 && unknown != (st >= 500) {
			t.Fatalf("status %d: outcome unknown %v: %v", st, unknown, err)
		}
	})
}

func FuzzErrorBodyParser(f *testing.F) {
	for _, s := range errorSeeds {
		f.Add(404, []byte(s))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if len(body) > maxErrorBody {
			body = body[:maxErrorBody] // what the client reads at most
		}
		st := statusOf(status)
		e := newAPIError("GET", "https://vb365.example.com:4443/v6/RestoreSessions/s1", st, body)
		checkErrorText(t, e)
		switch {
		case len(e.Body) > keptErrorBody:
			t.Fatalf("kept %d bytes of body", len(e.Body))
		case len(e.Message) > maxMessage+len("…"):
			t.Fatalf("message of %d bytes", len(e.Message))
		case len(e.Code) > maxCode+len("…"):
			t.Fatalf("code of %d bytes", len(e.Code))
		case !utf8.ValidString(string(e.Code)) || strings.ContainsAny(string(e.Code), "\r\n"):
			t.Fatalf("code %q", e.Code)
		case errors.Is(e, ErrNotFound) != (st == http.StatusNotFound):
			t.Fatalf("status %d matches ErrNotFound: %v", st, errors.Is(e, ErrNotFound))
		case e.Code != "" && !errors.Is(e, e.Code):
			t.Fatalf("does not match its own code %q", e.Code)
		}
	})
}

var tokenSeeds = []string{
	`{"access_token":"at","refresh_token":"rt","token_type":"bearer","expires_in":3600,"userName":"op",".issued":"x",".expires":"y"}`,
	`{"access_token":"at","expires_in":-5}`,
	`{"access_token":"at",".expires":"Mon, 02 Jan 2006 15:04:05 MST"}`,
	`{"access_token":"at","expires_in":9223372036854775807}`,
	`{"access_token":"","refresh_token":"rt"}`,
	`{"access_token":5}`,
	`{"error":"invalid_grant","error_description":"bad assertion ` + testAssertion + `"}`,
	`<html>` + testAssertion + `</html>`,
	`{"access_token":"at"`,
}

func FuzzTokenDecoding(f *testing.F) {
	for i, s := range tokenSeeds {
		f.Add(200, []byte(s))
		f.Add(400+i, []byte(s))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		st := statusOf(status)
		m := &memTransport{}
		m.answer = func(r *http.Request) (int, http.Header, []byte) {
			if strings.HasSuffix(r.URL.Path, "/token") {
				return st, http.Header{"Content-Type": {"application/json"}}, body
			}
			m.auth.Store(r.Header.Get("Authorization"))
			return 200, nil, []byte(`{"id":"s1"}`)
		}
		c, err := NewClient("https://vb365.example.com:4443", WithHTTPClient(&http.Client{Transport: m}),
			WithOperator(testClientID, testAssertion), WithRetry(0, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.RestoreSessions.Get(t.Context(), "s1")
		checkErrorText(t, err, testAssertion)
		if err == nil {
			if st > 299 {
				t.Fatalf("a login answered %d succeeded", st)
			}
			if auth, _ := m.auth.Load().(string); auth == "Bearer " || !strings.HasPrefix(auth, "Bearer ") {
				t.Fatalf("the call went with %q", auth)
			}
		}
	})
}

// FuzzPageScan checks the count that refuses oversized pages against
// encoding/json: for any valid JSON, pageScan counts exactly the elements
// of the top-level object's arrays, whether the body comes whole or a few
// bytes at a time.
func FuzzPageScan(f *testing.F) {
	for _, s := range pageSeeds {
		f.Add([]byte(s), uint8(1))
	}
	f.Add([]byte(`{"results":["a\"],[","\\",[1,[2]],{"x":[3,4]}," \\\"]"],"_links":{"self":{"href":"[,]"}}}`), uint8(3))
	f.Add([]byte(`{"a":[],"b":[ ],"c":[[]],"d":[{}],"results":[0,-1.5e3,true,null]}`), uint8(2))
	f.Fuzz(func(t *testing.T, body []byte, chunk uint8) {
		if !json.Valid(body) {
			return
		}
		want, ok := topLevelElements(body)
		if !ok {
			return
		}
		step := int(chunk%16) + 1
		var whole, parts pageScan
		if !whole.scan(body, 1<<30) {
			t.Fatal("refused under a limit of 2^30")
		}
		for n := step; ; n += step {
			if !parts.scan(body[:min(n, len(body))], 1<<30) {
				t.Fatal("refused under a limit of 2^30")
			}
			if n >= len(body) {
				break
			}
		}
		if whole.n != want {
			t.Fatalf("counted %d elements, encoding/json finds %d", whole.n, want)
		}
		if parts.n != whole.n || parts.sum.Sum64() != whole.sum.Sum64() {
			t.Fatalf("in chunks of %d bytes: %d elements (hash %x), whole: %d (hash %x)",
				step, parts.n, parts.sum.Sum64(), whole.n, whole.sum.Sum64())
		}
		var over pageScan
		if whole.n > 0 && over.scan(body, whole.n-1) {
			t.Fatalf("a limit of %d accepts %d elements", whole.n-1, whole.n)
		}
	})
}

// topLevelElements counts, with encoding/json, the elements of the arrays
// that are values of the top-level object in b, each key as often as it
// comes. ok is false when b is not an object.
func topLevelElements(b []byte) (n int, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return 0, false
	}
	for dec.More() {
		var v json.RawMessage
		if _, err := dec.Token(); err != nil {
			return 0, false
		}
		if err := dec.Decode(&v); err != nil {
			return 0, false
		}
		var elems []json.RawMessage
		if json.Unmarshal(v, &elems) == nil {
			n += len(elems)
		}
	}
	return n, true
}
