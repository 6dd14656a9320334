package importer_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/cmd/cadena/internal/importer"
)

// checkLog holds a log read without error to what the planner relies on:
// every case has an ID and events, every event a group, and Events counts
// them all.
func checkLog(t *testing.T, l *importer.Log) {
	t.Helper()
	require.NotNil(t, l)
	n := 0
	for _, c := range l.Cases {
		assert.NotEmpty(t, c.ID, "a case without an ID")
		assert.NotEmpty(t, c.Events, "case %q without events", c.ID)
		for _, e := range c.Events {
			assert.NotEmpty(t, e.Group, "case %q: an event without a group", c.ID)
		}
		n += len(c.Events)
	}
	assert.Equal(t, l.Events, n)
}

// FuzzReadCSV: any bytes are a log or an ErrMalformed, never a panic.
func FuzzReadCSV(f *testing.F) {
	const header = "case:concept:name,concept:name,org:group,time:timestamp\n"
	for _, seed := range []string{
		"",
		header,
		header + "c1,a,G,2011-10-11 09:00:00+02:00\nc1,b,H,2011-10-11 10:00:00.5+02:00\nc2,a,,2011-10-12T08:00:00Z\n",
		"\ufeff" + header + "c1,\"a,b\",G,2011-10-11 09:00:00+02:00\n",
		header + "c1,a,G,yesterday\n",
		header + "c1,\"a,G,2011\n",
		"org:group,time:timestamp,case:concept:name,concept:name,extra\nG,2011-10-11 09:00:00+02:00,c1,a,x\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := importer.ReadCSV(bytes.NewReader(data), importer.ReadOptions{Group: "org:group"})
		if err != nil {
			assert.ErrorIs(t, err, importer.ErrMalformed)
			return
		}
		checkLog(t, l)
	})
}

// FuzzReadXES: any bytes, plain or gzip, are a log or an error, never a
// panic; plain input that is not a log is an ErrMalformed.
func FuzzReadXES(f *testing.F) {
	event := func(group, at string) string {
		return `<event><string key="concept:name" value="a"/><string key="org:group" value="` + group +
			`"/><date key="time:timestamp" value="` + at + `"/></event>`
	}
	seeds := []string{
		"",
		"<log></log>",
		`<?xml version="1.0" encoding="UTF-8"?><log xes.version="1.0"><trace><string key="concept:name" value="t1"/>` +
			event("G", "2012-10-09T14:50:17+00:00") + event("H", "2012-10-09T15:50:17.123+00:00") + "</trace></log>",
		`<log><global scope="event"><string key="org:group" value="x"/></global><trace><string key="concept:name" value="t2"/>` +
			event("", "2012-10-09T14:50:17+02:00") + "</trace></log>",
		"<log>\n<trace>\n<event>\n",
		"<html></html>",
		`<log><trace><event><date key="time:timestamp" value="soon"/></event></trace></log>`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	_, _ = w.Write([]byte(seeds[2]))
	_ = w.Close()
	f.Add(gz.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := importer.ReadXES(bytes.NewReader(data), importer.ReadOptions{Group: "org:group"})
		if err != nil {
			assert.NotEmpty(t, err.Error())
			if !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) && !strings.Contains(err.Error(), "gzip") {
				assert.True(t, errors.Is(err, importer.ErrMalformed), "plain input: %v is not ErrMalformed", err)
			}
			return
		}
		checkLog(t, l)
	})
}
