package esdb

import (
	"context"
	"fmt"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/cadena-project/cadena/eventstore"
)

// Append adds events to a stream in one AppendToStream call (atomic on the
// server). See the package documentation for how retries are recognised.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if !s.begin() {
		return eventstore.AppendResult{}, eventstore.ErrClosed
	}
	defer s.calls.Done()
	if err := eventstore.ValidateAppend(stream, events); err != nil {
		return eventstore.AppendResult{}, err
	}
	if err := checkStream(stream); err != nil {
		return eventstore.AppendResult{}, err
	}
	rev, err := expectedRevision(expected)
	if err != nil {
		return eventstore.AppendResult{}, fmt.Errorf("esdb: append to %q: %w", stream, err)
	}
	data := make([]esdb.EventData, len(events))
	for i, e := range events {
		if data[i], err = toEventData(e); err != nil {
			return eventstore.AppendResult{}, fmt.Errorf("event %d: %w", i, err)
		}
	}

	// Claim the IDs first: an ID of another stream is refused here, and
	// IDs never proposed before cannot be a retry.
	fresh, err := s.reserve(ctx, stream, events)
	if err != nil {
		return eventstore.AppendResult{}, err
	}
	if !fresh && expected != eventstore.NoStream {
		// KurrentDB recognises a retry only when its expected revision
		// precedes the retried events: it writes the events again when a
		// retry comes with the stream's current version, and sometimes
		// with Any. So look for them first. (With NoStream the server
		// compares the stream's first events itself.)
		res, found, err := s.findRetry(ctx, stream, events)
		if err != nil || found {
			return res, err
		}
	}
	wr, err := call(ctx, s.conn, func(ctx context.Context, c client) (*esdb.WriteResult, error) {
		return c.AppendToStream(ctx, stream, esdb.AppendToStreamOptions{ExpectedRevision: rev}, data...)
	})
	switch {
	case err == nil:
		// The server reports the stream's last revision, both for a new
		// append and for one it recognised as a retry. Reading the
		// events back tells which, and gives their positions.
		return s.confirm(ctx, stream, wr.NextExpectedVersion, events)
	case hasCode(err, esdb.ErrorCodeWrongExpectedVersion):
		res, found, ferr := s.findRetry(ctx, stream, events)
		if ferr != nil {
			return eventstore.AppendResult{}, ferr
		}
		if found {
			return res, nil
		}
		return eventstore.AppendResult{}, fmt.Errorf("esdb: append to %q: %w: %w", stream, eventstore.ErrWrongVersion, err)
	case isAppendTooLarge(err):
		return eventstore.AppendResult{}, fmt.Errorf("esdb: append to %q: %w: the server's maximum append size is smaller than the contract's limits: %w", stream, eventstore.ErrEventTooLarge, err)
	default:
		return eventstore.AppendResult{}, fmt.Errorf("esdb: append to %q: %w", stream, err)
	}
}

// confirm reads back the events at the revisions the server reported for
// an append and checks they are the ones proposed.
func (s *Store) confirm(ctx context.Context, stream string, lastRev uint64, events []eventstore.EventData) (eventstore.AppendResult, error) {
	n := uint64(len(events))
	if lastRev+1 < n {
		return eventstore.AppendResult{}, fmt.Errorf("esdb: append to %q: server reported revision %d for %d events", stream, lastRev, n)
	}
	first := lastRev + 1 - n
	stored, err := s.readRange(ctx, stream, first, n)
	if err != nil {
		return eventstore.AppendResult{}, fmt.Errorf("esdb: append to %q: reading the events back: %w", stream, err)
	}
	if len(stored) != len(events) {
		return eventstore.AppendResult{}, fmt.Errorf("esdb: append to %q: read back %d events, want %d", stream, len(stored), len(events))
	}
	for i, e := range events {
		if stored[i].ID != e.ID {
			// The server took the append for a retry of events stored
			// in another arrangement.
			return eventstore.AppendResult{}, fmt.Errorf("esdb: append to %q: %w: the server holds the IDs, but not as this append (version %d is %s, not %s)",
				stream, eventstore.ErrDuplicateID, stored[i].Version, stored[i].ID, e.ID)
		}
		if !sameEvent(stored[i], e) {
			return eventstore.AppendResult{}, fmt.Errorf("esdb: append to %q: %w: %s is stored with a different payload", stream, eventstore.ErrDuplicateID, e.ID)
		}
	}
	last := stored[len(stored)-1]
	return eventstore.AppendResult{Version: last.Version, Position: last.Position}, nil
}

// findRetry looks for the events of an append among the last s.window
// events of the stream. found reports that
// they are all there, in order, with the same payloads: the append is a
// retry and res is the original result. Any of the IDs stored otherwise
// is ErrDuplicateID.
func (s *Store) findRetry(ctx context.Context, stream string, events []eventstore.EventData) (res eventstore.AppendResult, found bool, err error) {
	tail, err := s.readTail(ctx, stream, s.window)
	if err != nil {
		return res, false, fmt.Errorf("esdb: append to %q: looking for an earlier append: %w", stream, err)
	}
	at := make(map[string]int, len(tail))
	for i, r := range tail {
		at[r.ID] = i
	}
	start, ok := at[events[0].ID]
	if !ok {
		for _, e := range events[1:] {
			if _, dup := at[e.ID]; dup {
				return res, false, fmt.Errorf("esdb: append to %q: %w: %s", stream, eventstore.ErrDuplicateID, e.ID)
			}
		}
		return res, false, nil
	}
	if start+len(events) > len(tail) {
		return res, false, fmt.Errorf("esdb: append to %q: %w: the events are stored, but not as one append", stream, eventstore.ErrDuplicateID)
	}
	for i, e := range events {
		if !sameEvent(tail[start+i], e) {
			return res, false, fmt.Errorf("esdb: append to %q: %w: %s differs from the stored event", stream, eventstore.ErrDuplicateID, e.ID)
		}
	}
	last := tail[start+len(events)-1]
	return eventstore.AppendResult{Version: last.Version, Position: last.Position}, true, nil
}

// readRange reads up to n events of a stream from revision first.
func (s *Store) readRange(ctx context.Context, stream string, first, n uint64) ([]eventstore.RecordedEvent, error) {
	var out []eventstore.RecordedEvent
	opts := esdb.ReadStreamOptions{Direction: esdb.Forwards, From: esdb.Revision(first)}
	for ev, err := range s.readStream(ctx, stream, opts, n) {
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, nil
}

// readTail reads the last n events of a stream, oldest first.
func (s *Store) readTail(ctx context.Context, stream string, n int) ([]eventstore.RecordedEvent, error) {
	var out []eventstore.RecordedEvent
	opts := esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.End{}}
	for ev, err := range s.readStream(ctx, stream, opts, uint64(n)) {
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}
