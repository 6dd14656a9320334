package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cadena-project/cadena/eventstore/bolt"
)

// storeFileName is the embedded store's file in a data directory.
const storeFileName = "cadena.db"

// openBoltStore opens the embedded store in the data directory dir,
// creating the directory if needed, with errors that tell the operator
// what to do.
func openBoltStore(dir string, opts bolt.Options) (*bolt.Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("creating the data directory: %w", err)
	}
	s, err := bolt.Open(filepath.Join(dir, storeFileName), opts)
	return s, storeFileError(err, dir)
}

// storeFileError adds to an error of the embedded store in dir what the
// operator can do about it.
func storeFileError(err error, dir string) error {
	switch {
	case errors.Is(err, bolt.ErrDamaged):
		return fmt.Errorf("%w; the file was left as it is ('cadena verify --data %s' says more)", err, dir)
	}
	return err
}
