package api

import (
	"context"
	"errors"
	"io"
)

// BackupFunc writes a consistent snapshot of the event store to w, calling
// size with its length before the first byte; *bolt.Store's Backup is one.
type BackupFunc func(ctx context.Context, w io.Writer, size func(int64)) (int64, error)

// ErrBackupUnsupported is returned by TakeBackup for a store that keeps its
// log itself and is backed up with its own tools (PostgreSQL, KurrentDB).
var ErrBackupUnsupported = errors.New("the event store cannot be copied through the API")

// TakeBackup is the backup use case: it copies the whole event store with
// backup (nil: a store without one) to w, for admins only
// (Actor.MayTakeBackup); anyone else is refused before anything is read.
func TakeBackup(ctx context.Context, a Actor, backup BackupFunc, w io.Writer, size func(int64)) (int64, error) {
	if err := a.MayTakeBackup(); err != nil {
		return 0, err
	}
	if backup == nil {
		return 0, ErrBackupUnsupported
	}
	return backup(ctx, w, size)
}
