package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Standard attribute names (the XES concept, time and org extensions).
const (
	AttrCase     = "case:concept:name"
	AttrActivity = "concept:name"
	AttrTime     = "time:timestamp"
	AttrGroup    = "org:group"
)

// ReadCSV reads a log exported as CSV with a header row. The columns named
// by o.Case, o.Time and o.Group are required, o.Activity is required
// unless o.ActivityOptional (other columns are ignored). The delimiter is
// o.Delimiter, or detected from the header (comma, semicolon or tab); a
// UTF-8 byte-order mark is skipped and quoted fields may hold newlines. An
// empty group cell counts as NoGroup.
func ReadCSV(r io.Reader, o ReadOptions) (*Log, error) {
	var b builder
	err := scanCSV(r, o, func(caseID string, e Event) error {
		b.add(strings.Clone(caseID), e)
		return nil
	}, b.skip)
	if err != nil {
		return nil, err
	}
	return b.done(), nil
}

// scanCSV reads a CSV log as ReadCSV does and hands each event to add in
// file order; caseID is valid only during the call (clone it to keep it),
// the event's strings stay valid. A bad row goes to skip under o.SkipBad.
func scanCSV(r io.Reader, o ReadOptions, add func(caseID string, e Event) error, skip func(*SyntaxError)) error {
	o = o.withDefaults()
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\ufeff")) {
		br.Discard(3)
	}
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		// Read as text, the compressed bytes would fail on some quote
		// with a message that hides the cause.
		return &SyntaxError{Line: 1, Msg: "the file is gzip-compressed: decompress it first (only --format xes reads gzip)"}
	}
	if start, _ := br.Peek(5); string(start) == "<?xml" || string(start) == "<log>" || string(start) == "<log " {
		// An XES log read as CSV fails on its first quote, saying nothing of why.
		return &SyntaxError{Line: 1, Msg: "the file is XML, not CSV: give --format xes for an XES log"}
	}
	delim := o.Delimiter
	if delim == 0 {
		delim = sniffDelimiter(br)
	}
	cr := csv.NewReader(br)
	cr.Comma = delim
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1 // checked here, to name the case
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return &SyntaxError{Line: 1, Msg: "empty file: want a header row"}
		}
		return csvError(err)
	}
	header = slices.Clone(header)
	col := map[string]int{}
	for i, name := range header {
		if _, dup := col[name]; !dup {
			col[name] = i
		}
	}
	idx := [4]int{-1, -1, -1, -1}
	for i, name := range []string{o.Case, o.Activity, o.Time, o.Group} {
		c, ok := col[name]
		if !ok && i == 1 && o.ActivityOptional {
			continue
		}
		if !ok {
			return &SyntaxError{Line: 1, Msg: fmt.Sprintf("no column %q in the header; its columns are %s", name, quoteAll(header))}
		}
		idx[i] = c
	}
	bad := func(e *SyntaxError) error {
		if !o.SkipBad {
			return e
		}
		skip(e)
		return nil
	}
	groups := map[string]string{} // interned: logs have few groups and many events
	activities := map[string]string{}
	layout := 0 // the timestamp layout of the row before
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			e := &SyntaxError{Line: line, Msg: fmt.Sprintf("%d fields, the header has %d", len(rec), len(header))}
			if idx[0] < len(rec) {
				e.Trace = strings.Clone(rec[idx[0]])
			}
			if err := bad(e); err != nil {
				return err
			}
			continue
		}
		caseID := rec[idx[0]]
		if caseID == "" {
			if err := bad(&SyntaxError{Line: line, Column: o.Case, Msg: "empty case ID"}); err != nil {
				return err
			}
			continue
		}
		at, ok := time.Time{}, false
		if o.TimeFormat == "" {
			at, ok = parseUTC(rec[idx[2]])
		}
		if !ok {
			at, err = o.parseTimeHint(rec[idx[2]], &layout)
		}
		if err != nil {
			if err := bad(&SyntaxError{Line: line, Trace: strings.Clone(caseID), Column: o.Time, Msg: err.Error()}); err != nil {
				return err
			}
			continue
		}
		group := rec[idx[3]]
		if blankGroup(group) {
			group = NoGroup
		}
		var activity string
		if idx[1] >= 0 {
			activity = intern(activities, rec[idx[1]])
		}
		if err := add(caseID, Event{Activity: activity, Group: intern(groups, group), At: at, Line: line}); err != nil {
			return err
		}
	}
}

// sniffDelimiter picks the delimiter that occurs most often, outside
// quotes, in the first line: comma, semicolon or tab (comma on a tie).
func sniffDelimiter(br *bufio.Reader) rune {
	head, _ := br.Peek(br.Size())
	counts := map[byte]int{}
	quoted := false
	for _, c := range head {
		if c == '"' {
			quoted = !quoted
			continue
		}
		if quoted {
			continue
		}
		if c == '\n' {
			break
		}
		counts[c]++
	}
	best := byte(',')
	for _, c := range []byte{';', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return rune(best)
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// csvError turns an encoding/csv error into a *SyntaxError with its line.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		switch {
		case errors.Is(pe.Err, csv.ErrBareQuote):
			msg = fmt.Sprintf(`a quote inside a field that is not quoted (character %d of the line): quote the field and double its quotes ("5"" monitor")`, pe.Column)
		case errors.Is(pe.Err, csv.ErrQuote) && pe.StartLine != pe.Line:
			msg = fmt.Sprintf(`a quoted field begun on line %d is not closed, or a quote inside it is not doubled`, pe.StartLine)
		case errors.Is(pe.Err, csv.ErrQuote):
			msg = `a quoted field is not closed, or a quote inside it is not doubled`
		}
		return &SyntaxError{Line: pe.Line, Msg: msg}
	}
	return fmt.Errorf("reading CSV: %w", err)
}

// intern returns one shared copy of each string of m: logs have few groups
// and activities and many events. Past 1<<16 distinct values it stops
// sharing, so a column of unique values does not fill memory.
func intern(m map[string]string, s string) string {
	if g, ok := m[s]; ok {
		return g
	}
	g := strings.Clone(s)
	if len(m) < 1<<16 {
		m[g] = g
	}
	return g
}

// parseUTC parses, without time.Parse's generality, the commonest form of
// a standard layout: 2006-01-02T15:04:05.999999999Z, T or space, the
// fraction optional, in UTC. ok false means another form (or none): then
// parseTimeHint decides. What it parses, time.Parse parses the same.
func parseUTC(s string) (t time.Time, ok bool) {
	if len(s) < 20 || s[len(s)-1] != 'Z' || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') ||
		s[13] != ':' || s[16] != ':' {
		return t, false
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	year, month, day := num(0, 4), num(5, 2), num(8, 2)
	hour, minute, sec := num(11, 2), num(14, 2), num(17, 2)
	if year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return t, false
	}
	if day > 28 && time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC).Day() != day {
		return t, false // past the month's end
	}
	nsec := 0
	if frac := s[19 : len(s)-1]; frac != "" {
		if len(frac) < 2 || len(frac) > 10 || frac[0] != '.' {
			return t, false
		}
		if nsec = num(20, len(frac)-1); nsec < 0 {
			return t, false
		}
		for range 10 - len(frac) {
			nsec *= 10
		}
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC), true
}
