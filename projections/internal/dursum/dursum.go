// Package dursum is an exact sum of durations that does not overflow,
// for the lead and response times the read models add up over every
// hand-off ever delivered: a time.Duration holds 292 years, a sum of lead
// times of millions of hand-offs more.
package dursum

import "time"

// Sum is an exact sum of durations: whole seconds, and the nanoseconds
// left over (less than a second either way; the two may differ in sign).
// The zero Sum is 0.
type Sum struct{ Sec, Nsec int64 }

// Add adds d to s n times; a negative n takes d back.
func (s *Sum) Add(d time.Duration, n int64) {
	s.Sec += n * int64(d/time.Second)
	s.Nsec += n * int64(d%time.Second)
	s.carry()
}

// Merge adds o to s.
func (s *Sum) Merge(o Sum) {
	s.Sec += o.Sec
	s.Nsec += o.Nsec
	s.carry()
}

func (s *Sum) carry() {
	if s.Nsec >= 1e9 || s.Nsec <= -1e9 {
		s.Sec += s.Nsec / 1e9
		s.Nsec %= 1e9
	}
}

// Neg returns -s.
func (s Sum) Neg() Sum { return Sum{-s.Sec, -s.Nsec} }

// Seconds returns the sum in seconds: exactly as time.Duration.Seconds
// would for a sum that fits a Duration.
func (s Sum) Seconds() float64 {
	const maxSec = int64(1<<63-1)/1e9 - 1
	if s.Sec < maxSec && s.Sec > -maxSec {
		return (time.Duration(s.Sec)*time.Second + time.Duration(s.Nsec)).Seconds()
	}
	// The same value may be held as (s, -n) or (s-1, 1e9-n): read it in
	// the form with both parts of one sign, so that it does not depend on
	// the order the sum was made in.
	sec, nsec := s.Sec, s.Nsec
	if sec > 0 && nsec < 0 {
		sec, nsec = sec-1, nsec+1e9
	} else if sec < 0 && nsec > 0 {
		sec, nsec = sec+1, nsec-1e9
	}
	return float64(sec) + float64(nsec)/1e9
}
