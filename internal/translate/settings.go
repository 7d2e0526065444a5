package translate

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/mindlytics/mindlytics-otel/internal/redact"
	"github.com/mindlytics/mindlytics-otel/redaction"
)

// Defaults of the translation, in one place: [DefaultSettings] reads them,
// and so do both front doors.
const (
	// DefaultDeviceID gives each anonymous session a device of its own
	// (DeviceIDPerSession).
	DefaultDeviceID                = DeviceIDPerSession
	DefaultConversationIdleTimeout = 10 * time.Minute
	DefaultSessionIdleTimeout      = 30 * time.Minute
	DefaultMaxOpenSessions         = 10_000
	DefaultMaxOpenConversations    = 20_000
	DefaultTraceCacheSize          = 10_000
	DefaultTraceCacheTTL           = 10 * time.Minute
	DefaultAncestorWait            = time.Minute
	DefaultMaxStringLength         = 16 * 1024
)

// DeviceIDPerSession is the value of DefaultDeviceID that gives a session
// with neither user nor device id a device id of its own, derived from
// its session id ([AnonymousDeviceID]): the same in every process and at
// every tier of collectors, never shared by two sessions. Mindlytics
// associates a device with the user identified on it, so one shared device
// id would make every anonymous session one user, and the first identify
// would hand them all to one person.
const DeviceIDPerSession = "per_session"

// AnonymousDeviceID is the device id of an anonymous session: "otel-anon-"
// and the first 128 bits of the SHA-256 of its session id, in hex (42
// characters, whatever the session id's length).
func AnonymousDeviceID(sessionID string) string {
	sum := sha256.Sum256([]byte(sessionID))
	return anonymousDevicePrefix + hex.EncodeToString(sum[:16])
}

const anonymousDevicePrefix = "otel-anon-"

// TruncationMark ends a string that was cut at the maximum length.
const TruncationMark = "…[truncated]"

// Settings are the translation's user-facing settings, defined once for
// both front doors: the in-process exporter's With… options set these
// fields, and the collector component's YAML decodes into them (each key
// is the snake_case of the Go option: WithTraceCacheSize is
// identity::trace_cache_size). Every value, zero included, means what its
// field says; [DefaultSettings] holds the defaults.
type Settings struct {
	// Identity says where session, user and device ids are found.
	Identity IdentitySettings `mapstructure:"identity"`
	// Lifecycle says when sessions and conversations that the spans never
	// end are ended.
	Lifecycle LifecycleSettings `mapstructure:"lifecycle"`
	// MaxStringLength cuts longer string values (turn texts, tool arguments
	// and results, properties), in characters; the cut is marked with
	// [TruncationMark]. 0: no limit.
	MaxStringLength int `mapstructure:"max_string_length"`
	// Evaluations makes a user-defined event ("GenAI Evaluation") of each
	// gen_ai.evaluation.result span event, in the evaluated call's session
	// and conversation; false skips them.
	Evaluations bool `mapstructure:"evaluations"`
	// Redaction, when set, masks personal data and secrets in every event
	// the translation makes (package redaction); nil: none (the default).
	Redaction *redaction.Config `mapstructure:"redaction"`
}

// IdentitySettings says where the translation finds a span's ids.
type IdentitySettings struct {
	// SessionIDKeys, UserIDKeys and DeviceIDKeys are attribute keys looked
	// up (on the span, then its trace, then its resource) before the
	// built-in ones (ours, then other instrumentations', in the order
	// docs/CONVENTIONS.md lists).
	SessionIDKeys []string `mapstructure:"session_id_keys"`
	UserIDKeys    []string `mapstructure:"user_id_keys"`
	DeviceIDKeys  []string `mapstructure:"device_id_keys"`
	// SessionFallback is the session id of a span whose trace has none:
	// [SessionFallbackTraceID] (the trace is the session) or
	// [SessionFallbackNone] (the span is dropped with a reported error).
	SessionFallback string `mapstructure:"session_fallback"`
	// DefaultDeviceID is the device id of a session with neither user nor
	// device id, since Mindlytics requires one of the two:
	// [DeviceIDPerSession] (the default) derives one per session from its
	// id; any other value is that device id, shared by all such sessions.
	// Empty: such spans are dropped with a reported error.
	DefaultDeviceID string `mapstructure:"default_device_id"`
	// TraceCacheSize and TraceCacheTTL bound the memory of identities seen
	// per trace, which later spans of the trace without ids of their own
	// take (some pipelines put the session id on the root span only): at
	// most TraceCacheSize traces, and at least the last three quarters of
	// it written (tracecache.go).
	TraceCacheSize int           `mapstructure:"trace_cache_size"`
	TraceCacheTTL  time.Duration `mapstructure:"trace_cache_ttl"`
	// AncestorWait is how long the spans of a trace with no session id yet
	// wait for an ancestor still to come, which may carry the ids (children
	// end, and are exported, before their parents), before the session
	// fallback applies. 0: no wait.
	AncestorWait time.Duration `mapstructure:"ancestor_wait"`
}

// LifecycleSettings says when idle sessions and conversations are ended.
type LifecycleSettings struct {
	// SessionIdleTimeout ends a session (and its open conversations) after
	// this long without a span.
	SessionIdleTimeout time.Duration `mapstructure:"session_idle_timeout"`
	// ConversationIdleTimeout ends a conversation after this long without a
	// span; at most SessionIdleTimeout.
	ConversationIdleTimeout time.Duration `mapstructure:"conversation_idle_timeout"`
	// IdleCheckInterval is how often idle sessions and conversations, and
	// spans that waited identity::ancestor_wait, are looked for. 0: a
	// quarter of the shortest of the idle timeouts and the ancestor wait,
	// between one second and one minute.
	IdleCheckInterval time.Duration `mapstructure:"idle_check_interval"`
	// MaxOpenSessions and MaxOpenConversations bound the state; opening one
	// more ends the least recently active.
	MaxOpenSessions      int `mapstructure:"max_open_sessions"`
	MaxOpenConversations int `mapstructure:"max_open_conversations"`
	// EndOnShutdown ends every open conversation and session at shutdown.
	// Mindlytics analyses a conversation only once it has ended; turn it off
	// when a session outlives the process and another exporter goes on
	// with it.
	EndOnShutdown bool `mapstructure:"end_on_shutdown"`
}

// Values of IdentitySettings.SessionFallback.
const (
	SessionFallbackTraceID = "trace_id"
	SessionFallbackNone    = "none"
)

// Bounds of the settings.
const (
	// MaxIDLength is the longest device id (and default device id) the
	// service's clients accept.
	MaxIDLength = 100
	// MaxKeptIDLength is the longest session, user, conversation or agent
	// id the translation keeps: the service sets them no bound, but open
	// sessions hold them in memory, and an id cut would merge sessions, so
	// a longer one drops its span with the reason.
	MaxKeptIDLength = 1024
	// MinStringLength is the smallest MaxStringLength other than 0: below
	// it no text keeps its meaning.
	MinStringLength = 16
)

// DefaultSettings returns the defaults of both front doors.
func DefaultSettings() Settings {
	return Settings{
		Identity: IdentitySettings{
			SessionFallback: SessionFallbackTraceID,
			DefaultDeviceID: DefaultDeviceID,
			TraceCacheSize:  DefaultTraceCacheSize,
			TraceCacheTTL:   DefaultTraceCacheTTL,
			AncestorWait:    DefaultAncestorWait,
		},
		Lifecycle: LifecycleSettings{
			SessionIdleTimeout:      DefaultSessionIdleTimeout,
			ConversationIdleTimeout: DefaultConversationIdleTimeout,
			MaxOpenSessions:         DefaultMaxOpenSessions,
			MaxOpenConversations:    DefaultMaxOpenConversations,
			EndOnShutdown:           true,
		},
		MaxStringLength: DefaultMaxStringLength,
		Evaluations:     true,
	}
}

// SettingError names an invalid setting by its collector key and its Go
// option, so that the message fits whichever front door the user
// configured.
type SettingError struct {
	Key    string // the collector key, e.g. "identity::trace_cache_size"
	Option string // the exporter option, e.g. "WithTraceCacheSize"
	Reason string
}

func (e *SettingError) Error() string {
	return fmt.Sprintf("%s (%s): %s", e.Key, e.Option, e.Reason)
}

// Validate returns one *SettingError per invalid setting.
func (s Settings) Validate() []error {
	var errs []error
	bad := func(key, option, format string, args ...any) {
		errs = append(errs, &SettingError{Key: key, Option: option, Reason: fmt.Sprintf(format, args...)})
	}
	id, lc := s.Identity, s.Lifecycle
	for _, l := range []struct {
		key, option string
		keys        []string
	}{
		{"identity::session_id_keys", "WithSessionIDKeys", id.SessionIDKeys},
		{"identity::user_id_keys", "WithUserIDKeys", id.UserIDKeys},
		{"identity::device_id_keys", "WithDeviceIDKeys", id.DeviceIDKeys},
	} {
		for i, k := range l.keys {
			if strings.TrimSpace(k) == "" {
				bad(fmt.Sprintf("%s[%d]", l.key, i), l.option, "empty key")
			}
		}
	}
	switch id.SessionFallback {
	case SessionFallbackTraceID, SessionFallbackNone:
	default:
		bad("identity::session_fallback", "WithSessionFallback", "%q is not one of %q, %q",
			id.SessionFallback, SessionFallbackTraceID, SessionFallbackNone)
	}
	if n := len([]rune(id.DefaultDeviceID)); n > MaxIDLength {
		bad("identity::default_device_id", "WithDefaultDeviceID", "%d characters, at most %d allowed", n, MaxIDLength)
	}
	if id.TraceCacheSize < 1 {
		bad("identity::trace_cache_size", "WithTraceCacheSize", "is %d; it must be at least 1", id.TraceCacheSize)
	}
	if id.TraceCacheTTL <= 0 {
		bad("identity::trace_cache_ttl", "WithTraceCacheTTL", "is %s; it must be positive", id.TraceCacheTTL)
	}
	if id.AncestorWait < 0 {
		bad("identity::ancestor_wait", "WithAncestorWait", "is %s; it must be 0 (no wait) or positive", id.AncestorWait)
	}
	if lc.SessionIdleTimeout <= 0 {
		bad("lifecycle::session_idle_timeout", "WithSessionIdleTimeout", "is %s; it must be positive", lc.SessionIdleTimeout)
	}
	if lc.ConversationIdleTimeout <= 0 {
		bad("lifecycle::conversation_idle_timeout", "WithConversationIdleTimeout", "is %s; it must be positive", lc.ConversationIdleTimeout)
	} else if lc.SessionIdleTimeout > 0 && lc.ConversationIdleTimeout > lc.SessionIdleTimeout {
		bad("lifecycle::conversation_idle_timeout", "WithConversationIdleTimeout", "%s is longer than the session idle timeout (%s)",
			lc.ConversationIdleTimeout, lc.SessionIdleTimeout)
	}
	if lc.IdleCheckInterval < 0 {
		bad("lifecycle::idle_check_interval", "WithIdleCheckInterval", "is %s; it must be 0 (automatic) or positive", lc.IdleCheckInterval)
	}
	if lc.MaxOpenSessions < 1 {
		bad("lifecycle::max_open_sessions", "WithMaxOpenSessions", "is %d; it must be at least 1", lc.MaxOpenSessions)
	}
	if lc.MaxOpenConversations < 1 {
		bad("lifecycle::max_open_conversations", "WithMaxOpenConversations", "is %d; it must be at least 1", lc.MaxOpenConversations)
	}
	if s.MaxStringLength != 0 && s.MaxStringLength < MinStringLength {
		bad("max_string_length", "WithMaxStringLength", "is %d; it must be 0 (no limit) or at least %d", s.MaxStringLength, MinStringLength)
	}
	if s.Redaction != nil {
		if _, rerrs := redact.New(*s.Redaction); len(rerrs) > 0 {
			for _, e := range rerrs {
				bad("redaction::"+e.Field, "WithRedaction", "%s", e.Reason)
			}
		}
	}
	return errs
}

// CheckInterval is how often the front doors look for idle sessions:
// IdleCheckInterval, or when it is 0 a quarter of the shorter idle
// timeout, between one second and one minute.
func (s Settings) CheckInterval() time.Duration {
	if d := s.Lifecycle.IdleCheckInterval; d > 0 {
		return d
	}
	shortest := min(s.Lifecycle.ConversationIdleTimeout, s.Lifecycle.SessionIdleTimeout)
	if w := s.Identity.AncestorWait; w > 0 {
		shortest = min(shortest, w) // spans that waited long enough go out on the check too
	}
	return min(max(shortest/4, time.Second), time.Minute)
}

func concat(a, b []string) []string { return append(append([]string(nil), a...), b...) }
