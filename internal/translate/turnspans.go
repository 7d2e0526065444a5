package translate

import "go.opentelemetry.io/otel/trace"

// maxTurnSpans bounds the memory of which spans made turns.
const maxTurnSpans = 10_000

// turnSpans remembers, FIFO and bounded, the spans that made a turn, so
// that content arriving later for one of them (log records, in the
// collector) is not made a second turn. Callers hold the Translator's lock.
type turnSpans struct {
	on   bool // only a translator that may get content later remembers
	set  map[spanKey]struct{}
	ring []spanKey
	next int
}

type spanKey struct {
	trace trace.TraceID
	span  trace.SpanID
}

func (t *turnSpans) add(k spanKey) {
	if !t.on {
		return
	}
	if t.set == nil {
		t.set = make(map[spanKey]struct{})
	}
	if _, ok := t.set[k]; ok {
		return
	}
	if len(t.ring) < maxTurnSpans {
		t.ring = append(t.ring, k)
	} else {
		delete(t.set, t.ring[t.next])
		t.ring[t.next] = k
		t.next = (t.next + 1) % maxTurnSpans
	}
	t.set[k] = struct{}{}
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
	_, ok := t.turns.set[spanKey{traceID, spanID}]
	return ok
}
