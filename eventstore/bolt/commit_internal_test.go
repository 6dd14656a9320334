package bolt

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/cadena-project/cadena/eventstore"
)

// TestCommitDecidesInOrder hands the committer one batch directly, so the
// appends certainly share a transaction: each sees the ones before it, and
// the rejected ones leave the others alone.
func TestCommitDecidesInOrder(t *testing.T) {
	var stats []CommitStats
	s, err := Open(filepath.Join(t.TempDir(), "events.db"), Options{OnCommit: func(c CommitStats) { stats = append(stats, c) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ev := func(data string) eventstore.EventData {
		return eventstore.EventData{ID: eventstore.NewID(), Type: "t.v1", Data: []byte(data)}
	}
	a, b := ev(`1`), ev(`2`)
	changed := a
	changed.Data = []byte(`"changed"`)
	batch := []*request{
		newRequest("x", eventstore.NoStream, []eventstore.EventData{a, b}),    // ok: x at 2
		newRequest("x", eventstore.NoStream, []eventstore.EventData{ev(`3`)}), // x is at 2 now
		newRequest("x", eventstore.Exact(2), []eventstore.EventData{ev(`4`)}), // ok: x at 3
		newRequest("x", eventstore.NoStream, []eventstore.EventData{a, b}),    // retry of the first
		newRequest("y", eventstore.Any, []eventstore.EventData{changed}),      // a, another payload
		newRequest("y", eventstore.Any, []eventstore.EventData{ev(`5`)}),      // ok: y at 1
	}
	s.commit(batch)
	want := []struct {
		res eventstore.AppendResult
		err error
	}{
		{eventstore.AppendResult{Version: 2, Position: 2}, nil},
		{eventstore.AppendResult{}, eventstore.ErrWrongVersion},
		{eventstore.AppendResult{Version: 3, Position: 3}, nil},
		{eventstore.AppendResult{Version: 2, Position: 2}, nil},
		{eventstore.AppendResult{}, eventstore.ErrDuplicateID},
		{eventstore.AppendResult{Version: 1, Position: 4}, nil},
	}
	for i, req := range batch {
		got := <-req.done
		if got.res != want[i].res || !errors.Is(got.err, want[i].err) || (want[i].err == nil) != (got.err == nil) {
			t.Errorf("append %d = %+v, %v; want %+v, %v", i, got.res, got.err, want[i].res, want[i].err)
		}
	}
	if len(stats) != 1 || stats[0].Appends != 6 || stats[0].Events != 4 {
		t.Fatalf("OnCommit got %+v, want one commit of 6 appends and 4 events", stats)
	}
	if h, _ := s.Head(context.Background()); h != 4 {
		t.Fatalf("Head = %d, want 4", h)
	}
}

// TestCommitWithNothingToWrite does not sync when every append of a batch
// is rejected or a retry.
func TestCommitWithNothingToWrite(t *testing.T) {
	commits := 0
	s, err := Open(filepath.Join(t.TempDir(), "events.db"), Options{OnCommit: func(CommitStats) { commits++ }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e := eventstore.EventData{ID: eventstore.NewID(), Type: "t.v1", Data: []byte(`{}`)}
	if _, err := s.Append(context.Background(), "x", eventstore.NoStream, e); err != nil {
		t.Fatal(err)
	}
	batch := []*request{
		newRequest("x", eventstore.NoStream, []eventstore.EventData{e}),
		newRequest("x", eventstore.Exact(5), []eventstore.EventData{{ID: eventstore.NewID(), Type: "t.v1", Data: []byte(`{}`)}}),
	}
	s.commit(batch)
	if o := <-batch[0].done; o.err != nil || o.res.Position != 1 {
		t.Fatalf("retry = %+v", o)
	}
	if o := <-batch[1].done; !errors.Is(o.err, eventstore.ErrWrongVersion) {
		t.Fatalf("wrong version = %+v", o)
	}
	if commits != 1 {
		t.Fatalf("%d commits, want 1 (the first append only)", commits)
	}
}
