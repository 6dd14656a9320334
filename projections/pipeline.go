package projections

import (
	"context"
	"iter"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore"
)

// decoded is a record of the log with its domain event decoded.
type decoded struct {
	rec    eventstore.RecordedEvent
	domain bool         // of a domain type
	ev     domain.Event // when domain and err is nil
	err    error        // the decoding error
}

// pipelineDepth is how many decoded records may wait for the fold.
const pipelineDepth = 1024

// subscribeDecoded is src.Subscribe with the domain events decoded on a
// goroutine of their own: reading and decoding the log (a third to a half
// of a replay) runs beside the fold, on another core. Records come in log
// order; the goroutine ends before the iterator returns.
func (r *Runner) subscribeDecoded(ctx context.Context, after uint64) iter.Seq2[decoded, error] {
	return func(yield func(decoded, error) bool) {
		type item struct {
			d   decoded
			err error
		}
		ctx, cancel := context.WithCancel(ctx)
		ch := make(chan item, pipelineDepth)
		go func() {
			defer close(ch)
			for rec, err := range r.src.Subscribe(ctx, after) {
				it := item{d: decoded{rec: rec}, err: err}
				if err == nil && domain.IsDomainType(rec.Type) {
					it.d.domain = true
					it.d.ev, it.d.err = domain.Decode(rec.Type, rec.Data)
				}
				select {
				case ch <- it:
				case <-ctx.Done():
					return
				}
				if err != nil {
					return
				}
			}
		}()
		defer func() {
			cancel()
			for range ch { // wait for the goroutine
			}
		}()
		for it := range ch {
			if !yield(it.d, it.err) {
				return
			}
		}
	}
}
