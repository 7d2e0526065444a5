package genai

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Spans of calls that already happened, for the helpers that read another
// library's spans after their end (Genkit's): the span gets the call's own
// start and end, and extra attributes (the identity the library's span was
// stamped with).

// Record makes the span of a model call from start to end;
// failMsg, when not empty, is its error message (error.type _OTHER).
func (in *Instrumenter) Record(ctx context.Context, req *Request, res *Response, start, end time.Time, failMsg string, extra []attribute.KeyValue) {
	_, c := in.startAt(ctx, req, nil, start)
	c.span.SetAttributes(extra...)
	var fail *failure
	if failMsg != "" {
		fail = &failure{kind: errorOther, msg: failMsg}
	}
	c.end(res, fail, end)
}

// RecordTool makes the span of a tool call from start to end; failMsg,
// when not empty, is its error message.
func (in *Instrumenter) RecordTool(ctx context.Context, t Tool, result, failMsg string, start, end time.Time, extra []attribute.KeyValue) {
	_, c := in.startTool(ctx, t, trace.WithTimestamp(start))
	c.span.SetAttributes(extra...)
	if in.capture && result != "" {
		if r := in.redactTool(result); r != "" {
			c.span.SetAttributes(toolResultKey.String(r))
		}
	}
	if failMsg != "" {
		c.span.SetAttributes(errorTypeKey.String(errorOther))
		c.span.SetStatus(codes.Error, failMsg)
	}
	c.once.Do(func() { c.span.End(trace.WithTimestamp(end)) })
}
