package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/cadena-project/cadena/eventstore/bolt"
)

// runVerify handles "cadena verify": check an embedded store's file, or a
// backup, without changing it.
func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("verify", "--data DIR | FILE", stdout)
	data := fs.String("data", "", "directory of the embedded event store to check (its cadena.db)")
	if err := parseFlagsAndArgs(fs, args); err != nil {
		return err
	}
	var path string
	switch {
	case *data != "" && fs.NArg() == 0:
		path = filepath.Join(*data, storeFileName)
	case *data == "" && fs.NArg() == 1:
		path = fs.Arg(0)
	default:
		return usageError{errors.New("give --data DIR or one FILE")}
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("verify: %s is a directory: give a store file (a cadena.db or a backup), or --data DIR", path)
	}
	rep, err := bolt.Verify(path, lockTimeout)
	if errors.Is(err, bolt.ErrLocked) {
		return fmt.Errorf("verify: %w; stop it first, or verify a backup ('cadena backup --server')", storeFileError(err, filepath.Dir(path)))
	}
	if errors.Is(err, bolt.ErrEmpty) {
		return fmt.Errorf("verify: %w: not a store yet, nothing to verify; the file was left as it is", err)
	}
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	if len(rep.Problems) == 0 {
		fmt.Fprintf(stdout, "%s: sound: %d events in %d streams, %d bytes\n", path, rep.Events, rep.Streams, rep.Bytes)
		return nil
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(stdout, "%s: %s\n", path, p)
	}
	more := ""
	if len(rep.Problems) == bolt.MaxProblems {
		more = " (the first ones)"
	}
	return fmt.Errorf("verify: %s: %d problems found%s", path, len(rep.Problems), more)
}
