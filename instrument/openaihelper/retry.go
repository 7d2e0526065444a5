package openaihelper

import (
	"context"
	"hash/maphash"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai"
)

// key says which logical call an attempt belongs to. openai-go gives a
// middleware nothing that survives from one attempt to the next except the
// request itself: the same body bytes, under the same caller context (and
// so the same parent span). Two identical requests in flight under one
// parent are interchangeable, so which one resumes which call does not
// matter.
type key struct {
	trace trace.TraceID
	span  trace.SpanID
	path  string
	sum   uint64
}

var seed = maphash.MakeSeed()

func keyOf(ctx context.Context, req *http.Request, body []byte) key {
	sc := trace.SpanContextFromContext(ctx)
	return key{trace: sc.TraceID(), span: sc.SpanID(), path: req.URL.Path, sum: maphash.Bytes(seed, body)}
}

// tracker holds the calls whose last attempt failed in a way openai-go
// retries. A call is resumed by the next attempt (claim), or ended when
// the caller's context ends or when no attempt came in time: openai-go
// gives up silently once its retry budget (unknown to a middleware) is
// spent, so a timer is the only sign of that.
type tracker struct {
	mu sync.Mutex
	m  map[key][]*parked
}

type parked struct {
	call  *genai.Call
	timer *time.Timer
	stop  func() bool
}

func newTracker() *tracker { return &tracker{m: make(map[key][]*parked)} }

// park keeps c for the next attempt of k, for at most wait.
func (t *tracker) park(ctx context.Context, k key, c *genai.Call, wait time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock() // the callbacks below wait for it, so p is whole when they run
	p := &parked{call: c}
	t.m[k] = append(t.m[k], p)
	p.timer = time.AfterFunc(wait, func() {
		if t.remove(k, p) {
			c.EndPending()
		}
	})
	p.stop = context.AfterFunc(ctx, func() {
		if t.remove(k, p) {
			c.EndError(context.Cause(ctx), time.Now())
		}
	})
}

// claim takes the call parked under k, if any.
func (t *tracker) claim(k key) *genai.Call {
	t.mu.Lock()
	list := t.m[k]
	if len(list) == 0 {
		t.mu.Unlock()
		return nil
	}
	p := list[0]
	if len(list) == 1 {
		delete(t.m, k)
	} else {
		t.m[k] = list[1:]
	}
	t.mu.Unlock()
	p.timer.Stop()
	p.stop()
	return p.call
}

func (t *tracker) remove(k key, p *parked) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	list := t.m[k]
	for i, q := range list {
		if q == p {
			list = append(list[:i:i], list[i+1:]...)
			if len(list) == 0 {
				delete(t.m, k)
			} else {
				t.m[k] = list
			}
			return true
		}
	}
	return false
}

// Bounds of openai-go's waits between attempts (requestconfig: backoff
// 0.5 s × 2^retry up to 8 s; Retry-After honoured up to its max delay),
// plus slack for the scheduling of the next attempt.
const (
	maxBackoff   = 8 * time.Second
	maxRetryWait = 60 * time.Second
	slack        = 2 * time.Second
)

// retryWait is how long to wait for the attempt after req's: the server's
// Retry-After when it gave one, else the client's backoff.
func retryWait(req *http.Request, res *http.Response) time.Duration {
	if res != nil {
		if ms, err := strconv.ParseFloat(res.Header.Get("Retry-After-Ms"), 64); err == nil && ms > 0 {
			return min(time.Duration(ms*float64(time.Millisecond)), maxRetryWait) + slack
		}
		if s, err := strconv.ParseFloat(res.Header.Get("Retry-After"), 64); err == nil && s > 0 {
			return min(time.Duration(s*float64(time.Second)), maxRetryWait) + slack
		}
		if t, err := http.ParseTime(res.Header.Get("Retry-After")); err == nil {
			return min(max(time.Until(t), 0), maxRetryWait) + slack
		}
	}
	n, _ := strconv.Atoi(req.Header.Get("X-Stainless-Retry-Count"))
	backoff := time.Duration(float64(500*time.Millisecond) * math.Pow(2, float64(n)))
	return min(backoff, maxBackoff) + slack
}
