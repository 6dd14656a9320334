package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/cmd/cadena/internal/importer"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

// importFormats are the log formats "cadena import" reads, with the group
// attribute each uses by default. receipt-csv is the older name of csv.
var importFormats = map[string]struct {
	format importer.Format
	group  string
}{
	"csv":         {importer.CSV, importer.AttrGroup},
	"receipt-csv": {importer.CSV, importer.AttrGroup},
	"xes":         {importer.XES, "workgroup"},
}

// importConfig is the command line of "cadena import".
type importConfig struct {
	data, store, server, tokenFile    string
	format, kind, timezone, delimiter string
	read                              importer.ReadOptions
	resolve, horizon                  time.Duration
	window                            int
	openAtEnd, dryRun, initEmpty      bool
	path                              string
	gc                                gcTuning
}

func parseImportFlags(args []string, usageOut io.Writer) (importConfig, error) {
	var c importConfig
	fs := newFlagSet("import", "--data DIR | --store URL | --server URL --token-file F | --dry-run; --format csv|xes [--case COL] [--activity COL] [--time COL] [--group COL] [--time-format LAYOUT] [--timezone ZONE] [--delimiter C] [--kind K] [--resolve-within D] [--open-at-end] [--skip-bad] [--window N] [--horizon D] [--gc-percent P] [--memory-limit M] FILE", usageOut)
	fs.StringVar(&c.data, "data", "", "directory of the embedded event store (created if missing); it must not be in use by a running server (use --server)")
	fs.StringVar(&c.store, "store", "", "write into this store instead: a connection string starting with "+storeSchemes())
	fs.StringVar(&c.server, "server", "", "send the hand-offs to the running cadena at this URL (http://host:port) over POST /api/v1/batch")
	fs.StringVar(&c.tokenFile, "token-file", "", "file holding an admin token for --server")
	fs.BoolVar(&c.dryRun, "dry-run", false, "read and map the log, write nothing, and print the pairs (supplier, customer, hand-offs, returns, median time held) by volume")
	fs.BoolVar(&c.read.SkipBad, "skip-bad", false, "skip the case of a bad row (bad timestamp, wrong number of fields, empty case ID) and go on, then list how many rows and cases were skipped and why; by default the first bad row stops the import before anything is written")
	fs.StringVar(&c.format, "format", "", "format of FILE: csv (a header row names the columns; receipt-csv is the same) or xes (XES, gzip-compressed or not)")
	fs.StringVar(&c.read.Case, "case", importer.AttrCase, "CSV column of the case ID")
	fs.StringVar(&c.read.Activity, "activity", importer.AttrActivity, "CSV column of the activity (optional: hand-offs come from group changes; the activity only titles them)")
	fs.StringVar(&c.read.Time, "time", importer.AttrTime, "CSV column of the timestamp")
	var groupFlag, groupAttr string
	fs.StringVar(&groupFlag, "group", "", "CSV column or XES event attribute of the working group (default: org:group for csv, workgroup for xes)")
	fs.Func("group-attr", "the same as --group (its older name)", func(s string) error { groupAttr = s; return nil })
	fs.StringVar(&c.read.TimeFormat, "time-format", "", "Go time layout of the timestamps, tried before RFC 3339, 2006-01-02 15:04:05[.ffffff][Z07:00] and 2006-01-02T15:04:05")
	fs.StringVar(&c.timezone, "timezone", "UTC", "IANA time zone of timestamps that carry none")
	fs.StringVar(&c.delimiter, "delimiter", "", "CSV field delimiter, one character or \\t (default: detected among comma, semicolon and tab)")
	fs.StringVar(&c.kind, "kind", importer.DefaultKind, "kind of the imported hand-offs (a slug)")
	fs.DurationVar(&c.resolve, "resolve-within", 0, "set an agreement with this resolve target on every pair before importing (0: none)")
	fs.BoolVar(&c.initEmpty, "init", false, "take an existing, empty cadena.db in --data as a new store (refused otherwise)")
	fs.IntVar(&c.window, "window", importer.DefaultWindow, "events held to put the log in time order; a log of more events must be out of time order by fewer than this (XES: traces that overlap in time must be fewer than this many events apart)")
	fs.DurationVar(&c.horizon, "horizon", importer.DefaultHorizon, "how long, in log time, a case may go without an event before it is taken as ended (an XES trace ends with the trace)")
	// An import's garbage is short-lived (rows, commands, encoded
	// events), as a server's requests are: the same collector settings.
	c.gc.flags(fs)
	fs.BoolVar(&c.openAtEnd, "open-at-end", false, "leave open the hand-off of the group holding a case at its last event (for logs of running cases); by default it is delivered there")
	if err := parseFlagsAndArgs(fs, args); err != nil {
		return c, err
	}
	if fs.NArg() > 1 && strings.HasPrefix(fs.Arg(1), "-") {
		// The flag package stops at the first argument that is no flag.
		return c, usageError{fmt.Errorf("flags go before FILE: got %q after %s", fs.Arg(1), fs.Arg(0))}
	}
	if fs.NArg() != 1 {
		return c, usageError{errors.New("want exactly one FILE after the flags")}
	}
	c.path = fs.Arg(0)
	explicit := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { explicit[f.Name] = true })
	c.read.ActivityOptional = !explicit["activity"]
	c.read.Group = groupFlag
	if explicit["group-attr"] {
		if explicit["group"] && groupAttr != groupFlag {
			return c, fmt.Errorf("import: --group %q and --group-attr %q disagree: --group-attr is --group's older name, give one", groupFlag, groupAttr)
		}
		c.read.Group = groupAttr
	}
	f, ok := importFormats[c.format]
	targets := countSet(c.data, c.store, c.server)
	switch {
	case c.format == "":
		return c, errors.New("import: --format is required: csv or xes")
	case !ok:
		return c, fmt.Errorf("import: --format must be csv or xes, got %q", c.format)
	case c.dryRun && targets != 0:
		return c, errors.New("import: --dry-run writes nothing: give it without --data, --store or --server")
	case !c.dryRun && targets == 0:
		return c, errors.New("import: give one of --data DIR, --store URL or --server URL (or --dry-run)")
	case !c.dryRun && targets > 1:
		return c, errors.New("import: give only one of --data DIR, --store URL or --server URL")
	case c.store != "" && !knownStore(c.store):
		return c, fmt.Errorf("import: --store %q: want a connection string starting with %s", redactURL(c.store), storeSchemes())
	case c.server != "" && c.tokenFile == "":
		return c, errors.New("import: --server needs --token-file, a file holding an admin token")
	case c.server != "" && importer.CheckServerURL(c.server) != nil:
		return c, fmt.Errorf("import: %w", importer.CheckServerURL(c.server))
	case c.resolve < 0:
		return c, fmt.Errorf("import: --resolve-within must be 0 (no agreements) or more, got %s", c.resolve)
	case c.resolve%time.Second != 0:
		return c, fmt.Errorf("import: --resolve-within must be whole seconds, got %s", c.resolve)
	case !domain.ValidSlug(c.kind):
		return c, fmt.Errorf("import: --kind %q is not a slug (1 to 64 lower-case letters, digits and dashes)", c.kind)
	case c.window < 1:
		return c, fmt.Errorf("import: --window must be at least 1, got %d", c.window)
	case c.horizon <= 0:
		return c, fmt.Errorf("import: --horizon must be positive, got %s", c.horizon)
	}
	if f.format == importer.XES {
		// An XES trace names its case, and its events their activity and
		// time, with the standard keys: these flags name CSV columns.
		for _, name := range []string{"case", "activity", "time", "delimiter"} {
			if explicit[name] {
				return c, fmt.Errorf("import: --%s applies to --format csv only (XES is read by its keys concept:name and time:timestamp; --group names the event attribute of the group)", name)
			}
		}
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
	case utf8.RuneCountInString(d) == 1 && (d == "\"" || d == "\n" || d == "\r" || d == "\uFFFD"):
		return c, fmt.Errorf("import: --delimiter %q cannot be a quote, a line break or U+FFFD: CSV needs them as they are", d)
	case utf8.RuneCountInString(d) == 1:
		c.read.Delimiter, _ = utf8.DecodeRuneInString(d)
	default:
		return c, fmt.Errorf("import: --delimiter must be one character (or \\t), got %q", d)
	}
	return c, nil
}

func countSet(vals ...string) int {
	n := 0
	for _, v := range vals {
		if v != "" {
			n++
		}
	}
	return n
}

// importTarget is where an import writes: the commands, and the store's
// head when it can tell (not over --server).
type importTarget struct {
	cmds  importer.Commands
	head  func(context.Context) (uint64, error)
	close func() error
}

// openImportTarget opens what cfg names: the embedded store, a --store URL
// or a running server.
func openImportTarget(ctx context.Context, cfg importConfig) (importTarget, error) {
	switch {
	case cfg.server != "":
		token, err := readTokenFile(cfg.tokenFile)
		if err != nil {
			return importTarget{}, err
		}
		srv, err := importer.NewServer(cfg.server, token)
		if err != nil {
			return importTarget{}, err
		}
		return importTarget{cmds: srv, close: func() error { return nil }}, nil
	case cfg.store != "":
		kind, _ := lookupStoreKind(cfg.store) // known: checked with the flags
		store, err := kind.open(ctx, cfg.store, slog.New(slog.DiscardHandler), nil)
		if err != nil {
			return importTarget{}, err
		}
		return importTarget{cmds: api.New(store, api.Options{}), head: store.Head, close: store.Close}, nil
	}
	store, err := openBoltStore(cfg.data, importer.BulkStore(bolt.Options{LockTimeout: importLockWait, InitEmpty: cfg.initEmpty}))
	if errors.Is(err, bolt.ErrLocked) {
		return importTarget{}, fmt.Errorf("the data directory %s is in use by another cadena process, a running server most likely: import through it with --server URL --token-file FILE", cfg.data)
	}
	if err != nil {
		return importTarget{}, err
	}
	return importTarget{cmds: api.New(store, importer.BulkService(api.Options{})), head: store.Head, close: store.Close}, nil
}

// importLockWait is how long --data waits for the store's file lock.
const importLockWait = 200 * time.Millisecond

// runImport handles "cadena import": hand-offs from a process-mining log
// into the embedded store, another store, or a running server.
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseImportFlags(args, stdout)
	if err != nil {
		return err
	}
	if _, _, err := cfg.gc.apply(); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	start := time.Now()
	file, err := os.Open(cfg.path)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer file.Close()
	if st, err := file.Stat(); err == nil && st.IsDir() {
		return fmt.Errorf("import: %s is a directory, not a log file", cfg.path)
	}
	fb := newFeedback(stderr)
	if cfg.dryRun {
		return dryRun(cfg, fb.reading(file), fb, start, stdout)
	}
	return streamImport(ctx, cfg, fb.reading(file), fb, start, stdout)
}

// streamOptions are the planner's options of cfg.
func (cfg importConfig) streamOptions() importer.StreamOptions {
	return importer.StreamOptions{PlanOptions: importer.PlanOptions{Kind: cfg.kind, OpenAtEnd: cfg.openAtEnd},
		Window: cfg.window, Horizon: cfg.horizon}
}

// dryRun reads and maps the log as a stream (importer.DryRun), writes
// nothing, and prints the pairs table.
func dryRun(cfg importConfig, r io.Reader, fb *feedback, start time.Time, stdout io.Writer) error {
	sum, rows, err := importer.DryRun(importFormats[cfg.format].format, r, cfg.read, cfg.streamOptions())
	fb.done()
	if err != nil {
		return fmt.Errorf("import: %s: %w", filepath.Base(cfg.path), err)
	}
	fmt.Fprintf(stdout, "read %d events of %d cases in %.2fs; %d departments, %d pairs, %d hand-offs (%d returns)\n",
		sum.Events, sum.Cases, time.Since(start).Seconds(), sum.Departments, sum.Pairs, sum.Handoffs, sum.Returns)
	printSkipped(stdout, sum.Skipped)
	printPairs(stdout, rows)
	return nil
}

// streamImport imports a log as a stream (importer.Import): memory
// follows the open cases, not the file.
func streamImport(ctx context.Context, cfg importConfig, r io.Reader, fb *feedback, start time.Time, stdout io.Writer) error {
	// The target is opened when the first command is ready: a log that
	// fails before then leaves no store behind.
	lazy := &lazyTarget{open: func() (importTarget, error) { return openImportTarget(ctx, cfg) }}
	defer lazy.close()
	batch := 0 // importer.DefaultBatch
	if cfg.server == "" && cfg.store == "" {
		batch = importer.BulkBatch // the embedded store, opened for a bulk load
	}
	so := cfg.streamOptions()
	so.Options = importer.Options{ResolveWithin: cfg.resolve, Batch: batch, Progress: fb.progress}
	so.Read = fb.read
	sum, err := importer.Import(ctx, lazy, importFormats[cfg.format].format, r, cfg.read, so)
	fb.done()
	var syntax *importer.SyntaxError
	switch {
	case lazy.err != nil:
		return fmt.Errorf("import: %w", lazy.err)
	case errors.As(err, &syntax) && sum.Commands == 0:
		return fmt.Errorf("import: %s: %w", filepath.Base(cfg.path), err)
	case errors.As(err, &syntax):
		return fmt.Errorf("import: %s: %w (%d commands done, for the cases before it)", filepath.Base(cfg.path), err, sum.Commands)
	case refused(err):
		// The same import sent again is refused again: no resume to offer.
		return fmt.Errorf("import: %w (%d commands done)", err, sum.Commands)
	case err != nil:
		return fmt.Errorf("import: %w (%d commands done; importing again resumes)", err, sum.Commands)
	}
	fmt.Fprintf(stdout, "read %d events of %d cases; %d departments, %d pairs, %d hand-offs (%d returns)\n",
		sum.Events, sum.Cases, sum.Departments, sum.Pairs, sum.Handoffs, sum.Returns)
	printSkipped(stdout, sum.Skipped)
	if _, err := lazy.get(); err != nil { // an empty log: the store is made all the same
		return fmt.Errorf("import: %w", err)
	}
	return printSummary(ctx, stdout, lazy.t, sum, lazy.before, start)
}

// lazyTarget is importer.Commands on a target opened at the first call;
// it is safe for concurrent use.
type lazyTarget struct {
	mu     sync.Mutex
	open   func() (importTarget, error)
	t      importTarget
	opened bool
	before uint64 // the store's head when opened
	err    error
}

func (l *lazyTarget) get() (importer.Commands, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.opened {
		l.opened = true
		l.t, l.err = l.open()
		if l.err == nil && l.t.head != nil {
			l.before, l.err = l.t.head(context.Background())
		}
	}
	if l.err != nil {
		return nil, l.err
	}
	return l.t.cmds, nil
}

func (l *lazyTarget) close() {
	if l.opened && l.t.close != nil {
		l.t.close()
	}
}

func (l *lazyTarget) Department(ctx context.Context, id string) (domain.Department, error) {
	c, err := l.get()
	if err != nil {
		return domain.Department{}, err
	}
	return c.Department(ctx, id)
}

func (l *lazyTarget) Batch(ctx context.Context, a api.Actor, cmds []api.Command) ([]api.CommandResult, error) {
	c, err := l.get()
	if err != nil {
		return nil, err
	}
	return c.Batch(ctx, a, cmds)
}

// BulkLoad is the target's bulk load when it offers one (the embedded
// store, opened by the import alone); ok false otherwise, or when it
// cannot be opened (Batch then says why).
func (l *lazyTarget) BulkLoad(ctx context.Context, a api.Actor) (*api.BulkLoad, bool) {
	c, err := l.get()
	if err != nil {
		return nil, false
	}
	if b, ok := c.(importer.BulkLoader); ok {
		return b.BulkLoad(ctx, a)
	}
	return nil, false
}

// printSummary prints what an import issued and appended.
func printSummary(ctx context.Context, stdout io.Writer, target importTarget, sum importer.Summary, before uint64, start time.Time) error {
	secs := sum.Elapsed.Seconds()
	fmt.Fprintf(stdout, "issued %d commands in %.2fs (%.0f commands/s, %.0f log events/s): %d new, %d imported before; %d agreements\n",
		sum.Commands, secs, float64(sum.Commands)/secs, float64(sum.Events)/secs, sum.Commands-sum.Replayed, sum.Replayed, sum.Agreements)
	if target.head != nil {
		after, err := target.head(ctx)
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		fmt.Fprintf(stdout, "appended %d events\n", after-before)
	}
	fmt.Fprintf(stdout, "done in %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}

// printSkipped reports the rows --skip-bad left out, the first few by line.
func printSkipped(w io.Writer, skipped []*importer.SyntaxError) {
	if len(skipped) == 0 {
		return
	}
	cases := map[string]bool{}
	for _, e := range skipped {
		cases[e.Trace] = true
	}
	fmt.Fprintf(w, "skipped %d bad rows (%d cases):\n", len(skipped), len(cases))
	for i, e := range skipped {
		if i == 10 {
			fmt.Fprintf(w, "  and %d more\n", len(skipped)-i)
			break
		}
		fmt.Fprintf(w, "  %s\n", e)
	}
}

// printPairs prints the pairs table of a dry run.
func printPairs(w io.Writer, rows []importer.PairRow) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "supplier\tcustomer\thand-offs\treturns\tmedian held")
	for _, r := range rows {
		held := "-"
		if r.MedianHeld >= 0 {
			held = r.MedianHeld.Round(time.Second).String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\n", r.Supplier, r.Customer, r.Handoffs, r.Returns, held)
	}
	tw.Flush()
}

// refused reports whether err is the target refusing the import itself (a
// token it does not know or that may not import, a conflict with what it
// holds): from a server, a 4xx other than a timeout (408) or the rate
// limit (429); from the store's own service (--data, --store), the same
// kinds of answer. Sending the same import again would meet it again.
func refused(err error) bool {
	var remote *importer.RemoteError
	if errors.As(err, &remote) {
		return remote.Status >= 400 && remote.Status < 500 &&
			remote.Status != http.StatusRequestTimeout && remote.Status != http.StatusTooManyRequests
	}
	return errors.Is(err, domain.ErrConflict) || errors.Is(err, domain.ErrTransition) ||
		errors.Is(err, domain.ErrNotFound) || errors.Is(err, domain.ErrInvalid) || errors.Is(err, api.ErrForbidden)
}
