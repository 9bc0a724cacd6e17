package vb365_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/vb365-go/vb365"
	"github.com/vb365-go/vb365/vb365test"
)

// A restore operator's client: the operator's Entra object ID and tenant ID,
// and the Microsoft access token they got for the Restore Portal
// application. The fake server stands in for a VB365 server here.
func ExampleNewClient() {
	srv := vb365test.NewServer()
	defer srv.Close()

	client, err := vb365.NewClient(srv.URL, // "https://vb365.example.com:4443" in real life
		vb365.WithOperator(vb365test.DefaultOperatorClientID, vb365test.DefaultOperatorAssertion),
		vb365.WithAPIVersion(vb365.V8),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer client.CloseIdleConnections()

	settings, err := client.RestorePortalSettings(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("Restore Portal enabled:", settings.IsEnabled)
	// Output:
	// Restore Portal enabled: true
}

// A restore operator's client for a service that runs for days: the
// Microsoft token behind an assertion lives about an hour, so the client
// asks for a fresh one at every new login. Here the fake server's assertion
// stands in for what an identity library (MSAL, say) would return.
func ExampleWithOperatorSource() {
	srv := vb365test.NewServer()
	defer srv.Close()

	logins := 0
	assertion := func(ctx context.Context) (string, error) {
		logins++ // never called at the same time as itself
		return vb365test.DefaultOperatorAssertion, nil
	}
	client, err := vb365.NewClient(srv.URL,
		vb365.WithOperatorSource(vb365test.DefaultOperatorClientID, assertion),
		vb365.WithRequestTimeout(time.Minute), // each attempt; the default is 2 minutes
	)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close(context.Background())

	ctx := context.Background()
	session, err := client.RestoreSessions.OperatorExplore(ctx, &vb365.OperatorExploreRequest{DateTime: time.Now()})
	if err != nil {
		log.Fatal(err)
	}
	defer client.RestoreSessions.Stop(ctx, session.ID)
	srv.RevokeTokens() // the server forgets the login: the next call logs in again
	if _, err := client.RestoreSessions.Get(ctx, session.ID); err != nil {
		log.Fatal(err)
	}
	fmt.Println("assertions fetched:", logins)
	// Output:
	// assertions fetched: 2
}

// Iterating over every mailbox of a restore session; the iterator fetches
// the pages as it goes.
func ExampleMailboxesService_All() {
	srv := vb365test.NewServer()
	defer srv.Close()
	client, _ := vb365.NewClient(srv.URL, vb365.WithOperator(vb365test.DefaultOperatorClientID, vb365test.DefaultOperatorAssertion))
	defer client.CloseIdleConnections()
	ctx := context.Background()

	session, err := client.RestoreSessions.OperatorExplore(ctx, &vb365.OperatorExploreRequest{DateTime: time.Now()})
	if err != nil {
		log.Fatal(err)
	}
	defer client.RestoreSessions.Stop(ctx, session.ID)

	for m, err := range client.Mailboxes.All(ctx, session.ID, nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s <%s> archive=%v\n", m.Name, m.Email, m.IsArchive)
	}
	// Output:
	// Alice Johnson <alice@contoso.onmicrosoft.com> archive=false
	// Bob Smith <bob@contoso.onmicrosoft.com> archive=false
	// Support <support@contoso.onmicrosoft.com> archive=false
	// Online Archive - Alice Johnson <alice@contoso.onmicrosoft.com> archive=true
}

// Restoring two messages to a folder of the user's mailbox, then reading
// how the restore went from the session's events.
func ExampleMailboxesService_OperatorRestore() {
	srv := vb365test.NewServer()
	defer srv.Close()
	client, _ := vb365.NewClient(srv.URL, vb365.WithOperator(vb365test.DefaultOperatorClientID, vb365test.DefaultOperatorAssertion))
	defer client.CloseIdleConnections()
	ctx := context.Background()

	session, err := client.RestoreSessions.OperatorExplore(ctx, &vb365.OperatorExploreRequest{
		DateTime: time.Now(), Reason: "ticket 4711",
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.RestoreSessions.Stop(ctx, session.ID)

	// IDs as the listing calls return them.
	alice := srv.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
	inbox := alice.Folder("Inbox").Items()

	result, err := client.Mailboxes.OperatorRestore(ctx, session.ID, alice.ID(), &vb365.OperatorRestoreRequest{
		ItemIDs: []string{inbox[0].ID(), inbox[1].ID()},
		Folder:  "Restored",
		Reason:  "ticket 4711",
	})
	if err != nil {
		log.Fatal(err)
	}
	for ev, err := range client.RestoreSessions.Events(ctx, result.SessionID, nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ev.Type, ev.Status, ev.Message)
	}
	// Output:
	// Restore Success Restored 2 item(s) of mailbox alice@contoso.onmicrosoft.com to folder 'Restored'.
}

// A restore whose answer was lost: the SDK does not send it again, and the
// error says to check. Here the server restores, then its gateway answers
// 502.
func ExampleErrOutcomeUnknown() {
	srv := vb365test.NewServer()
	defer srv.Close()
	client, _ := vb365.NewClient(srv.URL, vb365.WithOperator(vb365test.DefaultOperatorClientID, vb365test.DefaultOperatorAssertion))
	defer client.CloseIdleConnections()
	ctx := context.Background()

	session, _ := client.RestoreSessions.OperatorExplore(ctx, &vb365.OperatorExploreRequest{DateTime: time.Now()})
	alice := srv.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")
	item := alice.Folder("Inbox").Items()[0]
	srv.InjectFault(vb365test.RouteOperatorRestore, vb365test.ActThenRespond(502, "Bad Gateway"))

	_, err := client.Mailboxes.OperatorRestore(ctx, session.ID, alice.ID(), &vb365.OperatorRestoreRequest{ItemIDs: []string{item.ID()}})
	if errors.Is(err, vb365.ErrOutcomeUnknown) {
		fmt.Println("outcome unknown; checking the session's events")
		restored := 0
		for ev, err := range client.RestoreSessions.Events(ctx, session.ID, nil) {
			if err != nil {
				log.Fatal(err)
			}
			if ev.Type == vb365.EventTypeRestore && ev.Status == vb365.EventStatusSuccess {
				restored++
			}
		}
		fmt.Println("restores found:", restored)
	}
	fmt.Println("restores executed by the server:", srv.RestoreCount())
	// Output:
	// outcome unknown; checking the session's events
	// restores found: 1
	// restores executed by the server: 1
}

// Exporting a mailbox to a PST file with a progress report. The file streams
// to disk as it arrives; a download that breaks off is resumed.
func ExampleMailboxesService_ExportToPST() {
	srv := vb365test.NewServer(vb365test.WithExportSize(3 << 20))
	defer srv.Close()
	client, _ := vb365.NewClient(srv.URL, vb365.WithPassword(vb365test.DefaultUsername, vb365test.DefaultPassword))
	defer client.CloseIdleConnections()
	ctx := context.Background()

	session, err := client.RestoreSessions.ExploreOrganization(ctx, srv.Organization().ID(), &vb365.ExploreRequest{DateTime: time.Now()})
	if err != nil {
		log.Fatal(err)
	}
	defer client.RestoreSessions.Stop(ctx, session.ID)
	alice := srv.Organization().MailboxByEmail("alice@contoso.onmicrosoft.com")

	file, err := os.CreateTemp("", "alice-*.pst")
	if err != nil {
		log.Fatal(err)
	}
	defer os.Remove(file.Name())
	defer file.Close()

	lastPercent := -50
	d, err := client.Mailboxes.ExportToPST(ctx, session.ID, alice.ID(), vb365.ScopeMailbox(), file, &vb365.ExportOptions{
		DownloadOptions: vb365.DownloadOptions{Progress: func(written, total int64) {
			if total <= 0 {
				return
			}
			if p := int(written * 100 / total); p/50 > lastPercent/50 {
				lastPercent = p
				fmt.Printf("%d%% of %d MiB\n", p, total>>20)
			}
		}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("wrote", d.Written>>20, "MiB to the PST file")
	// Output:
	// 0% of 3 MiB
	// 50% of 3 MiB
	// 100% of 3 MiB
	// wrote 3 MiB to the PST file
}
