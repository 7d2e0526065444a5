package translate

import "time"

// Option configures a [Translator]. A [Config] is an Option too: it sets
// every field, so New(cfg) and New(WithX(…), …) are both ways to configure
// one; options apply in order.
type Option interface{ apply(*Config) }

func (c Config) apply(dst *Config) { *dst = c }

type optionFunc func(*Config)

func (f optionFunc) apply(c *Config) { f(c) }

// WithSessionKeys sets [Config].SessionKeys.
func WithSessionKeys(keys ...string) Option {
	return optionFunc(func(c *Config) { c.SessionKeys = keys })
}

// WithUserKeys sets [Config].UserKeys.
func WithUserKeys(keys ...string) Option {
	return optionFunc(func(c *Config) { c.UserKeys = keys })
}

// WithDeviceKeys sets [Config].DeviceKeys.
func WithDeviceKeys(keys ...string) Option {
	return optionFunc(func(c *Config) { c.DeviceKeys = keys })
}

// WithSessionFallback sets [Config].SessionFallback.
func WithSessionFallback(f SessionFallback) Option {
	return optionFunc(func(c *Config) { c.SessionFallback = f })
}

// WithDefaultDeviceID sets [Config].DefaultDeviceID.
func WithDefaultDeviceID(id string) Option {
	return optionFunc(func(c *Config) { c.DefaultDeviceID = id })
}

// WithConversationIdleTimeout sets [Config].ConversationIdleTimeout.
func WithConversationIdleTimeout(d time.Duration) Option {
	return optionFunc(func(c *Config) { c.ConversationIdleTimeout = d })
}

// WithSessionIdleTimeout sets [Config].SessionIdleTimeout.
func WithSessionIdleTimeout(d time.Duration) Option {
	return optionFunc(func(c *Config) { c.SessionIdleTimeout = d })
}

// WithMaxOpenSessions sets [Config].MaxOpenSessions.
func WithMaxOpenSessions(n int) Option {
	return optionFunc(func(c *Config) { c.MaxOpenSessions = n })
}

// WithMaxOpenConversations sets [Config].MaxOpenConversations.
func WithMaxOpenConversations(n int) Option {
	return optionFunc(func(c *Config) { c.MaxOpenConversations = n })
}

// WithTraceCache sets [Config].MaxTraceCache and TraceCacheTTL.
func WithTraceCache(maxTraces int, ttl time.Duration) Option {
	return optionFunc(func(c *Config) { c.MaxTraceCache, c.TraceCacheTTL = maxTraces, ttl })
}

// WithMaxStringLength sets [Config].MaxStringLength.
func WithMaxStringLength(n int) Option {
	return optionFunc(func(c *Config) { c.MaxStringLength = n })
}

// WithClock sets [Config].Now.
func WithClock(now func() time.Time) Option {
	return optionFunc(func(c *Config) { c.Now = now })
}
