package projections

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Snapshots: the runner saves the state of its handlers, all at one
// position, to one file, and loads it at start, so that only the tail of
// the log after that position is replayed. See the README's "Snapshots of
// the read models" for the reasons.
//
// The file is:
//
//	magic "cadena-snapshot\n", format version, fingerprint,
//	position, ID of the event at that position, ID of the first event,
//	the runner's hand-offs: its table of shared values (pack.go), every
//	hand-off's ID and packed state (empty while open) in the order of
//	their numbers, as chunks of records, then the open states,
//	number of handlers, then for each: its name and its state,
//	CRC-32C (Castagnoli) of everything before, 4 bytes big-endian.
//
// A file of another format version or fingerprint, of another log (the
// first event or the event at its position differ, or the log ends
// before), or whose checksum or data do not hold, is ignored with a log
// line and the whole log replayed.

// Snapshotter is a Handler whose state the runner can save and load.
type Snapshotter interface {
	Handler
	// SnapshotName names the handler and the version of its encoding, such
	// as "pairstats/1": a snapshot whose names differ is not loaded.
	SnapshotName() string
	// SaveSnapshot writes the state. The runner calls it between two
	// Applies; queries may run meanwhile.
	SaveSnapshot(e *Encoder)
	// LoadSnapshot reads a state that SaveSnapshot wrote at position pos
	// and returns the function that installs it; the runner calls it only
	// once every handler's state and the checksum have been read without
	// error, before the first Apply.
	LoadSnapshot(d *Decoder, pos uint64) (install func())
}

// SnapshotConfig configures the snapshots of a Runner.
type SnapshotConfig struct {
	// Path is the snapshot file; a temporary file beside it is written,
	// synced and renamed over it.
	Path string
	// Fingerprint is what the state depends on beyond the log: the fold
	// version (FoldVersion) and the options of the read models (time zone,
	// policy). A snapshot written under another fingerprint is ignored.
	Fingerprint string
	// Every is the number of events applied after which a snapshot is
	// written; 0 never by count.
	Every uint64
	// Interval is the time after which a snapshot is written if an event
	// was applied since the last one; 0 never by time.
	Interval time.Duration
	// ReloadAfter: when the first Run replayed at least this many events
	// from the start of the log (no snapshot, or one that was ignored),
	// the runner writes the snapshot as it catches up and loads its
	// handlers' state back from it before it reports caught up, to hold
	// the state in the memory of a loaded one (runner_reload.go); 0 never.
	ReloadAfter uint64
}

// snapshotFormat is the version of the file layout and of the codec.
const snapshotFormat = 3

// FoldVersion is the version of what the read models fold from the log
// and of how they encode it in a snapshot: the runner's hand-off states
// (domain's evolve, pack.go), every read model's Apply and its
// SaveSnapshot and LoadSnapshot. A snapshot taken under another fold
// version is not loaded (cadena serve puts it in the fingerprint), so a
// new binary whose fold is the same loads the snapshot an older one
// wrote, and one whose fold changed replays the log once.
//
// Bump it with every change that makes the read models hold another
// state for the same log, or write it otherwise. A test guards it: it
// folds a fixed generated log through every read model and compares the
// digest of their snapshot with the one recorded for this version
// (cmd/cadena/testdata/foldversion.golden); when they differ it fails
// until FoldVersion is bumped and the new digest recorded with -update.
const FoldVersion = 2

const snapshotMagic = "cadena-snapshot\n"

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// snapshotHeader is what a snapshot says of itself.
type snapshotHeader struct {
	format      uint64
	fingerprint string
	position    uint64
	lastID      string
	firstID     string
	names       []string
}

// errIgnored wraps the reasons a snapshot is not loaded.
var errIgnored = errors.New("snapshot ignored")

// pendingSnapshot is a snapshot written to a temporary file beside its
// path, not committed yet: commit syncs it and renames it over the path,
// discard removes it.
type pendingSnapshot struct {
	f    *os.File
	path string
}

// tmp is the temporary file's name, readable before the commit.
func (p pendingSnapshot) tmp() string { return p.f.Name() }

func (p pendingSnapshot) commit() error {
	f := p.f
	if err := f.Sync(); err != nil {
		p.discard()
		return fmt.Errorf("syncing the snapshot: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("closing the snapshot: %w", err)
	}
	if err := os.Rename(f.Name(), p.path); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("renaming the snapshot: %w", err)
	}
	if d, err := os.Open(filepath.Dir(p.path)); err == nil {
		_ = d.Sync() // the rename is durable once the directory is
		d.Close()
	}
	return nil
}

// discard removes the temporary file: the snapshot at path, if any, stays
// what it was.
func (p pendingSnapshot) discard() {
	p.f.Close()
	os.Remove(p.f.Name())
}

// writeSnapshot encodes the handlers' states at h.position into a new
// temporary file beside path; the caller commits or discards it, and may
// read it before.
func writeSnapshot(path string, h snapshotHeader, states *handoffStates, handlers []Snapshotter) (pendingSnapshot, error) {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return pendingSnapshot{}, fmt.Errorf("creating the snapshot: %w", err)
	}
	p := pendingSnapshot{f: f, path: path}
	crc := crc32.New(castagnoli)
	e := newEncoder(io.MultiWriter(f, crc))
	e.write([]byte(snapshotMagic))
	e.Uint(snapshotFormat)
	e.String(h.fingerprint)
	e.Uint(h.position)
	e.String(h.lastID)
	e.String(h.firstID)
	states.save(e)
	e.Uint(uint64(len(handlers)))
	for _, s := range handlers {
		e.String(s.SnapshotName())
		s.SaveSnapshot(e)
	}
	if err := e.flush(); err != nil {
		p.discard()
		return pendingSnapshot{}, fmt.Errorf("writing the snapshot: %w", err)
	}
	if _, err := f.Write(crc.Sum(nil)); err != nil {
		p.discard()
		return pendingSnapshot{}, fmt.Errorf("writing the snapshot: %w", err)
	}
	return p, nil
}

// verifySnapshot checks the checksum of the file at path.
func verifySnapshot(f *os.File) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if st.Size() < int64(len(snapshotMagic))+4 {
		return fmt.Errorf("%w: too short (%d bytes)", errIgnored, st.Size())
	}
	crc := crc32.New(castagnoli)
	if _, err := io.CopyN(crc, f, st.Size()-4); err != nil {
		return fmt.Errorf("reading the snapshot: %w", err)
	}
	var sum [4]byte
	if _, err := io.ReadFull(f, sum[:]); err != nil {
		return fmt.Errorf("reading the snapshot: %w", err)
	}
	if string(crc.Sum(nil)) != string(sum[:]) {
		return fmt.Errorf("%w: checksum mismatch (a corrupt or truncated file)", errIgnored)
	}
	_, err = f.Seek(0, io.SeekStart)
	return err
}

// identity is what the log says of a snapshot's position.
type identity func(ctx context.Context, pos uint64) (firstID, idAt string, err error)

// readSnapshot loads the snapshot at path into the handlers, if it was
// written with fingerprint by handlers of the same names and matches the
// log (check). It returns the header of the snapshot loaded; an error
// wrapping errIgnored says why a snapshot was not, any other that it could
// not be read.
func readSnapshot(ctx context.Context, path, fingerprint string, states *handoffStates, handlers []Snapshotter, check identity) (snapshotHeader, error) {
	var h snapshotHeader
	f, err := os.Open(path)
	if err != nil {
		return h, err
	}
	defer f.Close()
	if err := verifySnapshot(f); err != nil {
		return h, err
	}
	d := newDecoder(f)
	if magic := d.raw(len(snapshotMagic)); string(magic) != snapshotMagic {
		return h, fmt.Errorf("%w: not a snapshot file", errIgnored)
	}
	h.format = d.Uint()
	if h.format != snapshotFormat {
		return h, fmt.Errorf("%w: format %d, want %d", errIgnored, h.format, snapshotFormat)
	}
	h.fingerprint = d.String()
	if h.fingerprint != fingerprint {
		return h, fmt.Errorf("%w: written by %q, this is %q", errIgnored, h.fingerprint, fingerprint)
	}
	h.position, h.lastID, h.firstID = d.Uint(), d.String(), d.String()
	if d.err != nil {
		return h, fmt.Errorf("%w: %w", errIgnored, d.err)
	}
	firstID, idAt, err := check(ctx, h.position)
	if err != nil {
		return h, err
	}
	if firstID != h.firstID || idAt != h.lastID {
		return h, fmt.Errorf("%w: written for another log (its first event or the event at position %d differ)", errIgnored, h.position)
	}
	shared := loadHandoffStates(d)
	n := d.Len(len(handlers) + 1)
	if d.err != nil {
		return h, fmt.Errorf("%w: %w", errIgnored, d.err)
	}
	if n != len(handlers) {
		return h, fmt.Errorf("%w: %d read models, want %d", errIgnored, n, len(handlers))
	}
	installs := make([]func(), len(handlers))
	for i, s := range handlers {
		name := d.String()
		if name != s.SnapshotName() {
			return h, fmt.Errorf("%w: read model %q, want %q", errIgnored, name, s.SnapshotName())
		}
		h.names = append(h.names, name)
		installs[i] = s.LoadSnapshot(d, h.position)
		if d.err != nil {
			return h, fmt.Errorf("%w: reading %s: %w", errIgnored, name, d.err)
		}
	}
	for _, install := range installs {
		install()
	}
	*states = shared
	return h, nil
}
