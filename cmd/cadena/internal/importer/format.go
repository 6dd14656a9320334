package importer

import (
	"context"
	"io"
)

// Format is a log format Import and DryRun read: CSV or XES.
type Format struct{ name string }

func (f Format) String() string { return f.name }

// The formats of a streamed import.
var (
	// CSV reads a log as ReadCSV does, row by row.
	CSV = Format{"csv"}
	// XES reads a log as ReadXES does, trace by trace: a trace is planned
	// as soon as it closes (see Import for the order across traces).
	XES = Format{"xes"}
)

// scan reads a log in f into p.
func (f Format) scan(r io.Reader, o ReadOptions, p *streamPlanner) error {
	if f == XES {
		p.unsorted = "XES traces that overlap in time are further apart in the file than the window holds: give a larger --window"
		var groups builder
		return scanXES(r, o, &groups, p.addTrace, p.skip)
	}
	return scanCSV(r, o, p.add, p.skip)
}

// ImportCSV is Import of a CSV log.
func ImportCSV(ctx context.Context, cmds Commands, r io.Reader, ro ReadOptions, so StreamOptions) (Summary, error) {
	return Import(ctx, cmds, CSV, r, ro, so)
}

// ImportXES is Import of an XES log. Each trace is planned when it
// closes and its case closed at its last event (see addTrace); a trace
// whose name comes again after its case was closed is planned as a new
// case, as a CSV case that comes back after its horizon.
func ImportXES(ctx context.Context, cmds Commands, r io.Reader, ro ReadOptions, so StreamOptions) (Summary, error) {
	return Import(ctx, cmds, XES, r, ro, so)
}

// addTrace takes the events of one XES trace, in file order, when it
// closes. They all go into the window before any is planned (so the
// window may hold one trace more than its size), and the case is closed
// as soon as its last event is planned rather than a horizon later. A
// trace whose name is still open (an earlier trace of the same name, not
// all planned yet) joins it, as ReadXES merges them.
func (p *streamPlanner) addTrace(caseID string, events []Event) error {
	for _, e := range events {
		if err := p.hold(caseID, e); err != nil {
			return err
		}
	}
	if c, ok := p.cases[caseID]; ok && !c.bad {
		c.ended = true
	}
	return p.spill()
}
