package bolt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"runtime/debug"

	bbolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Errors of Open, wrapped with the path and what is wrong; test them with
// errors.Is.
var (
	// ErrLocked is returned when another process holds the file (or this
	// one holds it through another Store) past the lock timeout.
	ErrLocked = errors.New("the file is in use by another process")
	// ErrEmpty is returned when the file exists but is empty, unless
	// Options.InitEmpty is set.
	ErrEmpty = errors.New("the file exists but is empty")
	// ErrDamaged is returned when the file is not a store cadena can
	// read: truncated, overwritten, not a bolt file, or holding records
	// cadena did not write. Open changes nothing in such a file; Verify
	// says more.
	ErrDamaged = errors.New("damaged store file")
)

// bbolt trusts its file: a truncated or overwritten one makes it panic or
// fault (reading a page past the end of the mapping) rather than return an
// error. Open and every read go through guard, which turns both into an
// error wrapping ErrDamaged.

// guard runs fn, turning a panic or a memory fault inside it into an
// error wrapping ErrDamaged.
func guard(fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: bbolt: %v", ErrDamaged, r)
		}
	}()
	return fn()
}

// guardedView runs fn in a read transaction of db, under guard.
func guardedView(db *bbolt.DB, fn func(*bbolt.Tx) error) error {
	return guard(func() error { return db.View(fn) })
}

// openFile opens the bbolt file of s and checks that it is whole, then
// creates the buckets of a new file. A damaged file is only read.
func (s *Store) openFile() (*bbolt.DB, error) {
	if fi, err := os.Stat(s.path); err == nil && fi.Mode().IsRegular() && fi.Size() == 0 && !s.initEmpty {
		return nil, fmt.Errorf("bolt: open %s: %w", s.path, ErrEmpty)
	}
	db, err := openBolt(s.path, s.bopts)
	if err != nil {
		return nil, fmt.Errorf("bolt: open %s: %w", s.path, err)
	}
	var missing bool
	err = guardedView(db, func(tx *bbolt.Tx) error {
		if err := checkSize(tx, s.path); err != nil {
			return err
		}
		for _, name := range [][]byte{bucketLog, bucketHeads, bucketIDs, bucketMeta} {
			if tx.Bucket(name) == nil {
				missing = true
			}
		}
		return nil
	})
	if err == nil && missing {
		err = guard(func() error {
			return db.Update(func(tx *bbolt.Tx) error {
				for _, name := range [][]byte{bucketLog, bucketHeads, bucketIDs, bucketMeta} {
					if _, err := tx.CreateBucketIfNotExists(name); err != nil {
						return err
					}
				}
				return nil
			})
		})
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("bolt: open %s: %w", s.path, err)
	}
	return db, nil
}

// openBolt opens a bbolt file, with its errors and panics on a damaged
// file wrapping ErrDamaged. After a panic it closes the file itself, which
// releases the lock bbolt took. Opened read-only, an empty file is
// ErrEmpty: bbolt would try to write a new file's pages into it and fail.
func openBolt(path string, opts *bbolt.Options) (*bbolt.DB, error) {
	if fi, err := os.Stat(path); opts.ReadOnly && err == nil && fi.Mode().IsRegular() && fi.Size() == 0 {
		return nil, ErrEmpty
	}
	if err := checkMeta(path); err != nil {
		return nil, err
	}
	var file *os.File
	o := *opts
	o.OpenFile = func(name string, flag int, perm os.FileMode) (*os.File, error) {
		f, err := os.OpenFile(name, flag, perm)
		file = f
		return f, err
	}
	var db *bbolt.DB
	err := guard(func() error {
		var err error
		db, err = bbolt.Open(path, 0o600, &o)
		return err
	})
	switch {
	case errors.Is(err, ErrDamaged):
		if file != nil {
			file.Close()
		}
		return nil, err
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, fmt.Errorf("%w (waited %s for its lock)", ErrLocked, opts.Timeout)
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrVersionMismatch), errors.Is(err, bolterrors.ErrChecksum):
		return nil, fmt.Errorf("%w: not a bolt file, or both its meta pages are damaged (%w)", ErrDamaged, err)
	case err != nil && !errors.As(err, new(*os.PathError)):
		// bbolt's other errors on open are about the file's contents
		// ("file size too small", a bad page size).
		return nil, fmt.Errorf("%w: %w", ErrDamaged, err)
	}
	return db, err
}

// checkSize fails when the file is shorter than its meta page says.
func checkSize(tx *bbolt.Tx, path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if tx.Size() > fi.Size() {
		return fmt.Errorf("%w: truncated: bbolt's meta page says %d bytes, the file has %d", ErrDamaged, tx.Size(), fi.Size())
	}
	return nil
}

// bbolt's meta page, as it lies in the first two pages of the file: a
// 16-byte page header, then magic, version, page size and flags (uint32
// each), the root bucket (root page, sequence), the freelist page, the
// high-water page, the transaction ID and an FNV-64a checksum of what
// precedes it (uint64 each), all in the machine's byte order (little
// endian on the platforms cadena runs on).
const (
	metaMagic      = 0xED0CDAED
	metaVersion    = 2
	pageHeaderLen  = 16
	metaLen        = 4*4 + 8*2 + 8*4
	metaPageSizeAt = pageHeaderLen + 8
)

// checkMeta reads the meta pages of the file at path before bbolt maps it:
// bbolt would panic, holding the file's lock until the process ends, on a
// file shorter than its meta page says. It returns nil for a file with
// no valid meta page, which bbolt then refuses with an error of its own.
func checkMeta(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	head := make([]byte, metaPageSizeAt+4)
	if _, err := f.ReadAt(head, 0); err != nil {
		return nil // too short for a meta page: bbolt says so
	}
	pageSize := int64(binary.LittleEndian.Uint32(head[metaPageSizeAt:]))
	if pageSize < 512 || pageSize > 1<<20 {
		return nil
	}
	var best struct{ txid, size uint64 }
	found := false
	for i := range int64(2) {
		m := make([]byte, metaLen)
		if _, err := f.ReadAt(m, i*pageSize+pageHeaderLen); err != nil {
			continue
		}
		h := fnv.New64a()
		h.Write(m[:metaLen-8])
		le := binary.LittleEndian
		if le.Uint32(m) != metaMagic || le.Uint32(m[4:]) != metaVersion || h.Sum64() != le.Uint64(m[metaLen-8:]) {
			continue
		}
		pgid, txid := le.Uint64(m[40:]), le.Uint64(m[48:])
		if !found || txid > best.txid {
			best.txid, best.size, found = txid, pgid*uint64(pageSize), true
		}
	}
	if found && best.size > uint64(fi.Size()) {
		return fmt.Errorf("%w: truncated: bbolt's meta page says %d bytes, the file has %d", ErrDamaged, best.size, fi.Size())
	}
	return nil
}
