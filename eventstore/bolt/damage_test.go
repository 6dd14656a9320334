package bolt_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

// soundFile returns the bytes of a closed store holding n events.
func soundFile(t *testing.T, n int) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cadena.db")
	s, err := bolt.Open(path, bolt.Options{})
	require.NoError(t, err)
	for i := range n {
		_, err := s.Append(context.Background(), fmt.Sprintf("s%d", i%50), eventstore.Any,
			event(fmt.Sprintf(`{"n":%d,"pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}`, i)))
		require.NoError(t, err)
	}
	require.NoError(t, s.Close())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

// TestDamagedFiles: Open refuses a damaged file with ErrDamaged, without
// panicking and without changing it, and Verify says what is wrong.
func TestDamagedFiles(t *testing.T) {
	good := soundFile(t, 3000)
	page := 4096
	zeroPage := func(n int) []byte {
		b := append([]byte(nil), good...)
		clear(b[n*page : (n+1)*page])
		return b
	}
	// A bit flipped in the length of one event's data, just before it.
	flipped := append([]byte(nil), good...)
	at := bytes.Index(flipped, []byte(`{"n":1500,`))
	require.Positive(t, at)
	flipped[at-1] ^= 0x80
	tests := []struct {
		name string
		data []byte
	}{
		{"truncated to half", good[:len(good)/2]},
		{"truncated to a quarter", good[:len(good)/4]},
		{"truncated to three pages", good[:3*page]},
		{"truncated inside the meta pages", good[:100]},
		{"not a bolt file", []byte("id,activity,timestamp\n1,a,2026-01-01\n")},
		{"both meta pages zeroed", append(make([]byte, 2*page), good[2*page:]...)},
		{"a page in the middle zeroed", zeroPage(len(good) / page / 2)},
		{"a bit flipped in a record", flipped},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cadena.db")
			require.NoError(t, os.WriteFile(path, tt.data, 0o600))
			s, err := bolt.Open(path, bolt.Options{})
			if err == nil {
				// Some damage is only found by reading: the reads say so.
				var readErr error
				for _, err := range s.ReadAll(context.Background(), 0) {
					if err != nil {
						readErr = err
					}
				}
				require.NoError(t, s.Close())
				err = readErr
			}
			assert.ErrorIs(t, err, bolt.ErrDamaged)
			t.Logf("%v", err)
			after, rerr := os.ReadFile(path)
			require.NoError(t, rerr)
			assert.Equal(t, tt.data, after, "the file was changed")

			rep, err := bolt.Verify(path, 0)
			if err == nil {
				assert.NotEmpty(t, rep.Problems, "Verify found nothing wrong")
				t.Logf("verify: %q", rep.Problems)
			} else {
				assert.ErrorIs(t, err, bolt.ErrDamaged)
				t.Logf("verify: %v", err)
			}
		})
	}
}

func TestVerifySoundFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cadena.db")
	require.NoError(t, os.WriteFile(path, soundFile(t, 500), 0o600))
	rep, err := bolt.Verify(path, 0)
	require.NoError(t, err)
	assert.Empty(t, rep.Problems)
	assert.Equal(t, uint64(500), rep.Events)
	assert.Equal(t, 50, rep.Streams)
}

func TestOpenEmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cadena.db")
	require.NoError(t, os.WriteFile(path, nil, 0o600))
	_, err := bolt.Open(path, bolt.Options{})
	assert.ErrorIs(t, err, bolt.ErrEmpty)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Zero(t, fi.Size())
	s := mustOpen(t, path, bolt.Options{InitEmpty: true})
	_, err = s.Append(context.Background(), "x", eventstore.NoStream, event(`{}`))
	assert.NoError(t, err)
}

// TestVerifyAndBackupEmptyFile: Verify and BackupFile refuse an empty
// file with ErrEmpty, leaving it empty.
func TestVerifyAndBackupEmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cadena.db")
	require.NoError(t, os.WriteFile(path, nil, 0o600))
	_, err := bolt.Verify(path, 0)
	assert.ErrorIs(t, err, bolt.ErrEmpty)
	var out bytes.Buffer
	_, err = bolt.BackupFile(context.Background(), path, 0, &out, nil)
	assert.ErrorIs(t, err, bolt.ErrEmpty)
	assert.Zero(t, out.Len())
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Zero(t, fi.Size(), "the file was changed")
}

// TestBackup copies a store while it takes appends: the copy is a sound
// store holding a prefix of the log, and the copy of a closed file is whole.
func TestBackup(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cadena.db")
	s := mustOpen(t, path, bolt.Options{})
	for i := range 300 {
		_, err := s.Append(context.Background(), fmt.Sprintf("s%d", i%9), eventstore.Any, event(`{"a":1}`))
		require.NoError(t, err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 200 {
			if _, err := s.Append(context.Background(), "live", eventstore.Any, event(`{"b":2}`)); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	copyPath := filepath.Join(t.TempDir(), "backup.db")
	f, err := os.Create(copyPath)
	require.NoError(t, err)
	var announced int64
	n, err := s.Backup(context.Background(), f, func(size int64) { announced = size })
	require.NoError(t, err)
	require.NoError(t, f.Close())
	<-done
	assert.Equal(t, announced, n)
	rep, err := bolt.Verify(copyPath, 0)
	require.NoError(t, err)
	assert.Empty(t, rep.Problems)
	assert.GreaterOrEqual(t, rep.Events, uint64(300))
	assert.LessOrEqual(t, rep.Events, uint64(500))

	_, err = bolt.BackupFile(context.Background(), path, 10*time.Millisecond, io.Discard, nil)
	assert.ErrorIs(t, err, bolt.ErrLocked, "BackupFile of a file in use")
	require.NoError(t, s.Close())
	f, err = os.Create(copyPath)
	require.NoError(t, err)
	_, err = bolt.BackupFile(context.Background(), path, 0, f, nil)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	rep, err = bolt.Verify(copyPath, 0)
	require.NoError(t, err)
	assert.Empty(t, rep.Problems)
	assert.Equal(t, uint64(500), rep.Events)
}
