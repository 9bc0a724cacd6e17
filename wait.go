package vb365

import (
	"context"
	"time"
)

// WaitOptions steer Wait.
type WaitOptions struct {
	// PollInterval is the time between two reads of the events; 0 means
	// DefaultPollInterval.
	PollInterval time.Duration
	// Since leaves out the events that started before it: those of earlier
	// restores in the same session. Give the time the restore was sent,
	// made a little earlier (a few minutes) to allow for the server's clock
	// being behind yours. Zero counts every event of the session.
	Since time.Time
}

// DefaultPollInterval is the time between two reads of a session's events
// in Wait.
const DefaultPollInterval = 2 * time.Second

// RestoreSummary sums up the events of a restore session once none is
// running.
type RestoreSummary struct {
	// Restored, Failed, Skipped and Warnings count the events of actions
	// (restore, export, save, send) by status; an event is one item or
	// one operation, as the server records it.
	Restored, Failed, Skipped, Warnings int
	// Events are the session's events (since WaitOptions.Since), in the
	// server's order.
	Events []RestoreSessionEvent
}

// Wait follows a restore to its end and sums up its events. Every
// PollInterval it reads the session's events and counts those that started
// at or after opts.Since, the restore's own when Since is when it was sent;
// it returns once there is at least one and none is running. Use it with
// the SessionID of a RestoreResult or of an asynchronous RestoreOutcome, and
// set opts.Since whenever the session may hold earlier restores.
//
// While the events do not say the restore finished, Wait reads the session
// too (Get), so a restore that finishes at once costs no extra call. Once
// the session has ended (state Stopped, as a server does on its own after a
// while without use, whatever its result; a working session's result may
// be an earlier restore's), Wait returns the summary of the events it saw
// and a *SessionStoppedError, which matches ErrSessionStopped.
// A restore that records no event keeps Wait waiting while the session
// works: give ctx a deadline.
func (s *RestoreSessionsService) Wait(ctx context.Context, sessionID string, opts *WaitOptions) (*RestoreSummary, error) {
	if err := checkID("sessionID", sessionID); err != nil {
		return nil, err
	}
	interval := DefaultPollInterval
	var since time.Time
	if opts != nil {
		since = opts.Since
		if opts.PollInterval < 0 {
			return nil, invalidArg("opts.PollInterval", "must not be negative")
		}
		if opts.PollInterval > 0 {
			interval = opts.PollInterval
		}
	}
	var timer *time.Timer
	for {
		sum, running, err := s.summarize(ctx, sessionID, since)
		if err != nil {
			return nil, err
		}
		if !running && len(sum.Events) > 0 {
			return sum, nil
		}
		sess, err := s.Get(ctx, sessionID)
		if err != nil {
			return nil, err
		}
		if sess.State != SessionStateWorking && sess.State != "" {
			// The restore may have finished between the two reads.
			if sum, running, err = s.summarize(ctx, sessionID, since); err != nil {
				return nil, err
			}
			if !running && len(sum.Events) > 0 {
				return sum, nil
			}
			return sum, &SessionStoppedError{SessionID: sessionID, State: sess.State, Result: sess.Result}
		}
		if timer == nil {
			timer = time.NewTimer(interval)
			defer timer.Stop()
		} else {
			timer.Reset(interval)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-timer.C:
		}
	}
}

func (s *RestoreSessionsService) summarize(ctx context.Context, sessionID string, since time.Time) (*RestoreSummary, bool, error) {
	sum := &RestoreSummary{}
	running := false
	for ev, err := range s.Events(ctx, sessionID, nil) {
		if err != nil {
			return nil, false, err
		}
		if ev.StartTime.Before(since) {
			continue
		}
		sum.Events = append(sum.Events, ev)
		switch ev.Status {
		case EventStatusRunning:
			running = true
		case EventStatusSuccess:
			if ev.Type != EventTypeNone && ev.Type != EventTypeView {
				sum.Restored++
			}
		case EventStatusWarning:
			sum.Warnings++
		case EventStatusFailed, EventStatusCancelled:
			sum.Failed++
		case EventStatusSkipped:
			sum.Skipped++
		}
	}
	return sum, running, nil
}
