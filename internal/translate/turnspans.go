package translate

import "go.opentelemetry.io/otel/trace"

// maxTurnSpans bounds the memory of which spans made turns.
const maxTurnSpans = 10_000

// turnSpans remembers, FIFO and bounded, the spans that made a turn, so
// that content arriving later for one of them (log records, in the
// collector) is not made a second turn. Callers hold the Translator's lock.
type turnSpans struct {
	on   bool // only a translator that may get content later remembers
	made recentMap[spanKey, struct{}]
}

type spanKey struct {
	trace trace.TraceID
	span  trace.SpanID
}

func (t *turnSpans) add(k spanKey) {
	if !t.on {
		return
	}
	if t.made.max == 0 {
		t.made = newRecentMap[spanKey, struct{}](maxTurnSpans, spanKey.hash)
	}
	t.made.put(k, struct{}{})
}

// RememberTurns says whether the translator remembers which spans made
// turns, for [Translator.MadeTurn] (off by default). Only a caller that
// gets a span's content later (log records, in the collector) needs it;
// others pay nothing for it. Turning it off forgets what was remembered.
func (t *Translator) RememberTurns(on bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.turns.on = on
	if !on {
		t.turns = turnSpans{}
	}
}

// MadeTurn reports whether the span made a turn in a recent batch; always
// false unless RememberTurns was called.
func (t *Translator) MadeTurn(traceID trace.TraceID, spanID trace.SpanID) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, ok := t.turns.made.get(spanKey{traceID, spanID})
	return ok
}
