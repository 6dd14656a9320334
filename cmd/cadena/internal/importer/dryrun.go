package importer

import (
	"context"
	"io"
	"time"
)

// DryRun reads and plans a log in format f as Import does, writing
// nothing, and returns the summary (Commands counts the commands planned,
// departments that may exist already included) and the pairs table of
// PairTable. It streams as Import does, without holding the commands:
// memory follows the window and the open cases, plus the pairs table,
// which keeps the time held of every delivered hand-off (8 bytes each) for
// an exact median.
func DryRun(f Format, r io.Reader, ro ReadOptions, so StreamOptions) (Summary, []PairRow, error) {
	start := time.Now()
	pl, err := newStreamPlanner(context.Background(), nil, so)
	if err != nil {
		return Summary{}, nil, err
	}
	var t pairTable
	pl.closed = func(c *openCase) {
		for _, h := range c.handoffs {
			t.add(h.supplier, h.customer, int(h.returns), time.Duration(h.held), h.delivered)
		}
	}
	pl.discard = true // nothing to write: no need to put them in order
	pl.out = func([]planned) bool { return true }
	err = f.scan(r, ro, pl)
	if err == nil {
		err = pl.finish()
	}
	var sum Summary
	pl.summary(&sum)
	sum.Commands = pl.discarded
	sum.Elapsed = time.Since(start)
	if err != nil {
		return sum, nil, err
	}
	if so.Stats != nil {
		so.Stats(pl.stats)
	}
	return sum, t.rows(), nil
}
