package bolt

import (
	"context"
	"encoding/binary"
	"fmt"
	"iter"

	bbolt "go.etcd.io/bbolt"

	"github.com/cadena-project/cadena/eventstore"
)

// Reads copy events out in chunks, each in its own short read transaction,
// and yield them with no transaction open: a caller may append from inside
// a loop over any iterator, and a slow reader never holds up bbolt.
const (
	chunkEvents = 1024
	chunkBytes  = 4 << 20
)

// ReadStream yields the events of stream with a version greater than
// after, up to the stream's version when the read starts. It follows the
// stream from its last event back to the first one wanted, through the
// position of the previous event each record holds, then reads forward.
func (s *Store) ReadStream(ctx context.Context, stream string, after uint64) iter.Seq2[eventstore.RecordedEvent, error] {
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		if _, _, err := s.watch(); err != nil {
			yield(eventstore.RecordedEvent{}, err)
			return
		}
		if err := eventstore.ValidateStreamID(stream); err != nil {
			yield(eventstore.RecordedEvent{}, fmt.Errorf("bolt: read %q: %w", stream, err))
			return
		}
		// The first transaction finds the stream's events and reads the
		// first chunk of them: most streams fit in one.
		var positions []uint64
		var d decoder
		var chunk []eventstore.RecordedEvent // reused, as in follow
		h, ok, at := s.heads.committedHead(stream)
		err := s.view(func(tx *bbolt.Tx) error {
			if !ok {
				var err error
				if h, err = headAt(tx, tx.Bucket(bucketHeads), stream, at); err != nil {
					return err
				}
			}
			var err error
			if positions, err = streamPositions(tx, stream, h, after); err != nil {
				return err
			}
			chunk, err = readStreamChunk(&d, tx, positions, chunk)
			return err
		})
		if cerr := ctx.Err(); err == nil && len(positions) > 0 && cerr != nil {
			yield(eventstore.RecordedEvent{}, cerr)
			return
		}
		for {
			if err != nil {
				yield(eventstore.RecordedEvent{}, fmt.Errorf("bolt: read %q: %w", stream, err))
				return
			}
			for _, ev := range chunk {
				if !yield(ev, nil) {
					return
				}
			}
			if positions = positions[len(chunk):]; len(positions) == 0 {
				return
			}
			if err := ctx.Err(); err != nil {
				yield(eventstore.RecordedEvent{}, err)
				return
			}
			err = s.view(func(tx *bbolt.Tx) error {
				var err error
				chunk, err = readStreamChunk(&d, tx, positions, chunk[:0])
				return err
			})
		}
	}
}

// readStreamChunk appends to chunk the events at the first positions, up
// to chunkEvents of them or chunkBytes of records.
func readStreamChunk(d *decoder, tx *bbolt.Tx, positions []uint64, chunk []eventstore.RecordedEvent) ([]eventstore.RecordedEvent, error) {
	log := newGetter(tx.Bucket(bucketLog))
	size := 0
	for _, pos := range positions[:min(len(positions), chunkEvents)] {
		rec := log.position(pos)
		ev, err := d.decode(pos, rec)
		if err != nil {
			return nil, err
		}
		chunk = append(chunk, ev)
		if size += len(rec); size >= chunkBytes {
			break
		}
	}
	return chunk, nil
}

// streamPositions returns the positions of the events of stream with a
// version greater than after, in order, from its head h.
func streamPositions(tx *bbolt.Tx, stream string, h streamHeadAt, after uint64) ([]uint64, error) {
	version, pos := h.version, h.last
	if version <= after {
		return nil, nil
	}
	log := newGetter(tx.Bucket(bucketLog))
	positions := make([]uint64, version-after)
	for i := len(positions) - 1; i >= 0; i-- {
		rec := log.position(pos)
		if len(rec) < recordHeaderLen || recordVersion(rec) != after+uint64(i)+1 {
			return nil, fmt.Errorf("%w: stream %q has no version %d at position %d", errCorrupt, stream, after+uint64(i)+1, pos)
		}
		positions[i] = pos
		pos = recordPrev(rec)
	}
	return positions, nil
}

// ReadAll yields the events of the global log after the given position, up
// to the last one committed when the read starts.
func (s *Store) ReadAll(ctx context.Context, after uint64) iter.Seq2[eventstore.RecordedEvent, error] {
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		head, _, err := s.watch()
		if err != nil {
			yield(eventstore.RecordedEvent{}, err)
			return
		}
		s.follow(ctx, after, head, yield)
	}
}

// Subscribe yields the events of the global log after the given position,
// then follows new commits. Each round reads up to the head published by
// the committer, then waits for the channel the next commit closes; since
// both come from the same critical section, no commit falls between them.
func (s *Store) Subscribe(ctx context.Context, after uint64) iter.Seq2[eventstore.RecordedEvent, error] {
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		for {
			head, next, err := s.watch()
			if err != nil {
				yield(eventstore.RecordedEvent{}, err)
				return
			}
			if head > after {
				var ok bool
				if after, ok = s.follow(ctx, after, head, yield); !ok {
					return
				}
				continue
			}
			select {
			case <-next:
			case <-ctx.Done():
				yield(eventstore.RecordedEvent{}, ctx.Err())
				return
			}
		}
	}
}

// follow yields the log from after to head. It returns the last position
// yielded, and false once it has yielded an error or the caller stopped.
func (s *Store) follow(ctx context.Context, after, head uint64, yield func(eventstore.RecordedEvent, error) bool) (uint64, bool) {
	var d decoder
	// The chunk is reused: yield gets copies of its elements, and their
	// byte slices are never reused.
	chunk := make([]eventstore.RecordedEvent, 0, min(head-after, chunkEvents))
	for after < head {
		if err := ctx.Err(); err != nil {
			yield(eventstore.RecordedEvent{}, err)
			return after, false
		}
		err := s.view(func(tx *bbolt.Tx) error {
			var err error
			chunk, err = readLogChunk(&d, tx.Bucket(bucketLog), after, head, chunk[:0])
			return err
		})
		if err != nil {
			yield(eventstore.RecordedEvent{}, fmt.Errorf("bolt: read log after %d: %w", after, err))
			return after, false
		}
		if len(chunk) == 0 {
			err := fmt.Errorf("bolt: read log after %d: %w: positions up to %d are missing", after, errCorrupt, head)
			yield(eventstore.RecordedEvent{}, err)
			return after, false
		}
		for _, ev := range chunk {
			if !yield(ev, nil) {
				return ev.Position, false
			}
		}
		after = chunk[len(chunk)-1].Position
	}
	return after, true
}

func readLogChunk(d *decoder, log *bbolt.Bucket, after, head uint64, chunk []eventstore.RecordedEvent) ([]eventstore.RecordedEvent, error) {
	size := 0
	c := log.Cursor()
	for k, v := c.Seek(u64(after + 1)); k != nil; k, v = c.Next() {
		pos := binary.BigEndian.Uint64(k)
		if pos > head || len(chunk) == chunkEvents || size >= chunkBytes {
			break
		}
		ev, err := d.decode(pos, v)
		if err != nil {
			return nil, err
		}
		chunk = append(chunk, ev)
		size += len(v)
	}
	return chunk, nil
}
