package vb365test

import (
	"hash/fnv"
	"math"
	"net/http"
	"strings"
	"time"
)

// chaosState is chaos mode's setting and how many requests it has seen on
// each route.
type chaosState struct {
	rate float64
	seed int64
	seen map[Route]uint64
}

func clampRate(rate float64) float64 {
	switch {
	case math.IsNaN(rate) || rate <= 0:
		return 0
	case rate > 1:
		return 1
	}
	return rate
}

// SetChaos turns chaos mode on with rate (0 to 1) and seed, or off with a
// rate of 0, and starts its sequence again (see WithChaos): from now on,
// the n-th request on a route gets a fault when a number drawn from seed,
// the route and n falls below rate. The fault is one of these, drawn the
// same way:
//
//   - 503 with Retry-After: 1, without acting
//   - 429 with Retry-After: 1 ("Quota Exceeded" without Retry-After on
//     RouteToken, as the real token endpoint), without acting
//   - 500 "The server did not provide a meaningful reply.", without acting
//   - the same 500 after acting
//   - 502 after acting (a proxy that lost the answer)
//   - the connection dropped before acting
//   - the connection dropped after acting
//   - a delay of 50 to 500 ms, then the normal answer
//   - on RouteExportToPst, RouteSave and RouteOneDriveSave, also the body cut off after 0 to
//     64 KiB (FaultDropAfterBytes)
//
// Chaos never hangs. The counters (Restores, Actions, LoginCount) say what
// the server executed, so a client can be checked for duplicates, and the
// journal (WithJournal) names each request's fault.
func (s *Server) SetChaos(rate float64, seed int64) {
	s.ext.cmu.Lock()
	defer s.ext.cmu.Unlock()
	s.ext.chaos = chaosState{rate: clampRate(rate), seed: seed}
}

// Chaos reports chaos mode's rate (0: off) and seed.
func (s *Server) Chaos() (rate float64, seed int64) {
	s.ext.cmu.Lock()
	defer s.ext.cmu.Unlock()
	return s.ext.chaos.rate, s.ext.chaos.seed
}

// chaosFault draws the fault of the next request on r, if any.
func (s *Server) chaosFault(r Route) (Fault, bool) {
	s.ext.cmu.Lock()
	c := &s.ext.chaos
	if c.rate <= 0 {
		s.ext.cmu.Unlock()
		return Fault{}, false
	}
	if c.seen == nil {
		c.seen = map[Route]uint64{}
	}
	n := c.seen[r]
	c.seen[r]++
	rate, seed := c.rate, c.seed
	s.ext.cmu.Unlock()
	return chaosPick(rate, seed, r, n)
}

// chaosPick is the fault of the n-th (from 0) request on r, as a pure
// function of its arguments.
func chaosPick(rate float64, seed int64, r Route, n uint64) (Fault, bool) {
	h := fnv.New64a()
	_, _ = h.Write([]byte(strings.ToLower(string(r))))
	x := mix64(uint64(seed) ^ mix64(h.Sum64()) ^ mix64(n+0x9e3779b97f4a7c15))
	if float64(x>>11)/(1<<53) >= rate {
		return Fault{}, false
	}
	x = mix64(x)
	kinds := uint64(8)
	download := r == RouteExportToPst || r == RouteSave || r == RouteOneDriveSave
	if download {
		kinds++
	}
	var f Fault
	switch x % kinds {
	case 0:
		f = RetryAfter(http.StatusServiceUnavailable, 1)
	case 1:
		if r == RouteToken {
			f = Respond(http.StatusTooManyRequests, `{"message":"Quota Exceeded"}`)
		} else {
			f = RetryAfter(http.StatusTooManyRequests, 1)
		}
	case 2:
		f = Respond(http.StatusInternalServerError, `{"message":"`+stoppedMessage+`"}`)
	case 3:
		f = ActThenRespond(http.StatusInternalServerError, `{"message":"`+stoppedMessage+`"}`)
	case 4:
		f = ActThenRespond(http.StatusBadGateway, `{"message":"Bad Gateway"}`)
	case 5:
		f = DropBeforeAct()
	case 6:
		f = DropAfterAct()
	case 7:
		f = Delay(time.Duration(50+(x>>8)%451) * time.Millisecond)
	default:
		f = DropAfterBytes(int64((x >> 8) % (64 << 10)))
	}
	f.chaos = true
	return f, true
}

// mix64 is the splitmix64 finalizer.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
