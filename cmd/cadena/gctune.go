package main

import (
	"bufio"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
)

// defaultGCPercent is the collector's target of "cadena serve" unless
// --gc-percent or GOGC says otherwise: the heap of a server that ingests
// is mostly short-lived request garbage, and collecting at 5x the live
// heap instead of 2x cuts the collector's CPU by about three quarters.
// The memory limit (defaultMemoryShare) keeps a large live heap from
// growing fivefold.
const defaultGCPercent = 400

// defaultMemoryShare is the part of the machine's memory (or the cgroup's
// limit, when lower) that "cadena serve" sets as the collector's soft
// memory limit unless --memory-limit or GOMEMLIMIT says otherwise.
const defaultMemoryShare = 0.5

// gcTuning is what --gc-percent and --memory-limit say; "" for the default.
type gcTuning struct {
	percent string
	limit   string
}

func (g *gcTuning) flags(fs interface {
	StringVar(*string, string, string, string)
}) {
	fs.StringVar(&g.percent, "gc-percent", "", fmt.Sprintf("garbage collector target percentage, or off (default: GOGC if set, else %d)", defaultGCPercent))
	fs.StringVar(&g.limit, "memory-limit", "", "soft memory limit of the Go runtime, such as 4GiB, 512MiB or a number of bytes; 0 for none (default: GOMEMLIMIT if set, else half of the machine's or the cgroup's memory)")
}

// gcSettings is what to set; a setting not set is left as the runtime
// has it (from GOGC or GOMEMLIMIT).
type gcSettings struct {
	setPercent bool
	percent    int // -1: off (the collector runs only at the memory limit)
	setLimit   bool
	limit      int64 // math.MaxInt64: none
}

// settings returns what to set, given the environment and the memory the
// process may use.
func (g gcTuning) settings(getenv func(string) string, memory func() (int64, bool)) (gcSettings, error) {
	var out gcSettings
	switch {
	case g.percent == "off":
		out.setPercent, out.percent = true, -1
	case g.percent != "":
		p, err := strconv.Atoi(g.percent)
		if err != nil || p < 1 {
			return out, fmt.Errorf("--gc-percent %q: want a whole number above 0, or off", g.percent)
		}
		out.setPercent, out.percent = true, p
	case getenv("GOGC") == "":
		out.setPercent, out.percent = true, defaultGCPercent
	}
	switch {
	case g.limit != "":
		l, err := parseSize(g.limit)
		if err != nil {
			return out, fmt.Errorf("--memory-limit %q: %w", g.limit, err)
		}
		out.setLimit, out.limit = true, l
		if l == 0 {
			out.limit = math.MaxInt64
		}
	case getenv("GOMEMLIMIT") == "":
		if total, ok := memory(); ok {
			out.setLimit, out.limit = true, int64(float64(total)*defaultMemoryShare)
		}
	}
	if g.percent == "off" && (!out.setLimit || out.limit == math.MaxInt64) {
		return out, errors.New("--gc-percent off needs a memory limit: give --memory-limit too")
	}
	return out, nil
}

// apply sets the collector as g says and returns the percentage (-1 for
// off) and memory limit in force, for the log.
func (g gcTuning) apply() (percent int, limit int64, err error) {
	set, err := g.settings(os.Getenv, machineMemory)
	if err != nil {
		return 0, 0, err
	}
	if set.setLimit {
		debug.SetMemoryLimit(set.limit)
	}
	if set.setPercent {
		debug.SetGCPercent(set.percent)
	}
	percent = debug.SetGCPercent(100) // read it back: there is no getter
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1), nil
}

// parseSize reads a number of bytes with an optional unit: B, KiB, MiB,
// GiB, TiB.
func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		scale  int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}
	num, scale := s, int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			num, scale = strings.TrimSuffix(s, u.suffix), u.scale
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if err != nil || n < 0 || n > math.MaxInt64/scale {
		return 0, errors.New("want a size such as 4GiB, 512MiB or a number of bytes")
	}
	return n * scale, nil
}

// machineMemory returns the memory the process may use: the machine's,
// or its cgroup's limit when lower.
func machineMemory() (int64, bool) {
	var total int64
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
				kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
				if err == nil {
					total = kb << 10
				}
				break
			}
		}
		f.Close()
	}
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if l, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && l > 0 && (total == 0 || l < total) {
			total = l
		}
	}
	return total, total > 0
}

// defaultCatchUpGCPercent is the collector's target while the projections
// catch up at start, unless --catch-up-gc-percent says otherwise. A full
// replay (no snapshot, or one of another fold version) decodes every event
// of the log and replaces every hand-off's state several times: garbage
// that, at --gc-percent 400, let the heap reach five times what is live
// (4.7 GiB of 8.2 GiB peak RSS on 10M events). At 50 it reaches one and a
// half times, for a few more collections during a start that is rare; a
// start from the snapshot has little to catch up either way.
const defaultCatchUpGCPercent = 50

// catchUps counts the servers of this process catching up at a lowered
// target (tests run several), and keeps the target to set back when the
// last one caught up.
var catchUps struct {
	sync.Mutex
	n       int
	serving int
}

// catchUpGC sets the collector's target to percent for the catch-up, if
// it is below the target in force (off counts as above any), and returns
// the function that sets the target back once the projections caught up,
// and the target while they catch up (-1: off), for the log.
func catchUpGC(percent int) (restore func(), inForce int, err error) {
	if percent < 0 {
		return nil, 0, fmt.Errorf("--catch-up-gc-percent %d: want 0 or more", percent)
	}
	catchUps.Lock()
	defer catchUps.Unlock()
	current := debug.SetGCPercent(100) // read it: there is no getter
	debug.SetGCPercent(current)
	serving := current
	if catchUps.n > 0 {
		serving = catchUps.serving // another server lowered it meanwhile
	}
	if percent == 0 || serving >= 0 && serving <= percent {
		return func() {}, current, nil
	}
	if catchUps.n == 0 {
		catchUps.serving = serving
	}
	catchUps.n++
	if current < 0 || percent < current { // not below another server's
		debug.SetGCPercent(percent)
	}
	return sync.OnceFunc(func() {
		catchUps.Lock()
		defer catchUps.Unlock()
		if catchUps.n--; catchUps.n == 0 {
			debug.SetGCPercent(catchUps.serving)
		}
	}), percent, nil
}

// releaseCatchUpMemory collects the garbage of the catch-up (decoded
// events, replaced states) and returns its pages to the system: with
// --gc-percent 400 the heap may stand at several times what is live once
// the projections caught up, and an idle server would keep it resident.
// It also drops the pages of the store's file the catch-up mapped
// (dropMappedPages).
func releaseCatchUpMemory(logger *slog.Logger, store any) {
	mapped, err := dropMappedPages(store)
	if err != nil {
		logger.Warn("dropping the store's mapped pages", "error", err)
	}
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	logger.Info(catchUpReleased, "heap_bytes", ms.HeapAlloc, "heap_sys_bytes", ms.HeapSys-ms.HeapReleased, "mapped_bytes_dropped", mapped)
}

// catchUpReleased is the message of the log line releaseCatchUpMemory
// writes; cadena bench waits for it to measure the idle server.
const catchUpReleased = "memory of the catch-up returned to the system"
