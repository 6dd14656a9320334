package esdb

import (
	"context"
	"errors"
	"iter"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/cadena-project/cadena/eventstore"
)

// subscriptionSource opens subscriptions to the global log. The store's
// source subscribes to $all; tests use a fake that drops.
type subscriptionSource interface {
	// open starts a subscription yielding the events with a position
	// greater than after, in commit order.
	open(ctx context.Context, after uint64) (eventStream, error)
}

// eventStream is one open subscription.
type eventStream interface {
	// Recv returns the next event. An error means the subscription has
	// dropped and yields nothing more.
	Recv() (eventstore.RecordedEvent, error)
	Close()
}

// retryPolicy is a capped exponential backoff.
type retryPolicy struct {
	min, max time.Duration
	// sleep waits d or until ctx ends, reporting whether it waited fully.
	sleep func(ctx context.Context, d time.Duration) bool
	// jitter turns a delay into the one slept, so that the subscriptions
	// of many replicas dropped by one outage do not come back in step.
	// Nil sleeps the delay itself.
	jitter func(d time.Duration) time.Duration
}

// equalJitter returns a random delay between d/2 and d.
func equalJitter(d time.Duration) time.Duration {
	half := d / 2
	return half + rand.N(d-half+1)
}

// wait sleeps the jittered delay d.
func (p retryPolicy) wait(ctx context.Context, d time.Duration) bool {
	if p.jitter != nil {
		d = p.jitter(d)
	}
	return p.sleep(ctx, d)
}

func (p retryPolicy) next(d time.Duration) time.Duration {
	d *= 2
	if d > p.max {
		d = p.max
	}
	return d
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// follow yields every event after the position after, resubscribing from
// the last delivered position whenever a subscription fails to open or
// drops. Because subscriptions start strictly after the position they are
// given, a resubscription neither skips nor repeats an event; follow also
// drops any event at or below the last delivered position, so a source
// that repeats itself cannot cause a duplicate.
//
// It retries with a delay that doubles from p.min up to p.max and goes back
// to p.min once a subscription has delivered an event; it sleeps a random
// part of that delay (see retryPolicy.jitter). It stops, yielding
// the error once, when ctx ends or an error cannot be cured by retrying
// (see isPermanent, and eventstore.ErrClosed).
func follow(ctx context.Context, src subscriptionSource, after uint64, p retryPolicy, log *slog.Logger) iter.Seq2[eventstore.RecordedEvent, error] {
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		last := after
		delay := p.min
		fail := func(err error) { yield(eventstore.RecordedEvent{}, err) }
		for {
			if err := ctx.Err(); err != nil {
				fail(err)
				return
			}
			sub, err := src.open(ctx, last)
			if err == nil {
				var delivered, stopped bool
				delivered, stopped, err = drain(sub, &last, yield)
				sub.Close()
				if stopped {
					return
				}
				if delivered {
					delay = p.min
				}
			}
			switch {
			case ctx.Err() != nil:
				fail(ctx.Err())
				return
			case errors.Is(err, eventstore.ErrClosed) || isPermanent(err):
				fail(err)
				return
			}
			log.Warn("esdb: subscription to $all lost; resubscribing", "after", last, "delay", delay, "err", err)
			if !p.wait(ctx, delay) {
				fail(ctx.Err())
				return
			}
			delay = p.next(delay)
		}
	}
}

// drain yields the events of one subscription until it drops (returning
// its error) or the consumer stops (stopped). It advances *last.
func drain(sub eventStream, last *uint64, yield func(eventstore.RecordedEvent, error) bool) (delivered, stopped bool, err error) {
	for {
		ev, err := sub.Recv()
		if err != nil {
			return delivered, false, err
		}
		if ev.Position <= *last {
			continue
		}
		*last = ev.Position
		delivered = true
		if !yield(ev, nil) {
			return delivered, true, nil
		}
	}
}
