package vb365_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vb365-go/vb365"
	"github.com/vb365-go/vb365/vb365test"
)

// A script that runs the SDK twice in a row meets VB365's throttled token
// endpoint: the second login is answered 429 "Quota Exceeded" until the
// quota's window has passed. The SDK waits and logs in.
func TestLoginsOutwaitTheTokenQuota(t *testing.T) {
	t.Parallel()
	srv := vb365test.NewServer(vb365test.WithTokenQuota(1, 100*time.Millisecond))
	t.Cleanup(srv.Close)
	for i := range 2 {
		c, err := vb365.NewClient(srv.URL,
			vb365.WithOperator(vb365test.DefaultOperatorClientID, vb365test.DefaultOperatorAssertion),
			vb365.WithRetry(6, 20*time.Millisecond, 100*time.Millisecond))
		require.NoError(t, err)
		_, err = c.RestoreSessions.OperatorExplore(t.Context(), &vb365.OperatorExploreRequest{DateTime: time.Now()})
		require.NoError(t, err, "run %d", i+1)
		c.CloseIdleConnections()
	}
	assert.Greater(t, srv.TokenRequests(), 2, "the second login was throttled at least once")
	assert.Equal(t, 2, srv.ActiveAccessTokens(), "a throttled login logs nobody in")
	assert.Len(t, srv.Sessions(), 2, "each run opened its session once")
}
