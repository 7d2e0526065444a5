package genai

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// Bounds on what a body may make us hold, so that a huge answer costs its
// analytics, never the caller's memory.
const (
	maxJSONBody  = 8 << 20
	maxErrorBody = 64 << 10
)

// sink is what reads the bytes of a successful answer as they pass.
type sink interface {
	write(p []byte)
	complete() bool
	result(unfinished string) *Response
}

// jsonSink keeps a whole JSON answer to parse at its end.
type jsonSink struct {
	api    API
	buf    bytes.Buffer
	over   bool
	parsed *Response
	// headerUsage is the usage an answer's headers report (Bedrock's
	// InvokeModel), for a body that reports none.
	headerUsage Usage
}

func (s *jsonSink) write(p []byte) {
	if s.over || s.buf.Len()+len(p) > maxJSONBody {
		s.over = true
		s.buf.Reset()
		return
	}
	s.buf.Write(p)
}

func (s *jsonSink) complete() bool {
	if s.parsed == nil && !s.over {
		s.parsed, _ = ParseResponse(s.api, s.buf.Bytes())
		if s.parsed != nil && !s.parsed.Usage.Known {
			s.parsed.Usage = s.headerUsage
		}
	}
	return s.parsed != nil
}

func (s *jsonSink) result(string) *Response {
	if s.complete() {
		return s.parsed
	}
	return nil
}

// streamSink parses server-sent events (or Ollama's NDJSON) into a stream
// accumulator.
type streamSink struct {
	lines interface {
		write(p []byte)
		flush()
	}
	acc interface {
		event(event, data []byte)
		complete() bool
		result(unfinished string) *Response
	}
}

func newStreamSink(api API) *streamSink {
	s := &streamSink{}
	switch api {
	case APIResponses:
		s.acc = &responsesStream{}
	case APIGemini:
		s.acc = &geminiStream{}
	case APIOllamaChat, APIOllamaGenerate:
		s.acc = &ollamaStream{}
		s.lines = &ndjsonParser{dispatch: s.acc.event}
		return s
	case APIBedrockConverseStream:
		s.acc = &converseStream{}
		s.lines = &eventstreamParser{dispatch: s.acc.event}
		return s
	default:
		s.acc = &chatStream{}
	}
	s.lines = &sseParser{dispatch: s.acc.event}
	return s
}

func (s *streamSink) write(p []byte) { s.lines.write(p) }
func (s *streamSink) complete() bool { return s.acc.complete() }
func (s *streamSink) result(unfinished string) *Response {
	if unfinished == "" {
		s.lines.flush() // an answer that ended without a last blank line
	}
	return s.acc.result(unfinished)
}

// body is a response body that hands every byte it reads to the call and
// ends the call's span once: at the end of the body, at Close, at a read
// error or when the request's context ends, whichever comes first. The
// caller reads exactly what the server sent.
type body struct {
	rc     io.ReadCloser
	ctx    context.Context
	c      *Call
	mu     sync.Mutex
	sink   sink
	first  bool // the first bytes were seen
	stream bool
	eof    bool
	ended  bool
	stop   func() bool
	// closing: the caller closed the body; a read that fails because of
	// that (on another goroutine, as a stream's reader does) is the close,
	// not a read error.
	closing atomic.Bool
	// onEnd decides how the span ends; it runs with mu held, once.
	onEnd func(b *body, how endHow, err error)
}

type endHow uint8

const (
	endEOF endHow = iota + 1
	endClose
	endReadError
	endContext
)

func (b *body) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if n > 0 {
		b.mu.Lock()
		if !b.ended {
			if !b.first && b.stream {
				b.first = true
				b.c.span.SetAttributes(timeToFirstChunkKey.Float64(time.Since(b.c.start).Seconds()))
			}
			b.sink.write(p[:n])
		}
		b.mu.Unlock()
	}
	switch {
	case errors.Is(err, io.EOF):
		b.finish(endEOF, nil)
	case err != nil && b.closing.Load():
		b.finish(endClose, nil)
	case err != nil:
		b.finish(endReadError, err)
	}
	return n, err
}

func (b *body) Close() error {
	b.closing.Store(true)
	err := b.rc.Close()
	b.finish(endClose, nil)
	return err
}

func (b *body) finish(how endHow, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ended {
		return
	}
	b.ended = true
	if b.stop != nil {
		b.stop()
	}
	if how == endEOF {
		b.eof = true
	}
	if how == endReadError && b.ctx.Err() != nil {
		how, err = endContext, context.Cause(b.ctx)
	}
	b.onEnd(b, how, err)
}

// watch ends the call when ctx ends before the body does: a caller that
// neither reads to the end nor closes still gets its span ended.
func (b *body) watch() {
	b.stop = context.AfterFunc(b.ctx, func() { b.finish(endContext, context.Cause(b.ctx)) })
}

// endSuccess ends the call of a 2xx answer.
func endSuccess(b *body, how endHow, err error) {
	c := b.c
	switch {
	case how == endEOF, b.sink.complete():
		c.end(b.sink.result(""), nil, time.Time{})
	case how == endContext:
		c.end(b.sink.result(finishCancelled), errFailure(err), time.Time{})
	case how == endClose:
		c.end(b.sink.result(finishCancelled), &failure{kind: errorCancelled, msg: "response closed before its end"}, time.Time{})
	default:
		c.end(b.sink.result(finishError), errFailure(err), time.Time{})
	}
}
