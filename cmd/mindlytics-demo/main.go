// Command mindlytics-demo is what `make demo` runs: the main job of
// mindlytics-otel end to end. It starts the local Mindlytics (package
// devserver: contract server, store, OTLP intake, web page) in process,
// runs a scripted support chatbot through openai-go with our helper
// against a fake OpenAI-compatible model on loopback (three turns, a tool
// call, a streamed answer), using package instrument for the session, and
// prints a summary and the page's URL.
//
// It keeps the page up until it is interrupted (Ctrl-C, SIGTERM), in a
// terminal or not, so the URL it prints is never dead; --once exits after
// the summary instead (scripts, CI). With MLSDK_API_KEY (and
// MLSDK_PROJECT_ID) set it sends to the real service at MLSDK_SERVER_BASE
// instead, and says so.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/mindlytics/mindlytics-otel/cmd/internal/devserver"
	"github.com/mindlytics/mindlytics-otel/exporter"
	"github.com/mindlytics/mindlytics-otel/instrument"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address of the local Mindlytics")
	data := flag.String("data", "", "file the local Mindlytics keeps its events in (default: a temporary one)")
	once := flag.Bool("once", false, "exit after the summary instead of keeping the page up")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdout, *addr, *data, !*once); err != nil {
		fmt.Fprintln(os.Stderr, "mindlytics-demo:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, addr, data string, serve bool) error {
	llm, err := startFakeLLM()
	if err != nil {
		return err
	}
	defer llm.Close()
	sessionID := "demo-" + randomHex(4)

	if os.Getenv("MLSDK_API_KEY") != "" {
		base := os.Getenv("MLSDK_SERVER_BASE")
		if base == "" {
			base = "https://app.mindlytics.ai"
		}
		fmt.Fprintf(w, "MLSDK_API_KEY is set: sending to the Mindlytics service at %s\n\n", base)
		t, err := runChatbot(ctx, w, llm.URL, sessionID) // the environment names the service
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\nSent session %s: 1 conversation, %s, %s, %s (the service prices them).\n",
			sessionID, count(t.Turns, "turn"), count(t.Functions, "function call"), count(t.Tokens, "token"))
		return nil
	}

	if data == "" {
		dir, err := os.MkdirTemp("", "mindlytics-demo-")
		if err != nil {
			return err
		}
		defer func() { _ = os.RemoveAll(dir) }()
		data = filepath.Join(dir, "demo.db")
	}
	srv, err := devserver.New(devserver.Config{Addr: addr, DataPath: data})
	if err != nil {
		return err
	}
	defer func() { _ = srv.Close() }()
	fmt.Fprintf(w, "MLSDK_API_KEY is not set: using the local Mindlytics at %s\n\n", srv.URL())
	if _, err := runChatbot(ctx, w, llm.URL, sessionID,
		instrument.WithServerBase(srv.URL()), instrument.WithAPIKey(srv.Contract.APIKey),
		instrument.WithProjectID(srv.Contract.ProjectID)); err != nil {
		return err
	}
	if err := printSummary(w, srv, sessionID); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nSee it in a browser: %s\n", srv.PageURL())
	if serve {
		fmt.Fprintln(w, "The page stays up until this stops (Ctrl-C, or kill); point your own app at it with")
		fmt.Fprintf(w, "  MLSDK_SERVER_BASE=%s MLSDK_API_KEY=%s MLSDK_PROJECT_ID=%s\n", srv.URL(), srv.Contract.APIKey, srv.Contract.ProjectID)
		<-ctx.Done()
	}
	return nil
}

// runChatbot builds the instrument client, runs the chatbot and delivers
// everything.
func runChatbot(ctx context.Context, w io.Writer, llmURL, sessionID string, opts ...instrument.Option) (tally, error) {
	var errs []error
	opts = append(opts, instrument.WithExporterOptions(exporter.WithFlushInterval(100*time.Millisecond)),
		instrument.WithErrorHandler(func(err error) { errs = append(errs, err) }))
	ml, err := instrument.New(ctx, opts...)
	if err != nil {
		return tally{}, err
	}
	t, err := chatbot(ctx, w, ml, llmURL, sessionID)
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if serr := ml.Shutdown(sctx); err == nil {
		err = serr
	}
	if err == nil && len(errs) > 0 {
		err = fmt.Errorf("delivery: %v", errs[0])
	}
	return t, err
}

// printSummary reads what the local server made of the session.
func printSummary(w io.Writer, srv *devserver.Server, sessionID string) error {
	entries, _ := srv.Store().Entries()
	view := devserver.BuildView(entries)
	for _, s := range view.Sessions {
		if s.ID != sessionID {
			continue
		}
		cost := fmt.Sprintf("$%.5f", s.Cost)
		if s.CostEstimated {
			cost += " (estimated locally from token counts)"
		}
		fmt.Fprintf(w, "\nSummary: 1 session (%s, user %s, %s), %s, %s, %s, cost %s, %s\n",
			s.ID, s.UserID, time.Duration(s.DurationMs)*time.Millisecond, count(len(s.Conversations), "conversation"),
			count(s.Turns, "turn"), count(s.Tokens, "token"), cost, count(s.Functions, "function call"))
		if v := srv.Contract.Violations(); len(v) > 0 {
			return fmt.Errorf("the server saw events out of order: %v", v)
		}
		return nil
	}
	return fmt.Errorf("the local server has no session %s", sessionID)
}

// count says "1 turn", "3 turns".
func count[N int | int64](n N, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
