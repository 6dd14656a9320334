package importer_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/cmd/cadena/internal/importer"
)

// sampleCSV has a case that moves Group 1 -> Group 2 -> Group 1 -> Group 2
// -> Group 3, a case with a case ID that is not an ID, out of time order,
// and a case that never changes group. Minutes after 09:00 in the comments.
const sampleCSV = `case:concept:name,concept:name,org:group,org:resource,time:timestamp
c1,Register,Group 1,R1,2011-10-11 09:00:00.000000+02:00
c1,Check,Group 1,R1,2011-10-11 09:01:00.000000+02:00
c1,Review,Group 2,R2,2011-10-11 09:02:00.000000+02:00
c1,Review more,Group 2,R2,2011-10-11 09:03:00.000000+02:00
c1,Fix,Group 1,R1,2011-10-11 09:04:00.000000+02:00
c1,Review again,Group 2,R2,2011-10-11 09:06:00.500000+02:00
c1,Archive,Group 3,R3,2011-10-11 09:07:00+02:00
c1,Close,Group 3,R3,2011-10-11 09:08:00+02:00
c 2,Later,EMPTY,R4,2011-10-11 09:10:00.000000+02:00
c 2,Earlier,Group 3,R3,2011-10-11 09:05:00.000000+02:00
c3,Only,Group 1,R1,2011-10-11 09:20:00.000000+02:00
c3,Still,Group 1,R1,2011-10-11 09:21:00.000000+02:00
`

// sampleXES is the same log as sampleCSV in XES (UTC times), with a nested
// attribute and a trace attribute after its events.
const sampleXES = `<?xml version="1.0" encoding="utf-8" ?>
<log xes.version="1849-2016" xmlns="http://www.xes-standard.org/">
	<string key="origin" value="test" />
	<global scope="event"><string key="concept:name" value="x" /></global>
	<trace>
		<string key="concept:name" value="c1" />
		<event><string key="concept:name" value="Register" /><string key="org:group" value="Group 1" /><date key="time:timestamp" value="2011-10-11T07:00:00.000+00:00" /></event>
		<event><string key="concept:name" value="Check" /><string key="org:group" value="Group 1" /><date key="time:timestamp" value="2011-10-11T07:01:00.000+00:00" /></event>
		<event><string key="concept:name" value="Review" /><string key="org:group" value="Group 2" /><date key="time:timestamp" value="2011-10-11T07:02:00Z" /></event>
		<event><string key="concept:name" value="Review more" /><string key="org:group" value="Group 2" /><date key="time:timestamp" value="2011-10-11T07:03:00Z" /></event>
		<event><string key="concept:name" value="Fix" /><string key="org:group" value="Group 1" /><date key="time:timestamp" value="2011-10-11T07:04:00Z" /></event>
		<event>
			<string key="concept:name" value="Review again" />
			<list key="notes"><string key="org:group" value="not the group" /></list>
			<string key="org:group" value="Group 2" />
			<date key="time:timestamp" value="2011-10-11T07:06:00.500Z" />
		</event>
		<event><string key="concept:name" value="Archive" /><string key="org:group" value="Group 3" /><date key="time:timestamp" value="2011-10-11T07:07:00Z" /></event>
		<event><string key="concept:name" value="Close" /><string key="org:group" value="Group 3" /><date key="time:timestamp" value="2011-10-11T07:08:00Z" /></event>
	</trace>
	<trace>
		<event><string key="concept:name" value="Later" /><string key="org:group" value="EMPTY" /><date key="time:timestamp" value="2011-10-11T07:10:00Z" /></event>
		<event><string key="concept:name" value="Earlier" /><string key="org:group" value="Group 3" /><date key="time:timestamp" value="2011-10-11T07:05:00Z" /></event>
		<string key="concept:name" value="c 2" />
	</trace>
	<trace>
		<string key="concept:name" value="c3" />
		<event><string key="concept:name" value="Only" /><string key="org:group" value="Group 1" /><date key="time:timestamp" value="2011-10-11T07:20:00Z" /></event>
		<event><string key="concept:name" value="Still" /><string key="org:group" value="Group 1" /><date key="time:timestamp" value="2011-10-11T07:21:00Z" /></event>
	</trace>
</log>
`

// wantSample is the plan of the sample, one line per hand-off: ID,
// supplier <- customer, title, then each step at minutes (and seconds)
// after 07:00 UTC. The second case ID is cleaned and suffixed with the
// first 8 hex digits of SHA-256("c 2").
var wantSample = []string{
	"c1-1 group-2<-group-1 \"Review (case c1)\": request@2m0s accept@2m0s deliver@4m0s return@6m0.5s deliver@7m0s",
	"c1-2 group-1<-group-2 \"Fix (case c1)\": request@4m0s accept@4m0s deliver@6m0.5s",
	"c1-4 group-3<-group-2 \"Archive (case c1)\": request@7m0s accept@7m0s deliver@8m0s",
	"c_2_16951c04-1 empty<-group-3 \"Later (case c 2)\": request@10m0s accept@10m0s deliver@10m0s",
}

var t0 = time.Date(2011, 10, 11, 7, 0, 0, 0, time.UTC)

func describe(p *importer.Plan) []string {
	var out []string
	for _, h := range p.Handoffs {
		s := fmt.Sprintf("%s %s<-%s %q:", h.ID, h.Supplier, h.Customer, h.Title)
		for _, st := range h.Steps {
			s += fmt.Sprintf(" %s@%s", st.Verb, st.At.Sub(t0))
		}
		out = append(out, s)
	}
	return out
}

func TestPlanSample(t *testing.T) {
	for _, tt := range []struct {
		name string
		read func() (*importer.Log, error)
	}{
		{"csv", func() (*importer.Log, error) {
			return importer.ReadCSV(strings.NewReader(sampleCSV), importer.ReadOptions{})
		}},
		{"xes", func() (*importer.Log, error) {
			return importer.ReadXES(strings.NewReader(sampleXES), importer.ReadOptions{})
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			log, err := tt.read()
			require.NoError(t, err)
			p, err := importer.NewPlan(log, importer.PlanOptions{})
			require.NoError(t, err)
			assert.Equal(t, wantSample, describe(p), "hand-offs")
			open, err := importer.NewPlan(log, importer.PlanOptions{OpenAtEnd: true})
			require.NoError(t, err)
			wantOpen := slices.Clone(wantSample)
			for _, i := range []int{2, 3} {
				wantOpen[i] = wantOpen[i][:strings.LastIndex(wantOpen[i], " deliver@")]
			}
			assert.Equal(t, wantOpen, describe(open), "hand-offs with OpenAtEnd")
			type counts struct {
				Cases, Events, Returns int
				Kind                   string
			}
			assert.Equal(t, counts{Cases: 3, Events: 12, Returns: 1, Kind: importer.DefaultKind},
				counts{Cases: p.Cases, Events: p.Events, Returns: p.Returns, Kind: p.Kind}, "plan counts")
			var depts []string
			for _, d := range p.Departments {
				depts = append(depts, fmt.Sprintf("%s=%s@%s", d.ID, d.Name, d.At.Sub(t0)))
			}
			wantDepts := []string{"group-1=Group 1@0s", "group-2=Group 2@2m0s", "group-3=Group 3@5m0s", "empty=EMPTY@10m0s"}
			assert.Equal(t, wantDepts, depts, "departments")
			var pairs []string
			for _, pr := range p.Pairs {
				pairs = append(pairs, fmt.Sprintf("%s<-%s@%s×%d", pr.Supplier, pr.Customer, pr.At.Sub(t0), pr.Handoffs))
			}
			wantPairs := []string{"empty<-group-3@10m0s×1", "group-1<-group-2@2m0s×1", "group-2<-group-1@2m0s×1", "group-3<-group-2@5m0s×1"}
			assert.Equal(t, wantPairs, pairs, "pairs")
		})
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Group 3": "group-3", "EMPTY": "empty", "(none)": "none", "  Back--Office / EU ": "back-office-eu",
		"Value 1": "value-1", "äöü": "aou", "Soporte Técnico": "soporte-tecnico", "Отдел": "group-db6883a6", strings.Repeat("ab ", 40): strings.TrimRight(strings.Repeat("ab-", 22)[:64], "-"),
	} {
		assert.Equal(t, want, importer.Slug(in), "Slug(%q)", in)
	}
}

func TestPlanRejectsCollidingGroups(t *testing.T) {
	log := &importer.Log{Cases: []importer.Case{{ID: "c", Events: []importer.Event{
		{Group: "Group 1", At: t0, Line: 2}, {Group: "group-1", At: t0.Add(time.Minute), Line: 3},
	}}}}
	_, err := importer.NewPlan(log, importer.PlanOptions{})
	assert.ErrorContains(t, err, `"Group 1" and "group-1" both make department "group-1"`, "NewPlan: want a collision")
}

// TestPlanRejectsABadKind runs on a log whose groups do not collide, so only
// the kind can be at fault.
func TestPlanRejectsABadKind(t *testing.T) {
	log := &importer.Log{Cases: []importer.Case{{ID: "c", Events: []importer.Event{
		{Group: "Group 1", At: t0, Line: 2}, {Group: "Group 2", At: t0.Add(time.Minute), Line: 3},
	}}}}
	_, err := importer.NewPlan(log, importer.PlanOptions{})
	require.NoError(t, err, "NewPlan: the log itself is valid")
	_, err = importer.NewPlan(log, importer.PlanOptions{Kind: "Bad Kind"})
	assert.ErrorContains(t, err, `kind "Bad Kind" is not a slug`, "NewPlan accepted a kind that is not a slug")
}
