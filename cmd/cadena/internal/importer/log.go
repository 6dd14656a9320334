package importer

import (
	"errors"
	"fmt"
	"time"
)

// Log is an event log read into memory, one entry per case in order of
// first appearance.
type Log struct {
	Cases  []Case
	Events int
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

// ErrMalformed is returned, wrapped in a *SyntaxError, when a log cannot be
// read.
var ErrMalformed = errors.New("malformed log")

// SyntaxError locates a problem in a log.
type SyntaxError struct {
	Line  int    // 1-based line; 0 when unknown
	Trace string // the case, when known
	Msg   string
}

func (e *SyntaxError) Error() string {
	s := "line " + fmt.Sprint(e.Line)
	if e.Trace != "" {
		s += fmt.Sprintf(" (case %q)", e.Trace)
	}
	return s + ": " + e.Msg
}

// Is makes errors.Is(err, ErrMalformed) true.
func (e *SyntaxError) Is(target error) bool { return target == ErrMalformed }

// builder collects events into cases.
type builder struct {
	log    Log
	index  map[string]int
	groups map[string]string // interned group names
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

// timeLayouts are the timestamp forms accepted, tried in order.
var timeLayouts = []string{
	time.RFC3339Nano,            // XES: 2012-10-09T14:50:17.000+02:00
	"2006-01-02 15:04:05Z07:00", // CSV exports: 2011-10-11 13:45:40.276000+02:00
	"2006-01-02T15:04:05",       // no zone: UTC
	"2006-01-02 15:04:05",
}

// parseTime parses a log timestamp; one without a zone is taken as UTC.
func parseTime(s string) (time.Time, error) {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a timestamp (want e.g. 2011-10-11 13:45:40.276+02:00)", s)
}
