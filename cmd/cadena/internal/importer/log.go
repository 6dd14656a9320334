package importer

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Log is an event log read into memory, one entry per case in order of
// first appearance.
type Log struct {
	Cases  []Case
	Events int
	// Skipped lists the bad rows read with ReadOptions.SkipBad; their
	// cases are left out (Events does not count them).
	Skipped []*SyntaxError
}

// Case is one case (an XES trace) and its events in file order.
type Case struct {
	ID     string
	Events []Event
}

// Event is one event of a case.
type Event struct {
	Activity string
	Group    string
	At       time.Time
	Line     int // line of the event in the file, for messages
}

// NoGroup is the group of an event that lacks the group attribute.
const NoGroup = "(none)"

// blankGroup reports whether an event's group is missing: empty, or only
// white space, which names no department (the application refuses such a
// name).
func blankGroup(g string) bool { return strings.TrimSpace(g) == "" }

// ErrMalformed is returned, wrapped in a *SyntaxError, when a log cannot be
// read.
var ErrMalformed = errors.New("malformed log")

// SyntaxError locates a problem in a log.
type SyntaxError struct {
	Line   int    // 1-based line; 0 when unknown
	Trace  string // the case, when known
	Column string // the column or attribute at fault, when known
	Msg    string
	kind   error // another sentinel it matches, besides ErrMalformed
}

func (e *SyntaxError) Error() string {
	s := "line " + fmt.Sprint(e.Line)
	if e.Trace != "" {
		s += fmt.Sprintf(" (case %q)", e.Trace)
	}
	if e.Column != "" {
		s += fmt.Sprintf(", column %q", e.Column)
	}
	return s + ": " + e.Msg
}

// Is makes errors.Is(err, ErrMalformed) true, and errors.Is(err,
// ErrUnsorted) for a log out of time order.
func (e *SyntaxError) Is(target error) bool {
	return target == ErrMalformed || e.kind != nil && target == e.kind
}

// builder collects events into cases.
type builder struct {
	log    Log
	index  map[string]int
	groups map[string]string // interned group names
	acts   map[string]string // interned activities
	bad    map[string]bool   // cases with a skipped row
}

// group returns the shared copy of a group name.
func (b *builder) group(s string) string {
	if b.groups == nil {
		b.groups = make(map[string]string)
	}
	return intern(b.groups, s)
}

// activity returns the shared copy of an activity.
func (b *builder) activity(s string) string {
	if b.acts == nil {
		b.acts = make(map[string]string)
	}
	return intern(b.acts, s)
}

// skip records a bad row under SkipBad.
func (b *builder) skip(e *SyntaxError) {
	b.log.Skipped = append(b.log.Skipped, e)
	if e.Trace != "" {
		if b.bad == nil {
			b.bad = map[string]bool{}
		}
		b.bad[e.Trace] = true
	}
}

// done returns the log without the cases of skipped rows.
func (b *builder) done() *Log {
	if len(b.bad) > 0 {
		b.log.Cases = slices.DeleteFunc(b.log.Cases, func(c Case) bool {
			if b.bad[c.ID] {
				b.log.Events -= len(c.Events)
				return true
			}
			return false
		})
	}
	return &b.log
}

// addCase returns the index of a case, adding it when new.
func (b *builder) addCase(caseID string) int {
	if b.index == nil {
		b.index = make(map[string]int)
	}
	i, ok := b.index[caseID]
	if !ok {
		i = len(b.log.Cases)
		b.index[caseID] = i
		b.log.Cases = append(b.log.Cases, Case{ID: caseID})
	}
	return i
}

func (b *builder) add(caseID string, e Event) {
	i := b.addCase(caseID)
	b.log.Cases[i].Events = append(b.log.Cases[i].Events, e)
	b.log.Events++
}

// ReadOptions say where a log keeps what the importer needs. The zero
// value reads the XES standard names.
type ReadOptions struct {
	// Case, Activity, Time and Group name the CSV columns (for XES, Group
	// names the event attribute of the working group); defaults AttrCase,
	// AttrActivity, AttrTime and AttrGroup.
	Case, Activity, Time, Group string
	// ActivityOptional reads a CSV without the activity column.
	ActivityOptional bool
	// TimeFormat, when set, is a Go time layout tried before the standard
	// ones.
	TimeFormat string
	// Location is the zone of timestamps that carry none; default UTC.
	Location *time.Location
	// Delimiter separates CSV fields; 0 detects comma, semicolon or tab.
	Delimiter rune
	// SkipBad leaves out the case of a bad row (a bad timestamp, a wrong
	// number of fields, an empty case ID: that row only) and goes on,
	// listing the row in Log.Skipped. By default the first one is an
	// error. A file that cannot be parsed further is always an error.
	SkipBad bool
}

func (o ReadOptions) withDefaults() ReadOptions {
	for _, f := range []struct {
		v   *string
		def string
	}{{&o.Case, AttrCase}, {&o.Activity, AttrActivity}, {&o.Time, AttrTime}, {&o.Group, AttrGroup}} {
		if *f.v == "" {
			*f.v = f.def
		}
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	return o
}

// timeLayouts are the timestamp forms accepted, tried in order; a
// fraction of a second after the seconds is accepted by every one.
var timeLayouts = []string{
	time.RFC3339Nano,            // XES: 2012-10-09T14:50:17.000+02:00
	"2006-01-02 15:04:05Z07:00", // CSV exports: 2011-10-11 13:45:40.276000+02:00
	"2006-01-02T15:04:05",       // no zone: Location
	"2006-01-02 15:04:05",
}

// parseTime parses a log timestamp: o.TimeFormat first, then the standard
// layouts; one without a zone is in o.Location.
func (o ReadOptions) parseTime(s string) (time.Time, error) {
	var hint int
	return o.parseTimeHint(s, &hint)
}

// parseTimeHint is parseTime trying the standard layout timeLayouts[*hint]
// first, and setting *hint to the one that parsed s: a log keeps to one
// form, and each failed layout costs an error value. No timestamp parses
// with two of the layouts (T or space, a zone or none), so the order they
// are tried in changes nothing else.
func (o ReadOptions) parseTimeHint(s string, hint *int) (time.Time, error) {
	if o.TimeFormat != "" {
		if t, err := time.ParseInLocation(o.TimeFormat, s, o.Location); err == nil {
			return t, nil
		}
	}
	if t, err := time.ParseInLocation(timeLayouts[*hint], s, o.Location); err == nil {
		return t, nil
	}
	for i, layout := range timeLayouts {
		if i == *hint {
			continue
		}
		if t, err := time.ParseInLocation(layout, s, o.Location); err == nil {
			*hint = i
			return t, nil
		}
	}
	if o.TimeFormat != "" {
		return time.Time{}, fmt.Errorf("%q is not a timestamp (want the layout %q or RFC 3339)", s, o.TimeFormat)
	}
	return time.Time{}, fmt.Errorf("%q is not a timestamp (want e.g. 2011-10-11 13:45:40.276+02:00, or give --time-format)", s)
}
