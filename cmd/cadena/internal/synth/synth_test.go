package synth_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/cmd/cadena/internal/synth"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/bolt"
	"github.com/cadena-project/cadena/eventstore/memory"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/catalog"
	"github.com/cadena-project/cadena/projections/handoffindex"
	"github.com/cadena-project/cadena/projections/pairstats"
	"github.com/cadena-project/cadena/projections/recognitions"
	"github.com/cadena-project/cadena/projections/tallies"
)

var start = time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)

// readAll returns the whole log of s.
func readAll(t *testing.T, s eventstore.Store) []eventstore.RecordedEvent {
	t.Helper()
	var out []eventstore.RecordedEvent
	for ev, err := range s.ReadAll(context.Background(), 0) {
		require.NoError(t, err)
		out = append(out, ev)
	}
	return out
}

func TestWriteHasTheRequestedShape(t *testing.T) {
	const n = 120_000
	s := memory.New(memory.Options{})
	sum, err := synth.Write(context.Background(), s, synth.Options{Events: n, Seed: 7, Start: start})
	require.NoError(t, err)
	log := readAll(t, s)

	assert.Len(t, log, n)
	assert.Equal(t, n, sum.Events)
	assert.Equal(t, log[len(log)-1].Position, sum.Position)
	assert.Equal(t, 300, sum.Departments)
	assert.Len(t, sum.DepartmentIDs, 300)
	assert.GreaterOrEqual(t, sum.Pairs, 900, "most of the 1,000 pairs have hand-offs")
	assert.LessOrEqual(t, sum.Pairs, 1000)
	for _, typ := range domain.EventTypes() {
		assert.Positive(t, sum.ByType[typ], "the log holds %s events", typ)
	}
	assert.Equal(t, 1, sum.ByType[domain.TypeDepartmentRetired], "one department is retired")
	assert.Contains(t, sum.DepartmentIDs, sum.Retired)
	assert.Equal(t, 5, sum.ByType[domain.TypeCalendarSet], "four calendars, one of them redefined")
	assert.Equal(t, sum.Handoffs, sum.ByType[domain.TypeHandoffRequested])
	// About a year of business time.
	assert.True(t, sum.First.Before(start), "the organisation is set up before the history")
	assert.WithinDuration(t, start.AddDate(1, 0, 0), sum.Last, 40*24*time.Hour)

	withCalendar := 0
	for _, ev := range log {
		if ev.Type != domain.TypeAgreementSet {
			continue
		}
		e, err := domain.Decode(ev.Type, ev.Data)
		require.NoError(t, err)
		if e.(domain.AgreementSet).Calendar != "" {
			withCalendar++
		}
	}
	assert.Positive(t, withCalendar, "some agreements count in working time")
	assert.Less(t, withCalendar, sum.ByType[domain.TypeAgreementSet], "some agreements count in wall-clock time")
}

// TestWriteIsWhatTheDomainDecides folds every stream and checks that each
// event is the one the domain's decide function returns for the command
// that records it, on the state before it.
func TestWriteIsWhatTheDomainDecides(t *testing.T) {
	s := memory.New(memory.Options{})
	sum, err := synth.Write(context.Background(), s, synth.Options{Events: 40_000, Departments: 40, Pairs: 120, Seed: 3, Start: start})
	require.NoError(t, err)
	require.NotEmpty(t, sum.Retired, "a department is retired")

	depts := map[string]domain.Department{}
	agreements := map[string]domain.Agreements{}
	calendars := map[string]domain.CalendarState{}
	recognitions := map[string]domain.Recognitions{}
	handoffs := map[string]domain.Handoff{}
	versions := map[string]uint64{}
	var lastAt time.Time
	for _, rec := range readAll(t, s) {
		versions[rec.StreamID]++
		require.Equal(t, versions[rec.StreamID], rec.Version, "stream %s has no gap", rec.StreamID)
		e, err := domain.Decode(rec.Type, rec.Data)
		require.NoError(t, err)
		at := domain.OccurredAt(e)
		require.False(t, at.Before(lastAt), "the log is in business-time order at %d", rec.Position)
		lastAt = at

		var want []domain.Event
		switch e := e.(type) {
		case domain.DepartmentRegistered:
			want, err = domain.DecideRegister(depts[e.DepartmentID], domain.RegisterDepartment{ID: e.DepartmentID, Name: e.Name, At: at}, at)
		case domain.DepartmentRenamed:
			want, err = domain.DecideRegister(depts[e.DepartmentID], domain.RegisterDepartment{ID: e.DepartmentID, Name: e.Name, At: at}, at)
		case domain.AgreementSet:
			stream := domain.AgreementStream(e.Supplier, e.Customer)
			want, err = domain.DecideSetAgreement(agreements[stream], depts[e.Supplier], depts[e.Customer], domain.SetAgreement{
				Supplier: e.Supplier, Customer: e.Customer, Kind: e.Kind, Calendar: e.Calendar, CalendarVersion: 1,
				ResolveWithin: time.Duration(e.ResolveWithinS) * time.Second, RespondWithin: time.Duration(e.RespondWithinS) * time.Second, At: at}, at)
		case domain.HandoffRequested:
			var terms *domain.AgreementTerms
			if a, ok := agreements[domain.AgreementStream(e.Supplier, e.Customer)].InForce(e.Kind); ok {
				terms = &a
			}
			want, err = domain.DecideRequest(handoffs[e.HandoffID], domain.RequestHandoff{ID: e.HandoffID, Supplier: e.Supplier,
				Customer: e.Customer, Kind: e.Kind, Title: e.Title, At: at, Agreement: terms,
				SupplierDept: depts[e.Supplier], CustomerDept: depts[e.Customer]}, at)
		case domain.DepartmentRetired:
			want, err = domain.DecideRetire(depts[e.DepartmentID], domain.RetireDepartment{ID: e.DepartmentID, At: at}, at)
		case domain.CalendarSet:
			want, err = domain.DecideSetCalendar(calendars[e.CalendarID], domain.SetCalendar{ID: e.CalendarID, Spec: e.CalendarSpec, At: at}, at)
		case domain.PairRecognised:
			want, err = domain.DecideRecognise(recognitions[rec.StreamID], depts[e.To], depts[e.From], domain.Recognise{
				Supplier: e.To, Customer: e.From, Message: e.Message, Author: e.Author, At: at}, at)
		default:
			id, ok := domain.HandoffOf(e)
			require.True(t, ok, "%T belongs to a hand-off", e)
			want, err = domain.DecideHandoff(handoffs[id], command(t, e), at)
		}
		require.NoError(t, err, "the domain accepts %s at position %d", rec.Type, rec.Position)
		require.Equal(t, []domain.Event{e}, want, "at position %d", rec.Position)

		switch e := e.(type) {
		case domain.DepartmentRegistered:
			depts[e.DepartmentID] = domain.EvolveDepartment(depts[e.DepartmentID], e)
		case domain.DepartmentRenamed:
			depts[e.DepartmentID] = domain.EvolveDepartment(depts[e.DepartmentID], e)
		case domain.DepartmentRetired:
			depts[e.DepartmentID] = domain.EvolveDepartment(depts[e.DepartmentID], e)
		case domain.CalendarSet:
			calendars[e.CalendarID] = domain.EvolveCalendar(calendars[e.CalendarID], e)
		case domain.PairRecognised:
			recognitions[rec.StreamID] = domain.EvolveRecognitions(recognitions[rec.StreamID], e)
		case domain.AgreementSet:
			stream := domain.AgreementStream(e.Supplier, e.Customer)
			agreements[stream] = domain.EvolveAgreements(agreements[stream], e)
		default:
			if id, ok := domain.HandoffOf(e); ok {
				handoffs[id] = domain.EvolveHandoff(handoffs[id], e)
			}
		}
	}
	assert.True(t, depts[sum.Retired].Retired, "%s ends retired", sum.Retired)
	retiredHandoffs := 0
	for _, h := range handoffs {
		if h.Supplier == sum.Retired || h.Customer == sum.Retired {
			retiredHandoffs++
		}
	}
	assert.Positive(t, retiredHandoffs, "the retired department had hand-offs before")
	states := map[domain.State]int{}
	for _, h := range handoffs {
		states[h.State]++
	}
	for _, st := range []domain.State{domain.StateAccepted, domain.StateDelivered, domain.StateCancelled} {
		assert.Positive(t, states[st], "some hand-offs end %s", st)
	}
}

// command returns the hand-off command that e records.
func command(t *testing.T, e domain.Event) domain.HandoffCommand {
	switch e := e.(type) {
	case domain.HandoffAccepted:
		return domain.HandoffCommand{Name: domain.Accept, At: e.At}
	case domain.HandoffPaused:
		return domain.HandoffCommand{Name: domain.Pause, Reason: e.Reason, At: e.At}
	case domain.HandoffResumed:
		return domain.HandoffCommand{Name: domain.Resume, At: e.At}
	case domain.HandoffDelivered:
		return domain.HandoffCommand{Name: domain.Deliver, Note: e.Note, At: e.At}
	case domain.HandoffReturned:
		return domain.HandoffCommand{Name: domain.Return, Reason: e.Reason, At: e.At}
	case domain.HandoffEscalated:
		return domain.HandoffCommand{Name: domain.Escalate, Reason: e.Reason, At: e.At}
	case domain.HandoffCancelled:
		return domain.HandoffCommand{Name: domain.Cancel, Reason: e.Reason, At: e.At}
	case domain.HandoffRated:
		return domain.HandoffCommand{Name: domain.Rate, Score: e.Score, Comment: e.Comment, At: e.At}
	}
	t.Fatalf("no command records %T", e)
	return domain.HandoffCommand{}
}

// TestWriteFoldsIntoTheReadModels runs the server's projections over a
// generated log in bolt: every event decodes and the figures count it.
func TestWriteFoldsIntoTheReadModels(t *testing.T) {
	s, err := bolt.Open(filepath.Join(t.TempDir(), "cadena.db"), bolt.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	sum, err := synth.Write(context.Background(), s, synth.Options{Events: 50_000, Seed: 11, Start: start})
	require.NoError(t, err)

	policy := domain.DefaultPolicy()
	pairs := pairstats.New(pairstats.Options{Policy: policy})
	cat, index, thanks := catalog.New(), handoffindex.New(), recognitions.New()
	tally := tallies.New(tallies.Options{Policy: policy})
	runner := projections.NewRunner(s, nil, pairs, cat, index, thanks, tally)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runner.Run(ctx) }()
	require.NoError(t, runner.WaitCaughtUp(context.Background()))
	cancel()
	require.NoError(t, <-done)

	assert.Equal(t, uint64(0), runner.DecodeErrors())
	assert.Equal(t, sum.Position, runner.Position())
	assert.Len(t, cat.Departments(), 300)
	requested := 0
	for _, p := range tally.Totals() {
		requested += p.Requested
	}
	assert.Equal(t, sum.Handoffs, requested)
	all := pairs.Pairs(pairstats.Window{From: start.AddDate(0, 0, -1), To: start.AddDate(1, 1, 0)})
	assert.Len(t, all, sum.Pairs)
	h, ok := index.Get("ho-00000001")
	require.True(t, ok)
	assert.NotEmpty(t, h.Supplier)
}

func TestWriteIsDeterministic(t *testing.T) {
	opts := synth.Options{Events: 5000, Departments: 20, Pairs: 50, Seed: 5, Start: start}
	a, b := memory.New(memory.Options{}), memory.New(memory.Options{})
	_, err := synth.Write(context.Background(), a, opts)
	require.NoError(t, err)
	_, err = synth.Write(context.Background(), b, opts)
	require.NoError(t, err)
	la, lb := readAll(t, a), readAll(t, b)
	require.Len(t, lb, len(la))
	for i := range la {
		assert.Equal(t, la[i].ID, lb[i].ID)
		assert.Equal(t, la[i].StreamID, lb[i].StreamID)
		assert.Equal(t, string(la[i].Data), string(lb[i].Data))
	}
	opts.Seed = 6
	c := memory.New(memory.Options{})
	_, err = synth.Write(context.Background(), c, opts)
	require.NoError(t, err)
	assert.NotEqual(t, string(la[len(la)-1].Data), string(readAll(t, c)[len(la)-1].Data), "another seed, another log")
}

// TestWriteIDsAscend checks that the event IDs are version 7 UUIDs that
// ascend with the log's positions, as live appends make them, also where
// thousands of events share a business time (the organisation's set-up).
func TestWriteIDsAscend(t *testing.T) {
	s := memory.New(memory.Options{})
	_, err := synth.Write(context.Background(), s, synth.Options{Events: 30_000, Departments: 3000, Pairs: 5000, Seed: 2, Start: start})
	require.NoError(t, err)
	log := readAll(t, s)
	prev := ""
	for _, ev := range log {
		require.True(t, eventstore.IsUUID(ev.ID), "%q at %d is a UUID", ev.ID, ev.Position)
		require.Equal(t, byte('7'), ev.ID[14], "%s at %d is of version 7", ev.ID, ev.Position)
		require.Contains(t, "89ab", ev.ID[19:20], "%s at %d has the RFC 9562 variant", ev.ID, ev.Position)
		require.Greater(t, ev.ID, prev, "the ID at %d sorts after the one before", ev.Position)
		prev = ev.ID
	}
}

func TestWriteRejectsBadOptions(t *testing.T) {
	for _, o := range []synth.Options{
		{Events: -1},
		{Departments: 1},
		{Departments: 10, Pairs: 46},
		{Days: -3},
		{Start: time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		_, err := synth.Write(context.Background(), memory.New(memory.Options{}), o)
		assert.ErrorIs(t, err, synth.ErrOptions, "%+v", o)
	}
}

// BenchmarkWriteBolt writes a generated log into a fresh bolt file.
func BenchmarkWriteBolt(b *testing.B) {
	n := 200_000
	if testing.Short() {
		n = 20_000
	}
	for b.Loop() {
		s, err := bolt.Open(filepath.Join(b.TempDir(), "cadena.db"), bolt.Options{})
		require.NoError(b, err)
		_, err = synth.Write(context.Background(), s, synth.Options{Events: n, Start: start})
		require.NoError(b, err)
		require.NoError(b, s.Close())
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkWriteMemory writes a generated log into the memory store: the
// generator's own cost, with no fsync and no on-disk index.
func BenchmarkWriteMemory(b *testing.B) {
	n := 1_000_000
	if testing.Short() {
		n = 20_000
	}
	for b.Loop() {
		_, err := synth.Write(context.Background(), memory.New(memory.Options{}), synth.Options{Events: n, Start: start})
		require.NoError(b, err)
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "events/s")
}
