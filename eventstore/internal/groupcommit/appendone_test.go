package groupcommit_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/internal/groupcommit"
)

// A batch of one append is committed and answered as a lone Append is:
// with the zero Member, which no refusal blocks; an invalid one is
// answered with its error and never queued.
func TestAppendBatchOfOne(t *testing.T) {
	q := newQueue(groupcommit.Options{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		q.Run(func(batch []*req) {
			for _, r := range batch {
				r.Answer("committed " + r.name)
			}
		})
	}()
	t.Cleanup(func() { q.Stop(errors.New("stopped")); <-done })

	var members []groupcommit.Member
	newReq := func(a eventstore.StreamAppend, m groupcommit.Member) *req {
		members = append(members, m)
		return &req{name: a.Stream}
	}
	var answers []string
	result := func(v string) eventstore.BatchResult {
		answers = append(answers, v)
		return eventstore.BatchResult{AppendResult: eventstore.AppendResult{Version: 1}}
	}
	ev := eventstore.EventData{ID: eventstore.NewID(), Type: "t", Data: []byte(`{}`)}
	out, err := groupcommit.AppendBatch(context.Background(), q, "test", []eventstore.StreamAppend{
		{Stream: "s-1", Expected: eventstore.Any, Events: []eventstore.EventData{ev}}}, newReq, result)
	require.NoError(t, err)
	require.Len(t, out, 1)
	assert.NoError(t, out[0].Err)
	assert.Equal(t, uint64(1), out[0].Version)
	assert.Equal(t, []string{"committed s-1"}, answers)
	require.Len(t, members, 1)
	members[0].Reject("s-1")
	assert.False(t, members[0].Blocked("s-1"), "a lone append's refusal concerns no other")

	out, err = groupcommit.AppendBatch(context.Background(), q, "test", []eventstore.StreamAppend{{Stream: "s-2", Expected: eventstore.Any}}, newReq, result)
	require.NoError(t, err)
	require.Len(t, out, 1)
	assert.ErrorIs(t, out[0].Err, eventstore.ErrEmptyAppend)
	assert.Len(t, members, 1, "an invalid append is not queued")
}
