package domain

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"time"
)

// The defaults of a Policy.
const (
	DefaultAnonymityMin = 5
	DefaultMinVolume    = 5
	DefaultAtRiskRatio  = 0.75
)

// Policy is how the organisation reads its figures: when satisfaction may
// be shown, which pairs are busy enough to be hotspots, when an open
// hand-off is at risk, and the time zone whose days the figures count. It is
// one value, built once at start-up and handed to every consumer (the read
// models, the metrics, the HTTP API and, through it, the web page), so no
// two of them can disagree.
type Policy struct {
	// AnonymityMin is the fewest ratings (the latest rating of each
	// delivery, never rating events) a set of figures needs before its
	// satisfaction is shown. Zero means DefaultAnonymityMin.
	AnonymityMin int
	// MinVolume is the fewest hand-offs a pair needs requested in a window
	// to be a hotspot, unless a query asks for another. Zero means
	// DefaultMinVolume.
	MinVolume int
	// AtRiskRatio is the share of the resolve target from which an open,
	// not yet breached hand-off is at risk, in (0, 1]. Zero means
	// DefaultAtRiskRatio.
	AtRiskRatio float64
	// Location is the organisation's time zone: figures are for whole days
	// in it. Nil means UTC.
	Location *time.Location

	// Calendars: business-hours calendars are not policy but events
	// (calendar.set, calendar.go), each in its own IANA zone, named by the
	// agreements whose clocks count in their working time; an agreement
	// without one counts with the wall clock (WallClock).
}

// DefaultPolicy returns the policy of an organisation that set nothing:
// satisfaction from 5 ratings, hotspots from 5 hand-offs, at risk from 75%
// of the target, days in UTC.
func DefaultPolicy() Policy {
	return Policy{AnonymityMin: DefaultAnonymityMin, MinVolume: DefaultMinVolume,
		AtRiskRatio: DefaultAtRiskRatio, Location: time.UTC}
}

// WithDefaults returns p with each zero field set to its default, so the
// zero Policy is DefaultPolicy().
func (p Policy) WithDefaults() Policy {
	if p.AnonymityMin == 0 {
		p.AnonymityMin = DefaultAnonymityMin
	}
	if p.MinVolume == 0 {
		p.MinVolume = DefaultMinVolume
	}
	if p.AtRiskRatio == 0 {
		p.AtRiskRatio = DefaultAtRiskRatio
	}
	if p.Location == nil {
		p.Location = time.UTC
	}
	return p
}

// ErrPolicy is the kind of the errors Validate returns.
var ErrPolicy = errors.New("invalid policy")

// Validate reports the first field of p that is out of range, as an error
// wrapping ErrPolicy. It checks a policy as configured, every field set:
// zero is out of range for each of them (use WithDefaults for defaults).
func (p Policy) Validate() error {
	switch {
	case p.AnonymityMin < 1:
		return fmt.Errorf("%w: the anonymity minimum must be at least 1 rating, got %d", ErrPolicy, p.AnonymityMin)
	case p.MinVolume < 1:
		return fmt.Errorf("%w: the minimum volume of a hotspot must be at least 1 hand-off, got %d", ErrPolicy, p.MinVolume)
	case !(p.AtRiskRatio > 0 && p.AtRiskRatio <= 1):
		return fmt.Errorf("%w: the at-risk ratio must be above 0 and at most 1, got %v", ErrPolicy, p.AtRiskRatio)
	case p.Location == nil:
		return fmt.Errorf("%w: no time zone", ErrPolicy)
	}
	return nil
}

// ShowsSatisfaction reports whether satisfaction figures over ratings
// ratings (the latest rating of each delivery) may be shown: there is at
// least one, and at least the anonymity minimum.
func (p Policy) ShowsSatisfaction(ratings int) bool {
	return ratings > 0 && ratings >= p.WithDefaults().AnonymityMin
}

// AtRiskFrom returns the supplier-owned time from which an open hand-off
// with the resolve target target is at risk: AtRiskRatio of the target,
// rounded up to the nanosecond and computed exactly (no floating-point
// rounding of the product), so every consumer draws the line at the same
// nanosecond.
func (p Policy) AtRiskFrom(target time.Duration) time.Duration {
	r := p.WithDefaults().AtRiskRatio
	if target <= 0 || r <= 0 {
		return 0
	}
	if r >= 1 {
		return target
	}
	// r = m / 2^shift exactly, m odd.
	frac, exp := math.Frexp(r) // r = frac * 2^exp, frac in [0.5, 1), exp <= 0
	m := uint64(frac * (1 << 53))
	shift := uint(53 - exp)
	tz := uint(bits.TrailingZeros64(m))
	m >>= tz
	shift -= tz
	hi, lo := bits.Mul64(uint64(target), m)
	// ceil((hi:lo) / 2^shift); the quotient is below target, so it fits.
	var q uint64
	var rest bool
	switch {
	case shift >= 128:
		q, rest = 0, hi|lo != 0
	case shift >= 64:
		q = hi >> (shift - 64)
		rest = lo != 0 || hi&(1<<(shift-64)-1) != 0
	default:
		q = hi<<(64-shift) | lo>>shift
		rest = lo&(1<<shift-1) != 0
	}
	if rest {
		q++
	}
	return time.Duration(q)
}

// AtRisk reports whether an open hand-off whose supplier-owned time is
// owned is at risk against the resolve target: at least AtRiskFrom(target)
// and not over the target (over it, it is breached).
func (p Policy) AtRisk(owned, target time.Duration) bool {
	return owned <= target && owned >= p.AtRiskFrom(target)
}
