// Command onedrive-restore runs the restore-operator workflow of Restore
// Portal for a OneDrive: read the portal settings, log in as a restore
// operator, open a OneDrive restore session at a point in time, find a
// OneDrive by name, walk its folders, pick documents, restore them to where
// they were (keeping the user's current files), follow the restore to its
// end and stop the session.
//
// With no VB365_URL in the environment it starts the fake VB365 server of
// package vb365test in-process and runs against it, so it works anywhere:
//
//	go run ./examples/onedrive-restore
//
// Against a real server, set:
//
//	VB365_URL          https://vb365.example.com:4443
//	VB365_CLIENT_ID    the operator's "<userObjectId>.<tenantId>"
//	VB365_ASSERTION    the operator's Microsoft access token for the portal app
//	  (or VB365_USERNAME and VB365_PASSWORD for an administrator)
//	VB365_ONEDRIVE     the name (as the server lists it) or URL of the OneDrive to restore from
//	VB365_API_VERSION  v6 (default), v7 or v8
//	VB365_CA_FILE      PEM file of the server's CA, for a private certificate
//
// On a real server it only browses, unless VB365_RESTORE=yes: a restore
// writes to the user's OneDrive.
package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/vb365-go/vb365"
	"github.com/vb365-go/vb365/vb365test"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "onedrive-restore:", err)
		if errors.Is(err, vb365.ErrOutcomeUnknown) {
			fmt.Fprintln(os.Stderr, "The restore may have run: read the session's events before trying again.")
		}
		os.Exit(1)
	}
}

const (
	// pick is how many documents the example restores.
	pick = 3
	// maxShown bounds the walk of the OneDrive's tree: a real OneDrive
	// may hold thousands of folders.
	maxShown = 40
	// clockSkew is how far behind ours the server's clock may be: the
	// restore's events carry the server's time.
	clockSkew = 5 * time.Minute
)

func run(ctx context.Context, out io.Writer, getenv func(string) string) error {
	say := func(format string, args ...any) { fmt.Fprintf(out, format+"\n", args...) }

	serverURL, oneDriveName := getenv("VB365_URL"), getenv("VB365_ONEDRIVE")
	restore := getenv("VB365_RESTORE") == "yes"
	var opts []vb365.Option
	if serverURL == "" {
		fake := vb365test.NewServer()
		defer fake.Close()
		serverURL, restore = fake.URL, true
		if oneDriveName == "" {
			oneDriveName = "Alice Johnson"
		}
		say("No VB365_URL set: running against the built-in fake VB365 server (package vb365test).")
		opts = append(opts, vb365.WithOperator(vb365test.DefaultOperatorClientID, vb365test.DefaultOperatorAssertion))
	} else {
		o, err := realServerOptions(getenv)
		if err != nil {
			return err
		}
		opts = o
		if oneDriveName == "" {
			return errors.New("set VB365_ONEDRIVE to the name or URL of the OneDrive to restore from")
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
		Type:     vb365.SessionTypeOneDrive,
		Reason:   "help desk ticket 4712",
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

	drive, err := findOneDrive(ctx, client, session.ID, oneDriveName)
	if err != nil {
		return err
	}
	say("3. Found OneDrive %s <%s>", drive.Name, drive.URL)

	// Walk the tree folder by folder; the documents come whole, as the
	// restore wants them.
	say("4. Folders and documents:")
	w := &walker{client: client, sessionID: session.ID, oneDriveID: drive.ID, say: say}
	if err := w.walk(ctx, "", "   "); err != nil {
		return err
	}
	if len(w.chosen) == 0 {
		return errors.New("the OneDrive has no documents to restore")
	}
	say("5. Chose %d documents:", len(w.chosen))
	for _, d := range w.chosen {
		say("   - %s (version %s, %d bytes, modified by %s)", d.Name, d.Version, d.SizeBytes, d.ModifiedBy)
	}
	if !restore {
		say("6. Not restoring: set VB365_RESTORE=yes to restore these %d documents where they were.", len(w.chosen))
		return nil
	}

	sent := time.Now()
	result, err := client.OneDrives.OperatorRestore(ctx, session.ID, drive.ID, &vb365.OneDriveOperatorRestoreRequest{
		Documents: w.chosen,
		Versions:  vb365.VersionsLast, // the version browsed: the latest
		Action:    vb365.DocumentKeep, // the user's current files stay; the backed-up ones come beside them
		Reason:    "help desk ticket 4712",
	})
	if err != nil {
		return fmt.Errorf("restoring: %w", err)
	}
	say("6. Restored %d documents where they were; following restore session %s", len(w.chosen), shortID(result.SessionID))
	// This restore's events only, with room for the server's clock.
	wctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	sum, err := client.RestoreSessions.Wait(wctx, result.SessionID, &vb365.WaitOptions{Since: sent.Add(-clockSkew)})
	if err != nil {
		return fmt.Errorf("following the restore: %w", err)
	}
	for _, ev := range sum.Events {
		say("   event: %s %s: %s", ev.Type, ev.Status, ev.Message)
	}
	say("   its events: %d restored, %d failed, %d skipped, %d with warnings", sum.Restored, sum.Failed, sum.Skipped, sum.Warnings)
	if sum.Failed > 0 {
		return fmt.Errorf("%d restore events failed", sum.Failed)
	}
	return nil
}

// findOneDrive returns the session's OneDrive with the given name or URL.
func findOneDrive(ctx context.Context, client *vb365.Client, sessionID, nameOrURL string) (*vb365.OneDrive, error) {
	for od, err := range client.OneDrives.All(ctx, sessionID, nil) {
		if err != nil {
			return nil, fmt.Errorf("listing OneDrives: %w", err)
		}
		if strings.EqualFold(od.Name, nameOrURL) || strings.EqualFold(strings.TrimRight(od.URL, "/"), strings.TrimRight(nameOrURL, "/")) {
			return &od, nil
		}
	}
	return nil, fmt.Errorf("no OneDrive named %q in the restore session", nameOrURL)
}

// walker walks a OneDrive's tree and picks documents to restore.
type walker struct {
	client                *vb365.Client
	sessionID, oneDriveID string
	say                   func(string, ...any)
	shown                 int
	chosen                []vb365.Document
}

// walk lists the documents of the folder parentID ("" for the root), then
// its folders and what each holds, until maxShown entries were shown.
func (w *walker) walk(ctx context.Context, parentID, indent string) error {
	if w.shown >= maxShown {
		return nil
	}
	opts := &vb365.DocumentListOptions{ParentID: parentID}
	for d, err := range w.client.OneDrives.Documents(ctx, w.sessionID, w.oneDriveID, opts) {
		if err != nil {
			return fmt.Errorf("listing documents: %w", err)
		}
		if w.shown++; w.shown > maxShown {
			return nil
		}
		w.say("%s%s", indent, d.Name)
		if len(w.chosen) < pick {
			w.chosen = append(w.chosen, d)
		}
	}
	for f, err := range w.client.OneDrives.Folders(ctx, w.sessionID, w.oneDriveID, opts) {
		if err != nil {
			return fmt.Errorf("listing folders: %w", err)
		}
		if w.shown++; w.shown > maxShown {
			return nil
		}
		w.say("%s%s/", indent, f.Name)
		if err := w.walk(ctx, f.ID, indent+"  "); err != nil {
			return err
		}
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
