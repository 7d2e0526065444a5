package mindlyticsexporter

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"
)

// router is a mindlytics exporter with a tenants block: one core per
// tenant, each the exporter a configuration without tenants makes (its
// own translation state, sending queue, retries, HTTP client, storage
// client and metrics), and one for the default project with unknown:
// default. Each consume call goes to its tenant's core, so a tenant whose
// project refuses or stalls fills only its own queue: the others are
// never behind it.
//
// The cores are built when the exporter is and started with it, not on a
// tenant's first data: a persistent queue kept from before a restart is
// then sent at once, and a bad setting shows at start-up.
type router struct {
	tenants TenantsConfig
	byName  map[string]*core
	// fallback is the default project's core (unknown: default); nil with
	// unknown: refuse.
	fallback *core
	all      []*core // every core, in a stable order

	startOnce sync.Once
	startErr  error
	refs      int // guarded by routers' lock
}

// routers maps each exporter's configuration to its router, as cores does
// without tenants: the traces and logs pipelines share the tenants' cores.
var routers = struct {
	sync.Mutex
	m map[*Config]*router
}{m: make(map[*Config]*router)}

func acquireRouter(ctx context.Context, cfg *Config, set exporter.Settings) (*router, error) {
	routers.Lock()
	defer routers.Unlock()
	if r, ok := routers.m[cfg]; ok {
		r.refs++
		return r, nil
	}
	r, err := newRouter(ctx, cfg, set)
	if err != nil {
		return nil, err
	}
	r.refs = 1
	routers.m[cfg] = r
	return r, nil
}

func newRouter(ctx context.Context, cfg *Config, set exporter.Settings) (*router, error) {
	r := &router{tenants: *cfg.Tenants.Get(), byName: make(map[string]*core)}
	names := make([]string, 0, len(r.tenants.Projects))
	for name := range r.tenants.Projects {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		p := r.tenants.Projects[name]
		c, err := buildCore(ctx, tenantConfig(cfg, p.APIKey, p.ProjectID), tenantSettings(set, name))
		if err != nil {
			r.discard(ctx)
			return nil, fmt.Errorf("mindlytics exporter: tenant %s: %w", name, err)
		}
		r.byName[name] = c
		r.all = append(r.all, c)
	}
	if r.tenants.Unknown == UnknownDefault {
		// The exporter's own id: its storage and metrics are those it had
		// without tenants.
		c, err := buildCore(ctx, tenantConfig(cfg, cfg.APIKey, cfg.ProjectID), set)
		if err != nil {
			r.discard(ctx)
			return nil, fmt.Errorf("mindlytics exporter: default project: %w", err)
		}
		r.fallback = c
		r.all = append(r.all, c)
	}
	return r, nil
}

// discard releases the cores built so far; none was started.
func (r *router) discard(ctx context.Context) {
	for _, c := range r.all {
		_ = c.shutdown(ctx)
	}
}

// tenantConfig is cfg for one project: every setting shared, but the key,
// the project and no tenants block.
func tenantConfig(cfg *Config, apiKey configopaque.String, projectID string) *Config {
	c := *cfg
	c.APIKey, c.ProjectID = apiKey, projectID
	c.Tenants = configoptional.None[TenantsConfig]()
	return &c
}

// tenantSettings gives a tenant's core an id of its own: its exporterhelper
// metrics and storage clients (sending_queue::storage) are the tenant's.
// The name holds '=', which a configured component's name cannot, so it
// never meets another exporter's. Its own metrics carry the tenant as a
// scope attribute, so that two tenants' gauges do not overwrite each
// other; its logs carry the tenant too.
func tenantSettings(set exporter.Settings, tenant string) exporter.Settings {
	name := "tenant=" + tenant
	if set.ID.Name() != "" {
		name = set.ID.Name() + "/" + name
	}
	s := set
	s.ID = component.NewIDWithName(set.ID.Type(), name)
	s.Logger = set.Logger.With(zap.String("tenant", tenant))
	s.MeterProvider = tenantMeters{MeterProvider: set.MeterProvider, tenant: attribute.String("mindlytics.tenant", tenant)}
	return s
}

// tenantMeters adds the tenant to the scope of every meter it gives.
type tenantMeters struct {
	metric.MeterProvider
	tenant attribute.KeyValue
}

func (p tenantMeters) Meter(name string, opts ...metric.MeterOption) metric.Meter {
	opts = append(opts[:len(opts):len(opts)], metric.WithInstrumentationAttributes(p.tenant))
	return p.MeterProvider.Meter(name, opts...)
}

func (r *router) start(ctx context.Context, host component.Host) error {
	r.startOnce.Do(func() {
		for _, c := range r.all {
			if err := c.start(ctx, host); err != nil {
				r.startErr = err
				return
			}
		}
	})
	return r.startErr
}

// release gives up one use of r; the last one shuts every core down, side
// by side: each drains its own queue within ctx's deadline, so one
// tenant's backlog does not take the others' share of it.
func (r *router) release(ctx context.Context, cfg *Config) error {
	routers.Lock()
	r.refs--
	last := r.refs == 0
	if last && routers.m[cfg] == r {
		delete(routers.m, cfg)
	}
	routers.Unlock()
	if !last {
		return nil
	}
	errs := make([]error, len(r.all))
	var wg sync.WaitGroup
	for i, c := range r.all {
		wg.Go(func() { errs[i] = c.shutdown(ctx) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (r *router) takesLogs() {
	for _, c := range r.all {
		c.takesLogs()
	}
}

func (r *router) consumeTraces(ctx context.Context, td ptrace.Traces) error {
	return r.routeTraces(ctx, td, (*core).consumeTraces)
}

// routeTraces hands td, or its parts, to consume with their tenants' cores.
func (r *router) routeTraces(ctx context.Context, td ptrace.Traces, consume func(*core, context.Context, ptrace.Traces) error) error {
	rss := td.ResourceSpans()
	return r.route(ctx, rss.Len(),
		func(i int) pcommon.Resource { return rss.At(i).Resource() },
		func(c *core) error { return consume(c, ctx, td) },
		func(c *core, idx []int) error {
			part := ptrace.NewTraces()
			for _, i := range idx {
				rss.At(i).MoveTo(part.ResourceSpans().AppendEmpty()) // MutatesData: no copy
			}
			return consume(c, ctx, part)
		},
		func(idx []int) string {
			n := 0
			for _, i := range idx {
				for _, ss := range rss.At(i).ScopeSpans().All() {
					n += ss.Spans().Len()
				}
			}
			return fmt.Sprintf("%d spans", n)
		})
}

func (r *router) consumeLogs(ctx context.Context, ld plog.Logs) error {
	rls := ld.ResourceLogs()
	return r.route(ctx, rls.Len(),
		func(i int) pcommon.Resource { return rls.At(i).Resource() },
		func(c *core) error { return c.consumeLogs(ctx, ld) },
		func(c *core, idx []int) error {
			part := plog.NewLogs()
			for _, i := range idx {
				rls.At(i).MoveTo(part.ResourceLogs().AppendEmpty())
			}
			return c.consumeLogs(ctx, part)
		},
		func(idx []int) string {
			n := 0
			for _, i := range idx {
				for _, sl := range rls.At(i).ScopeLogs().All() {
					n += sl.LogRecords().Len()
				}
			}
			return fmt.Sprintf("%d log records", n)
		})
}

// route hands the n resources of one consume call to their tenants' cores:
// whole passes the data as it came to one core, part moves the resources
// at idx to c, count says how many items resources hold. What no tenant takes
// is refused with a permanent error naming the tenant; the rest is
// consumed all the same.
func (r *router) route(ctx context.Context, n int,
	resource func(int) pcommon.Resource,
	whole func(*core) error,
	part func(c *core, idx []int) error,
	count func(idx []int) string,
) error {
	all := func() []int {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	if r.tenants.From == TenantFromHeader {
		c, err := r.fromHeader(ctx)
		if err != nil {
			return refuse(count(all()), err.Error())
		}
		return whole(c)
	}

	groups := make(map[*core][]int)
	var order []*core
	var refusedIdx []int
	var refusals []string
	for i := range n {
		c, err := r.fromResource(resource(i))
		if err != nil {
			refusedIdx = append(refusedIdx, i)
			if msg := err.Error(); !slices.Contains(refusals, msg) {
				refusals = append(refusals, msg)
			}
			continue
		}
		if _, seen := groups[c]; !seen {
			order = append(order, c)
		}
		groups[c] = append(groups[c], i)
	}
	if len(refusedIdx) == 0 && len(order) == 1 {
		return whole(order[0]) // the common case: no copy
	}
	var errs []error
	for _, c := range order {
		if err := part(c, groups[c]); err != nil {
			errs = append(errs, err)
		}
	}
	if len(refusedIdx) > 0 {
		errs = append(errs, refuse(count(refusedIdx), strings.Join(refusals, "; ")))
	}
	return joinConsumeErrors(errs)
}

// tenantHandle is one pipeline's use of a router: the component the
// collector starts, feeds and shuts down.
type tenantHandle struct {
	router       *router
	cfg          *Config
	shutdownOnce sync.Once
	shutdownErr  error
}

func (h *tenantHandle) Start(ctx context.Context, host component.Host) error {
	return h.router.start(ctx, host)
}

func (h *tenantHandle) Shutdown(ctx context.Context) error {
	h.shutdownOnce.Do(func() { h.shutdownErr = h.router.release(ctx, h.cfg) })
	return h.shutdownErr
}

// Capabilities says that a batch split by resource is taken apart: its
// resources move to their tenants' parts rather than being copied (a copy
// cost as much as half the exporter's own work per span, see
// BenchmarkTenantRoute); the collector copies the data for us only when
// another consumer shares it.
func (h *tenantHandle) Capabilities() consumer.Capabilities {
	return consumer.Capabilities{MutatesData: h.router.tenants.From == TenantFromResource}
}

// tenantTraces is the traces pipeline's component with tenants.
type tenantTraces struct{ tenantHandle }

var _ exporter.Traces = (*tenantTraces)(nil)

func (e *tenantTraces) ConsumeTraces(ctx context.Context, td ptrace.Traces) error {
	return e.router.consumeTraces(ctx, td)
}

// tenantLogs is the logs pipeline's component with tenants.
type tenantLogs struct{ tenantHandle }

var _ exporter.Logs = (*tenantLogs)(nil)

func (e *tenantLogs) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	return e.router.consumeLogs(ctx, ld)
}

func createTenantTraces(ctx context.Context, set exporter.Settings, cfg *Config) (exporter.Traces, error) {
	r, err := acquireRouter(ctx, cfg, set)
	if err != nil {
		return nil, err
	}
	return &tenantTraces{tenantHandle{router: r, cfg: cfg}}, nil
}

func createTenantLogs(ctx context.Context, set exporter.Settings, cfg *Config) (exporter.Logs, error) {
	r, err := acquireRouter(ctx, cfg, set)
	if err != nil {
		return nil, err
	}
	r.takesLogs()
	return &tenantLogs{tenantHandle{router: r, cfg: cfg}}, nil
}
