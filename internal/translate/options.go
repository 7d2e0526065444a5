package translate

import "time"

// Option changes one field of the [Config] a [Translator] starts from.
type Option func(*Config)

// WithSessionKeys sets [Config].SessionKeys.
func WithSessionKeys(keys ...string) Option { return func(c *Config) { c.SessionKeys = keys } }

// WithUserKeys sets [Config].UserKeys.
func WithUserKeys(keys ...string) Option { return func(c *Config) { c.UserKeys = keys } }

// WithDeviceKeys sets [Config].DeviceKeys.
func WithDeviceKeys(keys ...string) Option { return func(c *Config) { c.DeviceKeys = keys } }

// WithSessionFallback sets [Config].SessionFallback.
func WithSessionFallback(f SessionFallback) Option {
	return func(c *Config) { c.SessionFallback = f }
}

// WithDefaultDeviceID sets [Config].DefaultDeviceID.
func WithDefaultDeviceID(id string) Option { return func(c *Config) { c.DefaultDeviceID = id } }

// WithConversationIdleTimeout sets [Config].ConversationIdleTimeout.
func WithConversationIdleTimeout(d time.Duration) Option {
	return func(c *Config) { c.ConversationIdleTimeout = d }
}

// WithSessionIdleTimeout sets [Config].SessionIdleTimeout.
func WithSessionIdleTimeout(d time.Duration) Option {
	return func(c *Config) { c.SessionIdleTimeout = d }
}

// WithMaxOpenSessions sets [Config].MaxOpenSessions.
func WithMaxOpenSessions(n int) Option { return func(c *Config) { c.MaxOpenSessions = n } }

// WithMaxOpenConversations sets [Config].MaxOpenConversations.
func WithMaxOpenConversations(n int) Option { return func(c *Config) { c.MaxOpenConversations = n } }

// WithTraceCache sets [Config].TraceCacheSize and TraceCacheTTL.
func WithTraceCache(size int, ttl time.Duration) Option {
	return func(c *Config) { c.TraceCacheSize, c.TraceCacheTTL = size, ttl }
}

// WithAncestorWait sets [Config].AncestorWait.
func WithAncestorWait(d time.Duration) Option { return func(c *Config) { c.AncestorWait = d } }

// WithMaxStringLength sets [Config].MaxStringLength.
func WithMaxStringLength(n int) Option { return func(c *Config) { c.MaxStringLength = n } }

// WithEvaluations sets [Config].Evaluations.
func WithEvaluations(on bool) Option { return func(c *Config) { c.Evaluations = on } }

// WithClock sets [Config].Now.
func WithClock(now func() time.Time) Option { return func(c *Config) { c.Now = now } }
