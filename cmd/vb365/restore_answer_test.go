package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vb365-go/vb365/vb365test"
)

// TestRestoreAnsweredWithoutASessionIsOutcomeUnknown: the server restored
// and answered 200 without the sessionId the spec requires. That is an
// unknown outcome (exit 5), never a usage error (2 says nothing was sent:
// a script that retries on it would restore twice), nor a success.
func TestRestoreAnsweredWithoutASessionIsOutcomeUnknown(t *testing.T) {
	t.Parallel()
	c := setup(t)
	c.exploreOneDrive()
	c.srv.InjectFault(vb365test.RouteOneDriveOperatorRestore, vb365test.ActThenRespond(200, `{}`))
	r := c.run("restore", "documents", "--onedrive", aliceDriveName, "--document", driveItem(t, c.srv, "Notes.txt").ID(), "--wait")
	assert.Equal(t, 1, c.srv.RestoreCount(), "the server restored")
	assert.Equal(t, exitOutcomeUnknown, r.code, r.stderr)
}
