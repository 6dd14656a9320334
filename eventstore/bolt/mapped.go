package bolt

import bbolt "go.etcd.io/bbolt"

// Mapped calls fn with the address and length of the part of the file
// that bbolt maps into memory (read-only, shared with the page cache) and
// that a read transaction sees: the file up to its last page. A read
// transaction stays open while fn runs, which holds the mapping in place:
// bbolt unmaps or remaps the file only when no read transaction is open.
// It is for advising the kernel about those pages (madvise); fn must not
// write through the address nor keep it after it returns.
func (s *Store) Mapped(fn func(addr uintptr, size int64) error) error {
	return s.view(func(tx *bbolt.Tx) error {
		return fn(tx.DB().Info().Data, tx.Size())
	})
}
