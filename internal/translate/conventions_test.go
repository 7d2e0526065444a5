package translate

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

type props = mindlytics.Properties

// who builds the expected events of one session, field by field.
type who struct{ session, user, device string }

func (w who) start(ts string, attrs props) mindlytics.Event {
	return mindlytics.Event{Type: mindlytics.TypeStartSession, SessionID: w.session, Timestamp: ts, ID: w.user, DeviceID: w.device, Attributes: attrs}
}

func (w who) end(ts string, attrs props) mindlytics.Event {
	return mindlytics.Event{Type: mindlytics.TypeEndSession, SessionID: w.session, Timestamp: ts, UserID: w.user, DeviceID: w.device, Attributes: attrs}
}

func (w who) track(name, conv, ts string, p props) mindlytics.Event {
	return mindlytics.Event{Type: mindlytics.TypeTrack, Event: name, SessionID: w.session, Timestamp: ts,
		UserID: w.user, DeviceID: w.device, ConversationID: conv, Properties: p}
}

func (w who) convStart(conv, ts string) mindlytics.Event {
	return w.track(mindlytics.EventConversationStarted, conv, ts, nil)
}

func (w who) convEnd(conv, ts string) mindlytics.Event {
	return w.track(mindlytics.EventConversationEnded, conv, ts, nil)
}

func (w who) turn(conv, ts string, p props) mindlytics.Event {
	return w.track(mindlytics.EventConversationTurn, conv, ts, p)
}

func (w who) usage(conv, ts string, p props) mindlytics.Event {
	return w.track(mindlytics.EventConversationUsage, conv, ts, p)
}

func (w who) function(conv, ts string, p props) mindlytics.Event {
	return w.track(mindlytics.EventConversationFunction, conv, ts, p)
}

type conventionCase struct {
	name     string
	opts     []setting
	res      []attribute.KeyValue
	spans    []spanSpec
	want     []mindlytics.Event
	wantErrs []string // substrings, one per error
}

func ourConventionCases() []conventionCase {
	s1 := who{session: "s1", user: "u1"}
	return []conventionCase{
		{
			name: "ours: turn with model, usage, cost, agent and properties",
			spans: []spanSpec{root("chat gpt-4o", 0, 2*time.Second,
				sc.SessionID("s1"), sc.UserID("u1"), sc.MindlyticsEvent(sc.EventTurn),
				sc.TurnUser("hi"), sc.TurnAssistant("hello"), sc.AgentID("bot"),
				sc.RequestModel("gpt-4o"), sc.ResponseModel("gpt-4o-2024-08-06"),
				sc.InputTokens(10), sc.OutputTokens(5), sc.UsageCost(0.25), sc.Property("plan", "pro"))},
			want: []mindlytics.Event{
				s1.start(at(0), nil),
				s1.convStart("s1", at(0)),
				s1.turn("s1", at(2*time.Second), props{"user": "hi", "assistant": "hello", "assistant_id": "bot",
					"model": "gpt-4o-2024-08-06", "prompt_tokens": int64(10), "completion_tokens": int64(5),
					"cost": 0.25, "plan": "pro"}),
			},
		},
		{
			name: "ours: function call, runtime is the span's duration",
			spans: []spanSpec{root("execute_tool get_weather", 0, 1500*time.Millisecond,
				sc.SessionID("s1"), sc.UserID("u1"), sc.OperationName(sc.GenAIOperationExecuteTool),
				sc.ToolName("get_weather"), sc.ToolCallArguments(`{"city":"Paris"}`), sc.ToolCallResult("rainy"))},
			want: []mindlytics.Event{
				s1.start(at(0), nil),
				s1.convStart("s1", at(0)),
				s1.function("s1", at(1500*time.Millisecond), props{"name": "get_weather",
					"args": `{"city":"Paris"}`, "result": "rainy", "runtime": int64(1500)}),
			},
		},
		{
			name: "ours: failed function call carries the error",
			spans: []spanSpec{{name: "execute_tool lookup", parent: -1, end: 20 * time.Millisecond,
				attrs:  []attribute.KeyValue{sc.SessionID("s1"), sc.UserID("u1"), sc.MindlyticsEvent(sc.EventFunction), sc.ToolName("lookup")},
				status: codes.Error, statusMsg: "timeout"}},
			want: []mindlytics.Event{
				s1.start(at(0), nil),
				s1.convStart("s1", at(0)),
				s1.function("s1", at(20*time.Millisecond), props{"name": "lookup", "runtime": int64(20), "error": "timeout"}),
			},
		},
		{
			name: "ours: track with scalar and non-scalar properties in a conversation",
			spans: []spanSpec{root("mindlytics.track Checkout", 0, time.Second,
				sc.SessionID("s1"), sc.UserID("u1"), sc.ConversationID("c1"), sc.MindlyticsEvent(sc.EventTrack),
				sc.EventName("Checkout"), sc.Property("amount", 12.5), sc.Property("items", []string{"a", "b"}),
				sc.Property("paid", true), sc.Property("count", 3))},
			want: []mindlytics.Event{
				s1.start(at(0), nil),
				s1.convStart("c1", at(0)),
				s1.track("Checkout", "c1", at(time.Second), props{"amount": 12.5, "items": `["a","b"]`, "paid": true, "count": int64(3)}),
			},
		},
		{
			name: "ours: track outside conversations, name from the span",
			spans: []spanSpec{root("Signed Up", 0, time.Second,
				sc.SessionID("s1"), sc.UserID("u1"), sc.MindlyticsEvent(sc.EventTrack))},
			want: []mindlytics.Event{
				s1.start(at(0), nil),
				s1.track("Signed Up", "", at(time.Second), nil),
			},
		},
		{
			name: "ours: identify with traits, then alias",
			spans: []spanSpec{
				root(conventions.SpanNameIdentify, 0, time.Second, sc.SessionID("s1"), sc.UserID("u2"),
					sc.MindlyticsEvent(sc.EventIdentify), sc.Trait("email", "a@b.c"), sc.Trait("age", 42)),
				root(conventions.SpanNameAlias, 2*time.Second, 3*time.Second, sc.SessionID("s1"), sc.UserID("u2"),
					sc.MindlyticsEvent(sc.EventAlias), sc.PreviousID("anon-1")),
			},
			want: []mindlytics.Event{
				{Type: mindlytics.TypeStartSession, SessionID: "s1", Timestamp: at(0), ID: "u2"},
				{Type: mindlytics.TypeIdentify, SessionID: "s1", Timestamp: at(time.Second), UserID: "u2", ID: "u2",
					Traits: props{"email": "a@b.c", "age": int64(42)}},
				{Type: mindlytics.TypeAlias, SessionID: "s1", Timestamp: at(3 * time.Second), UserID: "u2", ID: "u2", PreviousID: "anon-1"},
			},
		},
		{
			name: "ours: explicit session and conversation start and end with attributes",
			spans: []spanSpec{
				root(conventions.SpanNameSessionStart, 0, 0, sc.SessionID("s1"), sc.UserID("u1"),
					sc.MindlyticsEvent(sc.EventSessionStart), sc.Attribute("channel", "web")),
				root(conventions.SpanNameConversationStart, time.Second, time.Second, sc.SessionID("s1"), sc.UserID("u1"),
					sc.ConversationID("c1"), sc.MindlyticsEvent(sc.EventConversationStart),
					sc.Attribute("topic", "billing"), sc.Property("source", "faq")),
				root("turn", 2*time.Second, 3*time.Second, sc.SessionID("s1"), sc.UserID("u1"), sc.ConversationID("c1"),
					sc.MindlyticsEvent(sc.EventTurn), sc.TurnUser("q"), sc.TurnAssistant("a")),
				root(conventions.SpanNameConversationEnd, 4*time.Second, 4*time.Second, sc.SessionID("s1"), sc.UserID("u1"),
					sc.ConversationID("c1"), sc.MindlyticsEvent(sc.EventConversationEnd), sc.Property("resolved", true)),
				root(conventions.SpanNameSessionEnd, 5*time.Second, 5*time.Second, sc.SessionID("s1"), sc.UserID("u1"),
					sc.MindlyticsEvent(sc.EventSessionEnd), sc.Attribute("reason", "logout")),
			},
			want: []mindlytics.Event{
				s1.start(at(0), props{"channel": "web"}),
				{Type: mindlytics.TypeTrack, Event: mindlytics.EventConversationStarted, SessionID: "s1", Timestamp: at(time.Second),
					UserID: "u1", ConversationID: "c1", Properties: props{"source": "faq"}, Attributes: props{"topic": "billing"}},
				s1.turn("c1", at(3*time.Second), props{"user": "q", "assistant": "a"}),
				s1.track(mindlytics.EventConversationEnded, "c1", at(4*time.Second), props{"resolved": true}),
				s1.end(at(5*time.Second), props{"reason": "logout"}),
			},
		},
		{
			name: "ours: usage with a model and a known cost sends the cost only",
			spans: []spanSpec{root("usage", 0, time.Second, sc.SessionID("s1"), sc.UserID("u1"),
				sc.MindlyticsEvent(sc.EventUsage), sc.RequestModel("m"), sc.InputTokens(3), sc.OutputTokens(4), sc.UsageCost(0.5))},
			want: []mindlytics.Event{
				s1.start(at(0), nil),
				s1.convStart("s1", at(0)),
				s1.usage("s1", at(time.Second), props{"cost": 0.5}),
			},
		},
		{
			name: "ours: strings over the limit are cut, rune-safe, and marked",
			opts: []setting{withMaxStringLength(20)},
			spans: []spanSpec{root("turn", 0, time.Second, sc.SessionID("s1"), sc.UserID("u1"),
				sc.MindlyticsEvent(sc.EventTurn), sc.TurnUser(strings.Repeat("é", 30)), sc.TurnAssistant("short"),
				sc.Property("note", strings.Repeat("x", 25)))},
			want: []mindlytics.Event{
				s1.start(at(0), nil),
				s1.convStart("s1", at(0)),
				s1.turn("s1", at(time.Second), props{"user": strings.Repeat("é", 8) + TruncationMark, "assistant": "short",
					"note": strings.Repeat("x", 8) + TruncationMark}),
			},
		},
		{
			name:  "ours: spans that mean nothing to Mindlytics make no event",
			spans: []spanSpec{root("GET /health", 0, time.Second, attribute.String("http.request.method", "GET"), sc.SessionID("s1"))},
		},
	}
}

func identityAndErrorCases() []conventionCase {
	noSession := who{session: traceIDHex(1), device: AnonymousDeviceID(traceIDHex(1))}
	turnAttrs := []attribute.KeyValue{sc.OperationName(sc.GenAIOperationChat), sc.RequestModel("m"),
		sc.TurnUser("a"), sc.TurnAssistant("b")}
	turnProps := props{"user": "a", "assistant": "b", "model": "m"} // no counts: unknown, not zero
	return []conventionCase{
		{
			name:  "no session id: the trace id is the session, the default device id the device",
			spans: []spanSpec{root("chat m", 0, time.Second, turnAttrs...)},
			// Said once, with the fix: most often a call outside the
			// session's context.
			wantErrs: []string{`span "chat m" (trace 00000000000000000000000000000001, span 0000000000000001) has no session id`},
			want: []mindlytics.Event{
				noSession.start(at(0), nil),
				noSession.convStart(noSession.session, at(0)),
				noSession.turn(noSession.session, at(time.Second), turnProps),
			},
		},
		{
			name:     "no session id and a default device id of our own",
			opts:     []setting{withDefaultDeviceID("kiosk-1")},
			spans:    []spanSpec{root("chat m", 0, time.Second, turnAttrs...)},
			wantErrs: []string{"its trace became a session of its own"},
			want: []mindlytics.Event{
				who{session: noSession.session, device: "kiosk-1"}.start(at(0), nil),
				who{session: noSession.session, device: "kiosk-1"}.convStart(noSession.session, at(0)),
				who{session: noSession.session, device: "kiosk-1"}.turn(noSession.session, at(time.Second), turnProps),
			},
		},
		{
			name:     "no session id and the drop fallback: an error, no event",
			opts:     []setting{withNoSession()},
			spans:    []spanSpec{root("chat m", 0, time.Second, turnAttrs...)},
			wantErrs: []string{`span "chat m"`},
		},
		{
			name: "user-extended key list: a custom session key first",
			opts: []setting{withSessionIDKeys("app.session")},
			spans: []spanSpec{root("chat m", 0, time.Second,
				append([]attribute.KeyValue{attribute.String("app.session", "mine"), sc.SessionID("overwritten"), sc.UserID("u")}, turnAttrs...)...)},
			want: []mindlytics.Event{
				who{session: "mine", user: "u"}.start(at(0), nil),
				who{session: "mine", user: "u"}.convStart("mine", at(0)),
				who{session: "mine", user: "u"}.turn("mine", at(time.Second), turnProps),
			},
		},
		{
			name: "Langfuse and Vercel AI SDK identity keys",
			spans: []spanSpec{
				root("chat m", 0, time.Second, append([]attribute.KeyValue{conventions.LangfuseSessionIDKey.String("lf-s"), conventions.LangfuseUserIDKey.String("lf-u")}, turnAttrs...)...),
				root("chat m", 2*time.Second, 3*time.Second, append([]attribute.KeyValue{conventions.VercelSessionIDKey.String("v-s"), conventions.EnduserIDKey.String("e-u")}, turnAttrs...)...),
			},
			want: []mindlytics.Event{
				who{session: "lf-s", user: "lf-u"}.start(at(0), nil),
				who{session: "lf-s", user: "lf-u"}.convStart("lf-s", at(0)),
				who{session: "lf-s", user: "lf-u"}.turn("lf-s", at(time.Second), turnProps),
				who{session: "v-s", user: "e-u"}.start(at(2*time.Second), nil),
				who{session: "v-s", user: "e-u"}.convStart("v-s", at(2*time.Second)),
				who{session: "v-s", user: "e-u"}.turn("v-s", at(3*time.Second), turnProps),
			},
		},
		{
			name: "an untranslatable span is dropped with an error; its batch-mates translate",
			spans: []spanSpec{
				root("bad turn", 0, time.Second, append([]attribute.KeyValue{sc.SessionID("s10"), sc.UserID("u"),
					sc.ConversationID(strings.Repeat("c", MaxKeptIDLength+1))}, turnAttrs...)...),
				root("bogus", 0, time.Second, sc.SessionID("s10"), sc.MindlyticsEvent("bogus")),
				root("empty turn", 0, time.Second, sc.SessionID("s10"), sc.MindlyticsEvent(sc.EventTurn)),
				root("good turn", 2*time.Second, 3*time.Second, append([]attribute.KeyValue{sc.SessionID("s10"), sc.UserID("u")}, turnAttrs...)...),
			},
			want: []mindlytics.Event{
				who{session: "s10", user: "u"}.start(at(2*time.Second), nil),
				who{session: "s10", user: "u"}.convStart("s10", at(2*time.Second)),
				who{session: "s10", user: "u"}.turn("s10", at(3*time.Second), turnProps),
			},
			wantErrs: []string{
				`span "empty turn"`, `span "bogus"`, `span "bad turn"`, // extraction first, then lifecycle
			},
		},
	}
}

func TestConventions(t *testing.T) {
	var cases []conventionCase
	cases = append(cases, ourConventionCases()...)
	cases = append(cases, otelGenAICases()...)
	cases = append(cases, openLLMetryCases()...)
	cases = append(cases, openInferenceCases()...)
	cases = append(cases, identityAndErrorCases()...)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.res
			if res == nil {
				res = []attribute.KeyValue{attribute.String("service.name", "chat")}
			}
			spans := recordSpans(t, res, tc.spans...)
			got, errs := translateSpans(t, tc.opts, spans)
			assert.Equal(t, tc.want, got)
			require.Len(t, errs, len(tc.wantErrs), "errors: %v", errs)
			for i, e := range errs {
				assert.Contains(t, e.Error(), tc.wantErrs[i])
				var notice *SessionFallbackNotice
				if errors.As(e, &notice) {
					continue // translated all the same
				}
				var se *SpanError
				require.True(t, errors.As(e, &se))
				assert.True(t, se.TraceID.IsValid() && se.SpanID.IsValid())
				assert.Contains(t, e.Error(), se.SpanID.String())
			}
		})
	}
}

func TestSpanErrorReasons(t *testing.T) {
	spans := recordSpans(t, nil,
		root("bad conv", 0, time.Second, sc.SessionID("s"), sc.UserID("u"), sc.ConversationID(strings.Repeat("c", MaxKeptIDLength+1)),
			sc.MindlyticsEvent(sc.EventTurn), sc.TurnUser("a"), sc.TurnAssistant("b")),
		root("bad kind", 0, time.Second, sc.SessionID("s"), sc.MindlyticsEvent("bogus")),
		root("no alias", 0, time.Second, sc.SessionID("s"), sc.UserID("u"), sc.MindlyticsEvent(sc.EventAlias)),
		root("no session", 0, time.Second, sc.MindlyticsEvent(sc.EventTrack)),
	)
	tr := newTranslator(t, withNoSession())
	_, errs := tr.Translate(spanview.FromReadOnlySpans(spans))
	byName := map[string]error{}
	for _, e := range errs {
		var se *SpanError
		require.True(t, errors.As(e, &se))
		byName[se.Name] = e
	}
	require.Len(t, byName, 4)
	assert.Contains(t, byName["bad conv"].Error(), "conversation id is 1025 characters, more than the 1024 this translation keeps")
	assert.Contains(t, byName["bad kind"].Error(), `unknown mindlytics.event value "bogus"`)
	assert.Contains(t, byName["no alias"].Error(), "alias needs mindlytics.previous_id")
	assert.ErrorIs(t, byName["no session"], ErrNoSession)
	assert.Equal(t, Stats{CachedTraces: 3}, tr.Stats(), "nothing was opened by the failed spans")
}
