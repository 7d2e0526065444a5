package pdataview

import (
	"crypto/rand"
	"encoding/binary"
	"hash/fnv"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/semconv"
)

// GenAI events some instrumentations emit as log records instead of span
// attributes or span events.
const (
	// eventInferenceDetails carries a model call's attributes (operation,
	// model, usage, gen_ai.input.messages, gen_ai.output.messages) as its
	// own attributes.
	eventInferenceDetails = "gen_ai.client.inference.operation.details"
	// eventNameKey is where records older than the LogRecord event name
	// field keep the event name.
	eventNameKey = "event.name"
)

// perMessageEvents are the deprecated GenAI events, one record per message,
// whose content is in the body; the translation reads the same events on a
// span. The system, assistant and tool messages carry nothing it uses, but
// they belong to the call all the same.
var perMessageEvents = map[string]bool{
	"gen_ai.system.message":                 true,
	conventions.GenAIUserMessageEvent:       true,
	"gen_ai.assistant.message":              true,
	"gen_ai.tool.message":                   true,
	conventions.GenAIChoiceEvent:            true,
	conventions.GenAIContentPromptEvent:     true,
	conventions.GenAIContentCompletionEvent: true,
}

// usageKeys are the token counts and costs a details record shares with the
// span it belongs to.
var usageKeys = []string{
	string(semconv.InputTokensKey), string(semconv.OutputTokensKey),
	string(conventions.GenAIUsagePromptTokensKey), string(conventions.GenAIUsageCompletionTokensKey),
	string(semconv.UsageCostKey),
}

// LogsToTraces reshapes the GenAI event log records of ld into the spans
// the translation would have seen had the instrumentation recorded them on
// spans, so that one translation serves both; other records are ignored.
//
//   - A gen_ai.client.inference.operation.details record becomes a span with
//     the record's attributes (and body fields the attributes lack). When
//     the record belongs to a span, its token counts and cost are left out:
//     that span carries them too, and the service must not price the call
//     twice.
//   - The per-message records of one span (gen_ai.user.message,
//     gen_ai.choice, …) become one chat span whose span events are the
//     records, each with its body's fields as attributes (a text body as
//     "content").
//
// Each made span is a child of the record's span in the record's trace, so
// it takes its session from the trace as any span would; a record outside
// any trace gets a trace of its own.
func LogsToTraces(ld plog.Logs) ptrace.Traces {
	td := ptrace.NewTraces()
	for _, rl := range ld.ResourceLogs().All() {
		var rs ptrace.ResourceSpans
		hasResource := false
		for _, sl := range rl.ScopeLogs().All() {
			var spans ptrace.SpanSlice
			hasScope := false
			chats := map[chatKey]ptrace.Span{}
			details := map[chatKey]ptrace.Span{}
			for i, lr := range sl.LogRecords().All() {
				name := eventName(lr)
				if name != eventInferenceDetails && name != conventions.GenAIEvaluationResultEvent && !perMessageEvents[name] {
					continue
				}
				if !hasScope {
					if !hasResource {
						rs = td.ResourceSpans().AppendEmpty()
						rl.Resource().CopyTo(rs.Resource())
						hasResource = true
					}
					ss := rs.ScopeSpans().AppendEmpty()
					sl.Scope().CopyTo(ss.Scope())
					spans, hasScope = ss.Spans(), true
				}
				key := chatKey{lr.TraceID(), lr.SpanID()}
				if name == conventions.GenAIEvaluationResultEvent {
					// An evaluation of the call the record's span is: a span
					// of its own in that trace, holding the evaluation as the
					// span event the translation reads.
					sp := spans.AppendEmpty()
					placeSpan(lr, i, sp)
					sp.SetName(conventions.GenAIEvaluationResultEvent)
					addMessageEvent(lr, name, sp)
					continue
				}
				if name == eventInferenceDetails {
					// A call's input and output may come as records of their own
					// (the Responses API instrumentation sends two, or three when
					// streaming): one span per call holds them all, a later
					// record's value winning.
					sp, ok := details[key]
					if !ok || key.span.IsEmpty() {
						sp = spans.AppendEmpty()
						placeSpan(lr, i, sp)
						details[key] = sp
					}
					addDetails(lr, sp)
					continue
				}
				sp, ok := chats[key]
				if !ok || key.trace.IsEmpty() {
					sp = spans.AppendEmpty()
					startChatSpan(lr, i, sp)
					chats[key] = sp
				}
				addMessageEvent(lr, name, sp)
			}
		}
	}
	return td
}

type chatKey struct {
	trace pcommon.TraceID
	span  pcommon.SpanID
}

func eventName(lr plog.LogRecord) string {
	if n := lr.EventName(); n != "" {
		return n
	}
	if v, ok := lr.Attributes().Get(eventNameKey); ok {
		return v.Str()
	}
	return ""
}

func recordTime(lr plog.LogRecord) pcommon.Timestamp {
	if ts := lr.Timestamp(); ts != 0 {
		return ts
	}
	return lr.ObservedTimestamp()
}

// placeSpan puts sp in the record's trace as a child of the record's span.
func placeSpan(lr plog.LogRecord, index int, sp ptrace.Span) {
	traceID := lr.TraceID()
	if traceID.IsEmpty() {
		_, _ = rand.Read(traceID[:])
	}
	sp.SetTraceID(traceID)
	sp.SetParentSpanID(lr.SpanID())
	sp.SetSpanID(derivedSpanID(traceID, lr.SpanID(), index))
	ts := recordTime(lr)
	sp.SetStartTimestamp(ts)
	sp.SetEndTimestamp(ts)
}

// derivedSpanID names a made span after its record, distinct from the
// record's own span.
func derivedSpanID(traceID pcommon.TraceID, spanID pcommon.SpanID, index int) pcommon.SpanID {
	h := fnv.New64a()
	_, _ = h.Write(traceID[:])
	_, _ = h.Write(spanID[:])
	_, _ = h.Write([]byte("log-record"))
	_ = binary.Write(h, binary.BigEndian, int64(index))
	var id pcommon.SpanID
	binary.BigEndian.PutUint64(id[:], h.Sum64()|1) // never the invalid all-zero id
	return id
}

// addDetails adds a details record's attributes (and body fields) to its
// call's span, where a later record's non-empty value wins.
func addDetails(lr plog.LogRecord, sp ptrace.Span) {
	sp.SetName(eventInferenceDetails)
	sp.SetKind(ptrace.SpanKindClient)
	if _, ok := sp.Attributes().Get(string(semconv.OperationNameKey)); !ok {
		// The record describes a model call, whatever it leaves out.
		sp.Attributes().PutStr(string(semconv.OperationNameKey), semconv.GenAIOperationChat)
	}
	if ts := recordTime(lr); ts > sp.EndTimestamp() {
		sp.SetEndTimestamp(ts)
	}
	attrs := sp.Attributes()
	put := func(k string, v pcommon.Value) {
		if k == eventNameKey || isEmptyValue(v) {
			if _, ok := attrs.Get(k); ok {
				return
			}
		}
		v.CopyTo(attrs.PutEmpty(k))
	}
	for k, v := range lr.Attributes().All() {
		put(k, v)
	}
	if lr.Body().Type() == pcommon.ValueTypeMap {
		for k, v := range lr.Body().Map().All() {
			if _, ok := attrs.Get(k); !ok {
				put(k, v)
			}
		}
	}
	attrs.Remove(eventNameKey)
	if !lr.SpanID().IsEmpty() {
		for _, k := range usageKeys {
			attrs.Remove(k)
		}
	}
}

// isEmptyValue is an empty string, list or map, or a list of messages
// none of which has a part (the placeholder a streamed call's output
// record carries before the real one).
func isEmptyValue(v pcommon.Value) bool {
	switch v.Type() {
	case pcommon.ValueTypeEmpty:
		return true
	case pcommon.ValueTypeStr:
		return v.Str() == ""
	case pcommon.ValueTypeMap:
		return v.Map().Len() == 0
	case pcommon.ValueTypeSlice:
		for _, el := range v.Slice().All() {
			if el.Type() != pcommon.ValueTypeMap {
				return false
			}
			parts, ok := el.Map().Get("parts")
			if !ok || parts.Type() != pcommon.ValueTypeSlice || parts.Slice().Len() > 0 {
				return false
			}
		}
		return true
	}
	return false
}

func startChatSpan(lr plog.LogRecord, index int, sp ptrace.Span) {
	placeSpan(lr, index, sp)
	sp.SetName(semconv.GenAIOperationChat)
	sp.SetKind(ptrace.SpanKindClient)
	attrs := sp.Attributes()
	lr.Attributes().CopyTo(attrs)
	attrs.Remove(eventNameKey)
	// The records are the messages of a chat call, whatever else they say.
	attrs.PutStr(string(semconv.OperationNameKey), semconv.GenAIOperationChat)
}

func addMessageEvent(lr plog.LogRecord, name string, sp ptrace.Span) {
	ts := recordTime(lr)
	if ts < sp.StartTimestamp() {
		sp.SetStartTimestamp(ts)
	}
	if ts > sp.EndTimestamp() {
		sp.SetEndTimestamp(ts)
	}
	ev := sp.Events().AppendEmpty()
	ev.SetName(name)
	ev.SetTimestamp(ts)
	attrs := ev.Attributes()
	lr.Attributes().CopyTo(attrs)
	attrs.Remove(eventNameKey)
	switch body := lr.Body(); body.Type() {
	case pcommon.ValueTypeMap:
		for k, v := range body.Map().All() {
			v.CopyTo(attrs.PutEmpty(k))
		}
	case pcommon.ValueTypeStr:
		if body.Str() != "" {
			attrs.PutStr(string(conventions.EventContentKey), body.Str())
		}
	}
}
