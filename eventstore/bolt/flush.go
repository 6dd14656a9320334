package bolt

// flushPolicy is when a commit writes to an index's bucket some of the
// entries the index keeps in memory (the ID index its event IDs, the head
// index its streams' heads): once flushAt entries have gathered, a commit
// writes flushStep or more of them (the ID index the oldest, down to
// flushAt-flushStep left in memory; the head index the next pending
// streams in key order, headSweep). Each flush is then a small part of an ordinary commit:
// a flush of every recent entry at once made that commit stall the
// writers for as long as rewriting the pages it touched takes.
type flushPolicy struct {
	flushAt int // entries in memory that start a flush
	step    int // how many entries a flush writes at least; 0 for flushAt/32
}

// flushStep is how many entries below flushAt a flush leaves in memory: a
// flush happens every flushStep entries or so, and writes that many.
func (p flushPolicy) flushStep() int {
	if p.step > 0 {
		return p.step
	}
	return max(1, p.flushAt/32)
}

// due returns how many of the oldest of n entries in memory the next
// commit writes to the bucket: 0 while fewer than flushAt have gathered.
func (p flushPolicy) due(n int) int {
	if n < p.flushAt {
		return 0
	}
	return n - p.flushAt + p.flushStep()
}

// bulk reports whether Close writes every one of n entries in memory to
// the bucket at once: when the index was opened to keep more than its
// default (a bulk load), and keeps more than that now, which the next Open
// would otherwise read back from the log and its first commit write.
func (p flushPolicy) bulk(n, byDefault int) bool { return p.flushAt > byDefault && n > byDefault }

// dropFlushed returns order, an index's entries in memory by position,
// without the oldest n, which a committed flush wrote to the bucket. It
// moves the list only when n is not 0: shifting it at every commit copied
// every recent entry (megabytes) each time.
func dropFlushed[E any](order []E, n int) []E {
	if n == 0 {
		return order
	}
	return append(order[:0], order[n:]...)
}
