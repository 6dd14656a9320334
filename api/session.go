package api

import (
	"context"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore"
)

// session is where a command reads streams and appends its events: the
// store itself (direct), or a batch being prepared.
type session interface {
	// load reads the stream a command decides on.
	load(ctx context.Context, stream string) ([]recorded, error)
	// peek reads a stream a command only consults (a department, an
	// agreement).
	peek(ctx context.Context, stream string) ([]recorded, error)
	// append appends a command's events, decided against version.
	append(ctx context.Context, stream string, version uint64, events []domain.Event, data []eventstore.EventData) (eventstore.AppendResult, error)
}

// direct is the session of a lone command: reads and appends go straight
// to the store, and an append is durable when it returns.
type direct struct{ s *Service }

func (d direct) load(ctx context.Context, stream string) ([]recorded, error) {
	return d.s.load(ctx, stream)
}

func (d direct) peek(ctx context.Context, stream string) ([]recorded, error) {
	return d.s.load(ctx, stream)
}

func (d direct) append(ctx context.Context, stream string, version uint64, _ []domain.Event, data []eventstore.EventData) (eventstore.AppendResult, error) {
	defer d.s.refs.writing(stream)()
	return appendEncoded(ctx, d.s.store, stream, eventstore.Exact(version), data)
}

// appendEncoded appends events that Service.encode wrote (domain.Encode
// and metadataJSON, both held equal to encoding/json by their tests): as a
// batch of one marked EncodedJSON when the store has a batch path, so that
// it does not parse that JSON again (a tenth of a request's CPU in the
// service), else with Append. The outcome is Append's, except that when
// ctx ends after the store took the append the caller gets ctx.Err()
// rather than the result (AppendBatch's contract): the client is gone.
func appendEncoded(ctx context.Context, store Store, stream string, expected eventstore.ExpectedVersion, data []eventstore.EventData) (eventstore.AppendResult, error) {
	b, ok := store.(eventstore.BatchAppender)
	if !ok {
		return store.Append(ctx, stream, expected, data...)
	}
	one := [1]eventstore.StreamAppend{{Stream: stream, Expected: expected, Events: data, EncodedJSON: true}}
	res, err := b.AppendBatch(ctx, one[:])
	if err != nil {
		return eventstore.AppendResult{}, err
	}
	return res[0].AppendResult, res[0].Err
}
