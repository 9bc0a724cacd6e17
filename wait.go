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
	// Since, when set, leaves out events that started before it: earlier
	// restores in the same session. Set it a little before the restore was
	// sent, to allow for the server's clock.
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

// Wait follows a restore to its end: it reads the session's events every
// PollInterval until there is at least one (since opts.Since) and none is
// running, and sums them up. Give ctx a deadline: a restore that never
// records an event keeps Wait waiting. Use it with the SessionID of a
// RestoreResult or of an asynchronous RestoreOutcome; when the session
// holds earlier restores too, set opts.Since.
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
