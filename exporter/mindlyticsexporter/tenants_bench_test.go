package mindlyticsexporter

import (
	"context"
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// BenchmarkTenantRoute is what the tenants' router adds to a consume call
// of benchTraces' 1 020 spans, the exporter's own work left out (a core
// that takes the data and does nothing): header, the tenant read from
// client metadata; resource, one tenant's resource (no copy); mixed, three
// tenants' resources of 340 spans each, each moved into its tenant's part.
func BenchmarkTenantRoute(b *testing.B) {
	const runs = 340
	taken := func(*core, context.Context, ptrace.Traces) error { return nil }
	newRouter := func(from string) *router {
		tc := defaultTenantsConfig()
		tc.From, tc.Key = from, "X-Mindlytics-Project"
		r := &router{tenants: tc, byName: map[string]*core{}}
		for _, name := range []string{"acme", "globex", "initech"} {
			r.byName[name] = &core{}
		}
		return r
	}
	tenantBatch := func(tenants ...string) ptrace.Traces {
		td := ptrace.NewTraces()
		for i, tenant := range tenants {
			one := benchTraces(i*runs, runs/len(tenants))
			rs := one.ResourceSpans().At(0)
			rs.Resource().Attributes().PutStr("X-Mindlytics-Project", tenant)
			rs.MoveTo(td.ResourceSpans().AppendEmpty())
		}
		return td
	}
	for _, bc := range []struct {
		name, from string
		td         ptrace.Traces
		apart      bool // routing takes the batch apart: each round gets a fresh one
	}{
		{"header", TenantFromHeader, benchTraces(0, runs), false},
		{"resource", TenantFromResource, tenantBatch("acme"), false},
		{"mixed", TenantFromResource, tenantBatch("acme", "globex", "initech"), true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r, ctx := newRouter(bc.from), fromTenant("globex")
			spans := bc.td.SpanCount()
			td := bc.td
			b.ReportAllocs()
			for b.Loop() {
				if bc.apart {
					b.StopTimer()
					td = ptrace.NewTraces()
					bc.td.CopyTo(td)
					b.StartTimer()
				}
				if err := r.routeTraces(ctx, td, taken); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*spans), "ns/span")
		})
	}
}
