package bolt

import (
	"encoding/binary"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// Report is what Verify found in a file.
type Report struct {
	Events  uint64 // events in the log
	Streams int    // streams in the log
	Bytes   int64  // size of the data, as bbolt's meta page says
	// Problems lists what is wrong, at most MaxProblems of them; empty
	// for a sound file.
	Problems []string
}

// MaxProblems bounds Report.Problems.
const MaxProblems = 50

func (r *Report) problem(format string, args ...any) bool {
	if len(r.Problems) < MaxProblems {
		r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
	}
	return len(r.Problems) < MaxProblems
}

// Verify checks the store file at path without changing it: bbolt's
// consistency check (Tx.Check: every page reachable once, none both free
// and in use), then cadena's own: the four buckets, log positions dense
// from 1, every record decodes, every stream's chain of events matches its
// head, every indexed ID points at its event. It opens the file read-only
// and waits lockTimeout (zero: one second) for a process that holds it; the error is about
// opening the file (ErrDamaged when bbolt cannot read it at all, ErrEmpty
// when it is empty), the
// Report about its contents.
func Verify(path string, lockTimeout time.Duration) (Report, error) {
	var r Report
	if lockTimeout <= 0 {
		lockTimeout = time.Second
	}
	db, err := openBolt(path, &bbolt.Options{ReadOnly: true, Timeout: lockTimeout})
	if err != nil {
		return r, fmt.Errorf("bolt: verify %s: %w", path, err)
	}
	defer db.Close()
	err = guardedView(db, func(tx *bbolt.Tx) error {
		r.Bytes = tx.Size()
		if err := checkSize(tx, path); err != nil {
			r.problem("%v", err)
			return nil // the pages past the end cannot be read
		}
		for err := range tx.Check() {
			if !r.problem("bbolt: %v", err) {
				break
			}
		}
		if len(r.Problems) > 0 {
			return nil // cadena's checks would read damaged pages
		}
		verifyRecords(tx, &r)
		return nil
	})
	if err != nil {
		r.problem("%v", err)
	}
	return r, nil
}

// verifyRecords runs cadena's checks on a file bbolt finds sound.
func verifyRecords(tx *bbolt.Tx, r *Report) {
	buckets := map[string]*bbolt.Bucket{}
	for _, name := range [][]byte{bucketLog, bucketHeads, bucketIDs, bucketMeta} {
		if buckets[string(name)] = tx.Bucket(name); buckets[string(name)] == nil {
			r.problem("no %s bucket: not a cadena store", name)
		}
	}
	if len(r.Problems) > 0 {
		return
	}
	// The heads bucket is complete up to the position keyHeads records
	// (all of the log without it); the heads of later appends may be
	// missing or older than the log's, down to the stream's head as of
	// that position.
	complete := ^uint64(0)
	if v := buckets["meta"].Get(keyHeads); v != nil {
		if len(v) != 8 {
			r.problem("meta: %s holds %d bytes", keyHeads, len(v))
		} else {
			complete = binary.BigEndian.Uint64(v)
		}
	}
	var d decoder
	seen := map[string]streamHeadAt{}
	atComplete := map[string]streamHeadAt{} // streams appended to after complete: their head as of it
	streamsAtComplete := 0
	c := buckets["log"].Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(k) != 8 {
			r.problem("log: a key of %d bytes", len(k))
			continue
		}
		pos := binary.BigEndian.Uint64(k)
		r.Events++
		if pos != r.Events {
			if !r.problem("log: position %d follows %d (positions must be dense from 1)", pos, r.Events-1) {
				return
			}
			r.Events = pos
		}
		ev, err := d.decode(pos, v)
		if err != nil {
			if !r.problem("log: %v", err) {
				return
			}
			continue
		}
		h := seen[ev.StreamID]
		if ev.Version != h.version+1 || recordPrev(v) != h.last {
			if !r.problem("log: position %d is version %d of %q after version %d at position %d (previous position recorded: %d)",
				pos, ev.Version, ev.StreamID, h.version, h.last, recordPrev(v)) {
				return
			}
		}
		if pos > complete {
			if _, ok := atComplete[ev.StreamID]; !ok {
				atComplete[ev.StreamID] = h
			}
		}
		seen[ev.StreamID] = streamHeadAt{ev.Version, pos}
		if pos <= complete {
			streamsAtComplete = len(seen)
		}
	}
	r.Streams = len(seen)
	if complete > r.Events && complete != ^uint64(0) {
		r.problem("meta: the heads bucket is complete up to position %d, after the end of the log at %d", complete, r.Events)
	}
	heads := 0 // of the streams that have events up to complete
	_ = buckets["heads"].ForEach(func(k, v []byte) error {
		final := seen[string(k)]
		base, appended := atComplete[string(k)]
		if !appended {
			base = final
		}
		if base.version > 0 {
			heads++
		}
		got := bucketHead(buckets["heads"], string(k))
		if len(v) != 16 || final.version == 0 || !validHead(buckets["log"], string(k), got, base, final) {
			r.problem("heads: %q is at version %d, position %d; the log says version %d, position %d", k, got.version, got.last, final.version, final.last)
		}
		return nil
	})
	if heads != streamsAtComplete {
		r.problem("heads: %d streams, the log has %d", heads, streamsAtComplete)
	}
	_ = buckets["ids"].ForEach(func(k, v []byte) error {
		if len(k) != 16 || len(v) != 8 {
			r.problem("ids: an entry of %d and %d bytes", len(k), len(v))
			return nil
		}
		pos := binary.BigEndian.Uint64(v)
		rec := buckets["log"].Get(v)
		if len(rec) < recordHeaderLen || [16]byte(rec[recordFixedLen:recordHeaderLen]) != [16]byte(k) {
			r.problem("ids: %x points at position %d, which holds another event", k, pos)
		}
		return nil
	})
}

// validHead reports whether got, a stream's head in the heads bucket, is
// its final head or one between base (its head as of the position the
// bucket is complete up to) and the final one: an event of the stream at
// that version and position.
func validHead(log *bbolt.Bucket, stream string, got, base, final streamHeadAt) bool {
	switch {
	case got == final:
		return true
	case got.version < base.version || got.version >= final.version || got.version == 0:
		return false
	}
	rec := log.Get(u64(got.last))
	name, ok := recordStream(rec)
	return ok && recordVersion(rec) == got.version && string(name) == stream
}
