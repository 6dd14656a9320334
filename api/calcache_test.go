package api

import (
	"context"
	"fmt"
	"iter"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/memory"
)

// countingStore counts the events its reads yield.
type countingStore struct {
	*memory.Store
	read atomic.Int64
}

func (c *countingStore) ReadStream(ctx context.Context, stream string, after uint64) iter.Seq2[eventstore.RecordedEvent, error] {
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		for ev, err := range c.Store.ReadStream(ctx, stream, after) {
			c.read.Add(1)
			if !yield(ev, err) {
				return
			}
		}
	}
}

func calendarSpec() domain.CalendarSpec {
	day := []string{"09:00-17:00"}
	return domain.CalendarSpec{Name: "office", TimeZone: "Europe/Madrid", Week: domain.Week{Mon: day, Tue: day, Wed: day, Thu: day, Fri: day}}
}

func TestCalendarCacheReadsOnlyNewEvents(t *testing.T) {
	mem := memory.New(memory.Options{})
	t.Cleanup(func() { mem.Close() })
	store := &countingStore{Store: mem}
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	s := New(store, Options{Now: func() time.Time { return now }})
	admin := Actor{Name: "ops", Role: RoleAdmin}
	ctx := context.Background()
	_, err := s.PutCalendar(ctx, admin, Meta{}, domain.SetCalendar{ID: "office", Spec: calendarSpec()})
	require.NoError(t, err)
	for i := range 3 {
		_, err := s.AddHolidays(ctx, admin, Meta{}, domain.AddHolidays{ID: "office",
			Holidays: []domain.CalendarException{{Date: fmt.Sprintf("2026-12-%02d", 21+i)}}})
		require.NoError(t, err)
	}

	store.read.Store(0)
	c, first, err := s.cals.current(ctx, s, "office")
	require.NoError(t, err)
	assert.Equal(t, int64(4), store.read.Load(), "the first read folds the whole stream")
	assert.Equal(t, uint64(4), c.Version)
	store.read.Store(0)
	_, again, err := s.cals.current(ctx, s, "office")
	require.NoError(t, err)
	assert.Zero(t, store.read.Load(), "nothing new: nothing decoded")
	assert.Same(t, first, again, "nothing new: nothing compiled")

	_, err = s.AddHolidays(ctx, admin, Meta{}, domain.AddHolidays{ID: "office",
		Holidays: []domain.CalendarException{{Date: "2026-12-31"}}})
	require.NoError(t, err)
	store.read.Store(0)
	c, changed, err := s.cals.current(ctx, s, "office")
	require.NoError(t, err)
	assert.Equal(t, int64(1), store.read.Load(), "only the new event is read")
	assert.Equal(t, uint64(5), c.Version)
	assert.Len(t, c.Spec.Exceptions, 4)
	assert.NotSame(t, first, changed)

	c, cal, err := s.cals.current(ctx, s, "nowhere")
	require.NoError(t, err)
	assert.False(t, c.Exists())
	assert.Nil(t, cal)
}

func TestCalendarCacheIsBounded(t *testing.T) {
	mem := memory.New(memory.Options{})
	t.Cleanup(func() { mem.Close() })
	s := New(mem, Options{})
	admin := Actor{Name: "ops", Role: RoleAdmin}
	ctx := context.Background()
	n := maxCachedCalendars + 3
	for i := range n {
		_, err := s.PutCalendar(ctx, admin, Meta{}, domain.SetCalendar{ID: fmt.Sprintf("cal-%d", i), Spec: calendarSpec()})
		require.NoError(t, err)
	}
	for i := range n {
		_, _, err := s.cals.current(ctx, s, fmt.Sprintf("cal-%d", i))
		require.NoError(t, err)
		assert.LessOrEqual(t, s.cals.len(), maxCachedCalendars)
	}
	assert.Equal(t, maxCachedCalendars, s.cals.len())
	// The first ones were dropped; read again, they are whole.
	c, cal, err := s.cals.current(ctx, s, "cal-0")
	require.NoError(t, err)
	assert.Equal(t, uint64(1), c.Version)
	assert.NotNil(t, cal)
}
