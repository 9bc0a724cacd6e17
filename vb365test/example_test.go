package vb365test_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vb365-go/vb365/vb365test"
)

// A restore operator logs in, opens a restore session, lists mailboxes and
// restores one message; the server records what it executed.
func Example() {
	s := vb365test.NewServer()
	defer s.Close()
	hc := s.Client()

	form := url.Values{"grant_type": {"operator"}, "client_id": {vb365test.DefaultOperatorClientID},
		"assertion": {vb365test.DefaultOperatorAssertion}, "disable_antiforgery_token": {"true"}}
	res, _ := hc.PostForm(s.URL+"/v8/token", form)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(res.Body).Decode(&tok)
	res.Body.Close()

	call := func(method, path, body string, out any) int {
		req, _ := http.NewRequest(method, s.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		req.Header.Set("Content-Type", "application/json")
		res, err := hc.Do(req)
		if err != nil {
			return 0
		}
		defer res.Body.Close()
		if out != nil {
			_ = json.NewDecoder(res.Body).Decode(out)
		}
		return res.StatusCode
	}

	var sess struct{ ID, State string }
	fmt.Println(call("POST", "/v8/Organization/OperatorExplore", `{"type":"Vex","reason":"ticket 42"}`, &sess), sess.State)

	var page struct {
		Results []struct{ ID, Name, Email string }
	}
	call("GET", "/v8/RestoreSessions/"+sess.ID+"/organization/mailboxes", "", &page)
	for _, m := range page.Results {
		fmt.Println(m.Name, m.Email)
	}

	alice := s.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
	item := alice.Folder("Inbox").Items()[0]
	body := `{"items":[{"id":"` + item.ID() + `"}],"folder":"Restored","reason":"ticket 42"}`
	fmt.Println(call("POST", "/v8/RestoreSessions/"+sess.ID+"/organization/mailboxes/"+alice.ID()+"/items/operatorRestore", body, nil))
	fmt.Println(s.RestoreCount(), s.Restores()[0].Folder, item.Subject)
	// Output:
	// 201 Working
	// Alice Johnson alice@contoso.onmicrosoft.com
	// Bob Smith bob@contoso.onmicrosoft.com
	// Support support@contoso.onmicrosoft.com
	// Online Archive - Alice Johnson alice@contoso.onmicrosoft.com
	// 200
	// 1 Restored Q4 budget review
}

func BenchmarkItemsPage(b *testing.B) {
	org := vb365test.NewOrganization("Bench")
	org.AddMailboxes(10000)
	mb := org.AddMailbox("Bench", "bench@bench.onmicrosoft.com")
	mb.AddFolder("Inbox", "Inbox").AddMessages(100000)
	s := vb365test.NewServer(vb365test.WithOrganization(org))
	defer s.Close()
	ctx := context.Background()
	r, _ := doErr(ctx, s.Client(), s.URL, "POST", "/v8/token", "", operatorForm())
	var tok map[string]any
	_ = json.Unmarshal(r.body, &tok)
	at, _ := tok["access_token"].(string)
	r, _ = doErr(ctx, s.Client(), s.URL, "POST", "/v8/Organization/OperatorExplore", at, "{}")
	var sess map[string]any
	_ = json.Unmarshal(r.body, &sess)
	sid, _ := sess["id"].(string)
	path := mailboxPath("v8", sid, mb.ID()) + "/items?offset=99000&limit=100"
	b.ResetTimer()
	for b.Loop() {
		r, err := doErr(ctx, s.Client(), s.URL, "GET", path, at, nil)
		if err != nil || r.status != http.StatusOK {
			b.Fatal(err, r.status)
		}
	}
}
