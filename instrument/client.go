package instrument

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/mindlytics/mindlytics-otel/exporter"
	mlwire "github.com/mindlytics/mindlytics-otel/internal/wire"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// maxSessions is how many sessions a client remembers for routing errors
// before it forgets the ended ones.
const maxSessions = 1024

// Client is the entry point: it makes sessions, identifies and aliases
// users, and owns the pipeline that turns the spans of its sessions (and of
// any instrumentation running in their contexts) into Mindlytics events.
// Build it with [New]; it is safe for concurrent use.
type Client struct {
	cfg     config
	tp      *sdktrace.TracerProvider
	ownTP   bool
	tracer  trace.Tracer
	exp     *exporter.Exporter
	stamp   *stamper
	batcher sdktrace.SpanProcessor
	wire    *mindlytics.Client

	mu       sync.Mutex
	sessions map[string]*Session
	shutdown bool
	live     sync.WaitGroup // live streams running

	shutdownOnce sync.Once
	shutdownErr  error
	fallback     fallback // fallback.go
}

// The batch processor's bounds: spans held before the exporter takes them,
// and spans per hand-over.
const (
	spanQueueSize = 16_384
	spanBatchSize = 1_024
)

// New builds a client from options and the MLSDK_API_KEY,
// MLSDK_PROJECT_ID and MLSDK_SERVER_BASE environment variables (options
// win): a wire client, the Mindlytics exporter behind a batch span
// processor, the identity-stamping processor, and a TracerProvider holding
// them, or the application's own ([WithTracerProvider]). It fails when the
// key or the project is missing. Call [Client.Shutdown] before exit.
func New(ctx context.Context, opts ...Option) (*Client, error) {
	cfg := newConfig(opts)
	wire, err := mindlytics.NewClient(append([]mindlytics.ClientOption{mindlytics.WithLogger(cfg.logger)}, cfg.client...)...)
	if err != nil {
		return nil, fmt.Errorf("instrument: %w", err)
	}
	c := &Client{cfg: cfg, wire: wire, sessions: make(map[string]*Session)}
	expOpts := append([]exporter.Option{
		exporter.WithLogger(cfg.logger),
		exporter.WithClientOptions(cfg.client...),
	}, cfg.exporter...)
	expOpts = append(expOpts, exporter.WithErrorHandler(c.handleError))
	c.exp, err = exporter.New(ctx, expOpts...)
	if err != nil {
		return nil, fmt.Errorf("instrument: %w", err)
	}
	scope := newTurnScope()
	c.stamp = &stamper{scope: scope}
	// Spans that Sampler records only reach the exporter too (sampling.go).
	// The exporter never blocks and bounds its own queue, so the batch
	// processor in front of it only hands spans over: its queue is sized
	// for bursts (the SDK's 2,048 lost sessions of a 1,000-conversation
	// burst under -race), and its batches are the exporter's translation
	// batches.
	c.batcher = &recordedProcessor{sdktrace.NewBatchSpanProcessor(&scopedExporter{SpanExporter: c.exp, scope: scope},
		sdktrace.WithMaxQueueSize(spanQueueSize), sdktrace.WithMaxExportBatchSize(spanBatchSize))}
	if cfg.tp == nil {
		c.tp = sdktrace.NewTracerProvider(sdktrace.WithSampler(Sampler(sdktrace.ParentBased(sdktrace.AlwaysSample()))),
			sdktrace.WithSpanProcessor(c.stamp), sdktrace.WithSpanProcessor(c.batcher))
		c.ownTP = true
	} else {
		c.tp = cfg.tp
		c.tp.RegisterSpanProcessor(c.stamp)
		c.tp.RegisterSpanProcessor(c.batcher)
	}
	c.tracer = c.tp.Tracer(scopeName, trace.WithInstrumentationVersion(mlwire.Version))
	return c, nil
}

// TracerProvider returns the provider the client's spans go to: give it to
// other instrumentation (LLM clients, otelhttp) so that their spans reach
// Mindlytics too.
func (c *Client) TracerProvider() trace.TracerProvider { return c.tp }

// Flush waits until every span ended so far is translated and every event
// is delivered or has failed for good, or ctx ends.
func (c *Client) Flush(ctx context.Context) error {
	if err := c.batcher.ForceFlush(ctx); err != nil {
		return fmt.Errorf("instrument: flush: %w", err)
	}
	if err := c.exp.ForceFlush(ctx); err != nil {
		return fmt.Errorf("instrument: flush: %w", err)
	}
	return nil
}

// Shutdown stops the live streams, then drains the pipeline: the spans
// still buffered, the conversations and sessions still open (ended, unless
// exporter.WithEndOnShutdown(false) was given) and the events still queued,
// within ctx's deadline. With [WithTracerProvider] it removes its
// processors from the provider and leaves the provider running. It is
// idempotent.
func (c *Client) Shutdown(ctx context.Context) error {
	c.shutdownOnce.Do(func() {
		c.mu.Lock()
		c.shutdown = true
		sessions := make([]*Session, 0, len(c.sessions))
		for _, s := range c.sessions {
			sessions = append(sessions, s)
		}
		c.mu.Unlock()
		for _, s := range sessions {
			if s.live != nil {
				s.live.stop()
			}
		}
		c.live.Wait()
		var err error
		if c.ownTP {
			err = c.tp.Shutdown(ctx)
		} else {
			err = c.batcher.Shutdown(ctx) // the exporter's too
			c.tp.UnregisterSpanProcessor(c.batcher)
			c.tp.UnregisterSpanProcessor(c.stamp)
			err = errors.Join(err, c.fallback.shutdown(ctx)) // its processors are down already
		}
		c.wire.CloseIdleConnections()
		if err != nil {
			c.shutdownErr = fmt.Errorf("instrument: shutdown: %w", err)
		}
	})
	return c.shutdownErr
}

// Identify identifies a user outside any session, synchronously: one of
// u.ID or u.DeviceID is required; u.Traits merge into the user's. It
// returns the user record, or the service's error.
func (c *Client) Identify(ctx context.Context, u User) (*mindlytics.User, error) {
	const call = "Identify"
	if err := checkID(call, "user id", u.ID, false); err != nil {
		return nil, err
	}
	if err := checkID(call, "device id", u.DeviceID, false); err != nil {
		return nil, err
	}
	if u.ID == "" && u.DeviceID == "" {
		return nil, invalid(call, "a user id or a device id is required")
	}
	if err := checkProperties(call, "traits", u.Traits); err != nil {
		return nil, err
	}
	rec, err := c.wire.IdentifyUser(ctx, mindlytics.UserIdentify{ID: u.ID, DeviceID: u.DeviceID, Traits: u.Traits})
	if err != nil {
		return nil, fmt.Errorf("instrument: identify: %w", err)
	}
	return rec, nil
}

// Alias makes id an alias of previousID outside any session,
// synchronously, and returns the service's error.
func (c *Client) Alias(ctx context.Context, id, previousID string) error {
	const call = "Alias"
	if err := checkID(call, "user id", id, true); err != nil {
		return err
	}
	if err := checkID(call, "previous id", previousID, true); err != nil {
		return err
	}
	if err := c.wire.AliasUser(ctx, id, previousID); err != nil {
		return fmt.Errorf("instrument: alias: %w", err)
	}
	return nil
}

// handleError routes an exporter error to its session, else to the
// client's handler, else to otel.Handle. A service that is not accepting
// events concerns every open session: each is told, and so is the
// client's handler.
func (c *Client) handleError(err error) {
	if isServiceWide(err) {
		c.mu.Lock()
		open := make([]*Session, 0, len(c.sessions))
		for _, s := range c.sessions {
			if !s.isEnded() {
				open = append(open, s)
			}
		}
		c.mu.Unlock()
		for _, s := range open {
			s.recordError(err)
		}
	} else if id := sessionIDOf(err); id != "" {
		c.mu.Lock()
		s := c.sessions[id]
		c.mu.Unlock()
		if s != nil {
			s.recordError(err)
			return
		}
	}
	if c.cfg.errorHandler != nil {
		c.cfg.errorHandler(err)
		return
	}
	otel.Handle(err)
}

// errShutdown is returned when sessions are asked of a client shut down.
var errShutdown = errors.New("instrument: client shut down")
