// Command operator-restore runs the whole restore-operator workflow of
// Restore Portal: read the portal settings, log in as a restore operator,
// open a restore session at a point in time, find a mailbox by e-mail, walk
// its folders and items, restore chosen items to a folder, read the
// session's events and stop the session.
//
// With no VB365_URL in the environment it starts the fake VB365 server of
// package vb365test in-process and runs against it, so it works anywhere:
//
//	go run ./examples/operator-restore
//
// Against a real server, set:
//
//	VB365_URL          https://vb365.example.com:4443
//	VB365_CLIENT_ID    the operator's "<userObjectId>.<tenantId>"
//	VB365_ASSERTION    the operator's Microsoft access token for the portal app
//	  (or VB365_USERNAME and VB365_PASSWORD for an administrator)
//	VB365_MAILBOX      the e-mail address of the mailbox to restore from
//	VB365_API_VERSION  v6 (default), v7 or v8
//	VB365_CA_FILE      PEM file of the server's CA, for a private certificate
//
// On a real server it only browses, unless VB365_RESTORE=yes: a restore
// writes to the user's mailbox.
package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/vb365-go/vb365"
	"github.com/vb365-go/vb365/vb365test"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "operator-restore:", err)
		if errors.Is(err, vb365.ErrOutcomeUnknown) {
			fmt.Fprintln(os.Stderr, "The restore may have run: read the session's events before trying again.")
		}
		os.Exit(1)
	}
}

// restoreFolder is where the restored items go in the mailbox.
const restoreFolder = "Restored by help desk"

func run(ctx context.Context, out io.Writer, getenv func(string) string) error {
	say := func(format string, args ...any) { fmt.Fprintf(out, format+"\n", args...) }

	serverURL, mailboxEmail := getenv("VB365_URL"), getenv("VB365_MAILBOX")
	restore := getenv("VB365_RESTORE") == "yes"
	var opts []vb365.Option
	if serverURL == "" {
		fake := vb365test.NewServer()
		defer fake.Close()
		serverURL, restore = fake.URL, true
		if mailboxEmail == "" {
			mailboxEmail = "alice@contoso.onmicrosoft.com"
		}
		say("No VB365_URL set: running against the built-in fake VB365 server (package vb365test).")
		opts = append(opts, vb365.WithOperator(vb365test.DefaultOperatorClientID, vb365test.DefaultOperatorAssertion))
	} else {
		o, err := realServerOptions(getenv)
		if err != nil {
			return err
		}
		opts = o
		if mailboxEmail == "" {
			return errors.New("set VB365_MAILBOX to the e-mail address of the mailbox to restore from")
		}
	}

	client, err := vb365.NewClient(serverURL, opts...)
	if err != nil {
		return err
	}

	settings, err := client.RestorePortalSettings(ctx)
	if err != nil {
		return fmt.Errorf("reading Restore Portal settings: %w", err)
	}
	say("1. Restore Portal enabled: %v (application %s)", settings.IsEnabled, settings.ApplicationID)

	session, err := client.RestoreSessions.OperatorExplore(ctx, &vb365.OperatorExploreRequest{
		DateTime: time.Now(),
		Type:     vb365.SessionTypeExchange,
		Reason:   "help desk ticket 4711",
	})
	if err != nil {
		return fmt.Errorf("opening a restore session: %w", err)
	}
	say("2. Logged in as a restore operator and opened restore session (%s, %s)", session.Type, session.State)
	defer func() {
		// Stop the session even when a step failed; a fresh context, so
		// that an interrupt still stops it.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if err := client.RestoreSessions.Stop(sctx, session.ID); err != nil {
			say("   stopping the session failed: %v", err)
			return
		}
		say("7. Stopped the restore session")
	}()

	mailbox, err := client.Mailboxes.Find(ctx, session.ID, mailboxEmail)
	if err != nil {
		return fmt.Errorf("finding the mailbox: %w", err)
	}
	say("3. Found mailbox %s <%s>", mailbox.Name, mailbox.Email)

	var inbox *vb365.Folder
	say("4. Top-level folders:")
	for f, err := range client.Mailboxes.Folders(ctx, session.ID, mailbox.ID, &vb365.FolderListOptions{ParentID: vb365.RootFolders}) {
		if err != nil {
			return fmt.Errorf("listing folders: %w", err)
		}
		say("   - %s", f.Name)
		if f.Category == vb365.FolderCategoryInbox {
			inbox = &f
		}
	}
	if inbox == nil {
		return errors.New("the mailbox has no Inbox")
	}

	var chosen []string
	say("5. First messages in %s:", inbox.Name)
	for it, err := range client.Mailboxes.Items(ctx, session.ID, mailbox.ID, &vb365.ItemListOptions{FolderID: inbox.ID}) {
		if err != nil {
			return fmt.Errorf("listing items: %w", err)
		}
		say("   - %s (from %s, %s)", it.Subject, it.From, it.Received.Format("2006-01-02"))
		chosen = append(chosen, it.ID)
		if len(chosen) == 3 {
			break
		}
	}
	if len(chosen) == 0 {
		return errors.New("the Inbox has no items to restore")
	}
	if !restore {
		say("6. Not restoring: set VB365_RESTORE=yes to restore these %d items to %q.", len(chosen), restoreFolder)
		return nil
	}

	result, err := client.Mailboxes.OperatorRestore(ctx, session.ID, mailbox.ID, &vb365.OperatorRestoreRequest{
		ItemIDs:              chosen,
		Folder:               restoreFolder,
		MarkRestoredAsUnread: true,
		Reason:               "help desk ticket 4711",
	})
	if err != nil {
		return fmt.Errorf("restoring: %w", err)
	}
	say("6. Restored %d items to %q; following restore session %s", len(chosen), restoreFolder, shortID(result.SessionID))
	for ev, err := range client.RestoreSessions.Events(ctx, result.SessionID, nil) {
		if err != nil {
			return fmt.Errorf("reading the session's events: %w", err)
		}
		say("   event: %s %s: %s", ev.Type, ev.Status, ev.Message)
	}
	return nil
}

func realServerOptions(getenv func(string) string) ([]vb365.Option, error) {
	var opts []vb365.Option
	switch {
	case getenv("VB365_CLIENT_ID") != "" && getenv("VB365_ASSERTION") != "":
		opts = append(opts, vb365.WithOperator(getenv("VB365_CLIENT_ID"), getenv("VB365_ASSERTION")))
	case getenv("VB365_USERNAME") != "" && getenv("VB365_PASSWORD") != "":
		opts = append(opts, vb365.WithPassword(getenv("VB365_USERNAME"), getenv("VB365_PASSWORD")))
	default:
		return nil, errors.New("set VB365_CLIENT_ID and VB365_ASSERTION (or VB365_USERNAME and VB365_PASSWORD)")
	}
	if v := getenv("VB365_API_VERSION"); v != "" {
		opts = append(opts, vb365.WithAPIVersion(vb365.APIVersion(v)))
	}
	if f := getenv("VB365_CA_FILE"); f != "" {
		pem, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("no certificate in %s", f)
		}
		opts = append(opts, vb365.WithRootCAs(pool))
	}
	return opts, nil
}

func shortID(id string) string {
	if len(id) > 8 {
		return id[:8] + "…"
	}
	return id
}
