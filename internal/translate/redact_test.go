package translate

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	"github.com/mindlytics/mindlytics-otel/redaction"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// TestRedactionOnEveryWayOut: the events of Translate, TranslateWithOrigins
// and of spans that waited for an ancestor (released by Release) are
// redacted; ids and model names are not; the counts say what was removed.
func TestRedactionOnEveryWayOut(t *testing.T) {
	const mail = "jane@example.com"
	redacted := func(s *Settings, _ *options) { s.Redaction = &redaction.Config{} }
	turn := func(sid string) spanSpec {
		return root("turn", 0, time.Second, sc.SessionID(sid), sc.UserID("u-"+mail), sc.ConversationID("c-"+mail),
			sc.MindlyticsEvent(sc.EventTurn), sc.RequestModel("gpt-4o"), sc.TurnUser("I am "+mail), sc.TurnAssistant("ok"),
			sc.Property("contact", mail), sc.Property("from", "10.0.0.1"))
	}
	check := func(t *testing.T, tr *Translator, got string) {
		t.Helper()
		assert.NotContains(t, got, `"I am `+mail)
		assert.Contains(t, got, "I am [email]")
		assert.Contains(t, got, `"contact":"[email]"`)
		assert.Contains(t, got, `"from":"[ip]"`)
		assert.Contains(t, got, `"user_id":"u-`+mail+`"`, "ids are never redacted")
		assert.Contains(t, got, `"conversation_id":"c-`+mail+`"`)
		assert.Contains(t, got, `"model":"gpt-4o"`)
		assert.Equal(t, int64(2), tr.Redactions()["email"])
		assert.Equal(t, int64(1), tr.Redactions()["ip"])
	}

	t.Run("Translate", func(t *testing.T) {
		tr := newTranslator(t, redacted)
		evs, errs := tr.Translate(spanview.FromReadOnlySpans(recordSpans(t, nil, turn("s1"))))
		require.Empty(t, errs)
		check(t, tr, strings.Join(testkit.EncodeEach(t, evs), "\n"))
	})
	t.Run("TranslateWithOrigins", func(t *testing.T) {
		tr := newTranslator(t, redacted)
		out := tr.TranslateWithOrigins(spanview.FromReadOnlySpans(recordSpans(t, nil, turn("s1"))))
		require.Empty(t, out.Errs)
		check(t, tr, strings.Join(testkit.EncodeEach(t, out.Events), "\n"))
	})
	t.Run("held, then released", func(t *testing.T) {
		tr := newTranslator(t, redacted)
		// A turn with no session id whose parent is not in the batch waits.
		spec := turn("")
		spec.attrs = spec.attrs[1:]
		spans := recordSpans(t, nil, root("agent", 0, 2*time.Second), child(0, spec.name, spec.start, spec.end, spec.attrs...))
		evs, errs := tr.Translate(spanview.FromReadOnlySpans(spans[:1])) // the turn: it ended first
		require.Empty(t, errs)
		require.Empty(t, evs, "the turn waits for its parent")
		require.Equal(t, 1, tr.Stats().WaitingSpans)
		check(t, tr, strings.Join(testkit.EncodeEach(t, tr.Release()), "\n"))
	})
	t.Run("off", func(t *testing.T) {
		tr := newTranslator(t)
		evs, _ := tr.Translate(spanview.FromReadOnlySpans(recordSpans(t, nil, turn("s1"))))
		assert.Contains(t, strings.Join(testkit.EncodeEach(t, evs), "\n"), "I am "+mail)
		assert.Nil(t, tr.Redactions())
	})
}

// TestRedactionBeforeTheCut: a secret that max_string_length's cut would
// split is redacted whole, not sent as its head; it counts once, and
// Redaction.Func runs once, on the text that leaves.
func TestRedactionBeforeTheCut(t *testing.T) {
	const mail = "jane.doe@example.com"
	user := strings.Repeat("a ", 5) + "write to " + mail + " please write back to all of us" // the cut at 28 characters (40, less the mark) splits the mail
	calls := 0
	redacted := func(s *Settings, _ *options) {
		s.MaxStringLength = 40
		s.Redaction = &redaction.Config{Func: func(s string) string {
			if strings.HasPrefix(s, "a a ") {
				calls++
			}
			return s
		}}
	}
	spec := root("turn", 0, time.Second, sc.SessionID("s1"), sc.UserID("u1"),
		sc.MindlyticsEvent(sc.EventTurn), sc.TurnUser(user), sc.TurnAssistant("ok"))
	tr := newTranslator(t, redacted)
	evs, errs := tr.Translate(spanview.FromReadOnlySpans(recordSpans(t, nil, spec)))
	require.Empty(t, errs)
	got := strings.Join(testkit.EncodeEach(t, evs), "\n")
	assert.NotContains(t, got, "jane", "no head of the address is sent")
	assert.Contains(t, got, "write to [email]")
	assert.Contains(t, got, TruncationMark)
	assert.Equal(t, int64(1), tr.Redactions()["email"])
	assert.Equal(t, 1, calls, "the function sees the user's text once")

	// A value wholly in the part the cut drops is redacted too, so counted
	// (as the package redaction documents), and not sent.
	far := newTranslator(t, redacted)
	spec2 := root("turn", 0, time.Second, sc.SessionID("s2"), sc.UserID("u2"), sc.MindlyticsEvent(sc.EventTurn),
		sc.TurnUser("hello "+strings.Repeat("x", 100)+" "+mail), sc.TurnAssistant("ok"))
	evs, errs = far.Translate(spanview.FromReadOnlySpans(recordSpans(t, nil, spec2)))
	require.Empty(t, errs)
	assert.NotContains(t, strings.Join(testkit.EncodeEach(t, evs), "\n"), "jane")
	assert.Equal(t, int64(1), far.Redactions()["email"])

	// Without redaction the cut keeps the head: what the test guards against.
	plain := newTranslator(t, func(s *Settings, _ *options) { s.MaxStringLength = 40 })
	evs, _ = plain.Translate(spanview.FromReadOnlySpans(recordSpans(t, nil, spec)))
	assert.Contains(t, strings.Join(testkit.EncodeEach(t, evs), "\n"), "write to jane")
}
