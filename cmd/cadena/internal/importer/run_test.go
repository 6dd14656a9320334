package importer_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/cmd/cadena/internal/importer"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore/memory"
)

func TestRunSample(t *testing.T) {
	ctx := context.Background()
	store := memory.New(memory.Options{})
	t.Cleanup(func() { store.Close() })
	svc := api.New(store, api.Options{})
	log, err := importer.ReadCSV(strings.NewReader(sampleCSV), importer.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := importer.NewPlan(log, importer.PlanOptions{Kind: "permit"})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := importer.Run(ctx, svc, p, importer.Options{ResolveWithin: 4 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	// 4 departments, 4 agreements, 4 requests and accepts, 4 deliveries
	// (2 at the end of a case), 1 return and the redelivery after it.
	if sum.Commands != 4+4+8+4+2 || sum.Agreements != 4 || sum.Handoffs != 4 || sum.Returns != 1 {
		t.Fatalf("summary %+v", sum)
	}
	head, _ := store.Head(ctx)
	if head != uint64(sum.Commands) || sum.Position != head {
		t.Fatalf("head %d, position %d, want %d (one event per command)", head, sum.Position, sum.Commands)
	}

	var got []string
	var last time.Time
	for ev, err := range store.ReadAll(ctx, 0) {
		require.NoError(t, err)
		e, err := domain.Decode(ev.Type, ev.Data)
		require.NoError(t, err)
		require.False(t, domain.OccurredAt(e).Before(last), "%s at %s is before the previous event (%s): not in time order",
			ev.Type, domain.OccurredAt(e), last)
		last = domain.OccurredAt(e)
		switch e := e.(type) {
		case domain.HandoffRequested:
			if e.Agreement == nil || e.Agreement.ResolveWithinS != 4*3600 || e.Kind != "permit" {
				t.Fatalf("request %+v: want the 4h agreement and kind permit", e)
			}
			got = append(got, fmt.Sprintf("%s %s<-%s@%s", ev.Type, e.Supplier, e.Customer, e.At.Sub(t0)))
		case domain.HandoffReturned:
			got = append(got, fmt.Sprintf("%s %s@%s", ev.Type, e.HandoffID, e.At.Sub(t0)))
		}
	}
	want := []string{
		"handoff.requested.v2 group-2<-group-1@2m0s",
		"handoff.requested.v2 group-1<-group-2@4m0s",
		"handoff.returned.v1 c1-1@6m0.5s",
		"handoff.requested.v2 group-3<-group-2@7m0s",
		"handoff.requested.v2 empty<-group-3@10m0s",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("requests and returns:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	v, err := svc.Handoff(ctx, importer.Actor, "c1-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	h := v.Handoff
	if h.State != domain.StateDelivered || h.Deliveries != 2 || h.Returns != 1 {
		t.Fatalf("c1-1 = %s with %d deliveries and %d returns, want delivered twice and returned once", h.State, h.Deliveries, h.Returns)
	}

	again, err := importer.Run(ctx, svc, p, importer.Options{ResolveWithin: 4 * time.Hour})
	if err != nil {
		t.Fatalf("importing again: %v", err)
	}
	if after, _ := store.Head(ctx); after != head || again.Commands != sum.Commands-4 { // the departments exist
		t.Fatalf("importing again moved the head from %d to %d (%d commands)", head, after, again.Commands)
	}

	// An older log that shares a group: the existing department is kept.
	older, err := importer.ReadCSV(strings.NewReader(`case:concept:name,concept:name,org:group,time:timestamp
old-1,a,Group 1,2010-01-04 09:00:00+01:00
old-1,b,Group 9,2010-01-04 10:00:00+01:00
`), importer.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p2, err := importer.NewPlan(older, importer.PlanOptions{Kind: "permit"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := importer.Run(ctx, svc, p2, importer.Options{ResolveWithin: time.Hour}); err != nil {
		t.Fatalf("importing an older log: %v", err)
	}
	if after, _ := store.Head(ctx); after != head+5 {
		t.Fatalf("the older log appended %d events, want 5 (a department, an agreement, a request, an accept, a delivery)", after-head)
	}
}
