// Command cadena records the hand-offs between departments as events and
// serves the figures that show how well they serve each other.
//
// Usage:
//
//	cadena <command> [flags]
//	cadena help [command]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"syscall"
	"text/tabwriter"
)

// command is one subcommand. run gets the arguments after the command's
// name and a ctx cancelled on SIGINT or SIGTERM; it reports failure by
// returning an error, which main prints on one line.
type command struct {
	name    string
	summary string // one line, lower case, no final period
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// commands lists the subcommands, in the order help shows them. Add one
// here and put it in its own file.
var commands = []command{
	{"demo", "run the server with a realistic demo organisation (start here)", runDemo},
	{"serve", "run the server", runServe},
	{"token", "make a new API token ('cadena token new --role R [--department D]')", runToken},
	{"bench", "measure the store, HTTP ingest, restart, queries and scrapes on this machine", runBench},
	{"import", "import hand-offs from a process-mining log (CSV or XES)", runImport},
	{"calendar", "import holidays into a calendar ('cadena calendar import --server URL --token-file F --calendar ID FILE.ics')", runCalendar},
	{"version", "print the version and VCS revision of this build (also 'cadena --version')", runVersion},
	{"backup", "copy the embedded store, live from a server or from a stopped data directory ('cadena backup --server URL --token-file F OUT')", runBackup},
	{"verify", "check an embedded store's file or a backup, changing nothing ('cadena verify --data DIR' or FILE)", runVerify},
	{"export", "write the business metrics of past instants as OpenMetrics, to back-fill Prometheus ('cadena export openmetrics --from D --to D --step 1h --data DIR')", runExport},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs the command named by args[0] and returns the exit code: 0 on
// success, 1 when the command failed, 2 for a usage error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	name, args := args[0], args[1:]
	if name == "--version" || name == "-version" {
		name = "version"
	}
	if name == "help" || name == "-h" || name == "-help" || name == "--help" {
		return help(ctx, args, stdout, stderr)
	}
	cmd, ok := lookup(name)
	if !ok {
		fmt.Fprintf(stderr, "cadena: unknown command %q (run 'cadena help')\n", name)
		return 2
	}
	err := cmd.run(ctx, args, stdout, stderr)
	var usageErr usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &usageErr):
		fmt.Fprintf(stderr, "cadena %s: %s (run 'cadena help %s')\n", name, oneLine(usageErr.err), name)
		return 2
	}
	fmt.Fprintf(stderr, "cadena: %s\n", oneLine(err))
	return 1
}

// oneLine returns the message of err on one line: each line break, with
// the blanks around it (a driver's "\n\t" between the addresses it
// tried), becomes one space.
func oneLine(err error) string { return lineBreak.ReplaceAllString(err.Error(), " ") }

var lineBreak = regexp.MustCompile(`[ \t]*\r?\n[ \t]*`)

func lookup(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// help lists the commands, or shows the flags of one.
func help(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stdout)
		return 0
	}
	if args[0] == "-h" || args[0] == "-help" || args[0] == "--help" { // "cadena help --help"
		usage(stdout)
		return 0
	}
	cmd, ok := lookup(args[0])
	if !ok {
		fmt.Fprintf(stderr, "cadena: unknown command %q (run 'cadena help')\n", args[0])
		return 2
	}
	// -h makes the command's flag set print its usage and stop.
	cmd.run(ctx, []string{"-h"}, stdout, stdout)
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: cadena <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range commands {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	fmt.Fprintf(tw, "  %s\t%s\n", "help", "list the commands, or show the flags of one")
	tw.Flush()
}

// usageError is a bad command line; run reports it on one line, with a
// pointer to the command's help.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// newFlagSet returns a flag set for a command that prints its usage, when
// asked with -h, to w: the command's stdout, since help is the output asked
// for (and 'cadena CMD --help | less' then works).
func newFlagSet(name, synopsis string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), strings.TrimSpace("Usage: cadena "+name+" "+synopsis))
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags { // a command without flags gets no empty Flags section
			fmt.Fprint(fs.Output(), "\nFlags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses args, which must all be flags, returning a bad command
// line as a usageError (printing nothing: run reports it on one line) and
// -h as flag.ErrHelp once the usage is printed.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := parseFlagsAndArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

// parseFlagsAndArgs is parseFlags for a command that takes arguments after
// its flags (fs.Args).
func parseFlagsAndArgs(fs *flag.FlagSet, args []string) error {
	out, usage := fs.Output(), fs.Usage
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.SetOutput(out)
	fs.Usage = usage
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
		return err
	case err != nil:
		return usageError{err}
	}
	return nil
}
