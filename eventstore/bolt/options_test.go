package bolt_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

func TestClock(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("CET", 3600))
	s := mustOpen(t, filepath.Join(t.TempDir(), "events.db"), bolt.Options{Clock: func() time.Time { return at }})
	e := eventstore.EventData{ID: eventstore.NewID(), Type: "t.v1", Data: []byte(`{}`)}
	if _, err := s.Append(context.Background(), "x", eventstore.NoStream, e); err != nil {
		t.Fatal(err)
	}
	for ev, err := range s.ReadStream(context.Background(), "x", 0) {
		if err != nil {
			t.Fatal(err)
		}
		if !ev.RecordedAt.Equal(at) || ev.RecordedAt.Location() != time.UTC {
			t.Fatalf("RecordedAt = %v, want %v in UTC", ev.RecordedAt, at)
		}
	}
}

func TestAppendWithEndedContext(t *testing.T) {
	s := mustOpen(t, filepath.Join(t.TempDir(), "events.db"), bolt.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := eventstore.EventData{ID: eventstore.NewID(), Type: "t.v1", Data: []byte(`{}`)}
	if _, err := s.Append(ctx, "x", eventstore.NoStream, e); !errors.Is(err, context.Canceled) {
		t.Fatalf("Append = %v, want context.Canceled", err)
	}
	if h, _ := s.Head(context.Background()); h != 0 {
		t.Fatalf("Head = %d, want 0", h)
	}
}

func TestOpenLockedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	mustOpen(t, path, bolt.Options{})
	s, err := bolt.Open(path, bolt.Options{LockTimeout: 10 * time.Millisecond})
	if err == nil {
		s.Close()
		t.Fatal("a second Open of the same file succeeded")
	}
	if !errors.Is(err, bolt.ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	if _, err := bolt.Verify(path, 10*time.Millisecond); !errors.Is(err, bolt.ErrLocked) {
		t.Fatalf("Verify of a held file: %v, want ErrLocked", err)
	}
}
