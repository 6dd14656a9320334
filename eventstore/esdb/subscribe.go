package esdb

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/cadena-project/cadena/eventstore"
)

// Subscribe yields every non-system event after the position after and
// follows the log, resubscribing by itself when the subscription drops.
// It yields ctx.Err() when ctx ends, eventstore.ErrClosed when the store
// closes, and errors no retry can cure (such as access denied).
func (s *Store) Subscribe(ctx context.Context, after uint64) iter.Seq2[eventstore.RecordedEvent, error] {
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		stop := context.AfterFunc(s.done, cancel)
		defer stop()
		for ev, err := range follow(sctx, &allSource{s: s}, after, s.retry, s.log) {
			if err != nil {
				if ctx.Err() != nil {
					err = ctx.Err()
				} else if s.closed() {
					err = eventstore.ErrClosed
				} else {
					err = fmt.Errorf("esdb: subscribe: %w", err)
				}
			}
			if !yield(ev, err) || err != nil {
				return
			}
		}
	}
}

// allSource opens filtered subscriptions to $all for one Subscribe call.
type allSource struct {
	s *Store
	// checked and from: a position the caller gave, and where to start
	// the subscription to get the events after it (see startPosition).
	checked, from uint64
}

func (a *allSource) open(ctx context.Context, after uint64) (eventStream, error) {
	from := after
	if after != 0 && after == a.checked {
		from = a.from
	} else if after != 0 {
		var err error
		if from, err = a.s.startPosition(ctx, after); err != nil {
			return nil, err
		}
		// No event lies between from and after, so a subscription
		// from from yields exactly the events after after.
		a.checked, a.from = after, from
	}
	opts := esdb.SubscribeToAllOptions{From: allPosition(from), Filter: esdb.ExcludeSystemEventsFilter()}
	sub, release, err := open(ctx, a.s.conn, func(ctx context.Context, c client) (subscription, error) {
		return c.SubscribeToAll(ctx, opts)
	}, func(sub subscription) { _ = sub.Close() })
	if err != nil {
		return nil, err
	}
	return &allStream{sub: sub, release: release}, nil
}

// allStream turns a client subscription into an eventStream.
type allStream struct {
	sub     subscription
	release func(error)
	final   error
}

func (a *allStream) Recv() (eventstore.RecordedEvent, error) {
	for {
		ev := a.sub.Recv()
		switch {
		case ev == nil:
			a.final = errors.New("subscription yielded nothing")
			return eventstore.RecordedEvent{}, a.final
		case ev.SubscriptionDropped != nil:
			a.final = ev.SubscriptionDropped.Error
			if a.final == nil {
				a.final = errors.New("subscription dropped")
			}
			return eventstore.RecordedEvent{}, a.final
		case ev.EventAppeared != nil:
			e := ev.EventAppeared.OriginalEvent()
			if e == nil || isSystemEvent(e.EventType) {
				continue // the server filters these; this is a safety net
			}
			return toRecorded(e)
		}
		// checkpoints, caught up, fell behind: nothing to deliver
	}
}

func (a *allStream) Close() {
	_ = a.sub.Close()
	a.release(a.final)
}
