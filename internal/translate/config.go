package translate

import (
	"errors"
	"fmt"
	"time"

	"github.com/mindlytics/mindlytics-otel/semconv"
)

// Defaults of the translation, in one place: [DefaultSettings] and
// [DefaultConfig] read them, and so do both front doors.
const (
	DefaultDeviceID                = "otel-default-device"
	DefaultConversationIdleTimeout = 10 * time.Minute
	DefaultSessionIdleTimeout      = 30 * time.Minute
	DefaultMaxOpenSessions         = 10_000
	DefaultMaxOpenConversations    = 20_000
	DefaultTraceCacheSize          = 10_000
	DefaultTraceCacheTTL           = 10 * time.Minute
	DefaultAncestorWait            = time.Minute
	DefaultMaxStringLength         = 16 * 1024
)

// TruncationMark ends a string that was cut at the maximum length.
const TruncationMark = "…[truncated]"

// Config is the full configuration of a [Translator]. Every field is taken
// as it is (zero included, see each field); [New] starts from
// [DefaultConfig] and applies options to it.
type Config struct {
	// SessionKeys, UserKeys and DeviceKeys are the ordered keys an id is
	// looked up under, on spans and then on resources.
	SessionKeys []string
	UserKeys    []string
	DeviceKeys  []string
	// SessionFallback gives the session id of a span that has none on
	// itself, its trace or its resource.
	SessionFallback SessionFallback
	// DefaultDeviceID is the device id of events with neither a user id nor
	// a device id, since Mindlytics needs one. Empty: such spans are
	// dropped with [ErrNoUserOrDevice].
	DefaultDeviceID string
	// ConversationIdleTimeout and SessionIdleTimeout are how long a
	// conversation or session may see no span before [Translator.Expire]
	// ends it.
	ConversationIdleTimeout time.Duration
	SessionIdleTimeout      time.Duration
	// MaxOpenSessions and MaxOpenConversations cap the open state; opening
	// one more ends the least recently active.
	MaxOpenSessions      int
	MaxOpenConversations int
	// TraceCacheSize and TraceCacheTTL bound the cache of identities seen
	// per trace, used by spans of the trace that arrive later without one.
	TraceCacheSize int
	TraceCacheTTL  time.Duration
	// AncestorWait is how long the spans of a trace that has no session id
	// yet wait, when an ancestor of theirs is still to come (it may carry
	// the ids: children end, and are exported, before their parents),
	// before the session fallback applies. Zero: no wait.
	AncestorWait time.Duration
	// MaxStringLength is the length, in characters, at which string values
	// (texts, arguments, results, properties) are cut; a cut string ends
	// with [TruncationMark] and stays within the limit. Zero: no limit.
	MaxStringLength int
	// Evaluations makes a user-defined event of each gen_ai.evaluation.result
	// span event; false skips them.
	Evaluations bool
	// Now is the translator's clock: it tells when sessions, conversations
	// and cached traces were last seen, and when Expire runs.
	Now func() time.Time
}

// DefaultConfig returns the configuration with every default filled in.
func DefaultConfig() Config {
	return Config{
		SessionKeys:             semconv.DefaultSessionKeys(),
		UserKeys:                semconv.DefaultUserKeys(),
		DeviceKeys:              semconv.DefaultDeviceKeys(),
		SessionFallback:         SessionFromTraceID(),
		DefaultDeviceID:         DefaultDeviceID,
		ConversationIdleTimeout: DefaultConversationIdleTimeout,
		SessionIdleTimeout:      DefaultSessionIdleTimeout,
		MaxOpenSessions:         DefaultMaxOpenSessions,
		MaxOpenConversations:    DefaultMaxOpenConversations,
		TraceCacheSize:          DefaultTraceCacheSize,
		TraceCacheTTL:           DefaultTraceCacheTTL,
		AncestorWait:            DefaultAncestorWait,
		MaxStringLength:         DefaultMaxStringLength,
		Evaluations:             true,
		Now:                     time.Now,
	}
}

// validate reports the invalid fields.
func (c Config) validate() error {
	var errs []error
	positive := []struct {
		name string
		v    time.Duration
	}{
		{"ConversationIdleTimeout", c.ConversationIdleTimeout},
		{"SessionIdleTimeout", c.SessionIdleTimeout},
		{"TraceCacheTTL", c.TraceCacheTTL},
	}
	for _, d := range positive {
		if d.v <= 0 {
			errs = append(errs, fmt.Errorf("translate: %s must be positive, got %v", d.name, d.v))
		}
	}
	atLeastOne := []struct {
		name string
		v    int
	}{
		{"MaxOpenSessions", c.MaxOpenSessions},
		{"MaxOpenConversations", c.MaxOpenConversations},
		{"TraceCacheSize", c.TraceCacheSize},
	}
	for _, n := range atLeastOne {
		if n.v < 1 {
			errs = append(errs, fmt.Errorf("translate: %s must be at least 1, got %d", n.name, n.v))
		}
	}
	if c.AncestorWait < 0 {
		errs = append(errs, fmt.Errorf("translate: AncestorWait must not be negative, got %v", c.AncestorWait))
	}
	if c.MaxStringLength < 0 {
		errs = append(errs, fmt.Errorf("translate: MaxStringLength must not be negative, got %d", c.MaxStringLength))
	}
	if len(c.SessionKeys) == 0 || len(c.UserKeys) == 0 || len(c.DeviceKeys) == 0 {
		errs = append(errs, errors.New("translate: the session, user and device key lists must not be empty"))
	}
	if c.SessionFallback == nil {
		errs = append(errs, errors.New("translate: SessionFallback is nil"))
	}
	if c.Now == nil {
		errs = append(errs, errors.New("translate: Now is nil"))
	}
	return errors.Join(errs...)
}

// copyLists gives the translator its own key lists, so that the caller's
// slices can change without a data race.
func (c Config) copyLists() Config {
	c.SessionKeys = append([]string(nil), c.SessionKeys...)
	c.UserKeys = append([]string(nil), c.UserKeys...)
	c.DeviceKeys = append([]string(nil), c.DeviceKeys...)
	return c
}
