//go:build unix

package main

import (
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365/vb365test"
)

// Ctrl-C (SIGINT) while a command waits for the server ends it with 130.
// The signal goes to this test process, whose main's interruptContext
// catches it.
func TestCtrlCExits130(t *testing.T) {
	t.Parallel()
	c := setup(t)
	c.explore()
	c.srv.InjectFault(vb365test.RouteMailboxes, vb365test.Delay(time.Hour))
	ctx, stop := interruptContext()
	defer stop()
	done := make(chan result, 1)
	go func() { done <- c.runContext(ctx, strings.NewReader(""), "mailboxes", "list") }()
	require.Eventually(t, func() bool { return c.srv.Requests(vb365test.RouteMailboxes) > 0 }, 10*time.Second, 5*time.Millisecond)
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGINT))
	r := <-done
	assert.Equal(t, exitInterrupted, r.code, r.stderr)
	assert.Contains(t, r.stderr, "interrupted")
	assert.Empty(t, r.stdout)
}
