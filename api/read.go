package api

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cadena-project/cadena/domain"
)

// TimelineEntry is one event of a hand-off as the API shows it.
type TimelineEntry struct {
	Type       string
	Version    uint64
	Position   uint64
	OccurredAt time.Time
	RecordedAt time.Time
	Actor      string
	Event      domain.Event
}

// HandoffView is a hand-off as of an instant, with its timeline.
type HandoffView struct {
	Handoff  domain.Handoff
	Timeline []TimelineEntry
	// AsOf is the instant the view describes.
	AsOf time.Time
	// SupplierOwned is the supplier-owned time from the request to AsOf,
	// in the working time of the hand-off's calendar when it has one.
	SupplierOwned time.Duration
	// DueAt is when the supplier-owned time reaches the resolve target if
	// the clock keeps running, RespondDueAt when the first response is
	// due; zero when there is none (see domain.Handoff.ResolveDueAt).
	DueAt, RespondDueAt time.Time
	// Position is the global position of the latest event shown.
	Position uint64
	// RatingsShown reports whether the actor may see ratings and their
	// comments. When false, Handoff.Rating is nil and ratings are left out
	// of the timeline altogether; Position, Handoff.Version and
	// Handoff.LastAt are then those of the latest event shown, so that
	// nothing in the view tells when a rating was given.
	RatingsShown bool
}

// Handoff returns a hand-off as of asOf (zero: now), folding only the
// events that occurred by then. For actors that may not see ratings (the
// supplier's side), rated events are left out of the timeline altogether,
// and the view's Position, Handoff.Version and default as_of are those of
// the latest event shown: nothing tells when a rating was given.
func (s *Service) Handoff(ctx context.Context, a Actor, id string, asOf time.Time) (HandoffView, error) {
	if !domain.ValidHandoffID(id) {
		return HandoffView{}, fmt.Errorf("hand-off %q: %w", id, domain.ErrNotFound)
	}
	recs, err := s.load(ctx, domain.HandoffStream(id))
	if err != nil {
		return HandoffView{}, err
	}
	if len(recs) == 0 {
		return HandoffView{}, fmt.Errorf("hand-off %q: %w", id, domain.ErrNotFound)
	}
	first := recs[0].Event.(domain.HandoffRequested)
	if !a.CanRead(first.Supplier, first.Customer) {
		// Name neither party: the caller may not learn who they are.
		return HandoffView{}, fmt.Errorf("%w: hand-off %s does not involve %s", ErrForbidden, id, a.Department)
	}
	showRatings := a.CanSeeRatings(first.Customer)
	hidden := func(e domain.Event) bool {
		_, rated := e.(domain.HandoffRated)
		return rated && !showRatings
	}
	now := s.now().UTC()
	if asOf.IsZero() {
		asOf = now
		// Events may be recorded up to MaxSkew ahead: "now" shows them all.
		for i := len(recs) - 1; i >= 0; i-- {
			if e := recs[i].Event; !hidden(e) {
				asOf = latest(asOf, domain.OccurredAt(e))
				break
			}
		}
	}
	if asOf.Before(first.At) {
		return HandoffView{}, &domain.ValidationError{Field: "as_of", Msg: fmt.Sprintf(
			"%s is before the hand-off was requested (%s)", asOf.Format(time.RFC3339Nano), first.At.Format(time.RFC3339Nano))}
	}
	v := HandoffView{AsOf: asOf, RatingsShown: showRatings}
	var (
		shownVersion uint64
		shownAt      time.Time
	)
	for _, r := range recs {
		at := domain.OccurredAt(r.Event)
		if at.After(asOf) {
			break
		}
		v.Handoff = domain.EvolveHandoff(v.Handoff, r.Event)
		if hidden(r.Event) {
			// Not even when: with the pair's figures, the moment of one
			// rating would give its score away.
			continue
		}
		v.Position, shownVersion, shownAt = r.Position, r.Version, at
		v.Timeline = append(v.Timeline, TimelineEntry{Type: domain.EventType(r.Event), Version: r.Version, Position: r.Position,
			OccurredAt: at, RecordedAt: r.RecordedAt, Actor: actorOf(r.Metadata), Event: r.Event})
	}
	v.Handoff = a.redact(v.Handoff)
	if !showRatings {
		// Nothing in the view moves when a rating is given.
		v.Handoff.Version, v.Handoff.LastAt = shownVersion, shownAt
	}
	cal, err := s.ClockOf(ctx, v.Handoff)
	if err != nil {
		return HandoffView{}, err
	}
	v.SupplierOwned = v.Handoff.SupplierOwned(cal, asOf)
	v.DueAt, v.RespondDueAt = dueTimes(v.Handoff, cal)
	return v, nil
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func actorOf(meta []byte) string {
	var m Metadata
	if json.Unmarshal(meta, &m) != nil {
		return ""
	}
	return m.Actor
}
