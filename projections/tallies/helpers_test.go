package tallies_test

import (
	"github.com/cadena-project/cadena/projections/internal/logtest"
	"github.com/cadena-project/cadena/projections/tallies"
)

// fold returns a model of opts with every event of b applied.
func fold(b *logtest.History, opts tallies.Options) *tallies.Model {
	m := tallies.New(opts)
	for _, e := range b.Envs {
		m.Apply(e)
	}
	return m
}
