package anthropichelper

import (
	"context"
	"encoding/json"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// The SDK has no redaction hook: it writes content attributes straight to
// its span. A TracerProvider wrapper hands it spans that rewrite those
// attributes on the way in, so no unredacted text reaches a processor.

var (
	_ trace.TracerProvider = redactingProvider{}
	_ trace.Tracer         = redactingTracer{}
	_ trace.Span           = redactingSpan{}
)

type redactFunc = func(role, content string) string

type redactingProvider struct {
	trace.TracerProvider
	redact redactFunc
}

func newRedactingProvider(tp trace.TracerProvider, redact redactFunc) trace.TracerProvider {
	return redactingProvider{TracerProvider: tp, redact: redact}
}

func (p redactingProvider) Tracer(name string, opts ...trace.TracerOption) trace.Tracer {
	return redactingTracer{Tracer: p.TracerProvider.Tracer(name, opts...), redact: p.redact}
}

type redactingTracer struct {
	trace.Tracer
	redact redactFunc
}

func (t redactingTracer) Start(ctx context.Context, name string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	// Content is never among the start attributes (the SDK sets it once the
	// span records), so only later attributes need rewriting.
	ctx, span := t.Tracer.Start(ctx, name, opts...)
	s := redactingSpan{Span: span, redact: t.redact}
	return trace.ContextWithSpan(ctx, s), s
}

type redactingSpan struct {
	trace.Span
	redact redactFunc
}

func (s redactingSpan) SetAttributes(kv ...attribute.KeyValue) {
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
func (s redactingSpan) rewrite(a attribute.KeyValue) (attribute.KeyValue, bool) {
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
