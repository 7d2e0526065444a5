package genai

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Match says which API an HTTP request calls, or 0 for a request that is
// not a model call we read (files, embeddings, retrieving a response…).
func Match(r *http.Request) API {
	if r.Method != http.MethodPost || r.URL == nil {
		return 0
	}
	p := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case strings.HasSuffix(p, "/chat/completions"):
		return APIChat
	case strings.HasSuffix(p, "/responses"):
		return APIResponses
	}
	return 0
}

// ReadBody returns the bytes of a request's body and leaves the request
// able to send them: from GetBody when the request has it (both clients
// set it), else by reading Body and putting the bytes back.
func ReadBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.GetBody != nil {
		rc, err := r.GetBody()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	b, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b, err
}

// RetryFunc is told that an attempt failed in a way the client retries:
// res is the error answer, or nil for a transport error. It takes the call
// over (to resume it at the next attempt); nil means no retries.
type RetryFunc func(c *Call, res *http.Response)

// Observe takes over the outcome of one attempt of the call: it ends the
// span now (transport error), or hands back res with a body that ends it
// when the caller is done with the answer. The caller reads the same bytes
// as without it. ctx is the attempt's context.
func (c *Call) Observe(ctx context.Context, res *http.Response, err error, retry RetryFunc) *http.Response {
	if err != nil {
		switch {
		case ctx.Err() != nil:
			c.end(nil, errFailure(context.Cause(ctx)), time.Time{})
		case retry != nil:
			c.Retrying(errorKind(err), err.Error())
			retry(c, nil)
		default:
			c.end(nil, errFailure(err), time.Time{})
		}
		return res
	}
	if res == nil || res.Body == nil {
		c.end(nil, nil, time.Time{})
		return res
	}
	b := &body{rc: res.Body, ctx: ctx, c: c}
	if res.StatusCode >= 400 {
		es := &errorSink{status: res.StatusCode, retryable: retry != nil && Retryable(res)}
		b.sink = es
		b.onEnd = func(b *body, how endHow, err error) { es.end(b, how, err, retry, res) }
	} else {
		b.stream = isStream(res.Header.Get("Content-Type"))
		if b.stream {
			b.sink = newStreamSink(c.req.API)
		} else {
			b.sink = &jsonSink{api: c.req.API, headerUsage: invokeUsage(res.Header)}
		}
		b.onEnd = endSuccess
	}
	b.watch()
	res.Body = b
	return res
}

// isStream says whether an answer is streamed: server-sent events,
// Ollama's NDJSON, or AWS's event stream.
func isStream(ct string) bool {
	mt, _, _ := mime.ParseMediaType(ct)
	return mt == "text/event-stream" || mt == "application/x-ndjson" || mt == "application/vnd.amazon.eventstream"
}

// Retryable reports whether an error answer is one OpenAI's clients retry:
// the x-should-retry header, else 408, 409, 429 and 5xx.
func Retryable(res *http.Response) bool {
	switch res.Header.Get("x-should-retry") {
	case "true":
		return true
	case "false":
		return false
	}
	s := res.StatusCode
	return s == http.StatusRequestTimeout || s == http.StatusConflict || s == http.StatusTooManyRequests || s >= 500
}

// errorSink keeps the start of an error answer.
type errorSink struct {
	status    int
	retryable bool
	buf       bytes.Buffer
}

func (s *errorSink) write(p []byte) {
	if room := maxErrorBody - s.buf.Len(); room > 0 {
		s.buf.Write(p[:min(len(p), room)])
	}
}
func (s *errorSink) complete() bool          { return true }
func (s *errorSink) result(string) *Response { return nil }

// end ends (or hands to retry) the call of an error answer. A client that
// will retry closes the answer without reading it; one that will not reads
// it to build its error. That difference is how we know without knowing
// the client's retry budget.
func (s *errorSink) end(b *body, how endHow, err error, retry RetryFunc, res *http.Response) {
	c := b.c
	e := parseErrorBody(s.status, s.buf.Bytes())
	kind := e.kind(strconv.Itoa(s.status))
	switch {
	case how == endContext:
		c.end(nil, errFailure(err), time.Time{})
	case how == endClose && !b.eof && s.retryable && b.ctx.Err() == nil:
		c.Retrying(kind, e.Message)
		retry(c, res)
	case how == endClose && b.ctx.Err() != nil:
		c.end(nil, errFailure(context.Cause(b.ctx)), time.Time{})
	default:
		c.end(nil, &failure{kind: kind, msg: e.Message}, time.Time{})
	}
}

// Transport traces the model calls among the requests it carries, for the
// clients that do not retry on their own, so that an HTTP request is a
// logical call and one span. Parser says which requests are model calls,
// from the request alone (its body is read only for those), and how their
// bodies read.
type Transport struct {
	Base   http.RoundTripper
	In     *Instrumenter
	Parser func(*http.Request) func(body []byte) (*Request, error)
}

// RoundTrip makes one span per model call; other requests, and bodies
// that do not parse, pass through untouched.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	parse := t.Parser(req)
	if parse == nil {
		return t.Base.RoundTrip(req)
	}
	body, err := ReadBody(req)
	if err != nil {
		return t.Base.RoundTrip(req)
	}
	parsed, err := parse(body)
	if err != nil {
		return t.Base.RoundTrip(req)
	}
	ctx := req.Context()
	callCtx, call := t.In.Start(ctx, parsed, req.URL)
	res, err := t.Base.RoundTrip(req.WithContext(callCtx))
	return call.Observe(ctx, res, err, nil), err
}
