package importer

import (
	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

// The settings of an import into the embedded store (cadena import
// --data), a bulk load by the store's only writer. Each is bounded, so
// memory does not grow with the file.
const (
	// BulkBatch is how many commands ImportCSV hands to the service at a
	// time (Options.Batch): two parts of BulkPart, so one is written while
	// the other is prepared, and fewer commands held than DefaultBatch.
	BulkBatch = 2 * BulkPart
	// BulkPart is how many appends one commit takes (api.Options.BatchPart):
	// fewer, larger commits than a server's, each still one transaction
	// and one fsync, while the next part is prepared.
	BulkPart = 16384
	// BulkCommitBytes caps the event bytes of one commit
	// (bolt.Options.MaxBatchBytes); BulkPart appends fit in it.
	BulkCommitBytes = 32 << 20
	// BulkRecentIDs is how many event IDs the store keeps in memory
	// (bolt.Options.RecentIDs, about 70 bytes each) before it writes them
	// to its on-disk ID index; Close writes them there in one go. The IDs
	// of an import are random (derived from idempotency keys), and
	// writing them a few thousand at a time rewrites pages all over the
	// index at every commit.
	BulkRecentIDs = 1 << 21
	// BulkRecentHeads is how many appends the store keeps the stream heads
	// of in memory (bolt.Options.RecentHeads, about 24 bytes an append
	// and 100 a stream) before it writes them to its heads bucket; Close
	// writes them there in one go. An import opens a stream per hand-off,
	// its names spread over the bucket: writing the heads every other
	// commit rewrote pages all over it each time.
	BulkRecentHeads = 1 << 21
	// BulkMmapBytes is the memory map the store starts with
	// (bolt.Options.InitialMmapBytes): address space, not memory.
	BulkMmapBytes = 1 << 30
)

// BulkStore returns o with the settings of a bulk load.
func BulkStore(o bolt.Options) bolt.Options {
	o.MaxBatchBytes, o.RecentIDs, o.RecentHeads, o.InitialMmapBytes = BulkCommitBytes, BulkRecentIDs, BulkRecentHeads, BulkMmapBytes
	return o
}

// BulkService returns o with the settings of a bulk load: the import is
// the store's sole writer (it holds the file lock), so Import decides its
// commands with api.Service.BulkLoad.
func BulkService(o api.Options) api.Options {
	o.BatchPart, o.SoleWriter = BulkPart, true
	return o
}
