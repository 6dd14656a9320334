package bolt_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

func ExampleOpen() {
	dir, err := os.MkdirTemp("", "bolt-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	clock := func() time.Time { return time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC) }
	s, err := bolt.Open(filepath.Join(dir, "events.db"), bolt.Options{Clock: clock})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	ctx := context.Background()
	requested := eventstore.EventData{
		ID:   "0f8fad5b-d9cb-469f-a165-70867728950e",
		Type: "handoff.requested.v1",
		Data: []byte(`{"from":"triage","to":"radiology"}`),
	}
	res, err := s.Append(ctx, "handoff-1", eventstore.NoStream, requested)
	fmt.Println(res, err)

	// The same event again is a retry: nothing is appended.
	res, err = s.Append(ctx, "handoff-1", eventstore.NoStream, requested)
	fmt.Println(res, err)

	// Another event expecting version 0 is a conflict.
	accepted := eventstore.EventData{ID: eventstore.NewID(), Type: "handoff.accepted.v1", Data: []byte(`{}`)}
	_, err = s.Append(ctx, "handoff-1", eventstore.NoStream, accepted)
	fmt.Println(errors.Is(err, eventstore.ErrWrongVersion))

	for ev, err := range s.ReadStream(ctx, "handoff-1", 0) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ev.Version, ev.Position, ev.Type, ev.RecordedAt.Format(time.RFC3339), string(ev.Data))
	}
	// Output:
	// {1 1} <nil>
	// {1 1} <nil>
	// true
	// 1 1 handoff.requested.v1 2026-11-22T09:00:00Z {"from":"triage","to":"radiology"}
}

func ExampleStore_Subscribe() {
	dir, err := os.MkdirTemp("", "bolt-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	s, err := bolt.Open(filepath.Join(dir, "events.db"), bolt.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for i := range 3 {
			e := eventstore.EventData{ID: eventstore.NewID(), Type: "tick.v1", Data: fmt.Appendf(nil, `{"i":%d}`, i)}
			if _, err := s.Append(ctx, "ticks", eventstore.Exact(uint64(i)), e); err != nil {
				log.Print(err)
			}
		}
	}()

	// Follow the log from the start; a checkpoint would be the last
	// position handled.
	for ev, err := range s.Subscribe(ctx, 0) {
		if err != nil {
			fmt.Println(err)
			break
		}
		fmt.Println(ev.Position, string(ev.Data))
		if ev.Position == 3 {
			cancel()
		}
	}
	// Output:
	// 1 {"i":0}
	// 2 {"i":1}
	// 3 {"i":2}
	// context canceled
}
