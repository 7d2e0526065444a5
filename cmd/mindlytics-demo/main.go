// Command mindlytics-demo runs the main job of mindlytics-otel end to end:
// an app emits OpenTelemetry spans for a chatbot session (our conventions
// and the OTel GenAI ones), the in-process exporter turns them into
// Mindlytics events and delivers them, and the live-events websocket streams
// back what the service made of them.
//
// Without MLSDK_API_KEY it starts a local Mindlytics server (package
// mindlyticstest) and prints every event that server accepted. With
// MLSDK_API_KEY and MLSDK_PROJECT_ID set it talks to the real service
// (MLSDK_SERVER_BASE to point elsewhere).
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/exporter"
	"github.com/mindlytics/mindlytics-otel/exporter/mindlytics"
	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticstest"
	"github.com/mindlytics/mindlytics-otel/semconv"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "mindlytics-demo:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	var (
		local      *mindlyticstest.Server
		clientOpts []mindlytics.ClientOption
	)
	if os.Getenv("MLSDK_API_KEY") == "" {
		local = mindlyticstest.NewServer()
		defer local.Close()
		clientOpts = local.ClientOptions()
		fmt.Printf("MLSDK_API_KEY is not set: using a local Mindlytics server at %s\n\n", local.URL)
	} else {
		fmt.Println("Sending to the Mindlytics service named by MLSDK_SERVER_BASE (default https://app.mindlytics.ai)")
	}

	sessionID := "demo-" + randomHex(6)
	live := watchLive(ctx, clientOpts, sessionID)

	exp, err := exporter.New(ctx,
		exporter.WithClientOptions(clientOpts...),
		exporter.WithFlushInterval(100*time.Millisecond),
		exporter.WithErrorHandler(func(err error) { fmt.Println("  ! error:", err) }),
	)
	if err != nil {
		return err
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exp, sdktrace.WithBatchTimeout(200*time.Millisecond)),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", "mindlytics-demo"))),
	)
	emitSession(ctx, tp.Tracer("mindlytics-demo"), sessionID)

	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := tp.Shutdown(shutdownCtx); err != nil { // flushes spans, ends the session, drains the queue
		return fmt.Errorf("shutting down: %w", err)
	}
	stats := exp.Stats()
	fmt.Printf("\nexporter: %d events enqueued, %d sent in %d requests, %d failed, %d dropped\n",
		stats.Enqueued, stats.Sent, stats.Requests, stats.Failed, stats.Dropped)

	if local != nil {
		printAccepted(local.SessionEvents(sessionID))
		if v := local.Violations(); len(v) > 0 {
			return fmt.Errorf("the server saw events out of order: %v", v)
		}
	}
	live.stopAfter(2 * time.Second)
	if exp.HasErrors() {
		return fmt.Errorf("%d delivery errors", len(exp.Errors()))
	}
	return nil
}

// emitSession is what an app does: one session, identify, a conversation of
// three turns (written three ways) with a tool call, and a custom event.
func emitSession(ctx context.Context, tracer trace.Tracer, sessionID string) {
	ids := []attribute.KeyValue{semconv.SessionID(sessionID), semconv.UserID("user-42")}
	span := func(name string, attrs ...attribute.KeyValue) trace.Span {
		_, s := tracer.Start(ctx, name, trace.WithAttributes(append(attrs, ids...)...))
		return s
	}
	conv := semconv.ConversationID(sessionID + "-chat")

	span(semconv.SpanNameSessionStart, semconv.MindlyticsEvent(semconv.EventSessionStart),
		semconv.Attribute("plan", "pro")).End()
	span(semconv.SpanNameIdentify, semconv.MindlyticsEvent(semconv.EventIdentify),
		semconv.Trait("email", "ada@example.com"), semconv.Trait("beta", true)).End()

	// A turn in our own keys.
	span(semconv.ChatSpanName("gpt-4o"), conv, semconv.MindlyticsEvent(semconv.EventTurn),
		semconv.TurnUser("Where is my order #1234?"),
		semconv.TurnAssistant("Let me look that up for you."),
		semconv.RequestModel("gpt-4o"), semconv.InputTokens(42), semconv.OutputTokens(9)).End()

	// A tool call, as the OTel GenAI conventions describe it.
	tool := span(semconv.ExecuteToolSpanName("lookup_order"), conv,
		semconv.OperationName(semconv.GenAIOperationExecuteTool), semconv.ToolName("lookup_order"),
		semconv.ToolCallArguments(`{"order":"1234"}`))
	time.Sleep(15 * time.Millisecond)
	tool.SetAttributes(semconv.ToolCallResult(`{"status":"shipped","eta":"Friday"}`))
	tool.End()

	// A turn as an OTel GenAI instrumentation records a chat call.
	span(semconv.ChatSpanName("gpt-4o"), conv, semconv.OperationName(semconv.GenAIOperationChat),
		semconv.RequestModel("gpt-4o"), semconv.ResponseModel("gpt-4o-2024-08-06"),
		semconv.InputTokens(120), semconv.OutputTokens(18),
		attribute.String("gen_ai.input.messages", `[{"role":"user","parts":[{"type":"text","content":"When will it arrive?"}]}]`),
		attribute.String("gen_ai.output.messages", `[{"role":"assistant","parts":[{"type":"text","content":"It shipped and arrives on Friday."}],"finish_reason":"stop"}]`)).End()

	// A turn as OpenInference records it, with a known cost.
	span("ChatCompletion", conv, attribute.String("openinference.span.kind", "LLM"),
		attribute.String("llm.model_name", "gpt-4o-mini"),
		attribute.String("llm.input_messages.0.message.role", "user"),
		attribute.String("llm.input_messages.0.message.content", "Thanks!"),
		attribute.String("llm.output_messages.0.message.role", "assistant"),
		attribute.String("llm.output_messages.0.message.content", "You're welcome."),
		attribute.Int("llm.token_count.prompt", 30), attribute.Int("llm.token_count.completion", 4),
		attribute.Float64("llm.cost.total", 0.00012)).End()

	span(semconv.TrackSpanName("Order Status Checked"), conv, semconv.MindlyticsEvent(semconv.EventTrack),
		semconv.EventName("Order Status Checked"), semconv.Property("order", "1234")).End()
	span(semconv.SpanNameSessionEnd, semconv.MindlyticsEvent(semconv.EventSessionEnd)).End()
}

func printAccepted(events []mindlytics.Event) {
	fmt.Printf("\nThe local Mindlytics server accepted %d events for this session, in this order:\n", len(events))
	for _, ev := range events {
		fmt.Printf("  %s  %-28s %s\n", ev.Timestamp, ev.Kind(), summarize(ev))
	}
}

func summarize(ev mindlytics.Event) string {
	var parts []string
	if ev.ConversationID != "" {
		parts = append(parts, "conversation="+ev.ConversationID)
	}
	for _, group := range []mindlytics.Properties{ev.Properties, ev.Attributes, ev.Traits} {
		keys := make([]string, 0, len(group))
		for k := range group {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s=%v", k, group[k]))
		}
	}
	return strings.Join(parts, " ")
}

// liveWatcher prints what the live-events websocket streams for the session.
type liveWatcher struct {
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	lines  []string
}

func watchLive(ctx context.Context, clientOpts []mindlytics.ClientOption, sessionID string) *liveWatcher {
	ctx, cancel := context.WithCancel(ctx)
	w := &liveWatcher{cancel: cancel, done: make(chan struct{})}
	client, err := mindlytics.NewClient(clientOpts...)
	if err != nil {
		fmt.Println("live events: not watched:", err)
		close(w.done)
		return w
	}
	var (
		connected = make(chan struct{})
		once      sync.Once
	)
	go func() {
		defer close(w.done)
		err := client.SubscribeLive(ctx, mindlytics.LiveOptions{
			SessionID: sessionID,
			OnEvent: func(ev mindlytics.LiveEvent) {
				w.mu.Lock()
				defer w.mu.Unlock()
				w.lines = append(w.lines, fmt.Sprintf("  %s  %s", ev.Timestamp, ev.Event))
			},
			OnError:   func(err error) { fmt.Println("  live error:", err) },
			OnConnect: func() { once.Do(func() { close(connected) }) },
		})
		if err != nil {
			fmt.Println("live events:", err)
		}
	}()
	select { // so that the first events are seen live too
	case <-connected:
	case <-w.done:
	case <-time.After(5 * time.Second):
		fmt.Println("live events: not connected after 5 s, going on")
	}
	return w
}

// stopAfter waits d for the last live events, stops watching and prints
// what arrived.
func (w *liveWatcher) stopAfter(d time.Duration) {
	time.Sleep(d)
	w.cancel()
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	fmt.Printf("\nThe live-events websocket streamed %d events:\n", len(w.lines))
	for _, l := range w.lines {
		fmt.Println(l)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
