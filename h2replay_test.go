package vb365

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// resetServer speaks just enough HTTP/2 to take a whole request and then
// reset its stream with PROTOCOL_ERROR: the server may have acted, but an
// HTTP/2 transport that can rebuild the body sends the request again, and
// again. It counts the requests that reached it.
type resetServer struct {
	ln       net.Listener
	pool     *x509.CertPool
	requests atomic.Int32
}

func newResetServer(t *testing.T) *resetServer {
	// Borrow httptest's certificate for 127.0.0.1.
	cert := httptest.NewUnstartedServer(nil)
	cert.StartTLS()
	tlsCert := cert.TLS.Certificates[0]
	pool := x509.NewCertPool()
	pool.AddCert(cert.Certificate())
	cert.Close()

	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{NextProtos: []string{"h2"}, Certificates: []tls.Certificate{tlsCert}})
	require.NoError(t, err)
	s := &resetServer{ln: ln, pool: pool}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return s
}

func h2frame(w io.Writer, typ, flags byte, stream uint32, payload []byte) {
	h := make([]byte, 9, 9+len(payload))
	h[0], h[1], h[2] = byte(len(payload)>>16), byte(len(payload)>>8), byte(len(payload))
	h[3], h[4] = typ, flags
	binary.BigEndian.PutUint32(h[5:], stream)
	_, _ = w.Write(append(h, payload...))
}

func (s *resetServer) serve(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadFull(c, make([]byte, 24)); err != nil { // client preface
		return
	}
	h2frame(c, 0x4, 0, 0, nil) // SETTINGS
	reset := func(stream uint32) {
		code := make([]byte, 4)
		binary.BigEndian.PutUint32(code, 0x1) // PROTOCOL_ERROR
		h2frame(c, 0x3, 0, stream, code)
	}
	for {
		h := make([]byte, 9)
		if _, err := io.ReadFull(c, h); err != nil {
			return
		}
		n := int(h[0])<<16 | int(h[1])<<8 | int(h[2])
		typ, flags, stream := h[3], h[4], binary.BigEndian.Uint32(h[5:])&0x7fffffff
		payload := make([]byte, n)
		if _, err := io.ReadFull(c, payload); err != nil {
			return
		}
		endStream := flags&0x1 != 0
		switch typ {
		case 0x4: // SETTINGS: acknowledge
			if flags&0x1 == 0 {
				h2frame(c, 0x4, 0x1, 0, nil)
			}
		case 0x6: // PING
			if flags&0x1 == 0 {
				h2frame(c, 0x6, 0x1, 0, payload)
			}
		case 0x1: // HEADERS: a request reached the server
			s.requests.Add(1)
			if endStream {
				reset(stream)
			}
		case 0x0: // DATA
			if endStream {
				reset(stream)
			}
		}
	}
}

func TestHTTP2TransportNeverReplaysUnsafeCalls(t *testing.T) {
	t.Parallel()
	s := newResetServer(t)
	h2 := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.pool}, ForceAttemptHTTP2: true}}
	defer h2.CloseIdleConnections()
	static := WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"}))
	c, err := NewClient("https://"+s.ln.Addr().String(), WithHTTPClient(h2), static, WithRetry(3, 0, 0))
	require.NoError(t, err)

	calls := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"OperatorRestore", func(ctx context.Context) error {
			_, err := c.Mailboxes.OperatorRestore(ctx, "s", "m", restoreReq)
			return err
		}},
		{"SendToDefaultAddress without a body", func(ctx context.Context) error {
			return c.Mailboxes.SendToDefaultAddress(ctx, "s", "m", ScopeItem("i"))
		}},
	}
	for _, tc := range calls {
		s.requests.Store(0)
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		err := tc.call(ctx)
		cancel()
		assert.ErrorIs(t, err, ErrOutcomeUnknown, tc.name)
		assert.Equal(t, int32(1), s.requests.Load(), "%s reached the server once", tc.name)
	}

	// A login is never sent twice either.
	s.requests.Store(0)
	login, err := NewClient("https://"+s.ln.Addr().String(), WithHTTPClient(h2), WithOperator(testClientID, testAssertion))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, err = login.RestoreSessions.Get(ctx, "s")
	require.Error(t, err)
	assert.Equal(t, int32(1), s.requests.Load(), "the login reached the server once")
}

func TestOwnClientSpeaksHTTP1(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"applicationId":"`+r.Proto+`"}`)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	c, err := NewClient(srv.URL, WithRootCAs(pool))
	require.NoError(t, err)
	s, err := c.RestorePortalSettings(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "HTTP/1.1", s.ApplicationID, "the SDK's own client does not speak HTTP/2")
}
