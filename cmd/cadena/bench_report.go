package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// benchRow is one measured figure of "cadena bench". The optional figures
// are nil when the row does not measure them.
type benchRow struct {
	Section   string  `json:"section"`
	Name      string  `json:"name"`
	Unit      string  `json:"unit"` // what Ops counts: "events", "requests"
	Ops       int     `json:"ops"`
	Failures  int     `json:"failures"`
	Seconds   float64 `json:"seconds"`
	PerSecond float64 `json:"per_second"`
	// P50Ms and P99Ms are latencies of one operation, in milliseconds.
	P50Ms *float64 `json:"p50_ms,omitempty"`
	P99Ms *float64 `json:"p99_ms,omitempty"`
	// ServerCPUUs is the server process's CPU time per operation, in
	// microseconds; ClientCPUUs the load generator's (this process).
	ServerCPUUs    *float64 `json:"server_cpu_us_per_op,omitempty"`
	ClientCPUUs    *float64 `json:"client_cpu_us_per_op,omitempty"`
	EventsPerFsync *float64 `json:"events_per_fsync,omitempty"`
	CommitMs       *float64 `json:"commit_ms,omitempty"`
	// PeakRSSBytes is the server's peak resident memory (VmHWM), RSSBytes
	// its resident memory when measured.
	PeakRSSBytes *int64 `json:"peak_rss_bytes,omitempty"`
	RSSBytes     *int64 `json:"rss_bytes,omitempty"`
	// IdleRSSBytes is the server's resident memory once ready and idle,
	// after it collected the garbage of its catch-up.
	IdleRSSBytes *int64 `json:"idle_rss_bytes,omitempty"`
	Note         string `json:"note,omitempty"`
}

func ptr[T any](v T) *T { return &v }

func ms(d time.Duration) *float64 { return ptr(d.Seconds() * 1000) }

// machine describes where the figures were measured.
type machine struct {
	Cores     int       `json:"cores"`
	GOOS      string    `json:"goos"`
	GOARCH    string    `json:"goarch"`
	GoVersion string    `json:"go_version"`
	Version   string    `json:"cadena_version"`
	Started   time.Time `json:"started"`
	// LoadStart and LoadEnd are the 1, 5 and 15-minute load averages at
	// the start and the end of the run; empty where the system does not
	// tell.
	LoadStart string `json:"load_average_start,omitempty"`
	LoadEnd   string `json:"load_average_end,omitempty"`
}

func machineNow() machine {
	return machine{Cores: runtime.NumCPU(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, GoVersion: runtime.Version(),
		Version: readBuildVersion().Version, Started: time.Now().UTC().Truncate(time.Second), LoadStart: loadAverage()}
}

// loadAverage returns the load averages of /proc/loadavg, "" without it.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// benchReport is the result of a run.
type benchReport struct {
	Machine machine    `json:"machine"`
	Rows    []benchRow `json:"rows"`
}

func (r *benchReport) add(rows ...benchRow) { r.Rows = append(r.Rows, rows...) }

func (r *benchReport) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func (r *benchReport) writeTable(w io.Writer) {
	m := r.Machine
	fmt.Fprintf(w, "cadena %s on %d cores, %s/%s, %s, %s; load average %s at the start, %s at the end\n\n",
		m.Version, m.Cores, m.GOOS, m.GOARCH, m.GoVersion, m.Started.Format(time.RFC3339), orNA(m.LoadStart), orNA(m.LoadEnd))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "section\tfigure\tops\tseconds\tper second\tp50 ms\tp99 ms\tCPU µs/op\tnotes\n")
	for _, row := range r.Rows {
		secs, rate := "-", "-"
		if row.Seconds > 0 {
			secs, rate = fmt.Sprintf("%.2f", row.Seconds), thousands(row.PerSecond)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d %s\t%s\t%s\t%s\t%s\t%s\t%s\n", row.Section, row.Name, row.Ops, row.Unit, secs,
			rate, num(row.P50Ms), num(row.P99Ms), num(row.ServerCPUUs), row.notes())
	}
	tw.Flush()
}

// notes gathers the row's other figures into one cell.
func (row benchRow) notes() string {
	var out []string
	if row.EventsPerFsync != nil {
		out = append(out, fmt.Sprintf("%.1f events/fsync", *row.EventsPerFsync))
	}
	if row.CommitMs != nil {
		out = append(out, fmt.Sprintf("%.2f ms/commit", *row.CommitMs))
	}
	if row.ClientCPUUs != nil {
		out = append(out, fmt.Sprintf("load generator %.0f µs/op", *row.ClientCPUUs))
	}
	if row.PeakRSSBytes != nil {
		out = append(out, fmt.Sprintf("peak RSS %s", mib(*row.PeakRSSBytes)))
	}
	if row.RSSBytes != nil {
		out = append(out, fmt.Sprintf("RSS %s", mib(*row.RSSBytes)))
	}
	if row.IdleRSSBytes != nil {
		out = append(out, fmt.Sprintf("idle RSS %s", mib(*row.IdleRSSBytes)))
	}
	if row.Failures > 0 {
		out = append(out, fmt.Sprintf("%d FAILED", row.Failures))
	}
	if row.Note != "" {
		out = append(out, row.Note)
	}
	return strings.Join(out, "; ")
}

func orNA(s string) string {
	if s == "" {
		return "n/a"
	}
	return s
}

func num(v *float64) string {
	switch {
	case v == nil:
		return "-"
	case *v >= 100:
		return fmt.Sprintf("%.0f", *v)
	case *v >= 10:
		return fmt.Sprintf("%.1f", *v)
	}
	return fmt.Sprintf("%.2f", *v)
}

// thousands formats a rate with a comma every three digits.
func thousands(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }
