package pdataview

import (
	"container/list"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/semconv"
)

// Holding a model call for its content. SDKs export spans and log records
// on timers of their own (the JS SDK's defaults: 5 s and 1 s), and a
// collector may put more between them, so the log records holding a call's
// messages often come after its span. Translated at once, the span would
// make a usage event and its texts a turn of their own, without counts:
// other events than when the records come first. So a model call whose
// span has no output (no answer, no choice) waits, for up to logJoinWindow,
// when its content is expected in log records:
//
//   - its instrumentation scope is one known to put content in log records
//     (contentInLogsScopes), or
//   - log content has been seen for its service (resource), which makes the
//     rule hold for any instrumentation after its first record,
//
// unless a call of that service and scope waited the whole window before
// and no content came since (content capture turned off): such spans do
// not wait again until the scope's content is seen.
//
// A held span goes on the moment a log record brings its output (the input
// alone may come first: the call is still running when it is logged), or
// after the window, as it is. Spans of a service that has one waiting, and
// content records that go on meanwhile, queue behind it in the order they
// came and go on with it: a session's events never overtake an earlier
// one of the same service. Shutdown (Release, EndAll) lets everything go.
// Held spans are copies, not kept across a restart.

// maxHeldSpans bounds the spans held or queued behind a held one; past it
// the oldest service's queue goes on as it is.
const maxHeldSpans = 10_000

// maxServicesRemembered bounds the services (and service scopes) the hold
// remembers content, or its absence, for; past it the least recent goes.
const maxServicesRemembered = 1_000

// contentInLogsScopes are instrumentation scopes known to record a model
// call's messages as log records, not on its span.
var contentInLogsScopes = map[string]bool{
	"@opentelemetry/instrumentation-openai":   true, // JS (testdata/fixtures/otel-openai)
	"opentelemetry.instrumentation.openai_v2": true, // Python, opentelemetry-instrumentation-openai-v2
}

// modelOperations are the gen_ai.operation.name values of a model call.
var modelOperations = map[string]bool{
	semconv.GenAIOperationChat:                true,
	conventions.GenAIOperationTextCompletion:  true,
	conventions.GenAIOperationGenerateContent: true,
}

// spanHold holds model calls for their content; see above. The gates are
// per service: each a queue of the units (parts of batches) that came while
// one of its spans waited.
type spanHold struct {
	now   func() time.Time
	gates map[string]*gate
	order list.List // of *gate, oldest first
	held  map[chatKey]*heldSpan
	n     int // spans in the gates

	// contentSeen is the services log content came from; noContent the
	// service scopes whose span waited in vain (see above).
	contentSeen recentSet
	noContent   recentSet
}

// gate is one service's queue.
type gate struct {
	service string
	units   []*unit
	el      *list.Element
}

// unit is the spans of one service from one batch (or content records),
// and how many of them still wait for content.
type unit struct {
	td    ptrace.Traces
	open  int
	since time.Time
	keys  []chatKey // of its spans in held
}

// heldSpan is a model call in a gate, which content may still join.
type heldSpan struct {
	unit    *unit
	span    ptrace.Span
	scope   string // service and scope, for noContent
	waiting bool   // it keeps its unit from going on
	content bool   // some content joined it
}

func newSpanHold(now func() time.Time) *spanHold {
	return &spanHold{
		now: now, gates: make(map[string]*gate), held: make(map[chatKey]*heldSpan),
		contentSeen: newRecentSet(maxServicesRemembered), noContent: newRecentSet(maxServicesRemembered),
	}
}

// admit returns what of td goes on now: the units whose wait ended, then
// the services of td that have no span waiting. The rest of td waits in its
// service's gate; spans (not content records: calls false) may start one.
// owned says td is the caller's to move from.
func (h *spanHold) admit(td ptrace.Traces, calls, owned bool) ptrace.Traces {
	if len(h.gates) == 0 && !h.gatesAny(td, calls) {
		return td // nothing waits (units wait in gates), and td starts no wait: the common case, with no allocation
	}
	now := h.now()
	out := h.release(now, false)
	if !h.gatesAny(td, calls) {
		return h.join(out, td, owned)
	}
	pass := ptrace.NewTraces()
	for _, rs := range td.ResourceSpans().All() {
		service := serviceKey(rs.Resource())
		g := h.gates[service]
		if g == nil && !(calls && h.rsToHold(rs, service)) {
			moveOrCopy(rs, pass, owned)
			continue
		}
		if n := spanCount(rs); h.n+n > maxHeldSpans {
			h.flushOldest(out, n)
			if g = h.gates[service]; h.n+n > maxHeldSpans { // alone too many: on, after its gate
				if g != nil {
					h.flushGate(g, out)
				}
				moveOrCopy(rs, out, owned)
				continue
			}
		}
		if g == nil {
			g = &gate{service: service}
			g.el = h.order.PushBack(g)
			h.gates[service] = g
		}
		h.enqueue(g, rs, calls, owned, now)
	}
	return h.join(out, pass, true)
}

// gatesAny says whether some of td waits: its service has a gate, or (for
// spans) one of its calls starts a wait.
func (h *spanHold) gatesAny(td ptrace.Traces, calls bool) bool {
	for _, rs := range td.ResourceSpans().All() {
		if len(h.gates) > 0 {
			if _, ok := h.gates[serviceKey(rs.Resource())]; ok {
				return true
			}
		}
		if calls && h.rsToHold(rs, "") {
			return true
		}
	}
	return false
}

// join appends td to out (moved when owned), or returns td itself when
// out is empty.
func (h *spanHold) join(out, td ptrace.Traces, owned bool) ptrace.Traces {
	if out.ResourceSpans().Len() == 0 {
		return td
	}
	for _, rs := range td.ResourceSpans().All() {
		moveOrCopy(rs, out, owned)
	}
	return out
}

// enqueue adds rs to g as a unit of its own, indexing its model calls that
// lack output so that content joins them.
func (h *spanHold) enqueue(g *gate, rs ptrace.ResourceSpans, calls, owned bool, now time.Time) {
	u := &unit{td: ptrace.NewTraces(), since: now}
	moveOrCopy(rs, u.td, owned)
	crs := u.td.ResourceSpans().At(0)
	for _, ss := range crs.ScopeSpans().All() {
		for _, sp := range ss.Spans().All() {
			h.n++
			key := chatKey{sp.TraceID(), sp.SpanID()}
			if !calls || key.span.IsEmpty() || !isModelCall(sp) || hasOutput(sp) {
				continue
			}
			if _, dup := h.held[key]; dup {
				continue
			}
			hs := &heldSpan{unit: u, span: sp, scope: g.service + "\x00" + ss.Scope().Name(),
				content: hasInput(sp)}
			hs.waiting = h.expected(g.service, ss.Scope().Name()) || hs.content
			if hs.waiting {
				u.open++
			}
			h.held[key] = hs
			u.keys = append(u.keys, key)
		}
	}
	g.units = append(g.units, u)
}

// takeContent merges the content spans of derived (made of log records)
// into the held spans they belong to, and removes them from derived. It
// notes the services (and scopes) the content came from.
func (h *spanHold) takeContent(derived ptrace.Traces) {
	derived.ResourceSpans().RemoveIf(func(rs ptrace.ResourceSpans) bool {
		service := serviceKey(rs.Resource())
		rs.ScopeSpans().RemoveIf(func(ss ptrace.ScopeSpans) bool {
			noted := false
			ss.Spans().RemoveIf(func(sp ptrace.Span) bool {
				key := chatKey{sp.TraceID(), sp.ParentSpanID()}
				if key.span.IsEmpty() {
					return false
				}
				if !noted { // content of a call, from this service and scope
					h.contentSeen.add(service)
					h.noContent.remove(service + "\x00" + ss.Scope().Name())
					noted = true
				}
				hs, ok := h.held[key]
				if !ok {
					return false
				}
				mergeContent(hs.span, sp)
				hs.content = true
				h.noContent.remove(hs.scope)
				// It waits while its output is still on its way.
				if want := !hasOutput(hs.span); want != hs.waiting {
					hs.waiting = want
					if want {
						hs.unit.open++
					} else {
						hs.unit.open--
					}
				}
				return true
			})
			return ss.Spans().Len() == 0
		})
		return rs.ScopeSpans().Len() == 0
	})
}

// release returns the units at the head of each gate that wait for nothing
// (after ending the waits of logJoinWindow as of now), or all of them.
func (h *spanHold) release(now time.Time, all bool) ptrace.Traces {
	out := ptrace.NewTraces()
	if len(h.gates) == 0 {
		return out
	}
	limit := now.Add(-logJoinWindow)
	for el := h.order.Front(); el != nil; {
		next := el.Next()
		g := el.Value.(*gate)
		for _, u := range g.units { // in the order they came: the oldest wait first
			if !all && u.since.After(limit) {
				break
			}
			if u.open > 0 {
				h.expire(u)
			}
		}
		n := 0
		for n < len(g.units) && g.units[n].open == 0 {
			h.out(g.units[n], out)
			n++
		}
		h.dropUnits(g, n)
		el = next
	}
	return out
}

// expire ends the wait of u's spans: those that got no content note their
// scope as one that sends none.
func (h *spanHold) expire(u *unit) {
	for _, key := range u.keys {
		if hs := h.held[key]; hs.waiting {
			hs.waiting = false
			if !hs.content {
				h.noContent.add(hs.scope)
			}
		}
	}
	u.open = 0
}

// out moves u's spans to out and forgets them.
func (h *spanHold) out(u *unit, out ptrace.Traces) {
	for _, key := range u.keys {
		delete(h.held, key)
	}
	h.n -= u.td.SpanCount()
	u.td.ResourceSpans().MoveAndAppendTo(out.ResourceSpans())
}

// dropUnits removes g's first n units, and g when it is empty.
func (h *spanHold) dropUnits(g *gate, n int) {
	if n == 0 {
		return
	}
	clear(g.units[:n])
	g.units = g.units[n:]
	if len(g.units) == 0 {
		h.order.Remove(g.el)
		delete(h.gates, g.service)
	}
}

// flushGate lets all of g go on, in order, as it is.
func (h *spanHold) flushGate(g *gate, out ptrace.Traces) {
	for _, u := range g.units {
		h.expire(u)
		h.out(u, out)
	}
	h.dropUnits(g, len(g.units))
}

// flushOldest lets the oldest gates go on until n more spans fit.
func (h *spanHold) flushOldest(out ptrace.Traces, n int) {
	for h.order.Len() > 0 && h.n+n > maxHeldSpans {
		h.flushGate(h.order.Front().Value.(*gate), out)
	}
}

// rsToHold says whether a span of rs waits for content; service is rs's
// key, or "" to compute it when needed. Scopes whose content nothing
// expects are passed over without a look at their spans.
func (h *spanHold) rsToHold(rs ptrace.ResourceSpans, service string) bool {
	for _, ss := range rs.ScopeSpans().All() {
		scope := ss.Scope().Name()
		if !contentInLogsScopes[scope] && h.contentSeen.len() == 0 {
			continue // no content seen at all: none joined these spans either
		}
		if service == "" {
			service = serviceKey(rs.Resource())
		}
		expected := h.expected(service, scope)
		if !expected && !h.contentSeen.has(service) {
			continue
		}
		for _, sp := range ss.Spans().All() {
			if sp.SpanID().IsEmpty() || !isModelCall(sp) || hasOutput(sp) {
				continue
			}
			if expected || hasInput(sp) {
				return true
			}
		}
	}
	return false
}

// expected says whether content in log records is expected for a call of
// the service and scope.
func (h *spanHold) expected(service, scope string) bool {
	if !contentInLogsScopes[scope] && !h.contentSeen.has(service) {
		return false
	}
	return !h.noContent.has(service + "\x00" + scope)
}

// isModelCall says whether sp is a model call by the GenAI conventions the
// instrumentations that log content follow.
func isModelCall(sp ptrace.Span) bool {
	if sp.Status().Code() == ptrace.StatusCodeError {
		return false // a failed call makes no turn: nothing to wait for
	}
	attrs := sp.Attributes()
	if op, ok := attrs.Get(string(semconv.OperationNameKey)); ok {
		return modelOperations[op.Str()]
	}
	_, system := attrs.Get(string(conventions.GenAISystemKey))
	_, provider := attrs.Get(string(conventions.GenAIProviderNameKey))
	return system || provider
}

// hasOutput says whether a call's answer is on its span: output messages,
// a choice or completion event, or our turn key.
func hasOutput(sp ptrace.Span) bool {
	attrs := sp.Attributes()
	if v, ok := attrs.Get(string(conventions.GenAIOutputMessagesKey)); ok && !isEmptyValue(v) {
		return true
	}
	if _, ok := attrs.Get(string(semconv.TurnAssistantKey)); ok {
		return true
	}
	for _, ev := range sp.Events().All() {
		if n := ev.Name(); n == conventions.GenAIChoiceEvent || n == conventions.GenAIContentCompletionEvent {
			return true
		}
	}
	return false
}

// hasInput says whether some of a call's content is on its span already
// (joined from log records that came first): its output is then on its way.
func hasInput(sp ptrace.Span) bool {
	if _, ok := sp.Attributes().Get(string(conventions.GenAIInputMessagesKey)); ok {
		return true
	}
	for _, ev := range sp.Events().All() {
		if perMessageEvents[ev.Name()] {
			return true
		}
	}
	return false
}

// serviceKey names the service of a resource: its namespace, name and
// instance id, which its spans and its log records share.
func serviceKey(res pcommon.Resource) string {
	get := func(k string) string {
		if v, ok := res.Attributes().Get(k); ok {
			return v.AsString()
		}
		return ""
	}
	return get("service.namespace") + "\x00" + get("service.name") + "\x00" + get("service.instance.id")
}

func spanCount(rs ptrace.ResourceSpans) int {
	n := 0
	for _, ss := range rs.ScopeSpans().All() {
		n += ss.Spans().Len()
	}
	return n
}

// moveOrCopy appends rs to dst, moving it when owned.
func moveOrCopy(rs ptrace.ResourceSpans, dst ptrace.Traces, owned bool) {
	if owned {
		rs.MoveTo(dst.ResourceSpans().AppendEmpty())
		return
	}
	rs.CopyTo(dst.ResourceSpans().AppendEmpty())
}
