package mindlyticsexporter

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exporterhelper/xexporterhelper"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticsexporter/internal/metadata"
	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/internal/translate"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// translation is what the exporter needs of the span → event translation:
// it is stateful (open sessions and conversations) and called with core.mu
// held.
type translation interface {
	// Traces translates the spans of td, appending the events to dst;
	// they are for encoding (compact: no Properties map, see pdataview).
	Traces(dst []compact.Event, td ptrace.Traces) ([]compact.Event, []error)
	// Logs translates the GenAI event log records of ld, appending the
	// events to dst.
	Logs(dst []compact.Event, ld plog.Logs) ([]compact.Event, []error)
	// Expire ends the sessions and conversations idle now, and translates
	// what waited long enough (spans for an ancestor, log records for their
	// span).
	Expire() []mindlytics.Event
	// Release translates everything still waiting, leaving sessions open.
	Release() []mindlytics.Event
	// EndAll releases everything waiting and ends every open session and
	// conversation.
	EndAll() []mindlytics.Event
	// LateErrors returns, and forgets, the errors of what Expire, Release
	// and EndAll translated.
	LateErrors() []error
	// NoEventCounts returns, and forgets, the spans that made no event,
	// by reason.
	NoEventCounts() translate.NoEventCounts
	// Stats is the size of the translation's state, for the gauges; safe
	// to call without core.mu.
	Stats() translate.Stats
}

// core is one mindlytics exporter: the translation state, the HTTP client
// and exporterhelper's queue and retries. The traces and logs pipelines
// that name the same exporter share one core (see registry.go), so that a
// session's spans and GenAI log records meet in one translation and one
// queue.
type core struct {
	cfg       *Config
	set       exporter.Settings
	logger    *zap.Logger
	telemetry *metadata.TelemetryBuilder

	// mu orders translation and the hand-off to the queue: the queue then
	// holds each session's events in the order they were made, whichever
	// pipeline or goroutine brought the data.
	mu sync.Mutex
	tr translation
	// events is the scratch the translation appends a batch's events to;
	// guarded by mu. They are encoded into the request, so the slice is
	// reused for the next batch. eventsWritten of them, from the start,
	// hold the last batch's events (reuseEvents).
	events        []compact.Event
	eventsWritten int
	// queue is exporterhelper's exporter: it takes already translated events
	// (see withEvents) into its sending queue and hands them to push.
	queue exporter.Traces

	client    *mindlytics.Client // set in start, before the queue starts
	state     *stateStore        // nil without sending_queue::storage; guarded by mu
	startOnce sync.Once
	startErr  error
	started   bool
	stop      chan struct{}
	expiryEnd chan struct{}

	// durable is the sending queue with sending_queue::storage
	// (durable.go), set in start; nil otherwise.
	durable *durableQueue

	// intake translates what consume hands over, when the sending queue is
	// in memory (intake.go); nil otherwise, and before start.
	intake *intake

	// turns orders the pushes of a pipelined sending queue (pipeline.go,
	// turns.go), or the groups of the durable queue (set in start); nil
	// otherwise.
	turns *turns
	// keysAtEnqueue: enqueue takes the events' session keys (sessionkeys.go).
	keysAtEnqueue bool
	// retrying is set while the service refuses for the time being: its
	// outage is logged once (deliverRetrying).
	retrying atomic.Bool

	refs int // guarded by the registry's lock
	// logs is set once a logs pipeline uses the core; guarded by mu.
	logs bool
}

// spansOnly is what a translation may offer to skip the work that only a
// logs pipeline needs (pdataview.Translator.SpansOnly).
type spansOnly interface{ SpansOnly(bool) }

// takesLogs notes that a logs pipeline uses the core: its translation
// joins log records to spans.
func (c *core) takesLogs() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.logs = true
	if so, ok := c.tr.(spansOnly); ok {
		so.SpansOnly(false)
	}
}

func newCore(ctx context.Context, cfg *Config, set exporter.Settings, tr translation) (*core, error) {
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, fmt.Errorf("mindlytics exporter: telemetry: %w", err)
	}
	c := &core{
		cfg:       cfg,
		set:       set,
		logger:    set.Logger,
		telemetry: tb,
		tr:        tr,
		stop:      make(chan struct{}),
		expiryEnd: make(chan struct{}),
	}
	if err := registerGauges(tb, tr); err != nil {
		tb.Shutdown()
		return nil, fmt.Errorf("mindlytics exporter: telemetry: %w", err)
	}
	c.keysAtEnqueue = keysAtEnqueue(cfg)
	if pipelined(cfg) {
		c.turns = newTurns(cfg.RequestsInFlight, cfg.Limits(), c.sendShares)
	}
	queueCfg, retryCfg := helperSettings(cfg)
	c.queue, err = xexporterhelper.NewTracesRequest(ctx, set, requestFromContext, c.push,
		// The HTTP client's timeout bounds each request of a push.
		exporterhelper.WithTimeout(exporterhelper.TimeoutConfig{}),
		exporterhelper.WithRetry(retryCfg),
		xexporterhelper.WithQueueBatch(queueCfg, xexporterhelper.QueueBatchSettings{Encoding: eventsEncoding{}}),
	)
	if err != nil {
		tb.Shutdown()
		return nil, err
	}
	return c, nil
}

// registerGauges reports the translation's open sessions and conversations
// and the spans waiting for an ancestor, read when the metrics are.
func registerGauges(tb *metadata.TelemetryBuilder, tr translation) error {
	gauge := func(read func(translate.Stats) int) metric.Int64Callback {
		return func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(int64(read(tr.Stats())))
			return nil
		}
	}
	return errors.Join(
		tb.RegisterExporterMindlyticsSessionsOpenCallback(gauge(func(s translate.Stats) int { return s.OpenSessions })),
		tb.RegisterExporterMindlyticsConversationsOpenCallback(gauge(func(s translate.Stats) int { return s.OpenConversations })),
		tb.RegisterExporterMindlyticsSpansWaitingCallback(gauge(func(s translate.Stats) int { return s.WaitingSpans })),
		registerRedactions(tb, tr), // redaction.go
	)
}

// start builds the HTTP client, then starts the queue (whose consumers may
// at once push what a persistent queue kept) and the expiry of idle
// sessions. It runs once however many pipelines share the core.
func (c *core) start(ctx context.Context, host component.Host) error {
	c.startOnce.Do(func() { c.startErr = c.doStart(ctx, host) })
	return c.startErr
}

func (c *core) doStart(ctx context.Context, host component.Host) error {
	client := c.cfg.ClientConfig
	if ka := client.Keepalive.Get(); ka != nil && ka.MaxIdleConnsPerHost == 0 {
		// Go keeps two idle connections per host unless told: with more
		// requests in flight, each round would open new ones.
		ka.MaxIdleConnsPerHost = c.cfg.RequestsInFlight
	}
	hc, err := client.ToClient(ctx, host.GetExtensions(), c.set.TelemetrySettings)
	if err != nil {
		return fmt.Errorf("mindlytics exporter: HTTP client: %w", err)
	}
	hc.CheckRedirect = mindlytics.CheckRedirect // the key never follows a redirect away (as in process)
	// confighttp's timeout bounds each request as its context's deadline
	// (mindlytics.WithTimeout), not as http.Client.Timeout: with a
	// transport net/http does not know (confighttp wraps its own), that
	// costs a goroutine and a timer per request.
	timeout := hc.Timeout
	hc.Timeout = 0
	c.client, err = mindlytics.NewClient(
		mindlytics.WithAPIKey(string(c.cfg.APIKey)),
		mindlytics.WithProjectID(c.cfg.ProjectID),
		mindlytics.WithServerBase(c.cfg.ClientConfig.Endpoint),
		mindlytics.WithHTTPClient(hc),
		mindlytics.WithTimeout(timeout),
		mindlytics.WithUserAgent(c.userAgent()),
		mindlytics.WithLogger(newSlogLogger(c.logger)), // its one warning of the body shape (docs/CONTRACT.md)
	)
	if err != nil {
		return fmt.Errorf("mindlytics exporter: %w", err)
	}
	c.mu.Lock()
	if so, ok := c.tr.(spansOnly); ok && !c.logs {
		// Every pipeline is created before the collector starts any: no
		// logs pipeline now is none at all.
		so.SpansOnly(true)
	}
	c.state, err = openStateStore(ctx, c.cfg, host, c.set.ID, c.tr, c.logger)
	c.mu.Unlock()
	if err != nil {
		return err
	}
	if err := c.queue.Start(ctx, host); err != nil {
		c.mu.Lock()
		_ = c.state.close(ctx)
		c.state = nil
		c.mu.Unlock()
		return err
	}
	if usesDurableQueue(c.cfg) {
		if c.durable, err = openDurableQueue(ctx, c, host); err != nil {
			_ = c.queue.Shutdown(ctx)
			c.mu.Lock()
			_ = c.state.close(ctx)
			c.state = nil
			c.mu.Unlock()
			return err
		}
		c.turns = c.durable.turns // push sends its groups in turn
		go c.durable.run()
	}
	c.started = true
	if usesIntake(c.cfg) {
		c.startIntake()
	}
	go c.expireIdle()
	return nil
}

// shutdown stops the expiry, ends what is still open (end_on_shutdown),
// and shuts the queue down, which sends what it holds in memory once more
// or leaves it in persistent storage for the next start.
func (c *core) shutdown(ctx context.Context) error {
	defer c.telemetry.Shutdown()
	var errs []error
	if c.started {
		if c.intake != nil {
			c.intake.close(ctx) // what it holds is translated and queued first
		}
		close(c.stop)
		<-c.expiryEnd
		c.mu.Lock()
		var err error
		if c.cfg.Lifecycle.EndOnShutdown {
			_, err = c.enqueue(ctx, wrapAll(c.tr.EndAll()), 0)
		} else {
			_, err = c.enqueue(ctx, wrapAll(c.tr.Release()), 0)
		}
		c.translationErrors(ctx, "span or log record that waited", c.tr.LateErrors())
		c.countSpansWithoutEvent(ctx)
		c.mu.Unlock()
		if err != nil {
			errs = append(errs, fmt.Errorf("mindlytics exporter: ending open sessions: %w", err))
		}
		c.mu.Lock()
		if err := c.state.close(ctx); err != nil {
			errs = append(errs, fmt.Errorf("mindlytics exporter: lifecycle state storage: %w", err))
		}
		c.state = nil
		c.mu.Unlock()
		if c.durable != nil {
			errs = append(errs, c.durable.shutdown(ctx))
		}
	}
	errs = append(errs, c.queue.Shutdown(ctx))
	if c.client != nil {
		c.client.CloseIdleConnections()
	}
	return errors.Join(errs...)
}

// expireIdle ends idle sessions and conversations every idle_check_interval.
func (c *core) expireIdle() {
	defer close(c.expiryEnd)
	ctx := context.Background()
	if c.intake != nil {
		ctx = c.intake.ctx // a wait for room in the queue ends with Shutdown's deadline
	}
	t := time.NewTicker(c.cfg.Settings.CheckInterval())
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			c.mu.Lock()
			c.forgetEvents()
			_, err := c.enqueue(ctx, wrapAll(c.tr.Expire()), 0)
			c.translationErrors(context.Background(), "span or log record that waited", c.tr.LateErrors())
			c.countSpansWithoutEvent(context.Background())
			c.state.tick(context.Background())
			c.mu.Unlock()
			if err != nil {
				c.logger.Warn("Failed to queue the events ending idle sessions", zap.Error(err))
			}
		}
	}
}

// maxReusedEvents bounds the scratch kept for the next batch.
const maxReusedEvents = 1 << 14

// maxEncodingSlack is the unused room of an encoding buffer a queued
// request may keep (when it is also under an eighth of what is used).
const maxEncodingSlack = 16 << 10
