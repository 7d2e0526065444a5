package translate

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// FuzzTranslate feeds arbitrary attribute values (and keys) into spans of
// every convention: the translation must not panic and every event must
// pass Validate. (The collector module's FuzzPdataAdapter checks that its
// pdata view reads the same spans alike.)
func FuzzTranslate(f *testing.F) {
	f.Add("turn", "gen_ai.operation.name", "chat", int64(3), 0.5, false)
	f.Add("", "openinference.span.kind", `[{"role":"user","content":"hi"}]`, int64(0), 1.0, true)
	f.Add("usage", "llm.input_messages.0.message.content", `{"messages":[{"role":"user"}]}`, int64(-5), -1.0, false)
	f.Add("function", "traceloop.span.kind", "tool", int64(1<<40), 1e300, false)
	f.Add("session.end", "mindlytics.properties.x", `{"a":[1,2,{"b":null}]}`, int64(7), 0.0, true)
	f.Add("alias", "user.id", "\xff\xfe", int64(1), 2.0, false)
	f.Fuzz(func(t *testing.T, event, key, value string, n int64, fl float64, structured bool) {
		stubs := fuzzStubs(event, key, value, n, fl, structured)
		spans := stubs.Snapshots()
		clock := &fakeClock{now: t0}
		tr := newTranslator(t, withMaxStringLength(64), withTraceCache(4, time.Minute), withMaxOpenSessions(2),
			withMaxOpenConversations(2), withClock(clock.Now))
		evs, _ := tr.Translate(spanview.FromReadOnlySpans(spans))
		all := append(evs, expireAfter(tr, clock, 24*time.Hour)...)
		all = append(all, tr.EndAll()...)
		for _, ev := range all {
			require.NoError(t, ev.Validate(), "%+v", ev)
			_, err := json.Marshal(ev)
			require.NoError(t, err)
		}
	})
}

func fuzzStubs(event, key, value string, n int64, fl float64, structured bool) tracetest.SpanStubs {
	var val attribute.Value = attribute.StringValue(value)
	if structured {
		var data any
		if json.Unmarshal([]byte(value), &data) == nil {
			val = testkit.AttrValue(data)
		}
	}
	idx := strconv.FormatInt(n%4, 10)
	parentAttrs := dedupe([]attribute.KeyValue{
		{Key: attribute.Key(key), Value: val},
		sc.MindlyticsEventKey.String(event),
		sc.SessionIDKey.String(value),
		sc.OperationNameKey.String(key),
		conventions.OpenInferenceSpanKindKey.String(event),
		{Key: conventions.GenAIInputMessagesKey, Value: val},
		{Key: conventions.GenAIOutputMessagesKey, Value: val},
		sc.InputTokensKey.Int64(n),
		sc.UsageCostKey.Float64(fl),
		sc.ConversationIDKey.String(key),
		attribute.String(sc.PropertiesPrefix+key, value),
		{Key: attribute.Key(sc.TraitsPrefix + key), Value: val},
	})
	childAttrs := dedupe([]attribute.KeyValue{
		conventions.TraceloopSpanKindKey.String(value),
		sc.RequestModelKey.String(key),
		conventions.LLMTokenCountCompletionKey.Int64(n),
		conventions.LLMCostTotalKey.Float64(fl),
		attribute.String("llm.input_messages."+idx+".message.role", "user"),
		{Key: attribute.Key("llm.input_messages." + idx + ".message.content"), Value: val},
		attribute.String("gen_ai.completion."+idx+".content", value),
		{Key: conventions.InputValueKey, Value: val},
		{Key: conventions.OutputValueKey, Value: val},
		sc.ToolNameKey.String(value),
		sc.PreviousIDKey.String(value),
		sc.UserIDKey.String(key),
		{Key: attribute.Key(key), Value: attribute.Int64Value(n)},
	})
	tid := trace.TraceID{1}
	parent := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: trace.SpanID{1}})
	childSC := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: trace.SpanID{2}})
	start := t0.Add(time.Duration(n % int64(time.Hour)))
	return tracetest.SpanStubs{
		{
			Name: value, SpanContext: parent, StartTime: start, EndTime: start.Add(time.Second),
			Attributes: parentAttrs, InstrumentationScope: instrumentation.Scope{Name: "fuzz"},
			Events: []sdktrace.Event{{Name: conventions.GenAIChoiceEvent, Time: start, Attributes: []attribute.KeyValue{{Key: conventions.EventMessageKey, Value: val}}}},
		},
		{
			Name: key, SpanContext: childSC, Parent: parent, StartTime: start.Add(-time.Second), EndTime: start,
			Attributes: childAttrs, InstrumentationScope: instrumentation.Scope{Name: "fuzz"},
			Events: []sdktrace.Event{{Name: conventions.GenAIUserMessageEvent, Time: start, Attributes: []attribute.KeyValue{{Key: conventions.EventContentKey, Value: val}}}},
		},
	}
}

// dedupe keeps the first of repeated keys, as a real SDK span has no repeats.
func dedupe(kvs []attribute.KeyValue) []attribute.KeyValue {
	seen := map[attribute.Key]bool{}
	out := kvs[:0]
	for _, kv := range kvs {
		if !seen[kv.Key] {
			seen[kv.Key] = true
			out = append(out, kv)
		}
	}
	return out
}
