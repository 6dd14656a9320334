package handoffindex

import "time"

// symbols numbers the strings the entries share: departments, kinds,
// calendars and states. Number 0 is "".
type symbols struct {
	text []string
	idx  map[string]uint32
}

func newSymbols() symbols { return symbols{text: []string{""}, idx: map[string]uint32{"": 0}} }

func (s *symbols) of(v string) uint32 {
	if n, ok := s.idx[v]; ok {
		return n
	}
	n := uint32(len(s.text))
	s.text = append(s.text, v)
	s.idx[v] = n
	return n
}

// instant is a time in 16 bytes instead of 24: seconds, nanoseconds and
// the number of its zone in the index's zones.
type instant struct {
	sec  int64
	nsec int32
	zone uint16 // 0 the zero time, 1 UTC, 2 Local, 3+n zones.locs[n]
}

// zones numbers the zones of the entries' times by name and offset (the
// zone of a time decoded from an event is a fixed one, usually UTC).
type zones struct {
	locs []*time.Location
	idx  map[zoneKey]uint16
}

type zoneKey struct {
	name string
	off  int
}

func (z *zones) instant(t time.Time) instant {
	if t.IsZero() {
		return instant{}
	}
	i := instant{sec: t.Unix(), nsec: int32(t.Nanosecond())}
	switch t.Location() {
	case time.UTC:
		i.zone = 1
	case time.Local:
		i.zone = 2
	default:
		name, off := t.Zone()
		k := zoneKey{name, off}
		n, ok := z.idx[k]
		if !ok && len(z.locs) < 1<<16-3 {
			if z.idx == nil {
				z.idx = map[zoneKey]uint16{}
			}
			n = uint16(len(z.locs))
			z.locs = append(z.locs, time.FixedZone(name, off))
			z.idx[k] = n
			ok = true
		}
		if !ok {
			i.zone = 1 // not reached: more than 65,000 zones
			break
		}
		i.zone = n + 3
	}
	return i
}

func (z *zones) time(i instant) time.Time {
	var loc *time.Location
	switch i.zone {
	case 0:
		return time.Time{}
	case 1:
		loc = time.UTC
	case 2:
		loc = time.Local
	default:
		loc = z.locs[i.zone-3]
	}
	return time.Unix(i.sec, int64(i.nsec)).In(loc)
}
