package bolt

import (
	"context"
	"fmt"
	"io"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the store's file to w, as of the last
// commit when it starts, while appends go on: one bbolt read transaction
// (Tx.WriteTo). size, if not nil, is called with the copy's length before
// the first byte is written. The copy is a bolt file that Open and Verify
// take as it is. Backup stops with ctx.Err() when ctx ends.
func (s *Store) Backup(ctx context.Context, w io.Writer, size func(int64)) (int64, error) {
	var n int64
	err := s.view(func(tx *bbolt.Tx) error {
		return writeSnapshot(ctx, tx, w, size, &n)
	})
	if err != nil {
		return n, fmt.Errorf("bolt: backup: %w", err)
	}
	return n, nil
}

// BackupFile writes a consistent copy of the store file at path, which no
// process may be writing (it waits lockTimeout, zero meaning one second,
// for the lock, then fails with ErrLocked), to w. It opens the file
// read-only; an empty file is ErrEmpty.
func BackupFile(ctx context.Context, path string, lockTimeout time.Duration, w io.Writer, size func(int64)) (int64, error) {
	if lockTimeout <= 0 {
		lockTimeout = time.Second
	}
	db, err := openBolt(path, &bbolt.Options{ReadOnly: true, Timeout: lockTimeout})
	if err != nil {
		return 0, fmt.Errorf("bolt: backup %s: %w", path, err)
	}
	defer db.Close()
	var n int64
	err = guardedView(db, func(tx *bbolt.Tx) error {
		if err := checkSize(tx, path); err != nil {
			return err
		}
		return writeSnapshot(ctx, tx, w, size, &n)
	})
	if err != nil {
		return n, fmt.Errorf("bolt: backup %s: %w", path, err)
	}
	return n, nil
}

func writeSnapshot(ctx context.Context, tx *bbolt.Tx, w io.Writer, size func(int64), n *int64) error {
	if size != nil {
		size(tx.Size())
	}
	var err error
	*n, err = tx.WriteTo(ctxWriter{ctx, w})
	return err
}

// ctxWriter fails its writes once ctx ends.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
