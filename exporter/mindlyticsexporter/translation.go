package mindlyticsexporter

import (
	"time"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlytics"
	"github.com/mindlytics/mindlytics-otel/exporter/translate"
	"github.com/mindlytics/mindlytics-otel/semconv"
)

func defaultIdentityConfig() IdentityConfig {
	return IdentityConfig{
		SessionFallback: SessionFallbackTraceID,
		DefaultDeviceID: translate.DefaultDeviceID,
		TraceCacheSize:  translate.DefaultMaxTraceCache,
		TraceCacheTTL:   translate.DefaultTraceCacheTTL,
	}
}

func defaultLifecycleConfig() LifecycleConfig {
	return LifecycleConfig{
		SessionIdleTimeout:      translate.DefaultSessionIdleTimeout,
		ConversationIdleTimeout: translate.DefaultConversationIdleTimeout,
		CheckInterval:           defaultCheckInterval,
		MaxOpenSessions:         translate.DefaultMaxOpenSessions,
		MaxOpenConversations:    translate.DefaultMaxOpenConversations,
		EndOnShutdown:           true,
	}
}

func defaultMaxStringLength() int { return translate.DefaultMaxStringLength }

// translatorOptions turns the configuration into package translate's
// options. The configured identity keys come before the built-in ones.
func translatorOptions(cfg *Config) []translate.Option {
	id, lc := cfg.Identity, cfg.Lifecycle
	fallback := translate.SessionFromTraceID()
	if id.SessionFallback == SessionFallbackNone {
		fallback = translate.NoSession()
	}
	return []translate.Option{
		translate.WithSessionKeys(append(append([]string(nil), id.SessionIDKeys...), semconv.DefaultSessionKeys()...)...),
		translate.WithUserKeys(append(append([]string(nil), id.UserIDKeys...), semconv.DefaultUserKeys()...)...),
		translate.WithDeviceKeys(append(append([]string(nil), id.DeviceIDKeys...), semconv.DefaultDeviceKeys()...)...),
		translate.WithSessionFallback(fallback),
		translate.WithDefaultDeviceID(id.DefaultDeviceID),
		translate.WithTraceCache(id.TraceCacheSize, id.TraceCacheTTL),
		translate.WithSessionIdleTimeout(lc.SessionIdleTimeout),
		translate.WithConversationIdleTimeout(lc.ConversationIdleTimeout),
		translate.WithMaxOpenSessions(lc.MaxOpenSessions),
		translate.WithMaxOpenConversations(lc.MaxOpenConversations),
		translate.WithMaxStringLength(cfg.MaxStringLength),
	}
}

// translator is the translation of package translate, fed with pdata: spans
// through its pdata adapter, GenAI event log records through logsToTraces.
type translator struct {
	t *translate.Translator
}

func newTranslation(cfg *Config) (translation, error) {
	t, err := translate.New(translatorOptions(cfg)...)
	if err != nil {
		return nil, err
	}
	return translator{t: t}, nil
}

func (tr translator) Traces(td ptrace.Traces) ([]mindlytics.Event, []error) {
	return tr.t.Translate(translate.FromTraces(td))
}

func (tr translator) Logs(ld plog.Logs) ([]mindlytics.Event, []error) {
	td := logsToTraces(ld)
	if td.SpanCount() == 0 {
		return nil, nil
	}
	return tr.Traces(td)
}

func (tr translator) Expire(now time.Time) []mindlytics.Event { return tr.t.Expire(now) }

func (tr translator) EndAll() []mindlytics.Event { return tr.t.EndAll() }
