package genai

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

func TestEnclosed(t *testing.T) {
	tp := sdktrace.NewTracerProvider()
	tr := tp.Tracer("test")
	turn, turnSpan := tr.Start(context.Background(), "turn")
	defer turnSpan.End()
	_, outer := tr.Start(turn, "chat")
	defer outer.End()
	current := func(ctx context.Context) trace.SpanID { return trace.SpanFromContext(ctx).SpanContext().SpanID() }

	assert.Equal(t, current(turn), current(enclosed(turn)), "nothing registered")
	release := Enclose(turn, outer)
	assert.Equal(t, outer.SpanContext().SpanID(), current(enclosed(turn)), "the context registered")
	derived, cancel := context.WithCancel(turn)
	defer cancel()
	assert.Equal(t, outer.SpanContext().SpanID(), current(enclosed(derived)), "a context derived from it, alone under its span")

	_, other := tr.Start(turn, "chat")
	defer other.End()
	releaseOther := Enclose(context.WithValue(turn, ctxKey{}, 1), other)
	assert.Equal(t, current(turn), current(enclosed(derived)), "two under one span: neither")
	releaseOther()
	release()
	release()
	assert.Equal(t, current(turn), current(enclosed(turn)), "released")
	assert.Zero(t, enclosing.n.Load())
}

type ctxKey struct{}
