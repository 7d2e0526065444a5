package translate

import (
	"errors"
	"fmt"
	"time"

	"github.com/mindlytics/mindlytics-otel/semconv"
)

// Defaults of [Config], applied by [DefaultConfig] and by [New] to zero fields.
const (
	DefaultDeviceID                = "otel-default-device"
	DefaultConversationIdleTimeout = 10 * time.Minute
	DefaultSessionIdleTimeout      = 30 * time.Minute
	DefaultMaxOpenSessions         = 10_000
	DefaultMaxOpenConversations    = 20_000
	DefaultMaxTraceCache           = 10_000
	DefaultTraceCacheTTL           = 10 * time.Minute
	DefaultMaxStringLength         = 16 * 1024
)

// TruncationMark ends a string that was cut at the maximum length.
const TruncationMark = "…[truncated]"

// Config configures a [Translator]. Zero fields take their defaults, so
// Config{} is valid; negative durations and sizes are errors.
type Config struct {
	// SessionKeys, UserKeys and DeviceKeys are the ordered keys an id is
	// looked up under, on spans and then on resources. Empty: the semconv
	// defaults ([semconv.DefaultSessionKeys], …). To extend a list, put your
	// keys before or after the defaults:
	// append([]string{"app.session"}, semconv.DefaultSessionKeys()...).
	SessionKeys []string
	UserKeys    []string
	DeviceKeys  []string
	// SessionFallback gives the session id of a span that has none on
	// itself, its trace or its resource. Nil: [SessionFromTraceID].
	SessionFallback SessionFallback
	// DefaultDeviceID is the device id of events with neither a user id nor
	// a device id, since Mindlytics needs one. Empty: [DefaultDeviceID].
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
	// MaxTraceCache and TraceCacheTTL bound the cache of identities seen per
	// trace, used by spans of the trace that arrive later without one.
	MaxTraceCache int
	TraceCacheTTL time.Duration
	// MaxStringLength is the length, in characters, at which string values
	// (texts, arguments, results, properties) are cut; a cut string ends
	// with [TruncationMark] and stays within the limit. Negative: no limit.
	MaxStringLength int
	// Now is the clock that tells when sessions, conversations and cached
	// traces were last seen. Nil: time.Now. Tests set a fake one.
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
		MaxTraceCache:           DefaultMaxTraceCache,
		TraceCacheTTL:           DefaultTraceCacheTTL,
		MaxStringLength:         DefaultMaxStringLength,
		Now:                     time.Now,
	}
}

// Validate reports the fields that are invalid: negative durations and
// sizes.
func (c Config) Validate() error {
	var errs []error
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"ConversationIdleTimeout", c.ConversationIdleTimeout},
		{"SessionIdleTimeout", c.SessionIdleTimeout},
		{"TraceCacheTTL", c.TraceCacheTTL},
	} {
		if d.v < 0 {
			errs = append(errs, fmt.Errorf("translate: %s must not be negative, got %v", d.name, d.v))
		}
	}
	for _, n := range []struct {
		name string
		v    int
	}{
		{"MaxOpenSessions", c.MaxOpenSessions},
		{"MaxOpenConversations", c.MaxOpenConversations},
		{"MaxTraceCache", c.MaxTraceCache},
	} {
		if n.v < 0 {
			errs = append(errs, fmt.Errorf("translate: %s must not be negative, got %d", n.name, n.v))
		}
	}
	return errors.Join(errs...)
}

// withDefaults fills the zero fields of c.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if len(c.SessionKeys) == 0 {
		c.SessionKeys = d.SessionKeys
	}
	if len(c.UserKeys) == 0 {
		c.UserKeys = d.UserKeys
	}
	if len(c.DeviceKeys) == 0 {
		c.DeviceKeys = d.DeviceKeys
	}
	if c.SessionFallback == nil {
		c.SessionFallback = d.SessionFallback
	}
	if c.DefaultDeviceID == "" {
		c.DefaultDeviceID = d.DefaultDeviceID
	}
	if c.ConversationIdleTimeout == 0 {
		c.ConversationIdleTimeout = d.ConversationIdleTimeout
	}
	if c.SessionIdleTimeout == 0 {
		c.SessionIdleTimeout = d.SessionIdleTimeout
	}
	if c.MaxOpenSessions == 0 {
		c.MaxOpenSessions = d.MaxOpenSessions
	}
	if c.MaxOpenConversations == 0 {
		c.MaxOpenConversations = d.MaxOpenConversations
	}
	if c.MaxTraceCache == 0 {
		c.MaxTraceCache = d.MaxTraceCache
	}
	if c.TraceCacheTTL == 0 {
		c.TraceCacheTTL = d.TraceCacheTTL
	}
	if c.MaxStringLength == 0 {
		c.MaxStringLength = d.MaxStringLength
	}
	if c.Now == nil {
		c.Now = d.Now
	}
	// Copies, so that the caller's slices can change without a data race.
	c.SessionKeys = append([]string(nil), c.SessionKeys...)
	c.UserKeys = append([]string(nil), c.UserKeys...)
	c.DeviceKeys = append([]string(nil), c.DeviceKeys...)
	return c
}
