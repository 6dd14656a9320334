package bolt

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
)

// TestCommitDecidesInOrder hands the committer one batch directly, so the
// appends certainly share a transaction: each sees the ones before it, and
// the rejected ones leave the others alone.
func TestCommitDecidesInOrder(t *testing.T) {
	var stats []CommitStats
	s, err := Open(filepath.Join(t.TempDir(), "events.db"), Options{OnCommit: func(c CommitStats) { stats = append(stats, c) }})
	require.NoError(t, err)
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
	answers := commitDirectly(t, s, batch)
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
	for i, got := range answers {
		assert.Equal(t, want[i].res, got.res, "append %d", i)
		if want[i].err == nil {
			assert.NoError(t, got.err, "append %d", i)
		} else {
			assert.ErrorIs(t, got.err, want[i].err, "append %d", i)
		}
	}
	require.Len(t, stats, 1, "OnCommit calls: want one commit")
	assert.Equal(t, 6, stats[0].Appends, "appends in the commit")
	assert.Equal(t, 4, stats[0].Events, "events in the commit")
	h, err := s.Head(context.Background())
	require.NoError(t, err)
	assert.Equal(t, uint64(4), h, "Head")
}

// TestCommitWithNothingToWrite does not sync when every append of a batch
// is rejected or a retry.
func TestCommitWithNothingToWrite(t *testing.T) {
	commits := 0
	s, err := Open(filepath.Join(t.TempDir(), "events.db"), Options{OnCommit: func(CommitStats) { commits++ }})
	require.NoError(t, err)
	defer s.Close()
	e := eventstore.EventData{ID: eventstore.NewID(), Type: "t.v1", Data: []byte(`{}`)}
	_, err = s.Append(context.Background(), "x", eventstore.NoStream, e)
	require.NoError(t, err)
	batch := []*request{
		newRequest("x", eventstore.NoStream, []eventstore.EventData{e}),
		newRequest("x", eventstore.Exact(5), []eventstore.EventData{{ID: eventstore.NewID(), Type: "t.v1", Data: []byte(`{}`)}}),
	}
	answers := commitDirectly(t, s, batch)
	retry := answers[0]
	require.NoError(t, retry.err, "retry")
	assert.Equal(t, eventstore.AppendResult{Version: 1, Position: 1}, retry.res, "retry")
	assert.ErrorIs(t, answers[1].err, eventstore.ErrWrongVersion)
	assert.Equal(t, 1, commits, "commits: want the first append's only")
}

// commitDirectly hands batch to s's commit function, as its queue would,
// and returns the answers.
func commitDirectly(t *testing.T, s *Store, batch []*request) []outcome {
	t.Helper()
	q := newQueue(0, 0)
	require.NoError(t, q.Put(batch...))
	taken := q.Take()
	require.Len(t, taken, len(batch), "one batch")
	s.commit(taken)
	answers, err := q.WaitAll(context.Background(), batch)
	require.NoError(t, err)
	return answers
}
