package importer

import (
	"bufio"
	"compress/gzip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
)

// xesAttrs are the XES elements that carry a key and a value.
var xesAttrs = map[string]bool{
	"string": true, "date": true, "int": true, "float": true, "boolean": true, "id": true,
}

// ReadXES reads a log in XES, gzip-compressed or not, as a token stream.
// The case ID is the trace's concept:name; each event needs a
// time:timestamp (read as o says), and its group is the event attribute
// o.Group (NoGroup when absent). Nested attributes, global attributes and classifiers are
// ignored, and so is a trace without events.
func ReadXES(r io.Reader, o ReadOptions) (*Log, error) {
	var b builder
	err := scanXES(r, o, &b, func(caseID string, events []Event) error {
		for _, e := range events {
			b.add(caseID, e)
		}
		return nil
	}, b.skip)
	if err != nil {
		return nil, err
	}
	return b.done(), nil
}

// scanXES reads an XES log as ReadXES does and hands each trace to add
// when it closes, with its events in file order (the slice is valid only
// during the call; its strings stay valid). A trace with a bad event goes
// to skip, one call per bad event, under o.SkipBad. Group names are
// interned in groups.
func scanXES(r io.Reader, o ReadOptions, groups *builder, add func(caseID string, events []Event) error, skip func(*SyntaxError)) error {
	o = o.withDefaults()
	br := bufio.NewReaderSize(r, 64<<10)
	var src io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("reading gzip: %w", err)
		}
		defer gz.Close()
		src = gz
	}
	x := xesReader{src: &sourceReader{r: src}, group: o.Group, opts: o, b: groups, add: add, skip: skip}
	x.dec = xml.NewDecoder(x.src)
	return x.read()
}

// sourceReader remembers the error of the reader under the XML decoder,
// to tell a failing file (or gzip stream) from a malformed document.
type sourceReader struct {
	r   io.Reader
	err error
}

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}

type xesReader struct {
	src   *sourceReader
	dec   *xml.Decoder
	group string
	opts  ReadOptions
	b     *builder // interns the group names
	add   func(caseID string, events []Event) error
	skip  func(*SyntaxError)

	stack     []string // local names of the open elements
	sawRoot   bool
	traceLine int
	traceID   string
	pending   []Event // the trace's events, added when it ends
	ev        Event
	evHasTime bool
	badEvent  *SyntaxError // its bad timestamp, under SkipBad
	badTrace  []*SyntaxError
}

func (x *xesReader) line() int {
	l, _ := x.dec.InputPos()
	return l
}

func (x *xesReader) fail(line int, format string, args ...any) error {
	return &SyntaxError{Line: line, Trace: x.traceID, Msg: fmt.Sprintf(format, args...)}
}

func (x *xesReader) read() error {
	for {
		tok, err := x.dec.Token()
		if errors.Is(err, io.EOF) {
			if len(x.stack) > 0 {
				return x.fail(x.line(), "unexpected end of file inside <%s>", x.stack[len(x.stack)-1])
			}
			if !x.sawRoot {
				return &SyntaxError{Line: x.line(), Msg: "no <log> element: not an XES file"}
			}
			return nil
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				if se.Msg == "unexpected EOF" && len(x.stack) > 0 {
					// encoding/xml's word for a document that stops with
					// elements still open.
					return x.fail(se.Line, "the file ends early, inside <%s>: the XML is not closed", x.stack[len(x.stack)-1])
				}
				return x.fail(se.Line, "%s", se.Msg)
			}
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return x.fail(x.line(), "the file ends early: truncated")
			}
			if x.src.err != nil {
				return fmt.Errorf("reading XES: %w", err)
			}
			// The decoder's other complaints (an XML version or an encoding
			// it does not read) are about the document too.
			return x.fail(x.line(), "%v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := x.start(t); err != nil {
				return err
			}
			x.stack = append(x.stack, t.Name.Local)
		case xml.EndElement:
			x.stack = x.stack[:len(x.stack)-1]
			if err := x.end(t.Name.Local); err != nil {
				return err
			}
		}
	}
}

func (x *xesReader) parent() string {
	if len(x.stack) == 0 {
		return ""
	}
	return x.stack[len(x.stack)-1]
}

func (x *xesReader) start(t xml.StartElement) error {
	name, parent := t.Name.Local, x.parent()
	switch {
	case parent == "" && name == "log":
		x.sawRoot = true
	case parent == "":
		return x.fail(x.line(), "root element is <%s>, want <log>: not an XES file", name)
	case name == "trace" && parent == "log":
		x.traceLine, x.traceID, x.pending, x.badTrace = x.line(), "", x.pending[:0], x.badTrace[:0]
	case name == "event" && parent == "trace":
		x.ev, x.evHasTime, x.badEvent = Event{Line: x.line()}, false, nil
	case xesAttrs[name] && (parent == "event" || parent == "trace"):
		var key, value string
		for _, a := range t.Attr {
			switch a.Name.Local {
			case "key":
				key = a.Value
			case "value":
				value = a.Value
			}
		}
		if parent == "trace" {
			if key == AttrActivity {
				x.traceID = value
			}
			return nil
		}
		switch key {
		case AttrActivity:
			x.ev.Activity = x.b.activity(value)
		case AttrTime:
			at, err := x.opts.parseTime(value)
			if err != nil {
				e := &SyntaxError{Line: x.line(), Trace: x.traceID, Column: AttrTime, Msg: err.Error()}
				if !x.opts.SkipBad {
					return e
				}
				x.badEvent = e
				return nil
			}
			x.ev.At, x.evHasTime = at, true
		case x.group:
			x.ev.Group = x.b.group(value)
		}
	}
	return nil
}

func (x *xesReader) end(name string) error {
	parent := x.parent()
	switch {
	case name == "event" && parent == "trace":
		if x.badEvent != nil {
			x.badTrace = append(x.badTrace, x.badEvent)
			return nil
		}
		if !x.evHasTime {
			e := &SyntaxError{Line: x.ev.Line, Trace: x.traceID, Msg: "event without " + AttrTime}
			if !x.opts.SkipBad {
				return e
			}
			x.badTrace = append(x.badTrace, e)
			return nil
		}
		if blankGroup(x.ev.Group) {
			x.ev.Group = NoGroup
		}
		x.pending = append(x.pending, x.ev)
	case name == "trace" && parent == "log":
		if x.traceID == "" {
			return &SyntaxError{Line: x.traceLine, Msg: "trace without " + AttrActivity}
		}
		if len(x.badTrace) > 0 {
			// The trace's name may come after its events.
			for _, e := range x.badTrace {
				e.Trace = x.traceID
				x.skip(e)
			}
			x.badTrace = x.badTrace[:0]
			return nil
		}
		if len(x.pending) > 0 {
			return x.add(x.traceID, x.pending)
		}
	}
	return nil
}
