package importer

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"
)

// GenerateLog writes a CSV log of events events over groups groups: cases
// of about ten events, each event staying in the case's group or, half the
// time, moving to another one; cases start one after the other over a
// year, so the file is in neither case nor time order. Benchmarks use it.
func GenerateLog(w io.Writer, events, groups int, seed uint64) {
	fmt.Fprintln(w, "case:concept:name,concept:name,org:group,time:timestamp")
	generate(events, groups, seed, func(id, activity, group int, at time.Time, _ bool) {
		fmt.Fprintf(w, "case-%d,activity %d,Group %d,%s\n", id, activity, group, at.Format("2006-01-02 15:04:05.000000Z07:00"))
	})
}

// GenerateXES writes the log GenerateLog writes, as XES: one trace per
// case, written when the case ends (so traces are in order of their last
// event, and their events overlap in time with the traces around them).
func GenerateXES(w io.Writer, events, groups int, seed uint64) {
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	bw.WriteString("<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n<log xes.version=\"1849-2016\" xmlns=\"http://www.xes-standard.org/\">\n")
	type event struct {
		activity, group int
		at              time.Time
	}
	open := map[int][]event{}
	var order []int // open cases by start, for the ones still open at the end
	write := func(id int) {
		fmt.Fprintf(bw, "\t<trace>\n\t\t<string key=\"concept:name\" value=\"case-%d\" />\n", id)
		for _, e := range open[id] {
			bw.WriteString("\t\t<event><string key=\"concept:name\" value=\"activity ")
			bw.WriteString(strconv.Itoa(e.activity))
			bw.WriteString("\" /><string key=\"org:group\" value=\"")
			xml.EscapeText(bw, []byte("Group "+strconv.Itoa(e.group)))
			bw.WriteString("\" /><date key=\"time:timestamp\" value=\"")
			bw.WriteString(e.at.Format(time.RFC3339Nano))
			bw.WriteString("\" /></event>\n")
		}
		bw.WriteString("\t</trace>\n")
		delete(open, id)
	}
	generate(events, groups, seed, func(id, activity, group int, at time.Time, last bool) {
		if _, ok := open[id]; !ok {
			order = append(order, id)
		}
		open[id] = append(open[id], event{activity, group, at})
		if last {
			write(id)
		}
	})
	for _, id := range order {
		if _, ok := open[id]; ok {
			write(id)
		}
	}
	bw.WriteString("</log>\n")
}

// generate makes the events of GenerateLog in file order; last is true on
// a case's last event.
func generate(events, groups int, seed uint64, emit func(id, activity, group int, at time.Time, last bool)) {
	r := rand.New(rand.NewPCG(seed, seed+1))
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
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
		c.left--
		emit(c.id, r.IntN(20), c.group, c.at, c.left == 0)
		if c.left == 0 {
			cases[k] = cases[len(cases)-1]
			cases = cases[:len(cases)-1]
		}
	}
}
