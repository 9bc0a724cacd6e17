package vb365_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/vb365-go/vb365"
	"github.com/vb365-go/vb365/vb365test"
)

// The fault campaign: thousands of mixed calls from 32 goroutines against a
// fake server that injects faults chosen by a seeded generator, with the
// tokens expired and then revoked in the middle. At the end it checks that
// no unsafe call ran twice, that no safe call failed for a fault its retry
// budget should have absorbed, and that no goroutine was left behind.
const (
	campaignSeed      = 20261128
	campaignWorkers   = 32
	campaignOps       = 4000
	campaignRetries   = 4
	campaignFaultRate = 0.2
	// pastCapMessage marks the faults whose Retry-After is beyond the
	// client's wait cap: the client must give up on them at once.
	pastCapMessage = "campaign: Retry-After beyond the cap"
)

// campaignFault is one entry of the fault menu.
type campaignFault struct {
	label  string
	weight int
	fault  func(r *rand.Rand) vb365test.Fault
}

func respondWith(status int, header http.Header, body string) func(*rand.Rand) vb365test.Fault {
	return func(*rand.Rand) vb365test.Fault {
		return vb365test.Fault{Kind: vb365test.FaultRespond, Status: status, Header: header, Body: body}
	}
}

const htmlGateway = "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"

// faultMenu lists what an honest but unhealthy server does: it turns a
// request away (429, 503 with Retry-After) only when it did not act, and
// may fail before or after acting otherwise.
var faultMenu = []campaignFault{
	{"429", 4, respondWith(429, nil, `{"message":"Too many requests."}`)},
	{"429 Retry-After: 0", 3, func(*rand.Rand) vb365test.Fault { return vb365test.RetryAfter(429, 0) }},
	{"500 before acting", 3, respondWith(500, nil, `{"message":"Internal error."}`)},
	{"500 after acting", 3, func(*rand.Rand) vb365test.Fault {
		return vb365test.ActThenRespond(500, `{"message":"Internal error after acting."}`)
	}},
	{"502 HTML before acting", 2, respondWith(502, http.Header{"Content-Type": {"text/html"}}, htmlGateway)},
	{"502 HTML after acting", 2, func(*rand.Rand) vb365test.Fault {
		f := vb365test.ActThenRespond(502, htmlGateway)
		f.Header = http.Header{"Content-Type": {"text/html"}}
		return f
	}},
	{"503", 3, respondWith(503, nil, `{"message":"Service unavailable."}`)},
	{"503 Retry-After: 0", 3, func(*rand.Rand) vb365test.Fault { return vb365test.RetryAfter(503, 0) }},
	{"503 Retry-After: 1 (beyond the cap)", 1, respondWith(503, http.Header{"Retry-After": {"1"}}, `{"message":"`+pastCapMessage+`"}`)},
	{"drop before acting", 3, func(*rand.Rand) vb365test.Fault { return vb365test.DropBeforeAct() }},
	{"drop after acting", 3, func(*rand.Rand) vb365test.Fault { return vb365test.DropAfterAct() }},
	{"slow answer", 4, func(r *rand.Rand) vb365test.Fault {
		return vb365test.Delay(time.Duration(1+r.IntN(15)) * time.Millisecond)
	}},
}

// campaign holds the state shared by the workers.
type campaign struct {
	srv *vb365test.Server

	mu       sync.Mutex // guards rng and the maps below
	rng      *rand.Rand // picks the faults
	injected map[string]int
	outcomes map[string]int
	excused  map[string]int // safe calls that failed, and why that was right
	problems []string

	// tokenEvents counts the token expiries and revocations: +1 when one
	// starts, +1 when it is done, so a call that reads it before and after
	// knows which events it overlapped.
	tokenEvents atomic.Int32
	done        atomic.Int32 // operations finished
	calls       atomic.Int32 // calls made (iterations count once)
	attempts    atomic.Int32 // attempts the SDK sent ("vb365 request")
	retries     atomic.Int32 // attempts sent again ("vb365 retry")

	explores sync.Map // reason -> result of OperatorExplore
	restores sync.Map // reason -> result of OperatorRestore
}

// callRecord follows one call through the client's debug log.
type callRecord struct {
	maxAttempt atomic.Int32
}

type callRecordKey struct{}

// campaignLog is a slog handler that counts attempts and retries per call.
type campaignLog struct{ c *campaign }

func (h campaignLog) Enabled(context.Context, slog.Level) bool { return true }
func (h campaignLog) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h campaignLog) WithGroup(string) slog.Handler            { return h }
func (h campaignLog) Handle(ctx context.Context, r slog.Record) error {
	switch r.Message {
	case "vb365 request":
		h.c.attempts.Add(1)
		if rec, ok := ctx.Value(callRecordKey{}).(*callRecord); ok {
			r.Attrs(func(a slog.Attr) bool {
				if a.Key == "attempt" {
					n := int32(a.Value.Int64())
					for cur := rec.maxAttempt.Load(); n > cur && !rec.maxAttempt.CompareAndSwap(cur, n); cur = rec.maxAttempt.Load() {
					}
				}
				return true
			})
		}
	case "vb365 retry":
		h.c.retries.Add(1)
	}
	return nil
}

// hook picks the fault for one request, in the order of the seeded
// generator. Logins are only slowed down: a login is never retried, by
// design, so a failed one is not a fault the campaign is about.
func (c *campaign) hook(r vb365test.Route) (vb365test.Fault, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r == vb365test.RouteToken {
		if c.rng.Float64() < 0.2 {
			c.injected["slow login"]++
			return vb365test.Delay(time.Duration(1+c.rng.IntN(10)) * time.Millisecond), true
		}
		return vb365test.Fault{}, false
	}
	if c.rng.Float64() >= campaignFaultRate {
		return vb365test.Fault{}, false
	}
	total := 0
	for _, f := range faultMenu {
		total += f.weight
	}
	n := c.rng.IntN(total)
	for _, f := range faultMenu {
		if n -= f.weight; n < 0 {
			c.injected[f.label]++
			return f.fault(c.rng), true
		}
	}
	panic("unreachable")
}

func (c *campaign) problem(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// outcome names the kind of a call's result, for the summary.
func outcome(err error) string {
	var apiErr *vb365.APIError
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, vb365.ErrOutcomeUnknown):
		return "outcome-unknown"
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline"
	case errors.As(err, &apiErr):
		return fmt.Sprintf("http-%d", apiErr.StatusCode)
	}
	return "connection"
}

// call runs one SDK call and records how it went.
type call struct {
	rec                 *callRecord
	eventsAtStart, safe int32
}

func (c *campaign) start(ctx context.Context) (context.Context, *call) {
	cl := &call{rec: &callRecord{}, eventsAtStart: c.tokenEvents.Load()}
	c.calls.Add(1)
	return context.WithValue(ctx, callRecordKey{}, cl.rec), cl
}

// finishSafe checks the result of a safe call (a read, Stop): it may fail
// only when no retry could help: the retry budget ran out on faults, the
// server asked for a wait beyond the cap, or the tokens were replaced twice
// while the call ran (a 401 is re-sent once).
func (c *campaign) finishSafe(op string, cl *call, err error) {
	c.count(err)
	if err == nil {
		return
	}
	var apiErr *vb365.APIError
	isAPI := errors.As(err, &apiErr)
	switch {
	case isAPI && apiErr.Message == pastCapMessage:
		c.excuse("Retry-After beyond the cap")
		return
	case errors.Is(err, vb365.ErrUnauthorized) && c.tokenEventsDuring(cl) >= 2:
		c.excuse("tokens replaced twice during the call")
		return
	case cl.rec.maxAttempt.Load() == campaignRetries+1 && (!isAPI || retryableStatus(apiErr.StatusCode)):
		c.excuse("every attempt of the budget faulted")
		return
	}
	c.problem("%s failed after %d attempts, with retries left to absorb it: %v", op, cl.rec.maxAttempt.Load(), err)
}

func (c *campaign) excuse(why string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.excused[why]++
}

func retryableStatus(code int) bool {
	switch code {
	case 408, 429, 500, 502, 503, 504:
		return true
	}
	return false
}

// tokenEventsDuring counts the token events a call overlapped.
func (c *campaign) tokenEventsDuring(cl *call) int {
	end := c.tokenEvents.Load()
	n := 0
	for k := int32(0); 2*k+1 <= end; k++ {
		if cl.eventsAtStart <= 2*k+1 {
			n++
		}
	}
	return n
}

func (c *campaign) count(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.outcomes[outcome(err)]++
}

// opDone counts a finished operation and expires the tokens a third of the
// way, and revokes them two thirds of the way.
func (c *campaign) opDone() {
	switch c.done.Add(1) {
	case campaignOps / 3:
		c.tokenEvents.Add(1)
		c.srv.ExpireTokens()
		c.tokenEvents.Add(1)
	case 2 * campaignOps / 3:
		c.tokenEvents.Add(1)
		c.srv.RevokeTokens()
		c.tokenEvents.Add(1)
	}
}

// mailboxItems are the restorable items of the fake's tenant.
type mailboxItems struct {
	mailboxID string
	folderIDs []string
	itemIDs   []string
}

func tenantItems(org *vb365test.Organization) []mailboxItems {
	var out []mailboxItems
	for _, mb := range org.Mailboxes() {
		m := mailboxItems{mailboxID: mb.ID()}
		var walk func([]*vb365test.Folder)
		walk = func(fs []*vb365test.Folder) {
			for _, f := range fs {
				m.folderIDs = append(m.folderIDs, f.ID())
				for _, it := range f.Items() {
					m.itemIDs = append(m.itemIDs, it.ID())
				}
				walk(f.Folders())
			}
		}
		walk(mb.Folders())
		if len(m.itemIDs) > 0 {
			out = append(out, m)
		}
	}
	return out
}

// worker runs its share of the operations, in an order fixed by the seed.
func (c *campaign) worker(ctx context.Context, id int, client *vb365.Client, tenant []mailboxItems, ops int) {
	r := rand.New(rand.NewPCG(campaignSeed, uint64(id)))
	session := ""
	for i := range ops {
		reason := fmt.Sprintf("campaign w%02d op%04d", id, i)
		mb := tenant[r.IntN(len(tenant))]
		p := r.IntN(100)
		switch {
		case session == "" || p < 4: // explore
			cctx, _ := c.start(ctx)
			s, err := client.RestoreSessions.OperatorExplore(cctx, &vb365.OperatorExploreRequest{DateTime: time.Now(), Reason: reason})
			c.explores.Store(reason, err)
			c.count(err)
			if err == nil && session == "" {
				session = s.ID
			}
		case p < 8: // stop
			cctx, cl := c.start(ctx)
			err := client.RestoreSessions.Stop(cctx, session)
			c.finishSafe("Stop", cl, err)
			session = ""
		case p < 30: // restore
			n := 1 + r.IntN(3)
			ids := make([]string, 0, n)
			for range n {
				ids = append(ids, mb.itemIDs[r.IntN(len(mb.itemIDs))])
			}
			cctx, cancel := ctx, context.CancelFunc(func() {})
			if r.IntN(20) == 0 {
				// Now and then the caller gives up mid-call.
				cctx, cancel = context.WithTimeout(ctx, time.Duration(1+r.IntN(5))*time.Millisecond)
			}
			cctx, _ = c.start(cctx)
			_, err := client.Mailboxes.OperatorRestore(cctx, session, mb.mailboxID, &vb365.OperatorRestoreRequest{ItemIDs: ids, Reason: reason})
			cancel()
			c.restores.Store(reason, err)
			c.count(err)
		case p < 50: // items, a few pages of them
			cctx, cl := c.start(ctx)
			opts := &vb365.ItemListOptions{ListOptions: vb365.ListOptions{Limit: 3}}
			if r.IntN(2) == 0 {
				opts.FolderID = mb.folderIDs[r.IntN(len(mb.folderIDs))]
			}
			c.finishSafe("Mailboxes.Items", cl, drainSeq(client.Mailboxes.Items(cctx, session, mb.mailboxID, opts)))
		case p < 60: // list mailboxes
			cctx, cl := c.start(ctx)
			c.finishSafe("Mailboxes.All", cl, drainSeq(client.Mailboxes.All(cctx, session, &vb365.ListOptions{Limit: 2})))
		case p < 68: // folders
			cctx, cl := c.start(ctx)
			c.finishSafe("Mailboxes.Folders", cl, drainSeq(client.Mailboxes.Folders(cctx, session, mb.mailboxID,
				&vb365.FolderListOptions{ParentID: vb365.RootFolders, ListOptions: vb365.ListOptions{Limit: 2}})))
		case p < 72: // events, and a page of the sessions
			cctx, cl := c.start(ctx)
			c.finishSafe("RestoreSessions.Events", cl, drainSeq(client.RestoreSessions.Events(cctx, session, &vb365.ListOptions{Limit: 5})))
			cctx, cl = c.start(ctx)
			_, err := client.RestoreSessions.List(cctx, &vb365.RestoreSessionListOptions{ListOptions: vb365.ListOptions{Offset: r.IntN(50), Limit: 20}})
			c.finishSafe("RestoreSessions.List", cl, err)
		case p < 86: // get a session
			cctx, cl := c.start(ctx)
			_, err := client.RestoreSessions.Get(cctx, session)
			c.finishSafe("RestoreSessions.Get", cl, err)
		default: // get a mailbox
			cctx, cl := c.start(ctx)
			_, err := client.Mailboxes.Get(cctx, session, mb.mailboxID)
			c.finishSafe("Mailboxes.Get", cl, err)
		}
		c.opDone()
	}
}

func drainSeq[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

// checkOnce checks an unsafe call's executions against its result: a
// success ran once, an unknown outcome at most once, any other error never.
func checkOnce(t *testing.T, what string, results *sync.Map, executed map[string]int) (n int) {
	t.Helper()
	results.Range(func(k, v any) bool {
		reason := k.(string)
		err, _ := v.(error)
		got := executed[reason]
		delete(executed, reason)
		n++
		switch {
		case err == nil:
			assert.Equal(t, 1, got, "%s %q succeeded: executed exactly once", what, reason)
		case errors.Is(err, vb365.ErrOutcomeUnknown):
			assert.LessOrEqual(t, got, 1, "%s %q: outcome unknown, executed at most once: %v", what, reason, err)
		default:
			assert.Zero(t, got, "%s %q failed: never executed: %v", what, reason, err)
		}
		return true
	})
	assert.Empty(t, executed, "%s executed that no call asked for", what)
	return n
}

func TestFaultCampaign(t *testing.T) {
	// Not parallel: the goroutine check below needs the process to itself.
	leaks := goleak.IgnoreCurrent()
	began := time.Now()
	c := &campaign{
		srv:      vb365test.NewServer(),
		rng:      rand.New(rand.NewPCG(campaignSeed, 0)),
		injected: map[string]int{},
		outcomes: map[string]int{},
		excused:  map[string]int{},
	}
	defer c.srv.Close()
	c.srv.SetFaultHook(c.hook)
	logger := slog.New(campaignLog{c})

	var clients []*vb365.Client
	for _, v := range []vb365.APIVersion{vb365.V6, vb365.V7, vb365.V8} {
		client, err := vb365.NewClient(c.srv.URL,
			vb365.WithOperator(vb365test.DefaultOperatorClientID, vb365test.DefaultOperatorAssertion),
			vb365.WithAPIVersion(v),
			vb365.WithRetry(campaignRetries, time.Millisecond, 20*time.Millisecond),
			vb365.WithLogger(logger))
		require.NoError(t, err)
		clients = append(clients, client)
	}
	tenant := tenantItems(c.srv.Organization())
	require.NotEmpty(t, tenant)

	ctx := t.Context()
	var wg sync.WaitGroup
	for w := range campaignWorkers {
		ops := campaignOps / campaignWorkers
		if w < campaignOps%campaignWorkers {
			ops++
		}
		wg.Go(func() { c.worker(ctx, w, clients[w%len(clients)], tenant, ops) })
	}
	wg.Wait()
	for _, client := range clients {
		client.CloseIdleConnections()
	}
	// Close waits for the handlers still running, such as a restore whose
	// caller gave up while the server was slow; then the records are final.
	c.srv.Close()

	if len(c.problems) > 0 {
		t.Errorf("%d safe calls failed with retries left to absorb the fault; the first: %s",
			len(c.problems), strings.Join(c.problems[:min(len(c.problems), 5)], "\n"))
	}
	executed := map[string]int{}
	for _, r := range c.srv.Restores() {
		executed[r.Reason]++
	}
	restores := checkOnce(t, "OperatorRestore", &c.restores, executed)
	opened := map[string]int{}
	for _, s := range c.srv.Sessions() {
		opened[s.Reason]++
	}
	explores := checkOnce(t, "OperatorExplore", &c.explores, opened)
	assert.EqualValues(t, campaignOps, c.done.Load())
	assert.Equal(t, 2, c.tokenEventsDuring(&call{}), "the tokens were expired and revoked in the middle")

	received := 0
	for _, r := range vb365test.Routes() {
		if r != vb365test.RouteToken {
			received += c.srv.Requests(r)
		}
	}
	faults := c.srv.FaultsInjected()
	assert.Positive(t, c.retries.Load(), "faults were retried")
	assert.Greater(t, faults, campaignOps/10, "faults were injected")

	goleak.VerifyNone(t, leaks)

	c.mu.Lock()
	defer c.mu.Unlock()
	t.Logf("fault campaign (seed %d): %d operations, %d calls (%d restores, %d explores) from %d goroutines; "+
		"%d requests (%d attempts by the SDK, %d retries by the SDK, %d more received than sent: net/http resending), %d faults injected %s, "+
		"%d logins, %d connections; outcomes %s, safe failures %s; %s",
		campaignSeed, c.done.Load(), c.calls.Load(), restores, explores, campaignWorkers,
		received, c.attempts.Load(), c.retries.Load(), received-int(c.attempts.Load()), faults, counts(c.injected),
		c.srv.TokenRequests(), c.srv.ConnectionsOpened(), counts(c.outcomes), counts(c.excused), time.Since(began).Round(time.Millisecond))
}

// counts formats a map of counts in a stable order.
func counts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, m[k])
	}
	return "{" + strings.Join(parts, " ") + "}"
}
