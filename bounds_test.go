package vb365

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An attempt's timer is set when a wait is armed and is not moved when the
// wait is armed again later (every read of a body that keeps coming): the
// ring that finds the deadline ahead sets it again. These tests hold the
// watch to its bound through that: it runs out after the last arming, not
// the first, and not never.

func TestRearmedWaitRunsOutAfterItsLastArming(t *testing.T) {
	t.Parallel()
	const bound = 50 * time.Millisecond
	var mu sync.Mutex
	var armed []time.Time // when each wait was armed, before arm
	var fired time.Time
	done := make(chan struct{})
	var w watch
	w.start(func(error) {
		mu.Lock()
		fired = time.Now()
		mu.Unlock()
		close(done)
	}, 0)
	defer w.end()
	// A body whose bytes come every 2 ms for five bounds, then stop.
	for began := time.Now(); time.Since(began) < 5*bound; time.Sleep(2 * time.Millisecond) {
		mu.Lock()
		armed = append(armed, time.Now())
		mu.Unlock()
		w.arm(bound, "no byte of the answer's body")
		w.disarm()
	}
	mu.Lock()
	armed = append(armed, time.Now())
	mu.Unlock()
	w.arm(bound, "no byte of the answer's body")
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the wait armed last never ran out")
	}
	require.ErrorIs(t, w.err(), ErrTimeout)
	mu.Lock()
	defer mu.Unlock()
	// The wait that ran out is the last armed before the ring: it had its
	// whole bound.
	last := armed[0]
	for _, a := range armed {
		if a.Before(fired) {
			last = a
		}
	}
	assert.GreaterOrEqual(t, fired.Sub(last), bound)
}

func TestRingMeantForAnEarlierWatchCutsNothing(t *testing.T) {
	t.Parallel()
	cancelled := make(chan error, 2)
	cancel := func(err error) { cancelled <- err }
	var earlier, current watch
	earlier.start(cancel, 0)
	earlier.arm(time.Millisecond, "no answer")
	earlier.end()
	current.start(cancel, 0)
	defer current.end()
	current.arm(time.Hour, "no answer")
	// A ring that comes late, for the watch that had the timer before,
	// reaches the one that has it now; neither is cut short.
	time.Sleep(5 * time.Millisecond)
	current.alarm.ring()
	earlier.fire()
	select {
	case err := <-cancelled:
		t.Fatalf("cancelled: %v", err)
	default:
	}
	assert.True(t, current.disarm(), "the current wait is within its bound")
}
