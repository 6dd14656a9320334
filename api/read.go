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
}

// Handoff returns a hand-off as of asOf (zero: now), folding only the
// events that occurred by then. Ratings and their comments are left out for
// actors that may not see them.
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
	now := s.now().UTC()
	if asOf.IsZero() {
		asOf = now
		// Events may be recorded up to MaxSkew ahead: "now" shows them all.
		if last := recs[len(recs)-1].Event.OccurredAt(); last.After(asOf) {
			asOf = last
		}
	}
	if asOf.Before(first.At) {
		return HandoffView{}, &domain.ValidationError{Field: "as_of", Msg: fmt.Sprintf(
			"%s is before the hand-off was requested (%s)", asOf.Format(time.RFC3339), first.At.Format(time.RFC3339))}
	}
	showRatings := a.CanSeeRatings(first.Customer)
	v := HandoffView{AsOf: asOf}
	for _, r := range recs {
		if r.Event.OccurredAt().After(asOf) {
			break
		}
		v.Handoff = domain.EvolveHandoff(v.Handoff, r.Event)
		v.Position = r.Position
		ev := r.Event
		if rated, ok := ev.(domain.HandoffRated); ok && !showRatings {
			rated.Score, rated.Comment = 0, ""
			ev = rated
		}
		v.Timeline = append(v.Timeline, TimelineEntry{Type: ev.EventType(), Version: r.Version, Position: r.Position,
			OccurredAt: ev.OccurredAt(), RecordedAt: r.RecordedAt, Actor: actorOf(r.Metadata), Event: ev})
	}
	if !showRatings {
		v.Handoff.Rating = nil
	}
	cal, err := s.ClockOf(ctx, v.Handoff)
	if err != nil {
		return HandoffView{}, err
	}
	v.SupplierOwned = v.Handoff.SupplierOwned(cal, asOf)
	v.DueAt, v.RespondDueAt = dueTimes(v.Handoff, cal)
	return v, nil
}

func actorOf(meta []byte) string {
	var m Metadata
	if json.Unmarshal(meta, &m) != nil {
		return ""
	}
	return m.Actor
}
