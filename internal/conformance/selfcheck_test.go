package conformance_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vb365-go/vb365"
)

// TestValidatorCatches feeds the checks requests and answers that are
// wrong in known ways, so that a clean TestConformance means the traffic
// was checked, not that the checks saw nothing.
func TestValidatorCatches(t *testing.T) {
	specFor(t, vb365.V6)
	const (
		base = "http://fake/"
		sess = "RestoreSessions/7a34cd55-b15d-57a9-be23-57f5e9ad24e5"
		mbx  = sess + "/organization/mailboxes/197ea3e9-218e-5468-8d10-6e90946c4a06"
	)
	json := http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer t"}}
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	cases := []struct {
		name string
		ex   exchange
		want string // in one finding line
	}{
		{"v6 parameter name on v7", exchange{method: "GET", url: base + "v7/" + mbx + "/items?offset=0&limit=5&folderId=abc", header: json},
			`(strict): parameter "folderId" in query: not declared`},
		{"wrong body type", exchange{method: "POST", url: base + "v6/" + mbx + "/items/operatorRestore", header: json, body: []byte(`{"items":"abc"}`)},
			`request body: `},
		{"wrong content type", exchange{method: "POST", url: base + "v6/" + mbx + "/items/operatorRestore",
			header: http.Header{"Content-Type": {"text/plain"}, "Authorization": {"Bearer t"}}, body: []byte(`{"items":[]}`)},
			`header Content-Type has unexpected value`},
		{"no bearer token", exchange{method: "GET", url: base + "v7/RestoreSessions?offset=0&limit=5"},
			`no bearer token`},
		{"date-time format", exchange{method: "POST", url: base + "v6/Organization/OperatorExplore", header: json, body: []byte(`{"dateTime":"2026-01-01 10:00"}`)},
			`at /dateTime: `},
		{"misspelled property", exchange{method: "POST", url: base + "v6/Organization/OperatorExplore", header: json, body: []byte(`{"datetime":"2026-01-01T10:00:00Z"}`)},
			`(strict): at /datetime: property not declared`},
		{"unknown grant", exchange{method: "POST", url: base + "v8/token", header: form, body: []byte(`grant_type=bogus`)},
			`at /grant_type: value is not one of the allowed values`},
		{"form field not in v6", exchange{method: "POST", url: base + "v6/token", header: form, body: []byte(`grant_type=password&disable_antiforgery_token=true`)},
			`(strict): at /disable_antiforgery_token: property not declared`},
		{"wrong path casing", exchange{method: "GET", url: base + "v6/restoresessions?offset=0&limit=5", header: json},
			`no such operation in the spec`},
		{"answer: bad uuid", exchange{method: "GET", url: base + "v8/" + sess, header: json,
			status: 200, respHeader: http.Header{"Content-Type": {"application/json"}}, respBody: []byte(`{"id":"42","creationTime":"2026-01-01T10:00:00Z"}`)},
			`fake response 200: response body doesn't match schema #/components/schemas/RESTRestoreSession: at /id: `},
		{"answer: invented field", exchange{method: "GET", url: base + "v8/" + sess, header: json,
			status: 200, respHeader: http.Header{"Content-Type": {"application/json"}}, respBody: []byte(`{"sessionState":"Working"}`)},
			`fake response 200 (strict): at /sessionState: property not declared`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ex := tc.ex
			ex.sdk = true
			if ex.header == nil {
				ex.header = http.Header{}
			}
			_, findings := validate(t, []*exchange{&ex})
			var lines []string
			for k := range findings {
				if strings.Contains(k, tc.want) {
					return
				}
				lines = append(lines, k)
			}
			t.Errorf("no finding contains %q; findings:\n%s", tc.want, strings.Join(lines, "\n"))
		})
	}
}
