package translate

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

func TestNewKeepsItsOwnKeyLists(t *testing.T) {
	keys := []string{"a", "b"}
	tr := newTranslator(t, withSessionIDKeys(keys...), withMaxOpenSessions(5))
	keys[0] = "changed"
	assert.Equal(t, append([]string{"a", "b"}, conventions.DefaultSessionKeys()...), tr.sessionKeyNames,
		"the configured keys, then the built-in ones; the caller's slice is copied")
	assert.Equal(t, DefaultDeviceID, tr.settings.Identity.DefaultDeviceID)
	assert.Equal(t, 5, tr.settings.Lifecycle.MaxOpenSessions)
}

func TestNewRejectsInvalidSettings(t *testing.T) {
	s := DefaultSettings()
	s.Lifecycle.SessionIdleTimeout = 0
	s.MaxStringLength = -1
	_, err := New(s)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "lifecycle::session_idle_timeout (WithSessionIdleTimeout)")
	assert.Contains(t, err.Error(), "max_string_length (WithMaxStringLength)")
	var se *SettingError
	assert.ErrorAs(t, err, &se)

	_, err = New(DefaultSettings(), WithClock(nil))
	assert.Error(t, err)
}

// TestSettingsMeanWhatTheySay checks every documented special value of the
// settings both front doors share, through a real translation.
func TestSettingsMeanWhatTheySay(t *testing.T) {
	long := strings.Repeat("x", 20_000)
	deviceless := root("turn", 0, time.Second, sc.SessionID("s"), sc.MindlyticsEvent(sc.EventTurn),
		sc.TurnUser(long), sc.TurnAssistant("a"))
	translateWith := func(t *testing.T, s Settings) ([]string, []error) {
		t.Helper()
		require.Empty(t, s.Validate())
		evs, errs := translateSpans(t, []setting{withSettings(s)}, recordSpans(t, nil, deviceless))
		var users []string
		for _, ev := range evs {
			if u, ok := ev.Properties["user"].(string); ok {
				users = append(users, u)
			}
			if ev.DeviceID != "" {
				users = append(users, "device:"+ev.DeviceID)
			}
		}
		return users, errs
	}
	t.Run("ancestor_wait 0 is no wait", func(t *testing.T) {
		call, _ := agentRun(t)
		for _, tc := range []struct {
			wait time.Duration
			want int // model events at once
		}{{0, 1}, {time.Minute, 0}} {
			s := DefaultSettings()
			s.Identity.AncestorWait = tc.wait
			require.Empty(t, s.Validate())
			evs, _ := newTranslator(t, withSettings(s)).Translate(spanview.FromReadOnlySpans([]sdktrace.ReadOnlySpan{call}))
			assert.Len(t, modelEvents(evs), tc.want, "ancestor_wait %s", tc.wait)
		}
	})
	t.Run("max_string_length 0 is no limit", func(t *testing.T) {
		s := DefaultSettings()
		s.MaxStringLength = 0
		got, errs := translateWith(t, s)
		require.Empty(t, errs)
		assert.Contains(t, got, long)
	})
	t.Run("the default max_string_length cuts at 16384 characters", func(t *testing.T) {
		got, errs := translateWith(t, DefaultSettings())
		require.Empty(t, errs)
		assert.Contains(t, got, strings.Repeat("x", DefaultMaxStringLength-len([]rune(TruncationMark)))+TruncationMark)
	})
	t.Run("default_device_id empty drops such spans with a reason", func(t *testing.T) {
		s := DefaultSettings()
		s.Identity.DefaultDeviceID = ""
		got, errs := translateWith(t, s)
		assert.Empty(t, got)
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], ErrNoUserOrDevice)
	})
	t.Run("the default device id is the session's own", func(t *testing.T) {
		got, errs := translateWith(t, DefaultSettings())
		require.Empty(t, errs)
		assert.Contains(t, got, "device:"+AnonymousDeviceID("s"))
	})
	t.Run("a named default device id stands in", func(t *testing.T) {
		s := DefaultSettings()
		s.Identity.DefaultDeviceID = "kiosk-1"
		got, errs := translateWith(t, s)
		require.Empty(t, errs)
		assert.Contains(t, got, "device:kiosk-1")
	})
	t.Run("session_fallback none drops spans without a session", func(t *testing.T) {
		s := DefaultSettings()
		s.Identity.SessionFallback = SessionFallbackNone
		require.Empty(t, s.Validate())
		_, errs := translateSpans(t, []setting{withSettings(s)}, recordSpans(t, nil, root("chat", 0, time.Second, sc.UserID("u"),
			sc.MindlyticsEvent(sc.EventTurn), sc.TurnUser("q"), sc.TurnAssistant("a"))))
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], ErrNoSession)
	})
	t.Run("configured keys come before the built-in ones", func(t *testing.T) {
		s := DefaultSettings()
		s.Identity.SessionIDKeys = []string{"app.session"}
		evs, errs := translateSpans(t, []setting{withSettings(s)}, recordSpans(t, nil, root("turn", 0, time.Second,
			sc.SessionID("builtin"), sc.UserID("u"), sc.MindlyticsEvent(sc.EventTurn), sc.TurnUser("q"),
			sc.TurnAssistant("a"), sc.SessionIDKey.String("builtin"))))
		require.Empty(t, errs)
		require.NotEmpty(t, evs)
		assert.Equal(t, "builtin", evs[0].SessionID, "without the custom key the built-in one is read")
		evs, errs = translateSpans(t, []setting{withSettings(s)}, recordSpans(t, nil, root("turn", 0, time.Second,
			sc.SessionID("builtin"), sc.UserID("u"), sc.MindlyticsEvent(sc.EventTurn), sc.TurnUser("q"),
			sc.TurnAssistant("a"), sc.SessionIDKey.String("builtin"), attribute.String("app.session", "custom"))))
		require.Empty(t, errs)
		assert.Equal(t, "custom", evs[0].SessionID)
	})
	t.Run("idle_check_interval 0 is automatic", func(t *testing.T) {
		s := DefaultSettings()
		assert.Equal(t, 15*time.Second, s.CheckInterval(), "a quarter of the ancestor wait (1 min), shorter than the idle timeouts")
		s.Identity.AncestorWait = 0
		assert.Equal(t, time.Minute, s.CheckInterval(), "a quarter of 10 min, capped at a minute")
		s.Lifecycle.ConversationIdleTimeout = 2 * time.Second
		assert.Equal(t, time.Second, s.CheckInterval(), "at least a second")
		s.Lifecycle.IdleCheckInterval = 7 * time.Second
		assert.Equal(t, 7*time.Second, s.CheckInterval())
	})
}

func TestSettingsValidate(t *testing.T) {
	require.Empty(t, DefaultSettings().Validate())
	for _, tc := range []struct {
		change func(*Settings)
		key    string
		option string
	}{
		{func(s *Settings) { s.Identity.SessionIDKeys = []string{" "} }, "identity::session_id_keys[0]", "WithSessionIDKeys"},
		{func(s *Settings) { s.Identity.SessionFallback = "trace" }, "identity::session_fallback", "WithSessionFallback"},
		{func(s *Settings) { s.Identity.DefaultDeviceID = strings.Repeat("d", 101) }, "identity::default_device_id", "WithDefaultDeviceID"},
		{func(s *Settings) { s.Identity.TraceCacheSize = 0 }, "identity::trace_cache_size", "WithTraceCacheSize"},
		{func(s *Settings) { s.Identity.TraceCacheTTL = 0 }, "identity::trace_cache_ttl", "WithTraceCacheTTL"},
		{func(s *Settings) { s.Identity.AncestorWait = -time.Second }, "identity::ancestor_wait", "WithAncestorWait"},
		{func(s *Settings) { s.Lifecycle.SessionIdleTimeout = 0 }, "lifecycle::session_idle_timeout", "WithSessionIdleTimeout"},
		{func(s *Settings) { s.Lifecycle.ConversationIdleTimeout = time.Hour }, "lifecycle::conversation_idle_timeout", "WithConversationIdleTimeout"},
		{func(s *Settings) { s.Lifecycle.IdleCheckInterval = -1 }, "lifecycle::idle_check_interval", "WithIdleCheckInterval"},
		{func(s *Settings) { s.Lifecycle.MaxOpenSessions = 0 }, "lifecycle::max_open_sessions", "WithMaxOpenSessions"},
		{func(s *Settings) { s.Lifecycle.MaxOpenConversations = 0 }, "lifecycle::max_open_conversations", "WithMaxOpenConversations"},
		{func(s *Settings) { s.MaxStringLength = 8 }, "max_string_length", "WithMaxStringLength"},
	} {
		t.Run(tc.key, func(t *testing.T) {
			s := DefaultSettings()
			tc.change(&s)
			errs := s.Validate()
			require.Len(t, errs, 1)
			var se *SettingError
			require.ErrorAs(t, errs[0], &se)
			assert.Equal(t, tc.key, se.Key)
			assert.Equal(t, tc.option, se.Option)
		})
	}
}

// A span outside any session is translated into a session of its trace,
// and the translator says so once, with the fix: an app that forgets to
// pass the session's context hears of it.
func TestSessionFallbackIsSaidOnce(t *testing.T) {
	tr := newTranslator(t)
	var notices int
	for i := range 3 {
		spans := recordWith(t, &seqIDs{trace: uint64(10 * i)}, nil, root("chat gpt-4o", 0, time.Second, withTexts(chatAttrs(10, 2))[2:]...))
		evs, errs := tr.Translate(spanview.FromReadOnlySpans(spans))
		require.Len(t, modelEvents(evs), 1, "translated all the same")
		for _, err := range errs {
			var notice *SessionFallbackNotice
			require.ErrorAs(t, err, &notice)
			assert.Contains(t, err.Error(), "call the LLM client with the session's context")
			notices++
		}
	}
	assert.Equal(t, 1, notices, "said once per translator")
}
