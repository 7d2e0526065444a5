package anthropichelper

import (
	"context"
	"encoding/json"
	"strings"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// The SDK has no redaction hook: it writes content attributes straight to
// its span. A TracerProvider wrapper hands it spans that rewrite those
// attributes on the way in, so no unredacted text reaches a processor. The
// same spans mark calls the application stopped (see helperSpan.End).

var (
	_ trace.TracerProvider = helperProvider{}
	_ trace.Tracer         = helperTracer{}
	_ trace.Span           = (*helperSpan)(nil)
)

type redactFunc = func(role, content string) string

// helperProvider wraps the TracerProvider given to the SDK; redact is nil
// when nothing is to be redacted.
type helperProvider struct {
	trace.TracerProvider
	redact redactFunc
}

func newHelperProvider(tp trace.TracerProvider, redact redactFunc) trace.TracerProvider {
	return helperProvider{TracerProvider: tp, redact: redact}
}

func (p helperProvider) Tracer(name string, opts ...trace.TracerOption) trace.Tracer {
	return helperTracer{Tracer: p.TracerProvider.Tracer(name, opts...), redact: p.redact}
}

type helperTracer struct {
	trace.Tracer
	redact redactFunc
}

func (t helperTracer) Start(ctx context.Context, name string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	// Content is never among the start attributes (the SDK sets it once the
	// span records), so only later attributes need rewriting.
	ctx, span := t.Tracer.Start(ctx, name, opts...)
	if !span.IsRecording() {
		return ctx, span
	}
	s := &helperSpan{Span: span, redact: t.redact}
	return trace.ContextWithSpan(ctx, s), s
}

// helperSpan is a span of the SDK, seen on its way in.
type helperSpan struct {
	trace.Span
	redact redactFunc

	mu       sync.Mutex
	status   codes.Code // the last status the SDK set
	finished bool       // the SDK set the stop reason
}

// Keys the helper reads or adds: the SDK writes the stop reason under its
// own key only; the GenAI conventions want it as the finish reasons.
const (
	stopReasonKey    = attribute.Key("anthropic.message.stop_reason")
	finishReasonsKey = attribute.Key("gen_ai.response.finish_reasons")
)

// stopped marks a call the application stopped: its stream closed early or
// its context cancelled before the answer's stop reason came. The SDK ends
// such a span with no status and no stop reason; the helper marks it
// cancelled, as instrument/openaihelper and instrument/goopenaihelper do.
var stopped = []attribute.KeyValue{
	finishReasonsKey.StringSlice([]string{"cancelled"}),
	attribute.String("error.type", "cancelled"),
}

func (s *helperSpan) SetStatus(code codes.Code, description string) {
	s.mu.Lock()
	s.status = code
	s.mu.Unlock()
	s.Span.SetStatus(code, description)
}

// End ends the span; one the SDK ends with neither a status nor finish
// reasons is a call the application stopped, marked cancelled first.
func (s *helperSpan) End(opts ...trace.SpanEndOption) {
	s.mu.Lock()
	cancelled := s.status == codes.Unset && !s.finished
	s.mu.Unlock()
	if cancelled {
		s.Span.SetAttributes(stopped...)
		s.Span.SetStatus(codes.Error, "cancelled")
	}
	s.Span.End(opts...)
}

// SetAttributes sets kv, with the content redacted, and with
// gen_ai.response.finish_reasons beside the SDK's stop reason.
func (s *helperSpan) SetAttributes(kv ...attribute.KeyValue) {
	for _, a := range kv {
		if a.Key == stopReasonKey {
			s.mu.Lock()
			s.finished = true
			s.mu.Unlock()
			s.Span.SetAttributes(finishReasonsKey.StringSlice([]string{a.Value.AsString()}))
		}
	}
	if s.redact == nil {
		s.Span.SetAttributes(kv...)
		return
	}
	var out []attribute.KeyValue // copied on the first rewrite only
	for i, a := range kv {
		v, ok := s.rewrite(a)
		if !ok {
			continue
		}
		if out == nil {
			out = append([]attribute.KeyValue(nil), kv...)
		}
		out[i] = v
	}
	if out == nil {
		out = kv
	}
	s.Span.SetAttributes(out...)
}

// rewrite returns the redacted attribute, if a is content.
func (s *helperSpan) rewrite(a attribute.KeyValue) (attribute.KeyValue, bool) {
	switch a.Key {
	case "gen_ai.input.messages", "gen_ai.output.messages":
		return a.Key.String(redactMessages(a.Value.AsString(), s.redact)), true
	case "gen_ai.system_instructions":
		return a.Key.String(redactParts(a.Value.AsString(), "system", s.redact)), true
	case "gen_ai.tool.call.arguments":
		return a.Key.String(s.redact("assistant", a.Value.AsString())), true
	case "gen_ai.tool.call.result", "anthropic.tool_result.content":
		return a.Key.String(s.redact("tool", a.Value.AsString())), true
	}
	return a, false
}

// redactMessages rewrites the texts of GenAI message JSON; JSON it cannot
// read is dropped whole rather than passed on unredacted.
func redactMessages(js string, redact redactFunc) string {
	var msgs []map[string]any
	if decode(js, &msgs) != nil {
		return "[]"
	}
	for _, m := range msgs {
		role, _ := m["role"].(string)
		parts, _ := m["parts"].([]any)
		m["parts"] = redactPartList(parts, role, redact)
	}
	return encode(msgs)
}

func redactParts(js, role string, redact redactFunc) string {
	var parts []any
	if decode(js, &parts) != nil {
		return "[]"
	}
	return encode(redactPartList(parts, role, redact))
}

func redactPartList(parts []any, role string, redact redactFunc) []any {
	out := parts[:0]
	for _, p := range parts {
		part, ok := p.(map[string]any)
		if !ok {
			continue
		}
		switch part["type"] {
		case "text", "reasoning":
			text, _ := part["content"].(string)
			if part["content"] = redact(role, text); part["content"] == "" {
				continue
			}
		case "tool_call":
			part["arguments"] = redactJSON(part["arguments"], "assistant", redact)
		case "tool_call_response":
			part["response"] = redactJSON(part["response"], "tool", redact)
		}
		out = append(out, part)
	}
	return out
}

// redactJSON passes a JSON value through redact as text and keeps the
// answer as JSON when it is, as a string otherwise.
func redactJSON(v any, role string, redact redactFunc) any {
	r := redact(role, encode(v))
	var out any
	if decode(r, &out) != nil {
		return r
	}
	return out
}

func decode(js string, v any) error {
	d := json.NewDecoder(strings.NewReader(js))
	d.UseNumber() // numbers stay as written
	return d.Decode(v)
}

func encode(v any) string {
	var b strings.Builder
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false) // a span is not HTML
	if e.Encode(v) != nil {
		return ""
	}
	return strings.TrimSuffix(b.String(), "\n")
}
