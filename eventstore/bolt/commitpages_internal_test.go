package bolt

import (
	"context"
	"encoding/binary"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
)

// pageWalker finds, after each commit, the pages the commit wrote and the
// bucket each belongs to, by reading the file: bbolt copies a page on
// write, so the pages reachable from the new meta page that the tree
// before did not hold are the ones the commit wrote. It keeps the tree of
// the last commit (page -> bucket and children) and reads only the new
// pages, so a step costs about what the commit wrote.
type pageWalker struct {
	f     *os.File
	psize int
	tree  map[uint64]walkedPage
	root  uint64 // root page of the tree kept
}

type walkedPage struct {
	bucket   string
	children []uint64
}

// commitPages is what one commit wrote: pages by kind (the buckets by
// name, "root" for the root bucket's pages, "freelist" and "meta"), and
// writes, the pwrite calls (one for a page and its overflow pages).
type commitPages struct {
	pages  map[string]int
	writes int
}

// bbolt's page layout (go.etcd.io/bbolt/internal/common).
const (
	pageHeaderSize = 16
	pageElemSize   = 16
	branchFlag     = 0x01
	leafFlag       = 0x02
	freelistFlag   = 0x10
	bucketLeafFlag = 0x01
	noFreelist     = ^uint64(0)
)

func newPageWalker(path string) (*pageWalker, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	var hdr [64]byte
	if _, err := f.ReadAt(hdr[:], 0); err != nil {
		f.Close()
		return nil, err
	}
	return &pageWalker{f: f, psize: int(binary.LittleEndian.Uint32(hdr[pageHeaderSize+8:])), tree: map[uint64]walkedPage{}}, nil
}

func (w *pageWalker) close() { w.f.Close() }

// page reads the page at id with its overflow pages.
func (w *pageWalker) page(id uint64) ([]byte, error) {
	p := make([]byte, w.psize)
	if _, err := w.f.ReadAt(p, int64(id)*int64(w.psize)); err != nil {
		return nil, err
	}
	if over := int(binary.LittleEndian.Uint32(p[12:])); over > 0 {
		p = make([]byte, (over+1)*w.psize)
		if _, err := w.f.ReadAt(p, int64(id)*int64(w.psize)); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// meta returns the root page and freelist page of the newest meta page.
func (w *pageWalker) meta() (root, freelist uint64, err error) {
	var best uint64
	for i := range 2 {
		p, err := w.page(uint64(i))
		if err != nil {
			return 0, 0, err
		}
		m := p[pageHeaderSize:]
		if txid := binary.LittleEndian.Uint64(m[48:]); txid >= best {
			best, root, freelist = txid, binary.LittleEndian.Uint64(m[16:]), binary.LittleEndian.Uint64(m[32:])
		}
	}
	return root, freelist, nil
}

// step returns the pages written since the last step.
func (w *pageWalker) step() (commitPages, error) {
	root, freelist, err := w.meta()
	if err != nil {
		return commitPages{}, err
	}
	out := commitPages{pages: map[string]int{"meta": 1}, writes: 1}
	if freelist != noFreelist {
		p, err := w.page(freelist)
		if err != nil {
			return commitPages{}, err
		}
		out.pages["freelist"] = len(p) / w.psize
		out.writes++
	}
	fresh := map[uint64]walkedPage{}
	kept := map[uint64]bool{}
	var visit func(id uint64, bucket string) error
	visit = func(id uint64, bucket string) error {
		if _, ok := w.tree[id]; ok {
			kept[id] = true // unchanged, and so is everything under it
			return nil
		}
		p, err := w.page(id)
		if err != nil {
			return err
		}
		out.pages[bucket] += len(p) / w.psize
		out.writes++
		node := walkedPage{bucket: bucket}
		var names []string // the bucket of each child
		flags, count := binary.LittleEndian.Uint16(p[8:]), int(binary.LittleEndian.Uint16(p[10:]))
		for i := range count {
			e := pageHeaderSize + i*pageElemSize
			switch {
			case flags&branchFlag != 0:
				node.children = append(node.children, binary.LittleEndian.Uint64(p[e+8:]))
				names = append(names, bucket)
			case flags&leafFlag != 0 && binary.LittleEndian.Uint32(p[e:])&bucketLeafFlag != 0:
				pos, ksize := int(binary.LittleEndian.Uint32(p[e+4:])), int(binary.LittleEndian.Uint32(p[e+8:]))
				if sub := binary.LittleEndian.Uint64(p[e+pos+ksize:]); sub != 0 { // 0: inline, in this page
					node.children = append(node.children, sub)
					names = append(names, string(p[e+pos:e+pos+ksize]))
				}
			}
		}
		fresh[id] = node
		for i, c := range node.children {
			if err := visit(c, names[i]); err != nil {
				return err
			}
		}
		return nil
	}
	if err := visit(root, "root"); err != nil {
		return commitPages{}, err
	}
	// Forget the pages of the tree before that the new one no longer
	// holds: bbolt may hand them out again.
	var drop func(id uint64)
	drop = func(id uint64) {
		if kept[id] {
			return
		}
		n, ok := w.tree[id]
		if !ok {
			return
		}
		delete(w.tree, id)
		for _, c := range n.children {
			drop(c)
		}
	}
	if root != w.root {
		drop(w.root)
	}
	for id, n := range fresh {
		w.tree[id] = n
	}
	w.root = root
	return out, nil
}

// commitSample is one commit as the page benchmark saw it.
type commitSample struct {
	events          int
	pages           commitPages
	total, bbolt    time.Duration // the committer's commit, and bbolt's Commit in it
	spill, write    time.Duration // bbolt's spill, and its writes and fsyncs
	writes, spilled int64         // pwrite calls (the pages and meta), nodes spilled
	allocs          int64         // pages allocated
}

// BenchmarkCommitPages measures what each commit writes under an ingest
// shaped like POST /api/v1/handoffs: every append starts a new stream
// named as a hand-off's, with a time-ordered event ID and a record of the
// size of a hand-off request, by as many writers as it takes to gather
// the events per commit the HTTP benchmarks see (10-27). The stream IDs
// are a prefix and a counter (the HTTP benchmarks' hand-offs) or random
// (IDs chosen by clients, spread over the heads bucket). It reports per
// commit the events, the pages written by bucket (read back from the file
// after each commit, which the committer waits for: the events per commit
// are those of a slower committer), bbolt's counters and the time split
// between the committer's own work and bbolt's Commit. Run it with a
// fixed count, for example -benchtime 100000x.
func BenchmarkCommitPages(b *testing.B) {
	server := Options{RecentIDs: 1 << 18, IDsFlush: 1 << 16} // as cadena serve opens it
	for _, c := range []struct {
		name    string
		writers int
		random  bool
	}{
		{"keys=counter/writers=16", 16, false},
		{"keys=counter/writers=64", 64, false},
		{"keys=random/writers=64", 64, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			benchCommitPages(b, c.writers, c.random, server)
		})
	}
}

func benchCommitPages(b *testing.B, writers int, random bool, opts Options) {
	path := filepath.Join(b.TempDir(), "pages.db")
	var (
		walker  *pageWalker
		samples []commitSample
		last    commitStatsTotals
		bboltD  time.Duration
		werr    error
	)
	var s *Store
	opts.CommitHook = func(commit func() error) error {
		t := time.Now()
		err := commit()
		bboltD = time.Since(t)
		return err
	}
	opts.OnCommit = func(c CommitStats) {
		st := s.db.Stats().TxStats
		cur := commitStatsTotals{st.GetWrite(), st.GetSpill(), st.GetPageCount(), st.GetSpillTime(), st.GetWriteTime()}
		sm := commitSample{events: c.Events, total: c.Duration, bbolt: bboltD,
			writes: cur.writes - last.writes, spilled: cur.spills - last.spills, allocs: cur.allocs - last.allocs,
			spill: cur.spillTime - last.spillTime, write: cur.writeTime - last.writeTime}
		last = cur
		if walker != nil && werr == nil {
			sm.pages, werr = walker.step()
		}
		samples = append(samples, sm)
	}
	var err error
	s, err = Open(path, opts)
	require.NoError(b, err)
	defer s.Close()
	walker, err = newPageWalker(path)
	require.NoError(b, err)
	defer walker.close()
	_, err = walker.step() // the tree of the empty store
	require.NoError(b, err)
	st := s.db.Stats().TxStats // without Open's commits
	last = commitStatsTotals{st.GetWrite(), st.GetSpill(), st.GetPageCount(), st.GetSpillTime(), st.GetWriteTime()}

	prefix := fmt.Sprintf("handoff-bench-%d-", time.Now().UnixNano())
	stream := func(i int64) string { return prefix + fmt.Sprint(i) }
	if random {
		stream = func(int64) string { return fmt.Sprintf("handoff-%016x%016x", mrand.Uint64(), mrand.Uint64()) }
	}
	data := []byte(`{"id":"` + strings.Repeat("x", 40) + `","supplier":"it","customer":"sales","kind":"laptop","title":"a laptop for the new hire","requested_at":"2026-12-02T02:00:00.000000000Z","resolve_by":"2026-12-05T02:00:00Z","respond_by":"2026-12-02T06:00:00Z","agreement":{"kind":"laptop","resolve_within":"72h0m0s","respond_within":"4h0m0s"}}`)
	meta := []byte(`{"actor":"sales","request_id":"0123456789abcdef0123456789abcdef","correlation_id":"0123456789abcdef"}`)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
				e := eventstore.EventData{ID: eventstore.NewID(), Type: "handoff.requested.v1", Data: data, Metadata: meta}
				if _, err := s.Append(context.Background(), stream(i), eventstore.NoStream, e); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	require.NoError(b, werr)
	reportCommitSamples(b, samples)
}

type commitStatsTotals struct {
	writes, spills, allocs int64
	spillTime, writeTime   time.Duration
}

// reportCommitSamples reports the means per commit of samples, and the
// share of commits that flushed an index (wrote to ids or heads).
func reportCommitSamples(b *testing.B, samples []commitSample) {
	if len(samples) == 0 {
		return
	}
	n := float64(len(samples))
	pages := map[string]int{}
	var events, flushes int
	var total, bb, spill, write time.Duration
	var writes, spilled, allocs int64
	for _, sm := range samples {
		events += sm.events
		total += sm.total
		bb += sm.bbolt
		spill += sm.spill
		write += sm.write
		writes += sm.writes
		spilled += sm.spilled
		allocs += sm.allocs
		for k, v := range sm.pages.pages {
			pages[k] += v
		}
		if sm.pages.pages["ids"]+sm.pages.pages["heads"] > 0 {
			flushes++
		}
	}
	b.ReportMetric(float64(events)/n, "events/commit")
	b.ReportMetric(float64(writes)/n, "pwrites/commit")
	b.ReportMetric(float64(spilled)/n, "spills/commit")
	b.ReportMetric(float64(allocs)/n, "allocs-pages/commit")
	b.ReportMetric(float64(flushes)/n, "flush-share")
	b.ReportMetric(float64(total.Microseconds())/n, "commit-µs")
	b.ReportMetric(float64((total-bb).Microseconds())/n, "own-µs")
	b.ReportMetric(float64(bb.Microseconds())/n, "bbolt-µs")
	b.ReportMetric(float64(spill.Microseconds())/n, "spill-µs")
	b.ReportMetric(float64(write.Microseconds())/n, "write+sync-µs")
	names := make([]string, 0, len(pages))
	for k := range pages {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		b.ReportMetric(float64(pages[k])/n, "pages-"+k+"/commit")
	}
}

// TestPageWalker holds the walker to what bbolt writes: each commit's
// pages, counted from the file, are the pwrite calls bbolt counts
// (TxStats.Write: one for each page or run of overflow pages, one for the
// meta page), and the log's pages are those of the events' bucket.
func TestPageWalker(t *testing.T) {
	path := filepath.Join(t.TempDir(), "walk.db")
	var s *Store
	var walker *pageWalker
	var last int64
	var steps []commitPages
	var writes []int64
	var werr error
	s, err := Open(path, Options{OnCommit: func(CommitStats) {
		st := s.db.Stats().TxStats
		w := st.GetWrite()
		writes = append(writes, w-last)
		last = w
		var p commitPages
		if werr == nil {
			p, werr = walker.step()
		}
		steps = append(steps, p)
	}})
	require.NoError(t, err)
	walker, err = newPageWalker(path)
	require.NoError(t, err)
	defer walker.close()
	_, err = walker.step()
	require.NoError(t, err)
	st := s.db.Stats().TxStats
	last = st.GetWrite()
	for i := range 300 {
		_, err := s.Append(context.Background(), fmt.Sprintf("s-%d", i%7), eventstore.Any,
			eventstore.EventData{ID: eventstore.NewID(), Type: "t", Data: []byte(`"` + strings.Repeat("d", 50+i*7%900) + `"`)})
		require.NoError(t, err)
	}
	require.NoError(t, s.Close())
	require.NoError(t, werr)
	require.Len(t, steps, 300)
	grew, paged := 0, false // the log is inline in the root page until it outgrows a quarter page
	for i, p := range steps {
		assert.Equal(t, writes[i], int64(p.writes), "commit %d: %v", i, p.pages)
		if paged {
			assert.Positive(t, p.pages["log"], "commit %d wrote no page of the log: %v", i, p.pages)
		}
		paged = paged || p.pages["log"] > 0
		assert.Equal(t, 1, p.pages["root"], "commit %d: %v", i, p.pages)
		assert.Zero(t, p.pages["ids"]+p.pages["heads"], "commit %d: no flush is due", i)
		if p.pages["log"] > 1 {
			grew++
		}
	}
	assert.Positive(t, grew, "the log tree never grew a level")
}
