package genkithelper

import (
	"context"
	"errors"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// ScopeName is the instrumentation scope of the helper's spans.
const ScopeName = "github.com/mindlytics/mindlytics-otel/instrument/genkithelper"

// version is the released version of this repository's modules (set by
// make set-version), the scope's version.
const version = wire.Version

// genkitScope is the instrumentation scope of Genkit's own spans.
const genkitScope = "genkit-tracer"

// Register wires Genkit's spans to tp and adds the processor that reads
// them: Genkit traces on the global TracerProvider when it is an SDK one,
// so Register makes tp the global one.
//
//	genkithelper.Register(client.TracerProvider()) // client: an instrument.Client
//
// tp must be an *sdktrace.TracerProvider (instrument's is).
func Register(tp trace.TracerProvider, opts ...Option) error {
	sdk, ok := tp.(*sdktrace.TracerProvider)
	if !ok {
		return errors.New("genkithelper: Genkit traces only on an *sdktrace.TracerProvider")
	}
	otel.SetTracerProvider(sdk)
	sdk.RegisterSpanProcessor(NewSpanProcessor(append([]Option{WithTracerProvider(sdk)}, opts...)...))
	return nil
}

// NewSpanProcessor returns the processor that makes, at the end of each of
// Genkit's model and tool action spans, a GenAI span of the same call (a
// chat span, an execute_tool span) as its child, with its times, the
// identity the Genkit span was stamped with, and what its genkit:input and
// genkit:output say. Register it on the TracerProvider Genkit traces on.
func NewSpanProcessor(opts ...Option) sdktrace.SpanProcessor {
	return &processor{in: genai.New(ScopeName, version, unwrap(opts)...)}
}

type processor struct {
	in *genai.Instrumenter
}

var _ sdktrace.SpanProcessor = (*processor)(nil)

func (p *processor) OnStart(context.Context, sdktrace.ReadWriteSpan) {}

func (p *processor) OnEnd(s sdktrace.ReadOnlySpan) {
	if s.InstrumentationScope().Name != genkitScope {
		return
	}
	a := attrs(s)
	failMsg := ""
	if st := s.Status(); st.Code == codes.Error || a["genkit:state"] == "error" {
		failMsg = st.Description
		if failMsg == "" {
			failMsg = "error"
		}
	}
	ctx := trace.ContextWithSpanContext(context.Background(), s.SpanContext())
	extra := identity(s)
	switch a["genkit:metadata:subtype"] {
	case "model":
		req, res := modelCall(a["genkit:name"], a["genkit:input"], a["genkit:output"])
		p.in.Record(ctx, req, res, s.StartTime(), s.EndTime(), failMsg, extra)
	case "tool", "tool.v2": // v2: tools defined with DefineTool since Genkit 1.x
		name := a["genkit:name"]
		p.in.RecordTool(ctx, genai.Tool{Name: name, Args: a["genkit:input"], Function: true},
			toolResult(a["genkit:output"]), failMsg, s.StartTime(), s.EndTime(), extra)
	}
}

func (p *processor) Shutdown(context.Context) error   { return nil }
func (p *processor) ForceFlush(context.Context) error { return nil }

// attrs returns a span's string attributes by key.
func attrs(s sdktrace.ReadOnlySpan) map[string]string {
	m := make(map[string]string, len(s.Attributes()))
	for _, kv := range s.Attributes() {
		if kv.Value.Type() == attribute.STRING {
			m[string(kv.Key)] = kv.Value.AsString()
		}
	}
	return m
}

// identity is what the Genkit span carries besides Genkit's own keys: the
// session, user and conversation ids and the marks instrument's span
// processor stamped on it at its start.
func identity(s sdktrace.ReadOnlySpan) []attribute.KeyValue {
	var out []attribute.KeyValue
	for _, kv := range s.Attributes() {
		if !strings.HasPrefix(string(kv.Key), "genkit:") {
			out = append(out, kv)
		}
	}
	return out
}
