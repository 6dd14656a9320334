package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/cmd/cadena/internal/synth"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore/bolt"
	"github.com/cadena-project/cadena/projections"
)

// synthStores caches the generated stores of a test binary by size: a
// benchmark function runs several times, the store is made once.
var synthStores struct {
	sync.Mutex
	dir   string
	paths map[int]string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if synthStores.dir != "" {
		os.RemoveAll(synthStores.dir)
	}
	os.Exit(code)
}

// synthStore returns the directory of a bolt store of about n generated
// events, made on first use and removed when the test binary ends.
func synthStore(b *testing.B, n int) string {
	synthStores.Lock()
	defer synthStores.Unlock()
	if p, ok := synthStores.paths[n]; ok {
		return p
	}
	if synthStores.dir == "" {
		dir, err := os.MkdirTemp("", "cadena-restart-")
		require.NoError(b, err)
		synthStores.dir, synthStores.paths = dir, map[int]string{}
	}
	dir := filepath.Join(synthStores.dir, strconv.Itoa(n))
	s, err := openBoltStore(dir, bolt.Options{})
	require.NoError(b, err)
	_, err = synth.Write(context.Background(), s, synthOptions(n, 1))
	require.NoError(b, err)
	require.NoError(b, s.Close())
	synthStores.paths[n] = dir
	return dir
}

// synthOptions are the options of the generated logs of this package's
// tests and benchmarks: the generator's organisation (300 departments,
// 1,000 pairs, a year) from a fixed start, so that a seed gives the same
// log on every day.
func synthOptions(events int, seed uint64) synth.Options {
	return synth.Options{Events: events, Seed: seed, Start: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
}

// restartSizes are the log sizes BenchmarkRestart measures;
// CADENA_RESTART_EVENTS (a number of events) replaces them, for 10M.
func restartSizes() []int {
	if v := os.Getenv("CADENA_RESTART_EVENTS"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			return []int{n}
		}
	}
	return []int{100_000, 1_000_000}
}

// BenchmarkRestart measures the start of the read models on a bolt store
// of generated events (internal/synth): from opening the store to the
// projections caught up, replaying the whole log (full) or loading a
// snapshot taken at its end (snapshot). It reports seconds to ready, the
// peak of the heap and of the resident set during the start, and the live
// heap once ready.
func BenchmarkRestart(b *testing.B) {
	for _, n := range restartSizes() {
		for _, mode := range []string{"full", "snapshot"} {
			b.Run(sizeName(n)+"/"+mode, func(b *testing.B) { benchRestart(b, n, mode == "snapshot") })
		}
	}
}

func benchRestart(b *testing.B, n int, snapshot bool) {
	dir := synthStore(b, n)
	policy := domain.Policy{}.WithDefaults()
	snapPath := ""
	if snapshot {
		snapPath = filepath.Join(b.TempDir(), snapshotFileName)
		writeBenchSnapshot(b, dir, snapPath, policy)
		if st, err := os.Stat(snapPath); err == nil {
			b.ReportMetric(float64(st.Size())/(1<<20), "MB-snapshot")
		}
	}
	var total, cpu time.Duration
	var peakHeap, peakRSS, live uint64
	for b.Loop() {
		b.StopTimer()
		runtime.GC()
		debug.FreeOSMemory()
		resetPeakRSS()
		stopSampling, heapPeak := sampleHeap()
		b.StartTimer()

		t0, c0 := time.Now(), cpuTime()
		s, err := openBoltStore(dir, bolt.Options{})
		require.NoError(b, err)
		rm := newReadModels(s, nil, policy)
		if snapshot {
			require.NoError(b, rm.runner.EnableSnapshots(projections.SnapshotConfig{Path: snapPath, Fingerprint: "bench", Every: 1 << 40}))
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- rm.runner.Run(ctx) }()
		require.NoError(b, rm.runner.WaitCaughtUp(ctx))
		total += time.Since(t0)
		cpu += cpuTime() - c0

		b.StopTimer()
		stopSampling()
		peakHeap = max(peakHeap, *heapPeak)
		peakRSS = max(peakRSS, readPeakRSS())
		runtime.GC()
		live = max(live, heapObjects())
		writeHeapProfile(b)
		cancel()
		require.NoError(b, <-done)
		require.NoError(b, s.Close())
		runtime.KeepAlive(rm)
		b.StartTimer()
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s/ready")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/ready")
	b.ReportMetric(float64(peakHeap)/(1<<20), "MB-peak-heap")
	b.ReportMetric(float64(peakRSS)/(1<<20), "MB-peak-rss")
	b.ReportMetric(float64(live)/(1<<20), "MB-live-heap")
}

// writeBenchSnapshot replays the store in dir once and writes the
// snapshot of its end to path.
func writeBenchSnapshot(b *testing.B, dir, path string, policy domain.Policy) {
	s, err := openBoltStore(dir, bolt.Options{})
	require.NoError(b, err)
	defer s.Close()
	rm := newReadModels(s, nil, policy)
	require.NoError(b, rm.runner.EnableSnapshots(projections.SnapshotConfig{Path: path, Fingerprint: "bench", Every: 1 << 40}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rm.runner.Run(ctx) }()
	require.NoError(b, rm.runner.WaitCaughtUp(ctx))
	cancel()
	require.NoError(b, <-done)
}

func sizeName(n int) string {
	switch {
	case n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return strconv.Itoa(n)
}

// writeHeapProfile writes the live heap to the file CADENA_RESTART_HEAPPROFILE
// names, if any: what the read models hold once ready.
func writeHeapProfile(b *testing.B) {
	path := os.Getenv("CADENA_RESTART_HEAPPROFILE")
	if path == "" {
		return
	}
	f, err := os.Create(path)
	require.NoError(b, err)
	defer f.Close()
	require.NoError(b, pprof.WriteHeapProfile(f))
}

// heapObjects returns the bytes of live and not yet swept heap objects.
func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// sampleHeap samples the heap every 10 ms until stop is called; *peak is
// the largest sample, valid after stop.
func sampleHeap() (stop func(), peak *uint64) {
	peak = new(uint64)
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			*peak = max(*peak, heapObjects())
			select {
			case <-quit:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(quit); <-done }, peak
}

// resetPeakRSS resets the kernel's high-water mark of the resident set
// (Linux; elsewhere the peak covers the whole process).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// readPeakRSS returns VmHWM of /proc/self/status in bytes, 0 when unknown.
func readPeakRSS() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
