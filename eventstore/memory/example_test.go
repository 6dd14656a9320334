package memory_test

import (
	"context"
	"fmt"
	"log"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/memory"
)

func ExampleNew() {
	s := memory.New(memory.Options{})
	defer s.Close()
	ctx := context.Background()
	for i := range 2 {
		e := eventstore.EventData{ID: eventstore.NewID(), Type: "note.added.v1", Data: fmt.Appendf(nil, `{"n":%d}`, i)}
		if _, err := s.Append(ctx, "notes", eventstore.Exact(uint64(i)), e); err != nil {
			log.Fatal(err)
		}
	}
	for ev, err := range s.ReadAll(ctx, 0) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ev.Position, ev.StreamID, ev.Version, string(ev.Data))
	}
	// Output:
	// 1 notes 1 {"n":0}
	// 2 notes 2 {"n":1}
}
