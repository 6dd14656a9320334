package importer_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/cmd/cadena/internal/importer"
)

// TestDryRunMatchesPairTable checks that the streamed dry run gives the
// in-memory plan's counts and pairs table, medians exact, for the sample,
// the real logs and a generated log streamed through a small window.
func TestDryRunMatchesPairTable(t *testing.T) {
	var genCSV, genXES bytes.Buffer
	importer.GenerateLog(&genCSV, 20_000, 50, 7)
	importer.GenerateXES(&genXES, 20_000, 50, 7)
	for _, tc := range []struct {
		name string
		f    importer.Format
		data func(t *testing.T) []byte
		ro   importer.ReadOptions
		po   importer.PlanOptions
		so   importer.StreamOptions
	}{
		{name: "sample csv", f: importer.CSV, data: func(*testing.T) []byte { return []byte(sampleCSV) }},
		{name: "sample xes", f: importer.XES, data: func(*testing.T) []byte { return []byte(sampleXES) }},
		{name: "sample open at end", f: importer.CSV, data: func(*testing.T) []byte { return []byte(sampleCSV) },
			po: importer.PlanOptions{OpenAtEnd: true}},
		{name: "receipt", f: importer.CSV, data: func(t *testing.T) []byte { return realLog(t, "receipt.csv") }},
		{name: "helpdesk", f: importer.XES, data: func(t *testing.T) []byte { return realLog(t, "helpdesk.xes.gz") },
			ro: importer.ReadOptions{Group: "workgroup"}},
		{name: "generated csv streamed", f: importer.CSV, data: func(*testing.T) []byte { return genCSV.Bytes() },
			so: importer.StreamOptions{Window: 3000, Horizon: 24 * time.Hour}},
		{name: "generated xes streamed", f: importer.XES, data: func(*testing.T) []byte { return genXES.Bytes() },
			so: importer.StreamOptions{Window: 6000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.data(t)
			read := importer.ReadCSV
			if tc.f == importer.XES {
				read = importer.ReadXES
			}
			log, err := read(bytes.NewReader(data), tc.ro)
			require.NoError(t, err)
			p, err := importer.NewPlan(log, tc.po)
			require.NoError(t, err)
			so := tc.so
			so.PlanOptions = tc.po
			var stats importer.StreamStats
			so.Stats = func(s importer.StreamStats) { stats = s }
			sum, rows, err := importer.DryRun(tc.f, bytes.NewReader(data), tc.ro, so)
			require.NoError(t, err)
			steps := len(p.Departments)
			for _, h := range p.Handoffs {
				steps += len(h.Steps)
			}
			assert.Equal(t, steps, sum.Commands, "commands planned")
			assert.Zero(t, stats.Commands, "commands held: none, nothing is written")
			type counts struct{ Cases, Events, Departments, Pairs, Handoffs, Returns int }
			assert.Equal(t, counts{p.Cases, p.Events, len(p.Departments), len(p.Pairs), len(p.Handoffs), p.Returns},
				counts{sum.Cases, sum.Events, sum.Departments, sum.Pairs, sum.Handoffs, sum.Returns}, "counts")
			assert.Equal(t, p.PairTable(), rows, "pairs table")
			assert.Zero(t, sum.Replayed, "nothing written")
		})
	}
}

// TestDryRunDropsTheBadCases: under SkipBad the dry run lists the bad rows
// and leaves their cases out, as the import does.
func TestDryRunDropsTheBadCases(t *testing.T) {
	log := "case:concept:name,concept:name,org:group,time:timestamp\n" +
		"c1,a,G,2024-01-01 10:00:00\nc1,b,H,2024-01-01 11:00:00\nc2,a,G,2024-01-01 10:30:00\nc2,b,H,soon\n"
	sum, rows, err := importer.DryRun(importer.CSV, bytes.NewBufferString(log), importer.ReadOptions{SkipBad: true}, importer.StreamOptions{})
	require.NoError(t, err)
	require.Len(t, sum.Skipped, 1)
	assert.Equal(t, `line 5 (case "c2"), column "time:timestamp": "soon" is not a timestamp (want e.g. 2011-10-11 13:45:40.276+02:00, or give --time-format)`, sum.Skipped[0].Error())
	assert.Equal(t, []importer.PairRow{{Supplier: "h", Customer: "g", Handoffs: 1, MedianHeld: 0}}, rows)
	assert.Equal(t, 1, sum.Cases)
}
