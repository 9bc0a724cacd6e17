package conformance_test

import (
	"bytes"
	"io"
	"net/http"
	"sync"
)

// exchange is one request as it went on the wire, and its answer.
type exchange struct {
	// sdk is true for requests the SDK sent, false for the test's own
	// probes of the fake.
	sdk    bool
	step   string // the scenario step that sent it
	method string
	url    string
	header http.Header
	body   []byte

	status     int // 0: no answer (err)
	respHeader http.Header
	respBody   []byte
	err        error
}

// recorder is an http.RoundTripper that keeps a copy of every request and
// answer that pass through it.
type recorder struct {
	base http.RoundTripper
	sdk  bool

	mu   sync.Mutex
	step string
	log  *[]*exchange
	logM *sync.Mutex
}

func (r *recorder) setStep(s string) {
	r.mu.Lock()
	r.step = s
	r.mu.Unlock()
}

// RoundTrip implements http.RoundTripper.
func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	step := r.step
	r.mu.Unlock()
	ex := &exchange{sdk: r.sdk, step: step, method: req.Method, url: req.URL.String(), header: req.Header.Clone()}
	if req.Body != nil && req.Body != http.NoBody {
		if req.GetBody != nil {
			rc, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			ex.body, err = io.ReadAll(rc)
			_ = rc.Close()
			if err != nil {
				return nil, err
			}
		} else {
			b, err := io.ReadAll(req.Body)
			_ = req.Body.Close()
			if err != nil {
				return nil, err
			}
			ex.body = b
			req = req.Clone(req.Context())
			req.Body = io.NopCloser(bytes.NewReader(b))
		}
	}
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		ex.err = err
		r.add(ex)
		return nil, err
	}
	b, rerr := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	ex.status, ex.respHeader, ex.respBody, ex.err = resp.StatusCode, resp.Header.Clone(), b, rerr
	r.add(ex)
	if rerr != nil {
		// The answer broke off: to the caller it is a transport error.
		return nil, rerr
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, nil
}

func (r *recorder) add(ex *exchange) {
	r.logM.Lock()
	*r.log = append(*r.log, ex)
	r.logM.Unlock()
}
