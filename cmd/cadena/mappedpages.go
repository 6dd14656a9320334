package main

import (
	"context"
	"time"
)

// The embedded store reads its file through bbolt's read-only shared
// memory mapping, and every page a read touched stays in the process's
// resident set until the kernel needs the memory: after a full replay of
// the log, the whole file (3.4 GiB of 10M events) is counted as resident
// beside the heap, though it is only the page cache seen through the
// mapping. Dropping those pages from the mapping (madvise MADV_DONTNEED)
// only removes them from this process's page tables: they stay in the page
// cache, and the next read of one faults it back in from there, with the
// file's current contents (the mapping is shared, read-only, and bbolt
// writes the file with pwrite, never through it). The store holds a read
// transaction while the pages are advised, so the mapping cannot be
// unmapped or moved meanwhile (see bolt.Store.Mapped); nothing else may be
// mapped at those addresses then.

// mappedFile is a store whose file is mapped into memory (bolt.Store).
type mappedFile interface {
	Mapped(fn func(addr uintptr, size int64) error) error
}

// mappedPiece is the part of the mapping advised under one read
// transaction: a writer that must remap the file (it grew past the
// mapping) waits at most for one piece.
const mappedPiece = 256 << 20

// dropMappedPages removes the store's mapped file pages from the resident
// set, when the store maps its file and the system can; it returns the
// bytes of the mapping advised.
func dropMappedPages(store any) (int64, error) {
	m, ok := store.(mappedFile)
	if !ok || !canDropMapped {
		return 0, nil
	}
	var advised int64
	for off := int64(0); ; off += mappedPiece {
		done := false
		err := m.Mapped(func(addr uintptr, size int64) error {
			if off >= size {
				done = true
				return nil
			}
			n := min(mappedPiece, size-off)
			advised += n
			return dontNeed(addr+uintptr(off), n)
		})
		if err != nil || done {
			return advised, err
		}
	}
}

// catchUpDropEvery is how often the pages are dropped while the
// projections catch up: a full replay reads the file at about 30 MiB/s,
// so the resident set stays within some tens of MiB of the heap.
const catchUpDropEvery = time.Second

// dropMappedWhileCatchingUp drops the store's mapped pages every interval
// until ctx ends: serve ends it when the projections caught up
// (releaseCatchUpMemory drops the last).
func dropMappedWhileCatchingUp(ctx context.Context, store any, every time.Duration) {
	if _, ok := store.(mappedFile); !ok || !canDropMapped {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := dropMappedPages(store); err != nil {
			return // the store is closing or failed: the runner reports it
		}
	}
}
