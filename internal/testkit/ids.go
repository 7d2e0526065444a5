package testkit

import (
	"context"
	"math/rand/v2"
	"sync"

	"go.opentelemetry.io/otel/trace"
)

// SeededIDs is an sdktrace.IDGenerator that makes the same trace and span
// ids on every run from its seed: what a ratio or hash sampler keeps of
// them is then the same on every run, so a test's counts are fixed, not a
// draw. Safe for concurrent use.
type SeededIDs struct {
	mu  sync.Mutex
	rnd *rand.Rand
}

// NewSeededIDs returns the generator seeded with seed.
func NewSeededIDs(seed uint64) *SeededIDs {
	return &SeededIDs{rnd: rand.New(rand.NewPCG(seed, seed))}
}

// NewIDs returns a new trace id and span id.
func (g *SeededIDs) NewIDs(context.Context) (trace.TraceID, trace.SpanID) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var t trace.TraceID
	var s trace.SpanID
	g.fill(t[:])
	g.fill(s[:])
	return t, s
}

// NewSpanID returns a new span id.
func (g *SeededIDs) NewSpanID(context.Context, trace.TraceID) trace.SpanID {
	g.mu.Lock()
	defer g.mu.Unlock()
	var s trace.SpanID
	g.fill(s[:])
	return s
}

// fill fills b with random bytes, never all zero (an invalid id).
func (g *SeededIDs) fill(b []byte) {
	for {
		zero := true
		for i := range b {
			b[i] = byte(g.rnd.Uint32())
			zero = zero && b[i] == 0
		}
		if !zero {
			return
		}
	}
}
