package api_test

import (
	"context"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/memory"
)

// newService returns a service on store, as the only writer or not.
func newService(t *testing.T, store api.Store, sole bool) *api.Service {
	t.Helper()
	svc := api.New(store, api.Options{Now: func() time.Time { return now }, SoleWriter: sole})
	for _, id := range []string{"sales", "legal", "hr"} {
		_, err := svc.PutDepartment(context.Background(), admin, none, domain.RegisterDepartment{ID: id, Name: id, At: now.Add(-48 * time.Hour)})
		require.NoError(t, err)
	}
	return svc
}

func requestFrom(ctx context.Context, svc *api.Service, id, customer string) (api.HandoffResult, error) {
	return svc.RequestHandoff(ctx, admin, none, domain.RequestHandoff{
		ID: id, Supplier: "legal", Customer: customer, Kind: "contract-review", Title: "Review ACME"})
}

// TestConsultedStreamsFollowEveryChange: a request consults the pair's
// departments and agreements; each change the service makes to them counts
// for the next request, whether the service is the store's only writer
// (they are then served from memory) or not.
func TestConsultedStreamsFollowEveryChange(t *testing.T) {
	for _, sole := range []bool{true, false} {
		t.Run(fmt.Sprintf("sole=%v", sole), func(t *testing.T) {
			ctx := context.Background()
			store := memory.New(memory.Options{})
			t.Cleanup(func() { store.Close() })
			svc := newService(t, store, sole)

			r, err := requestFrom(ctx, svc, "h1", "hr")
			require.NoError(t, err)
			assert.Nil(t, r.Handoff.Agreement, "no agreement yet")

			_, err = svc.SetAgreement(ctx, legalHead, none, domain.SetAgreement{Supplier: "legal", Customer: "hr", ResolveWithin: 72 * time.Hour})
			require.NoError(t, err)
			r, err = requestFrom(ctx, svc, "h2", "hr")
			require.NoError(t, err)
			require.NotNil(t, r.Handoff.Agreement, "the agreement just set")
			assert.Equal(t, int64(72*3600), r.Handoff.Agreement.ResolveWithinS)

			_, err = svc.SetAgreement(ctx, legalHead, none, domain.SetAgreement{Supplier: "legal", Customer: "hr", ResolveWithin: 24 * time.Hour})
			require.NoError(t, err)
			r, err = requestFrom(ctx, svc, "h3", "hr")
			require.NoError(t, err)
			require.NotNil(t, r.Handoff.Agreement)
			assert.Equal(t, int64(24*3600), r.Handoff.Agreement.ResolveWithinS, "the agreement changed")

			_, err = svc.RetireDepartment(ctx, admin, none, domain.RetireDepartment{ID: "hr"})
			require.NoError(t, err)
			_, err = requestFrom(ctx, svc, "h4", "hr")
			assert.ErrorIs(t, err, domain.ErrInvalid, "the customer was just retired")

			// What a batch changes counts for the lone commands after it.
			_, err = requestFrom(ctx, svc, "h5", "ops")
			assert.ErrorIs(t, err, domain.ErrNotFound, "no ops department yet")
			res, err := svc.Batch(ctx, admin, []api.Command{
				{Department: &domain.RegisterDepartment{ID: "ops", Name: "operations"}},
				{Agreement: &domain.SetAgreement{Supplier: "legal", Customer: "ops", ResolveWithin: 5 * time.Hour}},
			})
			require.NoError(t, err)
			require.NoError(t, res[0].Err)
			require.NoError(t, res[1].Err)
			r, err = requestFrom(ctx, svc, "h6", "ops")
			require.NoError(t, err, "ops registered by the batch")
			require.NotNil(t, r.Handoff.Agreement, "the agreement the batch set")
			assert.Equal(t, int64(5*3600), r.Handoff.Agreement.ResolveWithinS)
		})
	}
}

// TestAnotherWriterCountsWhenNotSole: with two services on one store (two
// replicas), what one changes counts at once for the other's commands.
func TestAnotherWriterCountsWhenNotSole(t *testing.T) {
	ctx := context.Background()
	store := memory.New(memory.Options{})
	t.Cleanup(func() { store.Close() })
	mine := newService(t, store, false)
	other := api.New(store, api.Options{Now: func() time.Time { return now }})

	_, err := requestFrom(ctx, mine, "h1", "hr")
	require.NoError(t, err, "reads the pair")
	_, err = other.SetAgreement(ctx, legalHead, none, domain.SetAgreement{Supplier: "legal", Customer: "hr", ResolveWithin: 8 * time.Hour})
	require.NoError(t, err)
	r, err := requestFrom(ctx, mine, "h2", "hr")
	require.NoError(t, err)
	require.NotNil(t, r.Handoff.Agreement, "the other replica's agreement")
	assert.Equal(t, int64(8*3600), r.Handoff.Agreement.ResolveWithinS)

	_, err = other.RetireDepartment(ctx, admin, none, domain.RetireDepartment{ID: "hr"})
	require.NoError(t, err)
	_, err = requestFrom(ctx, mine, "h3", "hr")
	assert.ErrorIs(t, err, domain.ErrInvalid, "retired through the other replica")
}

// gatedStore holds up a read of one stream, after reading it, until
// released: a read that races an append.
type gatedStore struct {
	*memory.Store
	stream  string
	armed   atomic.Bool
	read    chan struct{} // gets a value once the read is held
	release chan struct{}
}

func (g *gatedStore) ReadStream(ctx context.Context, stream string, after uint64) iter.Seq2[eventstore.RecordedEvent, error] {
	if stream != g.stream || !g.armed.CompareAndSwap(true, false) {
		return g.Store.ReadStream(ctx, stream, after)
	}
	var evs []eventstore.RecordedEvent
	var failed error
	for ev, err := range g.Store.ReadStream(ctx, stream, after) {
		if err != nil {
			failed = err
			break
		}
		evs = append(evs, ev)
	}
	g.read <- struct{}{}
	<-g.release
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		for _, ev := range evs {
			if !yield(ev, nil) {
				return
			}
		}
		if failed != nil {
			yield(eventstore.RecordedEvent{}, failed)
		}
	}
}

// TestStaleReadIsNotKept: a request that read the customer's department
// just before it was retired may decide on what it read (the two raced),
// but what it read is not kept as current: the next request sees the
// retirement.
func TestStaleReadIsNotKept(t *testing.T) {
	ctx := context.Background()
	g := &gatedStore{Store: memory.New(memory.Options{}), stream: domain.DepartmentStream("hr"),
		read: make(chan struct{}, 1), release: make(chan struct{})}
	t.Cleanup(func() { g.Close() })
	svc := newService(t, g, true)

	g.armed.Store(true)
	first := make(chan error, 1)
	go func() {
		_, err := requestFrom(ctx, svc, "h1", "hr")
		first <- err
	}()
	<-g.read // it read hr before the retirement
	_, err := svc.RetireDepartment(ctx, admin, none, domain.RetireDepartment{ID: "hr"})
	require.NoError(t, err)
	close(g.release)
	assert.NoError(t, <-first, "the racing request decided on what it read")

	_, err = requestFrom(ctx, svc, "h2", "hr")
	assert.ErrorIs(t, err, domain.ErrInvalid, "the request after the retirement sees it")
}

// TestRetirementRacingRequests retires a department while requests for it
// run: every request begun after the retirement returned is refused, and
// every hand-off the requests created is in the store.
func TestRetirementRacingRequests(t *testing.T) {
	ctx := context.Background()
	store := memory.New(memory.Options{})
	t.Cleanup(func() { store.Close() })
	svc := newService(t, store, true)

	const workers, each = 8, 40
	var retired atomic.Bool
	var wg sync.WaitGroup
	var created atomic.Int64
	lateAccepted := make(chan string, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				after := retired.Load()
				id := fmt.Sprintf("w%d-%d", w, i)
				_, err := requestFrom(ctx, svc, id, "hr")
				if err == nil {
					created.Add(1)
					if after {
						lateAccepted <- id
					}
				} else if !assert.ErrorIs(t, err, domain.ErrInvalid, id) {
					return
				}
			}
		}()
	}
	_, err := svc.RetireDepartment(ctx, admin, none, domain.RetireDepartment{ID: "hr"})
	require.NoError(t, err)
	retired.Store(true)
	wg.Wait()
	close(lateAccepted)
	var late []string
	for id := range lateAccepted {
		late = append(late, id)
	}
	assert.Empty(t, late, "requests begun after the retirement returned")

	var stored int64
	for ev, err := range store.ReadAll(ctx, 0) {
		require.NoError(t, err)
		if ev.Type == domain.EventType(domain.HandoffRequested{}) {
			stored++
		}
	}
	assert.Equal(t, created.Load(), stored, "every hand-off created is stored")
}
