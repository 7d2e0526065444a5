package collectore2e

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// tenantEmitter is an application of one tenant: the OTel SDK exporting
// OTLP over HTTP with the header naming its tenant.
func tenantEmitter(t *testing.T, endpoint, tenant string) *emitter {
	t.Helper()
	exp, err := otlptracehttp.New(context.Background(),
		otlptracehttp.WithEndpoint(endpoint), otlptracehttp.WithInsecure(),
		otlptracehttp.WithHeaders(map[string]string{"X-Mindlytics-Project": tenant}))
	require.NoError(t, err)
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exp),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", tenant+"-chatbot"))),
	)
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return &emitter{tp: tp, tracer: tp.Tracer("e2e")}
}

// oneService is the Mindlytics service of several projects behind one
// endpoint: each request goes to the server of the project its X-App-ID
// names, which checks the key too (401 otherwise); an unknown project is
// refused with 404.
func oneService(t *testing.T, byProject map[string]*mindlyticstest.Server) string {
	t.Helper()
	proxies := map[string]*httputil.ReverseProxy{}
	for project, srv := range byProject {
		u, err := url.Parse(srv.URL)
		require.NoError(t, err)
		proxies[project] = httputil.NewSingleHostReverseProxy(u)
	}
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := proxies[r.Header.Get("X-App-ID")]
		if !ok {
			http.Error(w, "no such project", http.StatusNotFound)
			return
		}
		p.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	return front.URL
}

// TestTenants runs the distribution with tenants.yaml: two tenants'
// applications send through one collector, each naming its tenant in the
// X-Mindlytics-Project header; each tenant's sessions reach its own
// project with its own key, and a third tenant, not configured, is
// refused with 400 and the tenant's name while the others go on.
func TestTenants(t *testing.T) {
	t.Run("shipped", func(t *testing.T) { testTenants(t, nil) })
	// The batch processor keeps the header only with metadata_keys, which
	// then batches each tenant apart.
	t.Run("batch processor with metadata_keys", func(t *testing.T) {
		testTenants(t, []string{
			"processors.batch.metadata_keys=[X-Mindlytics-Project]",
			"processors.batch.timeout=50ms",
			"service.pipelines.traces.processors=[memory_limiter, batch]",
		})
	})
}

func testTenants(t *testing.T, sets []string) {
	batched := len(sets) > 0
	acme := mindlyticstest.NewServer(mindlyticstest.WithAPIKey("acme-key"), mindlyticstest.WithProjectID("acme-project"))
	defer acme.Close()
	globex := mindlyticstest.NewServer(mindlyticstest.WithAPIKey("globex-key"), mindlyticstest.WithProjectID("globex-project"))
	defer globex.Close()
	col := startCollector(t, collectorSpec{name: "tenants", config: "tenants.yaml", env: []string{
		"MLSDK_SERVER_BASE=" + oneService(t, map[string]*mindlyticstest.Server{"acme-project": acme, "globex-project": globex}),
		"ACME_API_KEY=acme-key", "ACME_PROJECT_ID=acme-project",
		"GLOBEX_API_KEY=globex-key", "GLOBEX_PROJECT_ID=globex-project",
	}, sets: sets})

	ea, eg := tenantEmitter(t, col.http, "acme"), tenantEmitter(t, col.http, "globex")
	ea.conventionSession("acme-s", "u-acme", base)
	eg.genAISession("globex-s", "u-globex", base)
	ea.genAISession("acme-s2", "u-acme2", base)
	ea.flush(t)
	eg.flush(t)

	// A tenant the collector does not serve, then no tenant at all.
	td := ptrace.NewTraces()
	td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty().SetName("chat gpt-4o")
	body, err := (&ptrace.JSONMarshaler{}).MarshalTraces(td)
	require.NoError(t, err)
	for tenant, want := range map[string]string{
		"initech": `refused 1 spans: tenant \"initech\" (header X-Mindlytics-Project) is not one of tenants::projects`,
		"":        "refused 1 spans: no tenant: the header X-Mindlytics-Project is missing",
	} {
		req, err := http.NewRequest(http.MethodPost, "http://"+col.http+"/v1/traces", bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		if tenant != "" {
			req.Header.Set("X-Mindlytics-Project", tenant)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if batched {
			// The batch processor answered for data it holds: the refusal
			// comes after, and only its log says it.
			assert.Equal(t, http.StatusOK, resp.StatusCode, "tenant %q: %s", tenant, msg)
			continue
		}
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "tenant %q: %s", tenant, msg)
		assert.Contains(t, string(msg), want)
		assert.NotContains(t, string(msg), "-key", "a key is never in an answer")
	}
	col.stop() // delivers, and ends the sessions still open
	if batched {
		out := col.output.String()
		assert.Contains(t, out, "refused 1 spans: no tenant: the header X-Mindlytics-Project is missing")
		assert.Contains(t, out, "(header X-Mindlytics-Project) is not one of tenants::projects")
		assert.NotContains(t, out, "acme-key")
	}

	requireEvents(t, wantConventionSession(t, "acme-s", "u-acme", base), acme.SessionEvents("acme-s"))
	requireEvents(t, wantGenAISession(t, "acme-s2", "u-acme2", base), acme.SessionEvents("acme-s2"))
	requireEvents(t, wantGenAISession(t, "globex-s", "u-globex", base), globex.SessionEvents("globex-s"))
	assert.Len(t, acme.Sessions(), 2, "acme's project holds acme's sessions only")
	assert.Len(t, globex.Sessions(), 1, "globex's project holds globex's session only")
	for _, srv := range []*mindlyticstest.Server{acme, globex} {
		assert.Empty(t, srv.Violations())
		for _, r := range srv.Requests() {
			assert.Equal(t, http.StatusOK, r.Status, "each tenant's key and project: %+v", r)
		}
	}
}
