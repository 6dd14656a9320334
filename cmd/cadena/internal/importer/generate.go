package importer

import (
	"fmt"
	"io"
	"math/rand/v2"
	"time"
)

// GenerateLog writes a CSV log of events events over groups groups: cases
// of about ten events, each event staying in the case's group or, half the
// time, moving to another one; cases start one after the other over a
// year, so the file is in neither case nor time order. Benchmarks use it.
func GenerateLog(w io.Writer, events, groups int, seed uint64) {
	r := rand.New(rand.NewPCG(seed, seed+1))
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	fmt.Fprintln(w, "case:concept:name,concept:name,org:group,time:timestamp")
	type open struct {
		id    int
		group int
		at    time.Time
		left  int
	}
	var cases []open
	next := 0
	for n := 0; n < events; n++ {
		if len(cases) < 100 || r.IntN(10) == 0 {
			next++
			cases = append(cases, open{id: next, group: r.IntN(groups),
				at: start.Add(time.Duration(n) * 30 * time.Second), left: 5 + r.IntN(11)})
		}
		k := r.IntN(len(cases))
		c := &cases[k]
		if r.IntN(2) == 0 {
			c.group = r.IntN(groups)
		}
		c.at = c.at.Add(time.Duration(1+r.IntN(240)) * time.Minute)
		fmt.Fprintf(w, "case-%d,activity %d,Group %d,%s\n", c.id, r.IntN(20), c.group, c.at.Format("2006-01-02 15:04:05.000000Z07:00"))
		if c.left--; c.left == 0 {
			cases[k] = cases[len(cases)-1]
			cases = cases[:len(cases)-1]
		}
	}
}
