package bolt

import (
	"cmp"
	"encoding/binary"
	"slices"
)

// compareIDs orders index entries by ID as bytes.Compare orders their
// bytes, comparing two big-endian words instead of calling it.
func compareIDs(a, b idEntry) int {
	if c := cmp.Compare(binary.BigEndian.Uint64(a.id[:8]), binary.BigEndian.Uint64(b.id[:8])); c != 0 {
		return c
	}
	return cmp.Compare(binary.BigEndian.Uint64(a.id[8:]), binary.BigEndian.Uint64(b.id[8:]))
}

// byFirstByte copies entries into parts by their ID's first byte, in one
// counting pass and one scatter (the IDs of an import, derived from
// idempotency keys, are spread evenly over it): parts, each sorted alone,
// are in key order one after another in all.
func byFirstByte(entries []idEntry) (all []idEntry, parts [][]idEntry) {
	var count [256]int
	for i := range entries {
		count[entries[i].id[0]]++
	}
	var next [256]int
	for b := 1; b < len(next); b++ {
		next[b] = next[b-1] + count[b-1]
	}
	out := make([]idEntry, len(entries))
	for b := range count {
		if count[b] > 0 {
			parts = append(parts, out[next[b]:next[b]+count[b]:next[b]+count[b]])
		}
	}
	for i := range entries {
		b := entries[i].id[0]
		out[next[b]] = entries[i]
		next[b]++
	}
	return out, parts
}

// sortIDs returns a copy of entries in key order.
func sortIDs(entries []idEntry) []idEntry {
	all, parts := byFirstByte(entries)
	for _, p := range parts {
		slices.SortFunc(p, compareIDs)
	}
	return all
}

// sortedIDs sorts entries in key order in a goroutine of its own, a part
// at a time, and sends the parts in order, so that the caller writes one
// while the next is sorted. The channel holds every part: the goroutine
// ends even when the caller stops reading.
func sortedIDs(entries []idEntry) <-chan []idEntry {
	_, parts := byFirstByte(entries)
	out := make(chan []idEntry, len(parts))
	go func() {
		defer close(out)
		for _, p := range parts {
			slices.SortFunc(p, compareIDs)
			out <- p
		}
	}()
	return out
}
