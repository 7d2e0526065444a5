package mindlyticsexporter

import (
	"context"
	"fmt"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// cores maps each exporter's configuration to its core. The collector gives
// the traces and logs pipelines that name the same exporter the same
// *Config, so they share one translation and one queue. A core leaves the
// map when the last component using it shuts down.
var cores = struct {
	sync.Mutex
	m map[*Config]*core
}{m: make(map[*Config]*core)}

// acquireCore returns the core of cfg, creating it on first use.
func acquireCore(ctx context.Context, cfg *Config, set exporter.Settings) (*core, error) {
	cores.Lock()
	defer cores.Unlock()
	if c, ok := cores.m[cfg]; ok {
		c.refs++
		return c, nil
	}
	c, err := buildCore(ctx, cfg, set)
	if err != nil {
		return nil, err
	}
	c.refs = 1
	cores.m[cfg] = c
	return c, nil
}

// release gives up one use of c and shuts it down with the last one.
func (c *core) release(ctx context.Context) error {
	cores.Lock()
	c.refs--
	last := c.refs == 0
	if last && cores.m[c.cfg] == c {
		delete(cores.m, c.cfg)
	}
	cores.Unlock()
	if !last {
		return nil
	}
	return c.shutdown(ctx)
}

// handle is one pipeline's use of a core: the component the collector
// starts, feeds and shuts down.
type handle struct {
	core         *core
	shutdownOnce sync.Once
	shutdownErr  error
}

func (h *handle) Start(ctx context.Context, host component.Host) error {
	return h.core.start(ctx, host)
}

func (h *handle) Shutdown(ctx context.Context) error {
	h.shutdownOnce.Do(func() { h.shutdownErr = h.core.release(ctx) })
	return h.shutdownErr
}

func (*handle) Capabilities() consumer.Capabilities {
	return consumer.Capabilities{MutatesData: false}
}

// tracesExporter is the traces pipeline's component.
type tracesExporter struct{ handle }

var _ exporter.Traces = (*tracesExporter)(nil)

func (e *tracesExporter) ConsumeTraces(ctx context.Context, td ptrace.Traces) error {
	return e.core.consumeTraces(ctx, td)
}

// logsExporter is the logs pipeline's component.
type logsExporter struct{ handle }

var _ exporter.Logs = (*logsExporter)(nil)

func (e *logsExporter) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	return e.core.consumeLogs(ctx, ld)
}

// buildCore builds a core of cfg, with its own translation: one per
// exporter (acquireCore) or per tenant (tenants.go).
func buildCore(ctx context.Context, cfg *Config, set exporter.Settings) (*core, error) {
	tr, err := newTranslation(cfg)
	if err != nil {
		return nil, fmt.Errorf("mindlytics exporter: %w", err)
	}
	return newCore(ctx, cfg, set, tr)
}
