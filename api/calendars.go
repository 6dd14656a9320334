package api

import (
	"context"
	"fmt"
	"time"

	"github.com/cadena-project/cadena/domain"
)

// CalendarResult is a calendar after a command.
type CalendarResult struct {
	Calendar domain.CalendarState
	Created  bool   // the command defined it
	Added    int    // holidays added (AddHolidays)
	Position uint64 // global position reached
}

// PutCalendar defines a business-hours calendar or replaces its
// definition (admins only). The same definition again appends nothing.
func (s *Service) PutCalendar(ctx context.Context, a Actor, m Meta, cmd domain.SetCalendar) (CalendarResult, error) {
	m = m.withRequest("calendar.put", cmd)
	if err := a.MayManageCalendars(); err != nil {
		return CalendarResult{}, err
	}
	if !domain.ValidSlug(cmd.ID) {
		_, err := domain.DecideSetCalendar(domain.CalendarState{}, cmd, s.now())
		return CalendarResult{}, err
	}
	existed := false
	c, out, err := execute(ctx, s, direct{s}, a, m, domain.CalendarStream(cmd.ID), domain.EvolveCalendar,
		func(c domain.CalendarState) ([]domain.Event, error) {
			existed = c.Exists()
			return domain.DecideSetCalendar(c, cmd, s.now())
		})
	if err != nil {
		return CalendarResult{}, err
	}
	created := out.Appended && !existed || out.Replayed && c.Version == 1
	return CalendarResult{Calendar: c, Created: created, Position: out.Position}, nil
}

// AddHolidays adds holidays to an existing calendar (admins only); dates
// that have an exception already are skipped.
func (s *Service) AddHolidays(ctx context.Context, a Actor, m Meta, cmd domain.AddHolidays) (CalendarResult, error) {
	m = m.withRequest("calendar.holidays", cmd)
	if err := a.MayManageCalendars(); err != nil {
		return CalendarResult{}, err
	}
	if !domain.ValidSlug(cmd.ID) {
		return CalendarResult{}, fmt.Errorf("calendar %q: %w", cmd.ID, domain.ErrNotFound)
	}
	before := 0
	c, out, err := execute(ctx, s, direct{s}, a, m, domain.CalendarStream(cmd.ID), domain.EvolveCalendar,
		func(c domain.CalendarState) ([]domain.Event, error) {
			before = len(c.Spec.Exceptions)
			return domain.DecideAddHolidays(c, cmd, s.now())
		})
	if err != nil {
		return CalendarResult{}, err
	}
	if out.Replayed {
		// Answer as the first call did: c is the calendar just after its
		// event; count what that event added to the version before it.
		recs, err := s.load(ctx, domain.CalendarStream(cmd.ID))
		if err != nil {
			return CalendarResult{}, err
		}
		var prev domain.CalendarState
		for _, r := range recs {
			if r.Version >= out.Version {
				break
			}
			prev = domain.EvolveCalendar(prev, r.Event)
		}
		before = len(prev.Spec.Exceptions)
	}
	added := len(c.Spec.Exceptions) - before
	return CalendarResult{Calendar: c, Added: added, Position: out.Position}, nil
}

// Calendar returns the current definition of a calendar.
func (s *Service) Calendar(ctx context.Context, id string) (domain.CalendarState, error) {
	c, err := s.loadCalendar(ctx, direct{s}, id)
	if err != nil {
		return c, err
	}
	if !c.Exists() {
		return c, fmt.Errorf("calendar %q: %w", id, domain.ErrNotFound)
	}
	return c, nil
}

// loadCalendar reads a calendar that a command consults. A lone command
// reads it through the cache; a batch reads the stream itself, so that a
// definition it has not written yet counts and the dependency is recorded.
func (s *Service) loadCalendar(ctx context.Context, x session, id string) (domain.CalendarState, error) {
	if !domain.ValidSlug(id) {
		return domain.CalendarState{}, fmt.Errorf("calendar %q: %w", id, domain.ErrNotFound)
	}
	if _, lone := x.(direct); lone {
		c, _, err := s.cals.current(ctx, s, id)
		return c, err
	}
	recs, err := x.peek(ctx, domain.CalendarStream(id))
	if err != nil {
		return domain.CalendarState{}, err
	}
	return fold(domain.EvolveCalendar, recs), nil
}

// ClockOf returns the calendar a hand-off's clock counts in: the current
// definition of the calendar recorded with its agreement, or the wall
// clock when there is none. The compiled calendar comes from a cache that
// asks the store only whether the calendar's stream moved.
func (s *Service) ClockOf(ctx context.Context, h domain.Handoff) (domain.DeadlineCalendar, error) {
	if h.Agreement == nil || h.Agreement.Calendar == "" || !domain.ValidSlug(h.Agreement.Calendar) {
		return domain.WallClock{}, nil
	}
	_, cal, err := s.cals.current(ctx, s, h.Agreement.Calendar)
	if err != nil || cal == nil {
		return domain.WallClock{}, err
	}
	return cal, nil
}

// dueTimes returns the deadlines of h measured with cal; zero when none.
func dueTimes(h domain.Handoff, cal domain.DeadlineCalendar) (due, respondDue time.Time) {
	if t, ok := h.ResolveDueAt(cal); ok {
		due = t.UTC()
	}
	if t, ok := h.RespondDueAt(cal); ok {
		respondDue = t.UTC()
	}
	return due, respondDue
}

// withClock sets the calendar of a command's result.
func (s *Service) withClock(ctx context.Context, r HandoffResult) (HandoffResult, error) {
	cal, err := s.ClockOf(ctx, r.Handoff)
	if err != nil {
		return HandoffResult{}, err
	}
	r.Clock = cal
	return r, nil
}
