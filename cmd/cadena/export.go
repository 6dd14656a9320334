package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cadena-project/cadena/api/metrics"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore/bolt"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/pairstats"
	"github.com/cadena-project/cadena/projections/tallies"
)

// maxExportSamples bounds the instants of one export (a year of minutes):
// every sample is held in memory until the end.
const maxExportSamples = 366 * 24 * 60

// runExport handles "cadena export openmetrics".
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		args = []string{"openmetrics", "-h"}
	}
	if len(args) == 0 || args[0] != "openmetrics" {
		return usageError{errors.New("want 'cadena export openmetrics --from DATE --to DATE --step 1h (--data DIR | --store URL) [--out FILE]'")}
	}
	var cfg serveConfig
	fs := newFlagSet("export openmetrics", "--from DATE|RFC3339 --to DATE|RFC3339 --step 1h (--data DIR | --store URL) [--out FILE]", stdout)
	fs.StringVar(&cfg.data, "data", "", "directory of the embedded event store to read")
	fs.StringVar(&cfg.store, "store", "", "read a KurrentDB / EventStoreDB cluster (esdb://...) or a PostgreSQL database (postgres://...) instead")
	fs.StringVar(&cfg.timezone, "timezone", "UTC", "the organisation's time zone, as given to 'cadena serve' (a DATE is its midnight)")
	fs.IntVar(&cfg.anonymityMin, "anonymity-min", 5, "as given to 'cadena serve': fewest ratings a pair needs before its rating counters are exported")
	fs.IntVar(&cfg.topPairs, "metrics-top-pairs", 0, "as given to 'cadena serve': export only the N busiest pairs and fold the rest into _other (0: all)")
	from := fs.String("from", "", "first instant sampled: YYYY-MM-DD (midnight in --timezone) or RFC 3339 (required)")
	to := fs.String("to", "", "last instant sampled, included: YYYY-MM-DD or RFC 3339 (required)")
	step := fs.Duration("step", time.Hour, "time between samples")
	out := fs.String("out", "", "file to write (default: standard output)")
	labels := exportLabels{}
	fs.Var(labels, "label", "NAME=VALUE added to every series, such as the job and instance labels Prometheus gives the scraped ones (repeatable)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	cfg.minVolume = 5 // no bearing on metrics; policy() wants one
	policy, err := cfg.policy()
	if err != nil {
		return usageError{err}
	}
	opts := metrics.HistoryOptions{Step: *step, TopPairs: cfg.topPairs, Policy: policy, Labels: labels}
	if opts.From, err = parseExportTime("--from", *from, policy.Location); err != nil {
		return usageError{err}
	}
	if opts.To, err = parseExportTime("--to", *to, policy.Location); err != nil {
		return usageError{err}
	}
	switch {
	case *step <= 0:
		return usageError{fmt.Errorf("--step %s: want a positive duration", *step)}
	case opts.To.Before(opts.From):
		return usageError{fmt.Errorf("--to %s is before --from %s", *to, *from)}
	case opts.To.Sub(opts.From)/(*step) >= maxExportSamples:
		return usageError{fmt.Errorf("--step %s: more than %d samples from --from to --to; take a longer step", *step, maxExportSamples)}
	case cfg.topPairs < 0:
		return usageError{fmt.Errorf("--metrics-top-pairs %d: want 0 or more", cfg.topPairs)}
	case (cfg.data == "") == (cfg.store == ""):
		return usageError{errors.New("give --data DIR or --store URL")}
	}
	if cfg.data != "" {
		if _, err := os.Stat(filepath.Join(cfg.data, storeFileName)); err != nil {
			return fmt.Errorf("export: no event store in %s: %w", cfg.data, err)
		}
	}
	if fi, err := os.Stat(*out); *out != "" && err == nil {
		if fi.IsDir() {
			return fmt.Errorf("export: --out %s is a directory; give a file", *out)
		}
		if st, err := os.Stat(filepath.Join(cfg.data, storeFileName)); cfg.data != "" && err == nil && os.SameFile(fi, st) {
			return fmt.Errorf("export: --out %s is the store's own file; give another file", *out)
		}
	}

	events, err := readLog(ctx, cfg)
	if errors.Is(err, bolt.ErrLocked) {
		return fmt.Errorf("export: %w; export a copy of it ('cadena backup --server URL --token-file F DIR/cadena.db', then --data DIR)", err)
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	tally := tallies.New(tallies.Options{Policy: policy})
	pairs := pairstats.New(pairstats.Options{Policy: policy})
	state := metrics.HistoryState{Tallies: tally, Figures: pairs, Handlers: []projections.Handler{tally, pairs}}
	if *out == "" {
		if err := metrics.WriteHistory(stdout, events, state, opts); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		return nil
	}
	err = writeFileWhole(*out, func(w io.Writer) error { return metrics.WriteHistory(w, events, state, opts) })
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// writeFileWhole writes the file at path with write: into a temporary
// file beside it, synced and then renamed to path, so that a write that
// fails (a full disk) leaves no half-written file and an existing file as
// it was.
func writeFileWhole(path string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.partial")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			pe.Path = path // the file asked for, not the temporary name
		}
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(f.Name())
		}
	}()
	err = write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644) // as os.Create under the usual umask; CreateTemp makes 0600
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	return err
}

// exportLabels is the --label flag: NAME=VALUE, repeatable.
type exportLabels map[string]string

var labelName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

func (l exportLabels) String() string { return fmt.Sprint(map[string]string(l)) }

func (l exportLabels) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	switch {
	case !ok || !labelName.MatchString(name) || strings.HasPrefix(name, "__"):
		return fmt.Errorf("%q: want NAME=VALUE with a Prometheus label name", s)
	case slices.Contains([]string{"supplier", "customer", "outcome", "clock", "score", "le"}, name):
		return fmt.Errorf("%q: %s is a label of the business families", s, name)
	case l[name] != "":
		return fmt.Errorf("%q: %s given twice", s, name)
	}
	l[name] = value
	return nil
}

// parseExportTime reads a YYYY-MM-DD (midnight in loc) or an RFC 3339 time.
func parseExportTime(flag, s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, fmt.Errorf("%s is required", flag)
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q: want YYYY-MM-DD or an RFC 3339 time", flag, s)
	}
	return t, nil
}

// readLog reads the whole log of the store cfg names and decodes its
// domain events, in commit order.
func readLog(ctx context.Context, cfg serveConfig) ([]projections.Envelope, error) {
	store, err := openStore(ctx, cfg, slog.New(slog.DiscardHandler), metrics.NewCommits(prometheus.NewRegistry()))
	if err != nil {
		return nil, err
	}
	defer store.Close()
	var events []projections.Envelope
	for rec, err := range store.ReadAll(ctx, 0) {
		if err != nil {
			return nil, fmt.Errorf("reading the log: %w", err)
		}
		if !domain.IsDomainType(rec.Type) {
			continue
		}
		ev, err := domain.Decode(rec.Type, rec.Data)
		if err != nil {
			return nil, fmt.Errorf("event at position %d: %w", rec.Position, err)
		}
		events = append(events, projections.Envelope{Position: rec.Position, StreamID: rec.StreamID,
			Version: rec.Version, RecordedAt: rec.RecordedAt, Event: ev, Metadata: rec.Metadata})
	}
	return events, nil
}
