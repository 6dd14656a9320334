package handoffindex

import (
	"math"
	"time"

	"github.com/cadena-project/cadena/projections/internal/numbering"
)

// newSymbols returns a table for the strings the entries share:
// departments, kinds, calendars and states. Number 0 is "".
func newSymbols() numbering.Strings {
	var s numbering.Strings
	s.Of("")
	return s
}

// instant is a time in 16 bytes instead of 24: seconds, nanoseconds and
// the code of its zone in the index's zones.
type instant struct {
	sec  int64
	nsec int32
	zone uint16 // a numbering.Zones code
}

// zones numbers the zones of the entries' times.
type zones struct{ numbering.Zones }

func (z *zones) instant(t time.Time) instant {
	c := z.Code(t)
	if c == 0 {
		return instant{}
	}
	if c > math.MaxUint16 {
		c = 1 // not reached: more than 65,000 zones
	}
	return instant{sec: t.Unix(), nsec: int32(t.Nanosecond()), zone: uint16(c)}
}

func (z *zones) time(i instant) time.Time {
	loc, ok := z.Location(uint64(i.zone))
	if !ok {
		return time.Time{}
	}
	return time.Unix(i.sec, int64(i.nsec)).In(loc)
}
