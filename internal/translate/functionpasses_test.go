package translate

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// The shortcuts of the passes over functions and tool calls must answer
// as the general ways do.

// fillToolArgsAlways is fillToolArgs without mayGiveToolArgs: every
// function's args are asked whether they are JSON.
func (t *Translator) fillToolArgsAlways(spans []spanview.Span, recs []record) {
	var calls []modelToolCall
	read := false
	for i := range recs {
		r := &recs[i]
		if r.kind != sc.EventFunction || r.fromHistory || isJSONContainer(r.call.Args) {
			continue
		}
		if !read {
			read = true
			for j := range recs {
				if isModelCall(&recs[j]) {
					calls = appendOutputToolCalls(calls, &spans[recs[j].span])
				}
			}
		}
		if args, ok := modelArgsFor(calls, spans[r.span].TraceID(), r.toolCallID, r.call.Name); ok {
			r.call.Args = t.cut(args)
		}
	}
}

// fillToolArgs leaves alone a batch whose model calls can give no tool
// call's arguments: it fills what asking of every function does, on
// batches with tool calls in GenAI output messages, OpenAI's output.value,
// OpenInference's flattened messages, or none.
func TestFillToolArgsAsAlways(t *testing.T) {
	tr := newTranslator(t)
	rng := rand.New(rand.NewPCG(11, 12))
	pick := func(vals ...string) string { return vals[rng.IntN(len(vals))] }
	oi := conventions.OpenInferenceOutputMessagesPrefix + "0." + conventions.OpenInferenceToolCallsPrefix + "0."
	filled := 0
	for range 3000 {
		n := 1 + rng.IntN(8)
		spans := make([]spanview.Span, n)
		var recs []record
		for i := range spans {
			var kvs []attribute.KeyValue
			add := func(k, v string) {
				if v != "" {
					kvs = append(kvs, attribute.String(k, v))
				}
			}
			model := rng.IntN(2) == 0
			if model {
				add(string(conventions.GenAIOutputMessagesKey), pick("", `[{"role":"assistant","parts":[{"type":"text","content":"hi"}]}]`,
					`[{"role":"assistant","parts":[{"type":"tool_call","id":"c1","name":"lookup","arguments":{"city":"Paris"}}]}]`,
					`[{"role":"assistant","parts":[{"type":"tool_call","name":"lookup","arguments":{"city":"Rome"}}]}]`))
				add(string(conventions.OutputValueKey), pick("", "", "plain", `{"tool_calls":[{"id":"c2","function":{"name":"other","arguments":"{\"q\":1}"}}]}`))
				if rng.IntN(5) == 0 { // not a string: read as its JSON
					kvs = append(kvs, attribute.Map(string(conventions.OutputValueKey), attribute.String("type", "tool_call"),
						attribute.String("id", "c4"), attribute.String("name", "lookup"), attribute.String("arguments", `{"city":"Lima"}`)))
				}
				if rng.IntN(4) == 0 {
					add(oi+conventions.OpenInferenceToolCallIDField, pick("", "c3"))
					add(oi+conventions.OpenInferenceToolCallNameField, "lookup")
					add(oi+conventions.OpenInferenceToolCallArgumentsField, `{"city":"Oslo"}`)
				}
				if rng.IntN(6) == 0 {
					add(sc.PropertiesPrefix+"x", "y") // a key the scan collects, with no tool call
				}
			}
			spans[i] = spanview.NewSpan(spanview.SpanParts{Name: "s", TraceID: trace.TraceID{byte(1 + rng.IntN(2))}, SpanID: trace.SpanID{byte(i + 1)},
				Attributes: kvs})
			r := record{span: i, kind: sc.EventFunction}
			if model {
				r.kind = sc.EventUsage
			} else {
				r.call = mindlytics.FunctionCall{Name: pick("lookup", "other"), Args: pick("", "Paris", `{"a":1}`, "[1]", "{broken")}
				r.toolCallID = pick("", "c1", "c2", "c3", "c4")
				r.fromHistory = rng.IntN(8) == 0
			}
			recs = append(recs, r)
		}
		views := make([]attrView, n)
		for i := range spans {
			views[i] = newAttrView(spans[i].Attributes())
		}
		got, want := slices.Clone(recs), slices.Clone(recs)
		tr.fillToolArgs(spans, views, got)
		tr.fillToolArgsAlways(spans, want)
		require.Equal(t, want, got)
		if !reflect.DeepEqual(recs, want) {
			filled++
		}
	}
	if filled < 300 {
		t.Fatalf("only %d batches had args filled", filled)
	}
}

// between answers as Sub: times with and without a monotonic reading, near
// and far apart, at the ends of what a Time holds, in other zones.
func TestBetweenAsSub(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	now := time.Now() // a monotonic reading
	zone := time.FixedZone("x", 3600)
	for range 200_000 {
		start := time.Unix(rng.Int64N(1<<34)-1<<33, rng.Int64N(2e9))
		switch rng.IntN(6) {
		case 0:
			start = now.Add(time.Duration(rng.Int64N(1e12)))
		case 1:
			start = time.Date(1+rng.IntN(3), 1, 1, 0, 0, 0, rng.IntN(1e9), time.UTC)
		case 2:
			start = start.In(zone)
		}
		end := start.Add(time.Duration(rng.Int64N(1 << 62)))
		switch rng.IntN(5) {
		case 0:
			end = time.Unix(rng.Int64N(1<<40), rng.Int64N(1e9))
		case 1:
			end = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
		case 2:
			end = start.Add(time.Duration(rng.Int64N(1e10))).Round(0)
		}
		if got, want := between(start, end), end.Sub(start); got != want {
			t.Fatalf("between(%v, %v) = %v, Sub %v", start, end, got, want)
		}
	}
}

// unwrapToolOutputBySearch is unwrapToolOutput without its look at the
// first byte.
func unwrapToolOutputBySearch(out string) string {
	if !strings.Contains(out, `"lc"`) || !strings.Contains(out, `"kwargs"`) {
		return out
	}
	var wrapped struct {
		serialized
		Output *serialized `json:"output"`
	}
	if json.Unmarshal([]byte(out), &wrapped) != nil {
		return out
	}
	msg := &wrapped.serialized
	if wrapped.Output != nil {
		msg = wrapped.Output
	}
	if msg.LC == 0 || msg.Kwargs == nil || len(msg.Kwargs.Content) == 0 {
		return out
	}
	var text string
	if json.Unmarshal(msg.Kwargs.Content, &text) == nil {
		return text
	}
	return string(msg.Kwargs.Content)
}

// unwrapToolOutput tells most outputs by their first byte: it answers as
// the search of the keys does, with white space of JSON's and not before
// the object, arrays, nulls and text around it.
func TestUnwrapToolOutputAsBySearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	bodies := []string{`{"lc":1,"type":"constructor","kwargs":{"content":"ok"}}`, `{"output":{"lc":1,"kwargs":{"content":{"a":1}}}}`,
		`[{"lc":1,"kwargs":{"content":"x"}}]`, `null`, `"lc" "kwargs"`, `{"lc":0,"kwargs":{}}`, "shipping", `{"lc":1}`, ``}
	spaces := []string{"", " ", "\t", "\n", "\r", "\u00a0", "\u2003", "\v", "\f", "x"}
	n := 0
	for range 20_000 {
		out := spaces[rng.IntN(len(spaces))] + bodies[rng.IntN(len(bodies))] + spaces[rng.IntN(len(spaces))]
		got, want := unwrapToolOutput(out), unwrapToolOutputBySearch(out)
		if got != want {
			t.Fatalf("%q: %q, by search %q", out, got, want)
		}
		if got != out {
			n++
		}
	}
	if n < 1000 {
		t.Fatalf("only %d outputs unwrapped", n)
	}
}
