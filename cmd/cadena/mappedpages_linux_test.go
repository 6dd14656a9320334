package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/bolt"
	"github.com/cadena-project/cadena/eventstore/memory"
)

// mappedRSS returns the resident bytes of the mapping that starts at addr,
// from /proc/self/smaps.
func mappedRSS(t *testing.T, addr uintptr) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	require.NoError(t, err)
	defer f.Close()
	start := fmt.Sprintf("%x-", addr)
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if fields := strings.Fields(line); len(fields) > 0 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			in = strings.HasPrefix(line, start)
			continue
		}
		if rest, ok := strings.CutPrefix(line, "Rss:"); in && ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			require.NoError(t, err)
			return kb << 10
		}
	}
	require.NoError(t, sc.Err())
	t.Fatalf("no mapping at %#x in /proc/self/smaps", addr)
	return 0
}

func mappedAddr(t *testing.T, s *bolt.Store) (addr uintptr, size int64) {
	t.Helper()
	require.NoError(t, s.Mapped(func(a uintptr, n int64) error {
		addr, size = a, n
		return nil
	}))
	return addr, size
}

// appendEvents appends batches of per events of about 1 KB to stream.
func appendEvents(t *testing.T, s eventstore.Store, stream string, batches, per int) error {
	for b := range batches {
		evs := make([]eventstore.EventData, per)
		for i := range evs {
			evs[i] = eventstore.EventData{ID: eventstore.NewID(), Type: "test.v1",
				Data: fmt.Appendf(nil, `{"i":%d,"pad":"%s"}`, b*per+i, strings.Repeat("x", 900))}
		}
		if _, err := s.Append(t.Context(), stream, eventstore.Any, evs...); err != nil {
			return err
		}
	}
	return nil
}

func readLogMapped(t *testing.T, s eventstore.Store) []eventstore.RecordedEvent {
	t.Helper()
	var out []eventstore.RecordedEvent
	for rec, err := range s.ReadAll(t.Context(), 0) {
		require.NoError(t, err)
		out = append(out, rec)
	}
	return out
}

// TestDropMappedPages: reading the log maps the file's pages into the
// resident set; dropping them empties the mapping's resident set, and the
// log still reads the same.
func TestDropMappedPages(t *testing.T) {
	s, err := openBoltStore(t.TempDir(), bolt.Options{InitEmpty: true})
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, appendEvents(t, s, "s-1", 20, 100))
	before := readLogMapped(t, s)
	addr, size := mappedAddr(t, s)
	require.Greater(t, size, int64(1<<20))
	require.Greater(t, mappedRSS(t, addr), int64(1<<20), "reading the log maps the file's pages")

	advised, err := dropMappedPages(s)
	require.NoError(t, err)
	assert.Equal(t, size, advised)
	assert.Less(t, mappedRSS(t, addr), int64(256<<10), "the pages are no longer resident (but for the meta pages a transaction reads, with the kernel's fault-around)")
	assert.Equal(t, before, readLogMapped(t, s), "the log reads the same")
	assert.Greater(t, mappedRSS(t, addr), int64(1<<20), "and maps them again")

	n, err := dropMappedPages(memory.New(memory.Options{}))
	require.NoError(t, err)
	assert.Zero(t, n, "a store that maps nothing")
}

// TestDropMappedPagesWhileWriting drops the pages over and over while
// writers grow the file (bbolt then remaps it) and a reader reads it: every
// read sees the log as written.
func TestDropMappedPagesWhileWriting(t *testing.T) {
	s, err := openBoltStore(t.TempDir(), bolt.Options{InitEmpty: true})
	require.NoError(t, err)
	defer s.Close()
	const writers, batches, per = 4, 30, 10
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the dropper
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			_, err := dropMappedPages(s)
			assert.NoError(t, err)
		}
	}()
	wg.Add(1)
	go func() { // a reader: each read is a prefix of the log, in order
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			i := 0
			for rec, err := range s.ReadAll(t.Context(), 0) {
				i++
				if !assert.NoError(t, err) || !assert.Equal(t, uint64(i), rec.Position) || !assert.Contains(t, string(rec.Data), `"pad":"xxx`) {
					return
				}
			}
		}
	}()
	var writing sync.WaitGroup
	for w := range writers {
		writing.Add(1)
		go func() {
			defer writing.Done()
			assert.NoError(t, appendEvents(t, s, fmt.Sprintf("s-%d", w), batches, per))
		}()
	}
	writing.Wait()
	close(stop)
	wg.Wait()
	got := readLogMapped(t, s)
	require.Len(t, got, writers*batches*per)
	perStream := map[string]int{}
	for _, rec := range got {
		assert.Contains(t, string(rec.Data), fmt.Sprintf(`{"i":%d,`, perStream[rec.StreamID]))
		perStream[rec.StreamID]++
	}
}
