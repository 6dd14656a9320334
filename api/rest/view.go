package rest

import (
	"encoding/json"
	"time"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
)

// handoffJSON is a hand-off as the API shows it. Rating is left out when
// the application layer left it out (for actors that may not see
// individual ratings).
type handoffJSON struct {
	ID               string              `json:"id"`
	Supplier         string              `json:"supplier"`
	Customer         string              `json:"customer"`
	Kind             string              `json:"kind"`
	Title            string              `json:"title"`
	Details          string              `json:"details,omitempty"`
	State            domain.State        `json:"state"`
	Agreement        *termsJSON          `json:"agreement"`
	RequestedAt      time.Time           `json:"requested_at"`
	FirstResponseAt  *time.Time          `json:"first_response_at,omitempty"`
	LatestDeliveryAt *time.Time          `json:"latest_delivery_at,omitempty"`
	Deliveries       int                 `json:"deliveries"`
	Returns          int                 `json:"returns"`
	Escalations      int                 `json:"escalations"`
	Rating           *ratingJSON         `json:"rating,omitempty"`
	SupplierOwnedS   float64             `json:"supplier_owned_s"`
	DueAt            *time.Time          `json:"due_at"`
	RespondDueAt     *time.Time          `json:"respond_due_at"`
	ClockRunning     bool                `json:"clock_running"`
	AsOf             time.Time           `json:"as_of"`
	Version          uint64              `json:"version"`
	Position         uint64              `json:"position"`
	Timeline         []timelineEntryJSON `json:"timeline,omitempty"`
}

// termsJSON is the agreement recorded on a hand-off when it was requested.
type termsJSON struct {
	Version        uint64 `json:"version"`
	Kind           string `json:"kind,omitempty"`
	ResolveWithinS int64  `json:"resolve_within_s"`
	RespondWithinS int64  `json:"respond_within_s"`
	Calendar       string `json:"calendar,omitempty"`
}

type ratingJSON struct {
	Delivery int       `json:"delivery"`
	Score    int       `json:"score"`
	Comment  string    `json:"comment,omitempty"`
	RatedAt  time.Time `json:"rated_at"`
}

type timelineEntryJSON struct {
	Type       string          `json:"type"`
	Version    uint64          `json:"version"`
	Position   uint64          `json:"position"`
	OccurredAt time.Time       `json:"occurred_at"`
	RecordedAt time.Time       `json:"recorded_at"`
	Actor      string          `json:"actor,omitempty"`
	Data       json.RawMessage `json:"data"`
}

// handoffAnswer is the answer of a hand-off command with what its
// pointers point at, on the heap: the answer encoding/json writes.
type handoffAnswer struct {
	json handoffJSON
	vals handoffValues
}

// handoffOf shows a hand-off as a command left it, as of now, with vals
// as the storage of what its pointers point at.
func handoffOf(res *api.HandoffResult, now time.Time, vals *handoffValues) handoffJSON {
	h := &res.Handoff
	if now.Before(h.LastAt) {
		now = h.LastAt // recorded a little in the future
	}
	out := handoffBase(h, now, h.SupplierOwned(res.Clock, now), vals)
	out.Position = res.Position
	out.DueAt, out.RespondDueAt = dueOf(*h, res.Clock, vals)
	return out
}

// handoffValues holds what the pointers of one handoffJSON point at: one
// allocation for all of them instead of one each.
type handoffValues struct {
	terms                                          termsJSON
	rating                                         ratingJSON
	firstResponse, latestDelivery, due, respondDue time.Time
}

// timeIn is timePtr with slot (one of a handoffValues' times) as the
// storage: nil for the zero time, else slot set to t in UTC.
func timeIn(slot *time.Time, t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	*slot = t.UTC()
	return slot
}

func (s *Server) viewOf(v api.HandoffView) handoffJSON {
	vals := new(handoffValues)
	out := handoffBase(&v.Handoff, v.AsOf.UTC(), v.SupplierOwned, vals)
	out.Position = v.Position
	out.DueAt, out.RespondDueAt = timeIn(&vals.due, v.DueAt), timeIn(&vals.respondDue, v.RespondDueAt)
	out.Timeline = make([]timelineEntryJSON, len(v.Timeline))
	for i, e := range v.Timeline {
		out.Timeline[i] = timelineEntryJSON{Type: e.Type, Version: e.Version, Position: e.Position,
			OccurredAt: e.OccurredAt.UTC(), RecordedAt: e.RecordedAt.UTC(), Actor: e.Actor, Data: eventData(e.Event, v.RatingsShown)}
	}
	return out
}

func handoffBase(h *domain.Handoff, asOf time.Time, owned time.Duration, vals *handoffValues) handoffJSON {
	out := handoffJSON{ID: h.ID, Supplier: h.Supplier, Customer: h.Customer, Kind: h.Kind, Title: h.Title, Details: h.Details,
		State: h.State, RequestedAt: h.RequestedAt.UTC(), FirstResponseAt: timeIn(&vals.firstResponse, h.FirstResponseAt),
		LatestDeliveryAt: timeIn(&vals.latestDelivery, h.LatestDeliveryAt), Deliveries: h.Deliveries, Returns: h.Returns,
		Escalations: h.Escalations, SupplierOwnedS: seconds(owned), ClockRunning: h.ClockRunning(),
		AsOf: asOf, Version: h.Version}
	if t := h.Agreement; t != nil {
		vals.terms = termsJSON{Version: t.Version, Kind: t.Kind, ResolveWithinS: t.ResolveWithinS, RespondWithinS: t.RespondWithinS, Calendar: t.Calendar}
		out.Agreement = &vals.terms
	}
	if r := h.Rating; r != nil {
		vals.rating = ratingJSON{Delivery: r.Delivery, Score: r.Score, Comment: r.Comment, RatedAt: r.At.UTC()}
		out.Rating = &vals.rating
	}
	return out
}

// eventData is the JSON of a timeline event; a rating shows only which
// delivery was rated to those who may not see ratings.
func eventData(e domain.Event, showRatings bool) json.RawMessage {
	if r, ok := e.(domain.HandoffRated); ok && !showRatings {
		b, _ := json.Marshal(struct {
			HandoffID string    `json:"handoff_id"`
			Delivery  int       `json:"delivery"`
			At        time.Time `json:"occurred_at"`
		}{r.HandoffID, r.Delivery, r.At})
		return b
	}
	b, err := domain.Encode(e)
	if err != nil {
		return json.RawMessage(`{}`)
	}
	return b
}
