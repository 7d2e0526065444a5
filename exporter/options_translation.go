package exporter

import "time"

func withSettings(f func(c *config)) Option { return optionFunc(f) }

// WithSessionIDKeys adds attribute keys looked up for the session id (on
// the span, its trace, then its resource) before the built-in ones.
func WithSessionIDKeys(keys ...string) Option {
	return withSettings(func(c *config) { c.translation.Identity.SessionIDKeys = keys })
}

// WithUserIDKeys adds attribute keys looked up for the user id before the
// built-in ones.
func WithUserIDKeys(keys ...string) Option {
	return withSettings(func(c *config) { c.translation.Identity.UserIDKeys = keys })
}

// WithDeviceIDKeys adds attribute keys looked up for the device id before
// the built-in ones.
func WithDeviceIDKeys(keys ...string) Option {
	return withSettings(func(c *config) { c.translation.Identity.DeviceIDKeys = keys })
}

// WithSessionFallback says what becomes of spans whose trace has no
// session id: "trace_id" (the default) makes each such trace a session
// named by the trace id; "none" drops such spans, each reported as an
// [ErrorInvalidSpan]. Any other value is an error of New.
func WithSessionFallback(f string) Option {
	return withSettings(func(c *config) { c.translation.Identity.SessionFallback = f })
}

// WithDefaultDeviceID sets the device id of sessions with neither user nor
// device id, since Mindlytics requires one of the two. The default,
// "per_session", gives each such session a device of its own derived from
// its session id (the same in every process and collector tier); any other
// value is one device id all such sessions share. The empty string drops
// such spans instead, each reported.
func WithDefaultDeviceID(id string) Option {
	return withSettings(func(c *config) { c.translation.Identity.DefaultDeviceID = id })
}

// WithTraceCacheSize bounds how many traces' identities are remembered for
// their later spans that carry none (default 10,000): at most n, and at
// least the three quarters of n last written.
func WithTraceCacheSize(n int) Option {
	return withSettings(func(c *config) { c.translation.Identity.TraceCacheSize = n })
}

// WithTraceCacheTTL sets how long a trace's identity is remembered
// (default 10 min).
func WithTraceCacheTTL(d time.Duration) Option {
	return withSettings(func(c *config) { c.translation.Identity.TraceCacheTTL = d })
}

// WithAncestorWait sets how long the spans of a trace with no session id
// yet wait for an ancestor span still to come, which may carry the ids
// (children end, and are exported, before their parents), before the
// session fallback applies (default 1 min; 0: no wait). A span whose
// parent is in another process does not wait.
func WithAncestorWait(d time.Duration) Option {
	return withSettings(func(c *config) { c.translation.Identity.AncestorWait = d })
}

// WithSessionIdleTimeout ends a session (and its conversations) after this
// long without a span (default 30 min).
func WithSessionIdleTimeout(d time.Duration) Option {
	return withSettings(func(c *config) { c.translation.Lifecycle.SessionIdleTimeout = d })
}

// WithConversationIdleTimeout ends a conversation after this long without
// a span (default 10 min; at most the session idle timeout).
func WithConversationIdleTimeout(d time.Duration) Option {
	return withSettings(func(c *config) { c.translation.Lifecycle.ConversationIdleTimeout = d })
}

// WithIdleCheckInterval sets how often idle sessions and conversations,
// and spans that waited [WithAncestorWait], are looked for. 0 (the
// default): a quarter of the shortest of the idle timeouts and the
// ancestor wait, between one second and one minute (15 s with the
// defaults).
func WithIdleCheckInterval(d time.Duration) Option {
	return withSettings(func(c *config) { c.translation.Lifecycle.IdleCheckInterval = d })
}

// WithMaxOpenSessions bounds the sessions kept open (default 10,000);
// opening one more ends the least recently active.
func WithMaxOpenSessions(n int) Option {
	return withSettings(func(c *config) { c.translation.Lifecycle.MaxOpenSessions = n })
}

// WithMaxOpenConversations bounds the conversations kept open (default
// 20,000); opening one more ends the least recently active.
func WithMaxOpenConversations(n int) Option {
	return withSettings(func(c *config) { c.translation.Lifecycle.MaxOpenConversations = n })
}

// WithEndOnShutdown says whether Shutdown ends the conversations and
// sessions still open (default true). Mindlytics analyses a conversation
// only once it has ended; turn this off when a session outlives the
// process and another exporter will go on with it.
func WithEndOnShutdown(end bool) Option {
	return withSettings(func(c *config) { c.translation.Lifecycle.EndOnShutdown = end })
}

// WithMaxStringLength cuts longer string values (turn texts, tool
// arguments and results, properties) at n characters, marking the cut
// (default 16,384). 0: no limit.
func WithMaxStringLength(n int) Option {
	return withSettings(func(c *config) { c.translation.MaxStringLength = n })
}

// WithEvaluations says whether gen_ai.evaluation.result span events become
// a user-defined "GenAI Evaluation" event in the evaluated call's session
// (default true).
func WithEvaluations(on bool) Option {
	return withSettings(func(c *config) { c.translation.Evaluations = on })
}
