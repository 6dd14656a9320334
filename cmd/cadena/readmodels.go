package main

import (
	"log/slog"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/catalog"
	"github.com/cadena-project/cadena/projections/handoffindex"
	"github.com/cadena-project/cadena/projections/pairstats"
	"github.com/cadena-project/cadena/projections/recognitions"
	"github.com/cadena-project/cadena/projections/tallies"
)

// readModels are the projections the server queries, fed by one runner.
type readModels struct {
	pairs  *pairstats.Model
	cat    *catalog.Catalog
	index  *handoffindex.Index
	thanks *recognitions.Model
	tally  *tallies.Model
	runner *projections.Runner
}

// newReadModels returns empty read models and the runner that feeds them
// from src.
func newReadModels(src projections.Source, logger *slog.Logger, policy domain.Policy) *readModels {
	rm := &readModels{
		pairs:  pairstats.New(pairstats.Options{Policy: policy}),
		cat:    catalog.New(),
		index:  handoffindex.New(),
		thanks: recognitions.New(),
		tally:  tallies.New(tallies.Options{Policy: policy}),
	}
	rm.runner = projections.NewRunner(src, logger, rm.pairs, rm.cat, rm.index, rm.thanks, rm.tally)
	return rm
}
