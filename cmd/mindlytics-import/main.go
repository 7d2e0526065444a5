package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Exit statuses.
const (
	exitOK         = 0 // every record read, every event delivered
	exitIncomplete = 1 // something was not: the summary says what
	exitUsage      = 2 // bad flags or settings: nothing was sent
)

// endTimeout bounds the shutdown after the import stopped early (a batch
// not delivered, an interrupt): the ends of the open sessions get that long.
const endTimeout = 10 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr, isTerminal(os.Stderr))
	stop()
	os.Exit(code)
}

// run is the program: args are its arguments, getenv its environment,
// stdout gets the summary, stderr the progress and every problem.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, tty bool) int {
	fs := flag.NewFlagSet("mindlytics-import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	// No flag's default is read from the environment: -h prints defaults.
	apiKey := fs.String("api-key", "", "Mindlytics API key (default $MLSDK_API_KEY; prefer the variable: a flag is visible in the process list)")
	project := fs.String("project", "", "Mindlytics project id (default $MLSDK_PROJECT_ID)")
	serverBase := fs.String("server-base", "", "service base URL (default $MLSDK_SERVER_BASE, else https://app.mindlytics.ai)")
	configFile := fs.String("config", "", "YAML `file` of the exporter's other settings: the keys of the collector's mindlytics exporter (identity, lifecycle, …)")
	strict := fs.Bool("strict", false, "stop at the first record that cannot be read, instead of reporting it and going on")
	batchSize := fs.Int("batch", defaultBatch, "the most spans and log records handed to the exporter at once (whole records, of one file; 1: each record alone). A failure names the records of its batch")
	quiet := fs.Bool("quiet", false, "show no progress")
	verbose := fs.Bool("verbose", false, "show the exporter's debug log too: each span dropped and each value ignored, with the reason")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: mindlytics-import [flags] file...\n\n"+
			"Imports OTLP/JSON files written by the collector's file exporter into Mindlytics,\n"+
			"through the mindlytics exporter, keeping the original timestamps. Files are read\n"+
			"in the order given. Exit status: 0 all delivered, 1 not all, 2 usage.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitUsage
	}
	if *batchSize < 1 {
		fmt.Fprintf(stderr, "mindlytics-import: --batch is %d; it must be at least 1\n", *batchSize)
		return exitUsage
	}
	cfg, err := exporterConfig(settings{
		configFile: *configFile,
		apiKey:     first(*apiKey, getenv("MLSDK_API_KEY")),
		projectID:  first(*project, getenv("MLSDK_PROJECT_ID")),
		serverBase: first(*serverBase, getenv("MLSDK_SERVER_BASE")),
	})
	if err != nil {
		fmt.Fprintf(stderr, "mindlytics-import: %s\n", strings.ReplaceAll(err.Error(), "\n", "; "))
		return exitUsage
	}

	prog := newProgress(stderr, tty, *quiet)
	level := zapcore.InfoLevel
	if *verbose {
		level = zapcore.DebugLevel
	}
	logger := zap.New(withoutRejections{zapcore.NewCore(zapcore.NewConsoleEncoder(zapcore.EncoderConfig{
		MessageKey: "msg", LevelKey: "level", EncodeLevel: zapcore.CapitalLevelEncoder,
		ConsoleSeparator: " ", EncodeDuration: zapcore.StringDurationEncoder,
	}), prog, level)})

	s, err := startSink(ctx, cfg, logger)
	if err != nil {
		fmt.Fprintf(stderr, "mindlytics-import: %v\n", err)
		return exitUsage
	}
	im := &importer{sink: s, progress: prog, strict: *strict, batch: *batchSize}
	stopped := im.importFiles(ctx, fs.Args())

	// Ends the open sessions (end_on_shutdown) and delivers what still
	// waited, as a collector does when it stops.
	endCtx, cancel := ctx, context.CancelFunc(func() {})
	if stopped {
		endCtx, cancel = context.WithTimeout(context.WithoutCancel(ctx), endTimeout)
	}
	endErr := s.shutdown(endCtx)
	cancel()
	c, cerr := s.counters(context.Background())
	_ = s.meters.Shutdown(context.Background())
	if endErr != nil {
		im.problem("ending the open sessions: %v", endErr)
	}
	if cerr != nil {
		im.problem("reading the exporter's counters: %v", cerr)
	}
	im.summary(stdout, c)
	if im.problems > 0 || c.rejected > 0 || c.dropped > 0 {
		return exitIncomplete
	}
	return exitOK
}

// first returns the first of values that is not empty.
func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// withoutRejections leaves out exporterhelper's log of a request it gives
// up on ("Exporting failed. Rejecting data. Try enabling sending_queue…"):
// the import reports the same error with the records it belongs to, and the
// advice does not apply here.
type withoutRejections struct{ zapcore.Core }

func (c withoutRejections) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if strings.HasPrefix(e.Message, "Exporting failed. Rejecting data.") {
		return ce
	}
	return c.Core.Check(e, ce)
}

func (c withoutRejections) With(fields []zapcore.Field) zapcore.Core {
	return withoutRejections{c.Core.With(fields)}
}
