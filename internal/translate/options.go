package translate

import "time"

// Option changes what is not a user setting of a [Translator]: the clock
// of the tests. What users configure is in [Settings].
type Option func(*options)

type options struct {
	now func() time.Time
}

// WithClock sets the translator's clock, which tells when sessions,
// conversations and cached traces were last seen and when Expire runs
// (default time.Now).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }
