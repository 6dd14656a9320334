// Package bolt is an event store in one bbolt file, for a single cadena
// process.
//
// # Basics
//
// Open a file with Open and close it with Store.Close. Store implements
// eventstore.Store and passes eventstore/storetest.
//
// Appends are committed in groups. A single committer goroutine takes
// every append waiting in its queue, decides each in turn (an append sees
// the versions left by the ones before it in the group, and one that is
// rejected leaves the others alone), writes the accepted ones in one
// read-write transaction and syncs the file once. Append returns only
// after the sync that covers its events, so an acknowledged event survives
// a crash of the process. The more writers append at once, the more events
// share an fsync; Options.OnCommit reports the size and duration of each
// commit.
//
// Positions are dense: the first event of a file has position 1 and each
// event the next one, across Close and Open, with no gap. (Other stores
// may leave gaps; code written against eventstore.Store must not count on
// density.) All the events of one commit are recorded with the same time,
// taken from Options.Clock.
//
// The file holds four buckets: log (position to event, written only at
// its end), heads (stream to version and last position), ids (event ID to
// position) and meta. Each event also holds the position of the previous
// event of its stream, and ReadStream follows that chain back from the
// stream's head. The IDs of the last Options.RecentIDs events are kept in
// memory and written to the ids bucket in bulk, which keeps commits small;
// Open reads them back from the log. A store opened with more RecentIDs
// than the default (a bulk load) writes them all to the bucket at Close,
// in two commits: a sample spread over the keys, then every one.
//
// The heads of the streams of the last Options.RecentHeads appends are
// kept in memory the same way and written to the heads bucket in bulk, so
// that a commit of appends to new streams does not rewrite a page of the
// bucket for each: a flush writes the next pending streams in key order
// after a cursor that goes round the key space (with random stream IDs a
// run in key order lies on few pages, where the streams of the oldest
// appends lay on about a page each), and a head pending for twice
// RecentHeads events is written at the next flush wherever the cursor is.
// The meta key "heads-complete" (a big-endian
// position) says up to which position the bucket holds every stream's head
// (or a later one); Open reads the heads of the appends after it back from
// the log. A file written before that key existed has every head in its
// bucket, and its first commit adds the key. Readers take the committed
// heads from memory, with the position they describe, before their read
// transaction, so a read sees every acknowledged append. A cadena built
// before the key existed takes the heads bucket as complete: it must not
// open a file this one wrote (it would miss the newest streams' heads).
//
// Reads copy events out of the file in chunks, each in its own short read
// transaction, and no transaction is open while an iterator yields: a loop
// over ReadStream, ReadAll or Subscribe may append to the store.
//
// # Caveats
//
// One process at a time can open a file: Open waits Options.LockTimeout
// for the lock, then fails with ErrLocked. Within a process, open a file once.
//
// If a commit fails (a full disk, a write or sync error), its appends
// return an error wrapping eventstore.ErrUnavailable and the store goes
// on: reads and subscriptions are not affected, Store.Ready reports that
// the store cannot write, and the next commit tries the disk again, so
// appends succeed again once space is back. A failed commit leaves the
// file as it was, except when only the sync of bbolt's meta page failed:
// then its events are in the file and are kept (a retry of the append is
// idempotent). Only if bbolt itself is left unusable and the file cannot
// be opened again does the store stop taking appends and end its
// subscriptions.
//
// If the ctx of an Append ends before the committer takes the append,
// Append returns ctx.Err() and writes nothing; once taken, Append waits
// for the commit. Appending the same events again is always safe.
//
// An idempotent retry compares the stored events with the new ones byte
// for byte. A retry of part of an earlier append (consecutive events, in
// order) returns the version and position of its last event.
//
// Once Options.RecentIDs IDs are in memory, every RecentIDs/32 events one
// commit also writes the oldest of them to the ids bucket, and takes a
// little longer than the others. IDs from eventstore.NewID are
// time-ordered and land at the end of the bucket, so those commits stay
// small however large the store; random IDs (from elsewhere) land all
// over it and make them slower in a large store. The file never shrinks.
//
// Open refuses a damaged file (truncated, overwritten, not a bolt file)
// with an error wrapping ErrDamaged and leaves it as it is; reads that
// meet damage bbolt did not see at open return such an error too, where
// bbolt itself would panic. Verify checks a file in full. If bbolt panics
// inside its own Open, the lock it took on the file is held until the
// process ends.
//
// The crash test kills a writing process; it shows that acknowledged
// events are committed and the file stays consistent, not what a power
// cut does to a disk that ignores fsync.
package bolt
