package mindlyticsexporter

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/client"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// tenantServer is a Mindlytics service of one tenant's project: it
// refuses (401) a request with another tenant's key or project, so an
// event it holds was sent with its tenant's credentials.
func tenantServer(t *testing.T, name string) *mindlyticstest.Server {
	t.Helper()
	srv := mindlyticstest.NewServer(
		mindlyticstest.WithAPIKey("key-"+name),
		mindlyticstest.WithProjectID("project-"+name))
	t.Cleanup(srv.Close)
	return srv
}

// tenantsConfig is a configuration whose tenants each have a server of
// their own, reading the tenant from from. The shared endpoint is a
// placeholder: each tenant's core is pointed at its server (the HTTP
// settings are shared in a real configuration, the service being one).
func tenantsConfig(from, unknown string, def *mindlyticstest.Server, servers map[string]*mindlyticstest.Server) *Config {
	cfg := createDefaultConfig().(*Config)
	cfg.RetryConfig.InitialInterval = 10 * time.Millisecond
	cfg.RetryConfig.MaxInterval = 50 * time.Millisecond
	tc := defaultTenantsConfig()
	tc.From, tc.Unknown = from, unknown
	if from == TenantFromResource {
		tc.Key = "mindlytics.project"
	}
	tc.Projects = map[string]TenantProject{}
	for name, srv := range servers {
		tc.Projects[name] = TenantProject{APIKey: configopaque.String(srv.APIKey), ProjectID: srv.ProjectID}
	}
	if def != nil {
		cfg.APIKey, cfg.ProjectID = configopaque.String(def.APIKey), def.ProjectID
	}
	cfg.Tenants = configoptional.Some(tc)
	return cfg
}

// startTenants creates and starts the traces and logs exporters of cfg,
// pointing each tenant's core at its server (def for the default
// project), and shuts them down when the test ends.
func startTenants(t *testing.T, cfg *Config, def *mindlyticstest.Server, servers map[string]*mindlyticstest.Server, host component.Host) (exporter.Traces, exporter.Logs, *router) {
	t.Helper()
	require.NoError(t, cfg.Validate())
	set, _ := settings(t)
	f := NewFactory()
	te, err := f.CreateTraces(context.Background(), set, cfg)
	require.NoError(t, err)
	le, err := f.CreateLogs(context.Background(), set, cfg)
	require.NoError(t, err)
	r := te.(*tenantTraces).router
	require.Same(t, r, le.(*tenantLogs).router, "the traces and logs pipelines share the tenants")
	for name, c := range r.byName {
		c.cfg.ClientConfig.Endpoint = servers[name].URL
	}
	if r.fallback != nil {
		r.fallback.cfg.ClientConfig.Endpoint = def.URL
	}
	require.NoError(t, te.Start(context.Background(), host))
	require.NoError(t, le.Start(context.Background(), host))
	t.Cleanup(func() {
		require.NoError(t, te.Shutdown(context.Background()))
		require.NoError(t, le.Shutdown(context.Background()))
		routers.Lock()
		defer routers.Unlock()
		assert.Empty(t, routers.m, "the last shutdown forgets the router")
	})
	return te, le, r
}

// fromTenant is a receiver's context for a request with the header
// X-Mindlytics-Project: values (include_metadata: true).
func fromTenant(values ...string) context.Context {
	return client.NewContext(context.Background(), client.Info{
		Metadata: client.NewMetadata(map[string][]string{"x-mindlytics-project": values}),
	})
}

// tenantSession is one GenAI span of session sid: start_session,
// Conversation Started and its usage, then, at shutdown, the ends.
func tenantSession(sid string, trace byte) ptrace.Traces {
	return spansOf(pcommon.TraceID{trace}, sessionSpan(sid, 1, 0))
}

// sessionsOf returns the sessions events arrived for, sorted.
func sessionsOf(events []mindlytics.Event) []string {
	var out []string
	for _, ev := range events {
		if !slices.Contains(out, ev.SessionID) {
			out = append(out, ev.SessionID)
		}
	}
	slices.Sort(out)
	return out
}

func TestTenantsFromHeader(t *testing.T) {
	acme, globex := tenantServer(t, "acme"), tenantServer(t, "globex")
	servers := map[string]*mindlyticstest.Server{"acme": acme, "globex": globex}
	te, _, _ := startTenants(t, tenantsConfig(TenantFromHeader, UnknownRefuse, nil, servers), nil, servers, componenttest.NewNopHost())
	assert.False(t, te.Capabilities().MutatesData, "a request goes whole to its tenant")

	require.NoError(t, te.ConsumeTraces(fromTenant("acme"), tenantSession("s-acme", 1)))
	require.NoError(t, te.ConsumeTraces(fromTenant("globex"), tenantSession("s-globex", 2)))
	require.NoError(t, te.ConsumeTraces(fromTenant("acme", "acme"), tenantSession("s-acme-2", 3)), "a repeated header is one tenant")

	_, err := acme.WaitForEvents(testkit.Context(t, testkit.Wait), 6)
	require.NoError(t, err)
	_, err = globex.WaitForEvents(testkit.Context(t, testkit.Wait), 3)
	require.NoError(t, err)
	assert.Equal(t, []string{"s-acme", "s-acme-2"}, sessionsOf(acme.Events()))
	assert.Equal(t, []string{"s-globex"}, sessionsOf(globex.Events()))
	for _, srv := range []*mindlyticstest.Server{acme, globex} {
		for _, r := range srv.Requests() {
			assert.NotContains(t, []int{401, 403}, r.Status, "each tenant's key and project: %+v", r)
		}
		assert.Empty(t, srv.Violations())
	}
}

func TestTenantsUnknownAreRefused(t *testing.T) {
	acme := tenantServer(t, "acme")
	servers := map[string]*mindlyticstest.Server{"acme": acme}
	te, le, _ := startTenants(t, tenantsConfig(TenantFromHeader, UnknownRefuse, nil, servers), nil, servers, componenttest.NewNopHost())

	for _, tt := range []struct {
		name string
		ctx  context.Context
		want string
	}{
		{"unknown tenant", fromTenant("initech"), `mindlytics exporter: refused 1 spans: tenant "initech" (header X-Mindlytics-Project) is not one of tenants::projects (tenants::unknown: refuse)`},
		{"another case", fromTenant("ACME"), `tenant "ACME" (header X-Mindlytics-Project) is not one of tenants::projects`},
		{"no header", context.Background(), "refused 1 spans: no tenant: the header X-Mindlytics-Project is missing"},
		{"two tenants", fromTenant("acme", "initech"), `header X-Mindlytics-Project names two tenants, "acme" and "initech"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := te.ConsumeTraces(tt.ctx, tenantSession("s-"+tt.name, 9))
			require.Error(t, err)
			assert.True(t, consumererror.IsPermanent(err), "the client must not retry it: %v", err)
			assert.Equal(t, codes.InvalidArgument, status.Code(err), "the receiver answers 400, not 500")
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "key-acme", "a key is never in an error")
		})
	}
	ld := plog.NewLogs()
	ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().SetEventName("gen_ai.user.message")
	err := le.ConsumeLogs(fromTenant("initech"), ld)
	assert.True(t, consumererror.IsPermanent(err))
	assert.ErrorContains(t, err, `refused 1 log records: tenant "initech"`)

	// The refusals lost nothing else: acme's data still goes through.
	require.NoError(t, te.ConsumeTraces(fromTenant("acme"), tenantSession("s-acme", 1)))
	_, err = acme.WaitForEvents(testkit.Context(t, testkit.Wait), 3)
	require.NoError(t, err)
	assert.Equal(t, []string{"s-acme"}, sessionsOf(acme.Events()))
}

func TestTenantsUnknownGoToTheDefault(t *testing.T) {
	acme, def := tenantServer(t, "acme"), tenantServer(t, "default")
	servers := map[string]*mindlyticstest.Server{"acme": acme}
	te, _, r := startTenants(t, tenantsConfig(TenantFromHeader, UnknownDefault, def, servers), def, servers, componenttest.NewNopHost())

	require.NoError(t, te.ConsumeTraces(fromTenant("acme"), tenantSession("s-acme", 1)))
	require.NoError(t, te.ConsumeTraces(fromTenant("initech"), tenantSession("s-initech", 2)))
	require.NoError(t, te.ConsumeTraces(context.Background(), tenantSession("s-none", 3)))

	_, err := def.WaitForEvents(testkit.Context(t, testkit.Wait), 6)
	require.NoError(t, err)
	_, err = acme.WaitForEvents(testkit.Context(t, testkit.Wait), 3)
	require.NoError(t, err)
	assert.Equal(t, []string{"s-initech", "s-none"}, sessionsOf(def.Events()))
	assert.Equal(t, []string{"s-acme"}, sessionsOf(acme.Events()))
	assert.Equal(t, "mindlytics", r.fallback.set.ID.String(), "the default project keeps the exporter's id (its storage and metrics)")
	assert.Equal(t, "mindlytics/tenant=acme", r.byName["acme"].set.ID.String())
}

func TestTenantsFromResource(t *testing.T) {
	acme, globex := tenantServer(t, "acme"), tenantServer(t, "globex")
	servers := map[string]*mindlyticstest.Server{"acme": acme, "globex": globex}
	te, _, _ := startTenants(t, tenantsConfig(TenantFromResource, UnknownRefuse, nil, servers), nil, servers, componenttest.NewNopHost())

	// One batch, as a batch processor makes it, of five resources: two
	// tenants, one unknown, one without the attribute, one not a string.
	td := ptrace.NewTraces()
	for i, tenant := range []any{"acme", "globex", "initech", nil, 7, "acme"} {
		one := tenantSession(fmt.Sprintf("s-%d", i), byte(i+1))
		rs := one.ResourceSpans().At(0)
		if tenant != nil {
			require.NoError(t, rs.Resource().Attributes().FromRaw(map[string]any{"mindlytics.project": tenant}))
		}
		rs.MoveTo(td.ResourceSpans().AppendEmpty())
	}
	assert.True(t, te.Capabilities().MutatesData, "a batch is split by moving its resources")
	err := te.ConsumeTraces(fromTenant("globex"), td) // the header is not what counts here
	require.Error(t, err)
	assert.True(t, consumererror.IsPermanent(err))
	assert.Contains(t, err.Error(), `refused 3 spans: tenant "initech" (resource attribute mindlytics.project) is not one of tenants::projects`)
	assert.Contains(t, err.Error(), "no tenant: the resource attribute mindlytics.project is missing")
	assert.Contains(t, err.Error(), "resource attribute mindlytics.project is a Int, not a string naming a tenant")

	// The known tenants' resources were taken all the same.
	_, err = acme.WaitForEvents(testkit.Context(t, testkit.Wait), 6)
	require.NoError(t, err)
	_, err = globex.WaitForEvents(testkit.Context(t, testkit.Wait), 3)
	require.NoError(t, err)
	assert.Equal(t, []string{"s-0", "s-5"}, sessionsOf(acme.Events()))
	assert.Equal(t, []string{"s-1"}, sessionsOf(globex.Events()))
}

// TestTenantsAreSentApart: while one tenant's service refuses everything
// (an outage its retries wait out), the other two tenants' events all
// arrive; the refusing tenant's queue fills and refuses its own data
// only, and once its service is back its queue is delivered.
func TestTenantsAreSentApart(t *testing.T) {
	acme, globex, initech := tenantServer(t, "acme"), tenantServer(t, "globex"), tenantServer(t, "initech")
	servers := map[string]*mindlyticstest.Server{"acme": acme, "globex": globex, "initech": initech}
	cfg := tenantsConfig(TenantFromHeader, UnknownRefuse, nil, servers)
	q := cfg.QueueConfig.Get()
	q.QueueSize = 4 // requests: initech's backlog fills it at once
	q.Batch = configoptional.None[exporterhelper.BatchConfig]()
	initech.Down(time.Hour)
	te, _, _ := startTenants(t, cfg, nil, servers, componenttest.NewNopHost())
	t.Cleanup(initech.ClearFaults) // before the shutdown, should the test stop early

	const rounds = 30
	refused := 0
	for i := range rounds {
		consumeAsAClient(t, te, fromTenant("acme"), tenantSession(fmt.Sprintf("a-%02d", i), 1))
		consumeAsAClient(t, te, fromTenant("globex"), tenantSession(fmt.Sprintf("g-%02d", i), 2))
		if err := te.ConsumeTraces(fromTenant("initech"), tenantSession(fmt.Sprintf("i-%02d", i), 3)); err != nil {
			assert.False(t, consumererror.IsPermanent(err), "a full queue is retried by the client: %v", err)
			refused++
		}
	}
	_, err := acme.WaitForEvents(testkit.Context(t, testkit.Wait), 3*rounds)
	require.NoError(t, err)
	_, err = globex.WaitForEvents(testkit.Context(t, testkit.Wait), 3*rounds)
	require.NoError(t, err)
	assert.Len(t, sessionsOf(acme.Events()), rounds)
	assert.Len(t, sessionsOf(globex.Events()), rounds)
	assert.Empty(t, initech.Events(), "initech's service is down")
	assert.Positive(t, refused, "initech's own queue filled and refused its data")
	assert.NotEmpty(t, initech.Requests(), "initech's sender kept trying")

	// Back up: what initech's queue took is delivered.
	initech.ClearFaults()
	accepted := rounds - refused
	_, err = initech.WaitForEvents(testkit.Context(t, testkit.Wait), 3*accepted)
	require.NoError(t, err)
	assert.Len(t, sessionsOf(initech.Events()), accepted)
	for _, srv := range servers {
		assert.Empty(t, srv.Violations())
	}
}

// consumeAsAClient hands td over as an OTLP client does: again while the
// exporter refuses it with a retryable error (a full queue).
func consumeAsAClient(t *testing.T, te exporter.Traces, ctx context.Context, td ptrace.Traces) {
	t.Helper()
	wait := testkit.Context(t, testkit.Wait)
	for {
		err := te.ConsumeTraces(ctx, td)
		if err == nil {
			return
		}
		require.False(t, consumererror.IsPermanent(err), "%v", err)
		select {
		case <-wait.Done():
			require.NoError(t, err, "still refused")
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// TestTenantsHaveTheirOwnStorage: with sending_queue::storage, each
// tenant's queue and lifecycle state are storage clients of its own.
func TestTenantsHaveTheirOwnStorage(t *testing.T) {
	acme, globex, def := tenantServer(t, "acme"), tenantServer(t, "globex"), tenantServer(t, "default")
	servers := map[string]*mindlyticstest.Server{"acme": acme, "globex": globex}
	cfg := tenantsConfig(TenantFromHeader, UnknownDefault, def, servers)
	cfg.QueueConfig.Get().StorageID = &storageID
	st := newMemStorage()
	te, _, _ := startTenants(t, cfg, def, servers, storageHost{storageID, st})

	require.NoError(t, te.ConsumeTraces(fromTenant("acme"), tenantSession("s-acme", 1)))
	require.NoError(t, te.ConsumeTraces(fromTenant("globex"), tenantSession("s-globex", 2)))
	_, err := acme.WaitForEvents(testkit.Context(t, testkit.Wait), 3)
	require.NoError(t, err)
	_, err = globex.WaitForEvents(testkit.Context(t, testkit.Wait), 3)
	require.NoError(t, err)

	st.mu.Lock()
	defer st.mu.Unlock()
	for _, id := range []string{"mindlytics", "mindlytics/tenant=acme", "mindlytics/tenant=globex"} {
		for _, client := range []string{durableClientName, stateClientName} {
			assert.Contains(t, st.data, component.KindExporter.String()+"/"+id+"/"+client)
		}
	}
}
