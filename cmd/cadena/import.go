package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/cmd/cadena/internal/importer"
)

// importFormats are the log formats "cadena import" reads, with the group
// attribute each uses by default.
var importFormats = map[string]struct {
	read  func(io.Reader, string) (*importer.Log, error)
	group string
}{
	"receipt-csv": {importer.ReadCSV, "org:group"},
	"xes":         {importer.ReadXES, "workgroup"},
}

// runImport handles "cadena import": hand-offs from a process-mining log
// into the embedded store, through the application service.
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("import", "--data DIR|--store URL --format receipt-csv|xes [--group-attr A] [--kind K] [--resolve-within D] [--open-at-end] FILE", stderr)
	data := fs.String("data", "", "directory of the embedded event store (created if missing)")
	storeURL := fs.String("store", "", "import into a KurrentDB cluster (esdb://...) or a PostgreSQL database (postgres://...) instead, as 'cadena serve --store'")
	format := fs.String("format", "", "format of FILE: receipt-csv (CSV with a header row) or xes (XES, gzip-compressed or not)")
	group := fs.String("group-attr", "", "event attribute that names the working group (default: org:group for receipt-csv, workgroup for xes)")
	kind := fs.String("kind", importer.DefaultKind, "kind of the imported hand-offs (a slug)")
	resolve := fs.Duration("resolve-within", 0, "set an agreement with this resolve target on every pair before importing (0: none)")
	openAtEnd := fs.Bool("open-at-end", false, "leave open the hand-off of the group holding a case at its last event (for logs of running cases); by default it is delivered there")
	if err := parseFlagsAndArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{errors.New("want exactly one FILE after the flags")}
	}
	f, ok := importFormats[*format]
	switch {
	case !ok:
		return fmt.Errorf("import: --format must be receipt-csv or xes, got %q", *format)
	case *data == "" && *storeURL == "":
		return errors.New("import: --data is required (or --store URL)")
	case *data != "" && *storeURL != "":
		return errors.New("import: give --data or --store, not both")
	case *resolve < 0 || *resolve%time.Second != 0:
		return fmt.Errorf("import: --resolve-within must be whole seconds, got %s", *resolve)
	}
	if *group == "" {
		*group = f.group
	}
	path := fs.Arg(0)

	start := time.Now()
	file, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	log, err := f.read(file, *group)
	file.Close()
	if err != nil {
		return fmt.Errorf("import: %s: %w", filepath.Base(path), err)
	}
	plan, err := importer.NewPlan(log, importer.PlanOptions{Kind: *kind, OpenAtEnd: *openAtEnd})
	if err != nil {
		return fmt.Errorf("import: %s: %w", filepath.Base(path), err)
	}
	parsed := time.Since(start)

	store, err := openStore(ctx, serveConfig{data: *data, store: *storeURL}, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), nil)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer store.Close()
	before, err := store.Head(ctx)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	sum, err := importer.Run(ctx, api.New(store, api.Options{}), plan, importer.Options{ResolveWithin: *resolve})
	if err != nil {
		return fmt.Errorf("import: %w (%d commands done; importing again resumes)", err, sum.Commands)
	}
	after, err := store.Head(ctx)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	secs := sum.Elapsed.Seconds()
	fmt.Fprintf(stdout, "read %d events of %d cases in %.2fs; %d departments, %d pairs, %d hand-offs (%d returns), %d agreements\n",
		sum.Events, sum.Cases, parsed.Seconds(), sum.Departments, sum.Pairs, sum.Handoffs, sum.Returns, sum.Agreements)
	fmt.Fprintf(stdout, "issued %d commands in %.2fs (%.0f commands/s, %.0f log events/s); appended %d events\n",
		sum.Commands, secs, float64(sum.Commands)/secs, float64(sum.Events)/secs, after-before)
	return nil
}
