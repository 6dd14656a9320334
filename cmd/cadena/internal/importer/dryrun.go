package importer

import (
	"context"
	"io"
	"time"
)

// DryRun reads and plans a log in format f as Import does, writing
// nothing, and returns the summary (Commands counts the commands planned,
// departments that may exist already included) and the pairs table of
// PairTable. It streams as Import does: memory follows the window and the
// open cases, plus the pairs table, which keeps the time held of every
// delivered hand-off (8 bytes each) for an exact median.
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
	var sum Summary
	pl.free = make(chan []planned, 1)
	pl.out = func(b []planned) bool {
		sum.Commands += len(b)
		clear(b)
		select {
		case pl.free <- b[:0]:
		default:
		}
		return true
	}
	err = f.scan(r, ro, pl)
	if err == nil {
		err = pl.finish()
	}
	pl.summary(&sum)
	sum.Elapsed = time.Since(start)
	if err != nil {
		return sum, nil, err
	}
	if so.Stats != nil {
		so.Stats(pl.stats)
	}
	return sum, t.rows(), nil
}
