package translate

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

func turnSpan(session, conv string, start, end time.Duration, user, assistant string) spanSpec {
	attrs := []attribute.KeyValue{sc.SessionID(session), sc.UserID("u"), sc.MindlyticsEvent(sc.EventTurn),
		sc.TurnUser(user), sc.TurnAssistant(assistant)}
	if conv != "" {
		attrs = append(attrs, sc.ConversationID(conv))
	}
	return root("turn", start, end, attrs...)
}

func turnProps(user, assistant string) props { return props{"user": user, "assistant": assistant} }

// TestSessionLifecycle: a session started, three turns, a tool call, and
// the session left idle.
func TestSessionLifecycle(t *testing.T) {
	clock := &fakeClock{now: t0.Add(time.Hour)}
	tr := newTranslator(t, withClock(clock.Now),
		withConversationIdleTimeout(5*time.Minute), withSessionIdleTimeout(10*time.Minute))
	u := who{session: "s1", user: "u"}
	spans := recordSpans(t, nil,
		root(conventions.SpanNameSessionStart, 0, 0, sc.SessionID("s1"), sc.UserID("u"), sc.MindlyticsEvent(sc.EventSessionStart)),
		turnSpan("s1", "", time.Second, 2*time.Second, "q1", "a1"),
		turnSpan("s1", "", 3*time.Second, 4*time.Second, "q2", "a2"),
		root("execute_tool search", 5*time.Second, 5250*time.Millisecond, sc.SessionID("s1"), sc.UserID("u"),
			sc.OperationName(sc.GenAIOperationExecuteTool), sc.ToolName("search"), sc.ToolCallArguments(`{"q":"x"}`)),
		turnSpan("s1", "", 6*time.Second, 7*time.Second, "q3", "a3"),
	)
	slices.Reverse(spans) // recorded in end order, reversed: start order
	var got []mindlytics.Event
	evs, errs := tr.Translate(spanview.FromReadOnlySpans(spans[:3]))
	require.Empty(t, errs)
	got = append(got, evs...)
	clock.Advance(time.Minute)
	evs, errs = tr.Translate(spanview.FromReadOnlySpans(spans[3:]))
	require.Empty(t, errs)
	got = append(got, evs...)

	assert.Empty(t, expireAfter(tr, clock, 4*time.Minute), "nothing is idle yet")
	assert.Equal(t, Stats{OpenSessions: 1, OpenConversations: 1, CachedTraces: 5}, tr.Stats())
	got = append(got, expireAfter(tr, clock, 6*time.Minute)...)

	assert.Equal(t, []mindlytics.Event{
		u.start(at(0), nil),
		u.convStart("s1", at(time.Second)),
		u.turn("s1", at(2*time.Second), turnProps("q1", "a1")),
		u.turn("s1", at(4*time.Second), turnProps("q2", "a2")),
		u.function("s1", at(5250*time.Millisecond), props{"name": "search", "args": `{"q":"x"}`, "runtime": int64(250)}),
		u.turn("s1", at(7*time.Second), turnProps("q3", "a3")),
		u.convEnd("s1", at(7*time.Second)),
		u.end(at(7*time.Second), nil),
	}, got)
	assert.Equal(t, Stats{}, tr.Stats(), "the trace cache expired too (TTL 10 minutes)")
}

func TestIdleConversationEndsBeforeItsSession(t *testing.T) {
	clock := &fakeClock{now: t0}
	tr := newTranslator(t, withClock(clock.Now),
		withConversationIdleTimeout(time.Minute), withSessionIdleTimeout(time.Hour))
	u := who{session: "s1", user: "u"}
	evs, _ := tr.Translate(spanview.FromReadOnlySpans(recordSpans(t, nil, turnSpan("s1", "c1", 0, time.Second, "q", "a"))))
	require.Len(t, evs, 3)
	assert.Equal(t, []mindlytics.Event{u.convEnd("c1", at(time.Second))}, expireAfter(tr, clock, time.Minute))
	assert.Equal(t, Stats{OpenSessions: 1, CachedTraces: 1}, tr.Stats())

	evs, _ = tr.Translate(spanview.FromReadOnlySpans(recordSpans(t, nil, turnSpan("s1", "c1", 2*time.Minute, 2*time.Minute+time.Second, "q2", "a2"))))
	assert.Equal(t, []string{"track:Conversation Started", "track:Conversation Turn"}, testkit.Kinds(evs),
		"the conversation starts anew; the session is still open")
}

func TestExplicitStartAfterSynthesizedMakesNoSecondStart(t *testing.T) {
	tr := newTranslator(t)
	evs, _ := tr.Translate(spanview.FromReadOnlySpans(recordSpans(t, nil, turnSpan("s1", "c1", time.Second, 2*time.Second, "q", "a"))))
	assert.Equal(t, []string{"start_session", "track:Conversation Started", "track:Conversation Turn"}, testkit.Kinds(evs))

	late := recordSpans(t, nil,
		root(conventions.SpanNameSessionStart, 0, 0, sc.SessionID("s1"), sc.UserID("u"), sc.MindlyticsEvent(sc.EventSessionStart)),
		root(conventions.SpanNameConversationStart, 0, 0, sc.SessionID("s1"), sc.ConversationID("c1"), sc.MindlyticsEvent(sc.EventConversationStart)),
	)
	evs, errs := tr.Translate(spanview.FromReadOnlySpans(late))
	assert.Empty(t, errs)
	assert.Empty(t, evs)
}

func TestExplicitSessionEndEndsItsConversations(t *testing.T) {
	tr := newTranslator(t)
	u := who{session: "s1", user: "u"}
	spans := recordSpans(t, nil,
		turnSpan("s1", "c2", 0, time.Second, "q", "a"),
		turnSpan("s1", "c1", 2*time.Second, 3*time.Second, "q", "a"),
		root(conventions.SpanNameSessionEnd, 4*time.Second, 4*time.Second, sc.SessionID("s1"), sc.UserID("u"), sc.MindlyticsEvent(sc.EventSessionEnd)),
	)
	evs, errs := tr.Translate(spanview.FromReadOnlySpans(spans))
	require.Empty(t, errs)
	assert.Equal(t, []mindlytics.Event{
		u.start(at(0), nil),
		u.convStart("c2", at(0)),
		u.turn("c2", at(time.Second), turnProps("q", "a")),
		u.convStart("c1", at(2*time.Second)),
		u.turn("c1", at(3*time.Second), turnProps("q", "a")),
		u.convEnd("c2", at(4*time.Second)),
		u.convEnd("c1", at(4*time.Second)),
		u.end(at(4*time.Second), nil),
	}, evs)
	assert.Equal(t, Stats{CachedTraces: 3}, tr.Stats())
	assert.Empty(t, tr.EndAll())
}

func TestOpenSessionCapEndsTheOldest(t *testing.T) {
	clock := &fakeClock{now: t0}
	tr := newTranslator(t, withClock(clock.Now), withMaxOpenSessions(2))
	for i, s := range []string{"a", "b"} {
		evs, _ := tr.Translate(spanview.FromReadOnlySpans(recordSpans(t, nil, turnSpan(s, "", time.Duration(i)*time.Second, time.Duration(i)*time.Second+time.Second, "q", "a"))))
		require.Len(t, evs, 3)
		clock.Advance(time.Second)
	}
	// a is touched again, so b is now the least recently active.
	evs, _ := tr.Translate(spanview.FromReadOnlySpans(recordSpans(t, nil, turnSpan("a", "", 5*time.Second, 6*time.Second, "q", "a"))))
	require.Len(t, evs, 1)
	clock.Advance(time.Second)

	evs, _ = tr.Translate(spanview.FromReadOnlySpans(recordSpans(t, nil, turnSpan("c", "", 10*time.Second, 11*time.Second, "q", "a"))))
	b, c := who{session: "b", user: "u"}, who{session: "c", user: "u"}
	assert.Equal(t, []mindlytics.Event{
		b.convEnd("b", at(2*time.Second)),
		b.end(at(2*time.Second), nil),
		c.start(at(10*time.Second), nil),
		c.convStart("c", at(10*time.Second)),
		c.turn("c", at(11*time.Second), turnProps("q", "a")),
	}, evs)
	assert.Equal(t, 2, tr.Stats().OpenSessions)
}

func TestOpenConversationCapEndsTheOldest(t *testing.T) {
	tr := newTranslator(t, withMaxOpenConversations(2))
	var spans []spanSpec
	for i, c := range []string{"c1", "c2", "c3"} {
		d := time.Duration(i) * time.Second
		spans = append(spans, turnSpan("s", c, d, d+time.Second/2, "q", "a"))
	}
	evs, errs := tr.Translate(spanview.FromReadOnlySpans(recordSpans(t, nil, spans...)))
	require.Empty(t, errs)
	u := who{session: "s", user: "u"}
	assert.Equal(t, []string{"start_session",
		"track:Conversation Started", "track:Conversation Turn",
		"track:Conversation Started", "track:Conversation Turn",
		"track:Conversation Ended", "track:Conversation Started", "track:Conversation Turn"}, testkit.Kinds(evs))
	assert.Equal(t, u.convEnd("c1", at(time.Second/2)), evs[5])
	assert.Equal(t, Stats{OpenSessions: 1, OpenConversations: 2, CachedTraces: 3}, tr.Stats())
}

func TestEventsOfABatchComeOutInTimeOrder(t *testing.T) {
	spans := recordSpans(t, nil,
		turnSpan("s", "", 0, time.Second, "q1", "a1"),
		turnSpan("s", "", 2*time.Second, 3*time.Second, "q2", "a2"),
		turnSpan("s", "", 4*time.Second, 5*time.Second, "q3", "a3"),
	)
	for _, order := range [][]int{{0, 1, 2}, {2, 1, 0}, {1, 2, 0}} {
		batch := make([]sdktrace.ReadOnlySpan, 0, 3)
		for _, i := range order {
			batch = append(batch, spans[i])
		}
		evs, _ := newTranslator(t).Translate(spanview.FromReadOnlySpans(batch))
		require.Len(t, evs, 5)
		for i := 1; i < len(evs); i++ {
			assert.LessOrEqual(t, evs[i-1].Timestamp, evs[i].Timestamp, "order %v", order)
		}
		assert.Equal(t, "q1", evs[2].Properties["user"])
		assert.Equal(t, "q3", evs[4].Properties["user"])
	}
}

func TestEndAll(t *testing.T) {
	tr := newTranslator(t)
	spans := recordSpans(t, nil,
		turnSpan("a", "", 0, time.Second, "q", "a"),
		turnSpan("b", "cb", time.Second, 3*time.Second, "q", "a"),
		root("track", 0, 4*time.Second, sc.SessionID("c"), sc.MindlyticsEvent(sc.EventTrack)),
	)
	_, errs := tr.Translate(spanview.FromReadOnlySpans(spans))
	require.Empty(t, errs)
	a, b := who{session: "a", user: "u"}, who{session: "b", user: "u"}
	c := who{session: "c", device: AnonymousDeviceID("c")}
	assert.Equal(t, []mindlytics.Event{
		a.convEnd("a", at(time.Second)), a.end(at(time.Second), nil),
		b.convEnd("cb", at(3*time.Second)), b.end(at(3*time.Second), nil),
		c.end(at(4*time.Second), nil),
	}, tr.EndAll())
	assert.Equal(t, 0, tr.Stats().OpenSessions)
	assert.Empty(t, tr.EndAll())
}

func TestEndTimesAreNeverLaterThanTheTranslatorsClock(t *testing.T) {
	tr := newTranslator(t, withClock(func() time.Time { return t0.Add(time.Minute) }))
	// A span from a host whose clock runs an hour ahead.
	_, errs := tr.Translate(spanview.FromReadOnlySpans(recordSpans(t, nil, turnSpan("s", "", 0, time.Hour, "q", "a"))))
	require.Empty(t, errs)
	evs := tr.EndAll()
	require.Len(t, evs, 2)
	assert.Equal(t, at(time.Minute), evs[0].Timestamp)
	assert.Equal(t, at(time.Minute), evs[1].Timestamp)
}

func TestIdentityComesFromTheTrace(t *testing.T) {
	res := []attribute.KeyValue{sc.SessionID("from-resource")}
	chat := []attribute.KeyValue{sc.MindlyticsEvent(sc.EventTrack)}
	spans := recordSpans(t, res,
		root("root", 0, 10*time.Second, sc.SessionID("A"), sc.UserID("u-root")),
		child(0, "middle", time.Second, 9*time.Second, sc.SessionID("B")),
		child(1, "leaf", 2*time.Second, 3*time.Second, chat...),
		child(0, "sibling", 4*time.Second, 5*time.Second, chat...),
		root("lonely", 0, time.Second, chat...),
	)
	evs, errs := newTranslator(t).Translate(spanview.FromReadOnlySpans(spans))
	require.Empty(t, errs)
	bySession := map[string][]string{}
	for _, ev := range evs {
		if ev.Type == mindlytics.TypeTrack {
			bySession[ev.SessionID] = append(bySession[ev.SessionID], ev.Event+"/"+ev.UserID)
		}
	}
	assert.Equal(t, map[string][]string{
		"B":             {"leaf/u-root"},    // nearest ancestor's session, the root's user
		"A":             {"sibling/u-root"}, // its parent's
		"from-resource": {"lonely/"},        // nothing in its trace: the resource
	}, bySession)
}

func TestTraceCache(t *testing.T) {
	clock := &fakeClock{now: t0}
	ids := &seqIDs{}
	spans := recordWith(t, ids, nil,
		root("agent", 0, 10*time.Second, sc.OperationName(sc.GenAIOperationInvokeAgent), sc.SessionID("s1"), sc.UserID("u1")),
		child(0, "late turn", time.Second, 2*time.Second, sc.MindlyticsEvent(sc.EventTurn), sc.TurnUser("q"), sc.TurnAssistant("a")),
	)
	agent, turn := spans[1], spans[0] // ended children first

	t.Run("a later batch of the trace takes its identity", func(t *testing.T) {
		tr := newTranslator(t, withClock(clock.Now))
		evs, _ := tr.Translate(spanview.FromReadOnlySpans([]sdktrace.ReadOnlySpan{agent}))
		assert.Empty(t, evs, "a wrapper makes no event")
		evs, _ = tr.Translate(spanview.FromReadOnlySpans([]sdktrace.ReadOnlySpan{turn}))
		require.Len(t, evs, 3)
		assert.Equal(t, "s1", evs[2].SessionID)
		assert.Equal(t, "u1", evs[2].UserID)
	})
	t.Run("entries expire", func(t *testing.T) {
		// No wait for ancestors: the agent span came, but the cache forgot it.
		tr := newTranslator(t, withClock(clock.Now), withTraceCache(10, time.Minute), withAncestorWait(0))
		tr.Translate(spanview.FromReadOnlySpans([]sdktrace.ReadOnlySpan{agent}))
		clock.Advance(time.Minute)
		evs, _ := tr.Translate(spanview.FromReadOnlySpans([]sdktrace.ReadOnlySpan{turn}))
		require.Len(t, evs, 3)
		assert.Equal(t, traceIDHex(1), evs[2].SessionID, "expired: the fallback applies")
		assert.Equal(t, 0, tr.Stats().CachedTraces)
	})
	t.Run("Expire forgets expired traces", func(t *testing.T) {
		tr := newTranslator(t, withClock(clock.Now), withTraceCache(10, time.Minute))
		tr.Translate(spanview.FromReadOnlySpans([]sdktrace.ReadOnlySpan{agent}))
		require.Equal(t, 1, tr.Stats().CachedTraces)
		expireAfter(tr, clock, 59*time.Second)
		require.Equal(t, 1, tr.Stats().CachedTraces)
		expireAfter(tr, clock, time.Second)
		assert.Equal(t, 0, tr.Stats().CachedTraces)
	})
	t.Run("the cache is bounded; the oldest trace goes first", func(t *testing.T) {
		tr := newTranslator(t, withClock(clock.Now), withTraceCache(1, time.Hour), withAncestorWait(0))
		other := recordWith(t, ids, nil, root("other", 0, time.Second, sc.SessionID("s2")))
		tr.Translate(spanview.FromReadOnlySpans([]sdktrace.ReadOnlySpan{agent}))
		tr.Translate(spanview.FromReadOnlySpans(other))
		assert.Equal(t, 1, tr.Stats().CachedTraces)
		evs, _ := tr.Translate(spanview.FromReadOnlySpans([]sdktrace.ReadOnlySpan{turn}))
		require.Len(t, evs, 3)
		assert.Equal(t, traceIDHex(1), evs[2].SessionID, "evicted: the fallback applies")
	})
}

// TestConcurrentTranslateAndExpire runs batches of many sessions from many
// goroutines while others expire and read stats; -race checks the locking.
func TestConcurrentTranslateAndExpire(t *testing.T) {
	const workers, batches = 8, 20
	tr := newTranslator(t, withSessionIdleTimeout(time.Hour), withConversationIdleTimeout(time.Hour))
	perWorker := make([][]sdktrace.ReadOnlySpan, workers)
	for w := range workers {
		specs := make([]spanSpec, batches)
		for b := range batches {
			d := time.Duration(b) * time.Second
			specs[b] = turnSpan(fmt.Sprintf("s%d", w), "", d, d+time.Second/2, "q", "a")
		}
		perWorker[w] = recordSpans(t, nil, specs...)
	}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		counts = map[string]int{}
		done   = make(chan struct{})
	)
	count := func(evs []mindlytics.Event) {
		mu.Lock()
		defer mu.Unlock()
		for _, ev := range evs {
			if err := ev.Validate(); err != nil {
				t.Errorf("invalid event %+v: %v", ev, err)
			}
			counts[ev.Kind()]++
		}
	}
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, s := range perWorker[w] {
				evs, errs := tr.Translate(spanview.FromReadOnlySpans([]sdktrace.ReadOnlySpan{s}))
				if len(errs) > 0 {
					t.Errorf("errors: %v", errs)
				}
				count(evs)
			}
		}()
	}
	var bg sync.WaitGroup
	bg.Add(1)
	go func() {
		defer bg.Done()
		for {
			select {
			case <-done:
				return
			default:
				count(tr.Expire())
				_ = tr.Stats()
			}
		}
	}()
	wg.Wait()
	close(done)
	bg.Wait()
	count(tr.EndAll())
	assert.Equal(t, map[string]int{
		"start_session": workers, "end_session": workers,
		"track:Conversation Started": workers, "track:Conversation Ended": workers,
		"track:Conversation Turn": workers * batches,
	}, counts)
}

// TestTraceCacheReusedEntryKeepsNothingOfTheOld: a full cache lends the
// entry it lets go to the next trace, which must not inherit its fields.
func TestTraceCacheReusedEntryKeepsNothingOfTheOld(t *testing.T) {
	c := newTraceCache(1, time.Minute)
	a, b := trace.TraceID{1}, trace.TraceID{2}
	c.put(a, identity{fSession: "s1", fUser: "u1", fAgent: "bot"}, t0)
	c.put(b, identity{fSession: "s2"}, t0.Add(time.Second))
	_, ok := c.get(a, t0)
	assert.False(t, ok, "a was let go")
	got, ok := c.get(b, t0.Add(time.Minute))
	require.True(t, ok, "b lives a minute from its own put")
	assert.Equal(t, identity{fSession: "s2"}, got)
	assert.Equal(t, 1, c.len())
	c.put(a, identity{fSession: "s3"}, t0)
	_, ok = c.get(b, t0)
	assert.False(t, ok)
	got, _ = c.get(a, t0)
	assert.Equal(t, identity{fSession: "s3"}, got)
}

// TestEachSpanTakesItsOwnResourcesIDs: spans of two resources, mixed in
// one batch, each take the ids of their own resource (resolve remembers
// the last resource it read).
func TestEachSpanTakesItsOwnResourcesIDs(t *testing.T) {
	track := []attribute.KeyValue{sc.MindlyticsEvent(sc.EventTrack)}
	ids := &seqIDs{}
	a := recordWith(t, ids, []attribute.KeyValue{sc.SessionID("res-a"), sc.UserID("user-a")},
		root("a1", 0, time.Second, track...), root("a2", 2*time.Second, 3*time.Second, track...))
	b := recordWith(t, ids, []attribute.KeyValue{sc.SessionID("res-b"), sc.DeviceID("device-b")},
		root("b1", time.Second, 2*time.Second, track...), root("b2", 3*time.Second, 4*time.Second, track...))
	evs, errs := newTranslator(t).Translate(spanview.FromReadOnlySpans([]sdktrace.ReadOnlySpan{a[0], b[0], a[1], b[1], a[0]}))
	require.Empty(t, errs)
	var got []string
	for _, ev := range evs {
		if ev.Type == mindlytics.TypeTrack {
			got = append(got, ev.Event+"@"+ev.SessionID+"/"+ev.UserID+"/"+ev.DeviceID)
		}
	}
	assert.ElementsMatch(t, []string{"a1@res-a/user-a/", "a2@res-a/user-a/", "a2@res-a/user-a/", // a2 twice: a[0]
		"b1@res-b//device-b", "b2@res-b//device-b"}, got)
}

// TestConversationsEndAndOpenAgainInOneSession: the cap ends a session's
// conversations one after the other, and they open again, before and after
// Restore; each takes the record its predecessor freed without inheriting
// anything of it.
func TestConversationsEndAndOpenAgainInOneSession(t *testing.T) {
	tr := newTranslator(t, withMaxOpenConversations(1))
	ids := &seqIDs{} // a trace per batch
	batch := func(conv string, at time.Duration) []string {
		evs, errs := tr.Translate(spanview.FromReadOnlySpans(recordWith(t, ids, nil, turnSpan("s", conv, at, at+time.Second/2, "q", "a"))))
		require.Empty(t, errs)
		return testkit.Kinds(evs)
	}
	assert.Equal(t, []string{"start_session", "track:Conversation Started", "track:Conversation Turn"}, batch("c1", 0))
	assert.Equal(t, []string{"track:Conversation Ended", "track:Conversation Started", "track:Conversation Turn"}, batch("c2", time.Second),
		"the cap ends c1")
	assert.Equal(t, []string{"track:Conversation Ended", "track:Conversation Started", "track:Conversation Turn"}, batch("c1", 2*time.Second))
	assert.Equal(t, []string{"track:Conversation Turn"}, batch("c1", 3*time.Second), "c1 is open")

	snap, err := tr.Snapshot()
	require.NoError(t, err)
	tr = newTranslator(t, withMaxOpenConversations(1))
	require.NoError(t, tr.Restore(snap))
	assert.Equal(t, []string{"track:Conversation Turn"}, batch("c1", 4*time.Second), "restored: c1 is still open")
	assert.Equal(t, []string{"track:Conversation Ended", "track:Conversation Started", "track:Conversation Turn"}, batch("c3", 5*time.Second))
	assert.Equal(t, Stats{OpenSessions: 1, OpenConversations: 1, CachedTraces: 2}, tr.Stats())
}
