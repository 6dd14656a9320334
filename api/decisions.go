package api

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore"
)

// maxCachedDecisions bounds the hand-off streams a Service keeps in memory
// for deciding commands; past it, one taken at random is dropped.
const maxCachedDecisions = 1 << 15

// decisionCache keeps the records of the hand-off streams commands were
// last decided on, so that the next command on the same hand-off (accept,
// then deliver, then rating) decides without reading the store. It is
// used only when the Service is the store's sole writer, but a command's
// outcome never rests on it alone: an append decided on cached records
// expects the version they end at, so a stale entry makes it fail with
// ErrWrongVersion, appending nothing, and the command is decided again on
// the stream read from the store; and a command that cached records would
// refuse, or find nothing to do for, is decided again on the stream read
// from the store before it is answered. Records are shared: never
// modified, only replaced.
type decisionCache struct {
	mu       sync.Mutex
	byStream map[string][]recorded
}

func newDecisionCache() *decisionCache {
	return &decisionCache{byStream: map[string][]recorded{}}
}

var handoffPrefix = domain.HandoffStream("")

func (dc *decisionCache) keeps(stream string) bool {
	return dc != nil && strings.HasPrefix(stream, handoffPrefix)
}

func (dc *decisionCache) get(stream string) ([]recorded, bool) {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	recs, ok := dc.byStream[stream]
	return recs, ok
}

// put keeps recs, the records of stream up to a version, unless a longer
// version is kept already.
func (dc *decisionCache) put(stream string, recs []recorded) {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	if old, ok := dc.byStream[stream]; ok && len(old) > len(recs) {
		return
	}
	if _, ok := dc.byStream[stream]; !ok && len(dc.byStream) >= maxCachedDecisions {
		for k := range dc.byStream {
			delete(dc.byStream, k)
			break
		}
	}
	dc.byStream[stream] = recs
}

func (dc *decisionCache) drop(stream string) {
	dc.mu.Lock()
	delete(dc.byStream, stream)
	dc.mu.Unlock()
}

// decider is what a session may offer execute beyond load: records that
// may be cached, and word of an append that succeeded.
type decider interface {
	// loadDecided reads the stream a command decides on; cached tells
	// that the records may be stale. With fromStore it reads the store.
	loadDecided(ctx context.Context, stream string, fromStore bool) (recs []recorded, cached bool, err error)
	// appended tells that events were appended to stream after recs.
	appended(stream string, recs []recorded, events []domain.Event, data []eventstore.EventData, res eventstore.AppendResult)
}

// loadFor reads the stream a command decides on through x.
func loadFor(ctx context.Context, x session, stream string, fromStore bool) ([]recorded, bool, error) {
	if d, ok := x.(decider); ok {
		return d.loadDecided(ctx, stream, fromStore)
	}
	recs, err := x.load(ctx, stream)
	return recs, false, err
}

func (d direct) loadDecided(ctx context.Context, stream string, fromStore bool) ([]recorded, bool, error) {
	dc := d.s.decisions
	if !dc.keeps(stream) {
		recs, err := d.s.load(ctx, stream)
		return recs, false, err
	}
	if !fromStore {
		if recs, ok := dc.get(stream); ok {
			return recs, true, nil
		}
	}
	recs, err := d.s.load(ctx, stream)
	if err != nil {
		return nil, false, err
	}
	dc.put(stream, slices.Clip(recs))
	return recs, false, nil
}

func (d direct) appended(stream string, recs []recorded, events []domain.Event, data []eventstore.EventData, res eventstore.AppendResult) {
	dc := d.s.decisions
	if !dc.keeps(stream) {
		return
	}
	// Positions are known for the last event only: keep a single event's
	// append, forget the stream after any other.
	if len(events) != 1 || res.Version != uint64(len(recs))+1 {
		dc.drop(stream)
		return
	}
	next := append(slices.Clip(recs), recorded{ID: data[0].ID, Version: res.Version, Position: res.Position,
		Metadata: data[0].Metadata, Event: events[0]})
	dc.put(stream, slices.Clip(next))
}
