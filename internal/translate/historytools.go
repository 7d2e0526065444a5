package translate

import (
	"encoding/binary"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/messages"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// Tool runs read from a model call's input. When an app runs a tool
// itself and no instrumentation traced the run (the Anthropic and OpenAI
// SDKs trace calls, not the app's functions), the only record of it is the
// next model call's input: the assistant's tool call and the result sent
// back. That call makes a function of each run its input answers for the
// first time (messages.ToolRuns: the results at the end of the input), at
// the call's start, when the result was known. A run a tool span recorded
// (the same call id, in the batch or sent before; without ids, a tool span
// of the same name in the session) is not made twice, nor is one that two
// calls' inputs answer (a retried call). Not kept across a collector
// restart.

var (
	inputMessagesVK  = registerKey(string(conventions.GenAIInputMessagesKey))
	promptMessagesVK = registerKey(string(conventions.VercelPromptMessagesKey))
	toolCallIDVKs    = registerKeys(string(conventions.GenAIToolCallIDKey), string(conventions.VercelToolCallIDKey))
)

// maxToolRuns bounds the memory of runs sent (recentMap: the last 5,000
// to 10,000 call ids and trace-scoped tool names).
const maxToolRuns = 10_000

// appendHistoryRuns appends to recs a function record for each tool run
// the model call of record r answers in its input. r may be in recs' array,
// which the appends may move: only its span is read, first.
func (t *Translator) appendHistoryRuns(s *spanview.Span, view *attrView, r *record, recs []record) []record {
	var text string
	for _, k := range [...]viewKey{inputMessagesVK, promptMessagesVK} {
		if v, ok := valueText(view, k); ok {
			text = v
			break
		}
	}
	if text == "" || !messages.HasToolResult(text) {
		return recs
	}
	span := r.span
	for _, run := range messages.ToolRuns(text) {
		recs = append(recs, record{
			span: span, kind: sc.EventFunction, at: s.StartTime(), begin: s.StartTime(),
			call: mindlytics.FunctionCall{
				Name: truncate(run.Name, MaxNameLength), Args: t.cut(run.Args), Result: t.cut(run.Result),
			},
			toolCallID: run.ID, fromHistory: true,
		})
	}
	return recs
}

// dropTracedRuns leaves out the runs read from inputs that a tool span of
// the batch recorded, or that an earlier input of the batch answered.
func dropTracedRuns(spans []spanview.Span, ids *batchIdentities, recs []record) []record {
	// Most batches read no run from inputs: they build no map (which was
	// a fifth of a batch's bytes when every tool span went into it).
	if !anyFromHistory(recs) {
		return recs
	}
	traced := make(map[runKey]bool)
	for i := range recs {
		if r := &recs[i]; r.kind == sc.EventFunction && !r.fromHistory {
			traced[runKeyOf(spans, ids, r)] = true
		}
	}
	kept := recs[:0]
	for i := range recs {
		r := &recs[i]
		if r.fromHistory {
			if traced[runKeyOf(spans, ids, r)] || traced[nameKeyOf(spans, ids, r)] {
				continue
			}
			traced[runKeyOf(spans, ids, r)] = true
		}
		kept = append(kept, *r)
	}
	return kept
}

// anyFromHistory says whether a function of recs was read from an input.
func anyFromHistory(recs []record) bool {
	for i := range recs {
		if r := &recs[i]; r.fromHistory && r.kind == sc.EventFunction {
			return true
		}
	}
	return false
}

// runKey names a tool run: by its call id, or, for a tool span that
// records none, by its session (sessionHint; its trace when it names none)
// and tool name: an app that traces a tool traces its every run.
type runKey struct {
	id, session string
	trace       [16]byte
	name        string
}

func runKeyOf(spans []spanview.Span, ids *batchIdentities, r *record) runKey {
	if r.toolCallID != "" {
		return runKey{id: r.toolCallID}
	}
	return nameKeyOf(spans, ids, r)
}

func nameKeyOf(spans []spanview.Span, ids *batchIdentities, r *record) runKey {
	if session := sessionHint(ids, r.span); session != "" {
		return runKey{session: session, name: r.call.Name}
	}
	return runKey{trace: spans[r.span].TraceID(), name: r.call.Name}
}

// toolRuns is the translator's memory of the tool runs it sent.
type toolRuns struct {
	sent recentMap[uint64, struct{}]
}

// hash is the key of k in toolRuns: the hash of each string
// (stringHash), mixed with the trace's words, each field in a place of
// its own.
func (k runKey) hash() uint64 {
	h := mix(stringHash(k.id)^recentSeeds[0], stringHash(k.session)^recentSeeds[1])
	h = mix(h^binary.LittleEndian.Uint64(k.trace[:8]), binary.LittleEndian.Uint64(k.trace[8:])^recentSeeds[2])
	return mix(h^stringHash(k.name), recentSeeds[0]^recentSeeds[2])
}

// fresh says whether a run read from an input was not sent before, by a
// tool span or an earlier input. Callers hold t.mu.
func (m *toolRuns) fresh(spans []spanview.Span, ids *batchIdentities, r *record) bool {
	if !r.fromHistory || m.sent.empty() {
		return true
	}
	_, byID := m.sent.get(runKeyOf(spans, ids, r).hash())
	_, byName := m.sent.get(nameKeyOf(spans, ids, r).hash())
	return !byID && !byName
}

// note remembers a function sent. Callers hold t.mu.
func (m *toolRuns) note(spans []spanview.Span, ids *batchIdentities, r *record) {
	if r.kind != sc.EventFunction {
		return
	}
	if m.sent.max == 0 {
		m.sent = newRecentMap[uint64, struct{}](maxToolRuns, hashed)
	}
	m.sent.put(runKeyOf(spans, ids, r).hash(), struct{}{})
}
