package importer

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Standard attribute names (the XES concept, time and org extensions).
const (
	AttrCase     = "case:concept:name"
	AttrActivity = "concept:name"
	AttrTime     = "time:timestamp"
)

// ReadCSV reads a log exported as CSV with a header row that names the
// columns case:concept:name, concept:name, time:timestamp and groupAttr
// (other columns are ignored). An empty group cell counts as NoGroup.
func ReadCSV(r io.Reader, groupAttr string) (*Log, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &SyntaxError{Line: 1, Msg: "empty file: want a header row"}
		}
		return nil, csvError(err)
	}
	col := map[string]int{}
	for i, name := range header {
		name = strings.TrimPrefix(name, "\ufeff") // a byte-order mark before the first name
		if _, dup := col[name]; !dup {
			col[name] = i
		}
	}
	var idx [4]int
	for i, name := range []string{AttrCase, AttrActivity, AttrTime, groupAttr} {
		c, ok := col[name]
		if !ok {
			return nil, &SyntaxError{Line: 1, Msg: fmt.Sprintf("no column %q in the header", name)}
		}
		idx[i] = c
	}
	var b builder
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		caseID := rec[idx[0]]
		if caseID == "" {
			return nil, &SyntaxError{Line: line, Msg: "empty " + AttrCase}
		}
		at, err := parseTime(rec[idx[2]])
		if err != nil {
			return nil, &SyntaxError{Line: line, Trace: caseID, Msg: AttrTime + ": " + err.Error()}
		}
		group := rec[idx[3]]
		if group == "" {
			group = NoGroup
		}
		b.add(strings.Clone(caseID), Event{
			Activity: strings.Clone(rec[idx[1]]), Group: intern(&b, group), At: at, Line: line,
		})
	}
	return &b.log, nil
}

// csvError turns an encoding/csv error into a *SyntaxError with its line.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &SyntaxError{Line: pe.Line, Msg: pe.Err.Error()}
	}
	return fmt.Errorf("reading CSV: %w", err)
}

// intern returns one shared copy of each group name: logs have few groups
// and many events.
func intern(b *builder, s string) string {
	if b.groups == nil {
		b.groups = make(map[string]string)
	}
	if g, ok := b.groups[s]; ok {
		return g
	}
	g := strings.Clone(s)
	b.groups[g] = g
	return g
}
