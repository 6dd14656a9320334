package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
	"unicode/utf8"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/cmd/cadena/internal/importer"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

// importFormats are the log formats "cadena import" reads, with the group
// attribute each uses by default. receipt-csv is the older name of csv.
var importFormats = map[string]struct {
	read  func(io.Reader, importer.ReadOptions) (*importer.Log, error)
	group string
}{
	"csv":         {importer.ReadCSV, importer.AttrGroup},
	"receipt-csv": {importer.ReadCSV, importer.AttrGroup},
	"xes":         {importer.ReadXES, "workgroup"},
}

// importConfig is the command line of "cadena import".
type importConfig struct {
	data, format, kind, timezone, delimiter string
	read                                    importer.ReadOptions
	resolve                                 time.Duration
	openAtEnd                               bool
	path                                    string
}

func parseImportFlags(args []string, stderr io.Writer) (importConfig, error) {
	var c importConfig
	fs := newFlagSet("import", "--data DIR --format csv|xes [--case COL] [--activity COL] [--time COL] [--group COL] [--time-format LAYOUT] [--timezone ZONE] [--delimiter C] [--kind K] [--resolve-within D] [--open-at-end] FILE", stderr)
	fs.StringVar(&c.data, "data", "", "directory of the embedded event store (created if missing)")
	fs.StringVar(&c.format, "format", "", "format of FILE: csv (a header row names the columns; receipt-csv is the same) or xes (XES, gzip-compressed or not)")
	fs.StringVar(&c.read.Case, "case", importer.AttrCase, "CSV column of the case ID")
	fs.StringVar(&c.read.Activity, "activity", importer.AttrActivity, "CSV column of the activity (optional: hand-offs come from group changes; the activity only titles them)")
	fs.StringVar(&c.read.Time, "time", importer.AttrTime, "CSV column of the timestamp")
	fs.StringVar(&c.read.Group, "group", "", "CSV column or XES event attribute of the working group (default: org:group for csv, workgroup for xes)")
	fs.Func("group-attr", "the same as --group (its older name)", func(s string) error { c.read.Group = s; return nil })
	fs.StringVar(&c.read.TimeFormat, "time-format", "", "Go time layout of the timestamps, tried before RFC 3339, 2006-01-02 15:04:05[.ffffff][Z07:00] and 2006-01-02T15:04:05")
	fs.StringVar(&c.timezone, "timezone", "UTC", "IANA time zone of timestamps that carry none")
	fs.StringVar(&c.delimiter, "delimiter", "", "CSV field delimiter, one character or \\t (default: detected among comma, semicolon and tab)")
	fs.StringVar(&c.kind, "kind", importer.DefaultKind, "kind of the imported hand-offs (a slug)")
	fs.DurationVar(&c.resolve, "resolve-within", 0, "set an agreement with this resolve target on every pair before importing (0: none)")
	fs.BoolVar(&c.openAtEnd, "open-at-end", false, "leave open the hand-off of the group holding a case at its last event (for logs of running cases); by default it is delivered there")
	if err := parseFlagsAndArgs(fs, args); err != nil {
		return c, err
	}
	if fs.NArg() != 1 {
		return c, usageError{errors.New("want exactly one FILE after the flags")}
	}
	c.path = fs.Arg(0)
	explicit := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { explicit[f.Name] = true })
	c.read.ActivityOptional = !explicit["activity"]
	f, ok := importFormats[c.format]
	switch {
	case !ok:
		return c, fmt.Errorf("import: --format must be csv or xes, got %q", c.format)
	case c.data == "":
		return c, errors.New("import: --data is required")
	case c.resolve < 0 || c.resolve%time.Second != 0:
		return c, fmt.Errorf("import: --resolve-within must be whole seconds, got %s", c.resolve)
	}
	if c.read.Group == "" {
		c.read.Group = f.group
	}
	loc, err := time.LoadLocation(c.timezone)
	if err != nil {
		return c, fmt.Errorf("import: --timezone %q is not a time zone", c.timezone)
	}
	c.read.Location = loc
	switch d := c.delimiter; {
	case d == "":
	case d == `\t`:
		c.read.Delimiter = '\t'
	case utf8.RuneCountInString(d) == 1 && d != "\"" && d != "\n" && d != "\r":
		c.read.Delimiter, _ = utf8.DecodeRuneInString(d)
	default:
		return c, fmt.Errorf("import: --delimiter must be one character (or \\t), got %q", d)
	}
	return c, nil
}

// runImport handles "cadena import": hand-offs from a process-mining log
// into the embedded store, through the application service.
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseImportFlags(args, stderr)
	if err != nil {
		return err
	}
	start := time.Now()
	file, err := os.Open(cfg.path)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	log, err := importFormats[cfg.format].read(file, cfg.read)
	file.Close()
	if err != nil {
		return fmt.Errorf("import: %s: %w", filepath.Base(cfg.path), err)
	}
	plan, err := importer.NewPlan(log, importer.PlanOptions{Kind: cfg.kind, OpenAtEnd: cfg.openAtEnd})
	if err != nil {
		return fmt.Errorf("import: %s: %w", filepath.Base(cfg.path), err)
	}
	parsed := time.Since(start)

	if err := os.MkdirAll(cfg.data, 0o750); err != nil {
		return fmt.Errorf("import: creating the data directory: %w", err)
	}
	store, err := bolt.Open(filepath.Join(cfg.data, "cadena.db"), bolt.Options{})
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer store.Close()
	before, err := store.Head(ctx)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	sum, err := importer.Run(ctx, api.New(store, api.Options{}), plan, importer.Options{ResolveWithin: cfg.resolve})
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
