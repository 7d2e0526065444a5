package mindlyticsexporter

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.opentelemetry.io/collector/client"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// tenantError is data refused for its tenant: the client's mistake, which
// the OTLP receiver answers with InvalidArgument (HTTP 400) and the
// message, rather than as an error of the collector's (500).
type tenantError struct{ msg string }

func (e *tenantError) Error() string { return e.msg }

func (e *tenantError) GRPCStatus() *status.Status { return status.New(codes.InvalidArgument, e.msg) }

// refuse is the permanent error refusing what (a count of items) for why.
func refuse(what, why string) error {
	return consumererror.NewPermanent(&tenantError{msg: fmt.Sprintf("mindlytics exporter: refused %s: %s", what, why)})
}

// joinConsumeErrors keeps the errors of the tenants' cores as the receiver
// reads them: permanent only when every one is, so that what a tenant's
// full queue refused is retried by the client even when another part of
// the data was refused for good.
func joinConsumeErrors(errs []error) error {
	var retry []error
	var perm []string
	for _, err := range errs {
		if consumererror.IsPermanent(err) {
			perm = append(perm, err.Error())
		} else {
			retry = append(retry, err)
		}
	}
	switch {
	case len(errs) == 0:
		return nil
	case len(retry) == 0:
		return errors.Join(errs...)
	case len(perm) == 0:
		return errors.Join(retry...)
	default:
		return fmt.Errorf("%w; and for good: %s", errors.Join(retry...), strings.Join(perm, "; "))
	}
}

// fromHeader picks the core of the tenant the request's client metadata
// names.
func (r *router) fromHeader(ctx context.Context) (*core, error) {
	key := r.tenants.Key
	vals := client.FromContext(ctx).Metadata.Get(key)
	name := ""
	for _, v := range vals {
		if name != "" && v != name {
			return nil, fmt.Errorf("header %s names two tenants, %q and %q", key, clip(name), clip(v))
		}
		name = v
	}
	return r.pick(name, "header "+key)
}

// fromResource picks the core of the tenant a resource attribute names.
func (r *router) fromResource(res pcommon.Resource) (*core, error) {
	key := r.tenants.Key
	v, ok := res.Attributes().Get(key)
	if ok && v.Type() != pcommon.ValueTypeStr {
		return nil, fmt.Errorf("resource attribute %s is a %s, not a string naming a tenant", key, v.Type())
	}
	return r.pick(v.Str(), "resource attribute "+key)
}

// pick returns the core of tenant name (read from source), the default
// project's when it has none, or an error naming the tenant (never a key).
func (r *router) pick(name, source string) (*core, error) {
	if c, ok := r.byName[name]; ok {
		return c, nil
	}
	if r.fallback != nil {
		return r.fallback, nil
	}
	if name == "" {
		return nil, fmt.Errorf("no tenant: the %s is missing (tenants::unknown: %s)", source, UnknownRefuse)
	}
	return nil, fmt.Errorf("tenant %q (%s) is not one of tenants::projects (tenants::unknown: %s)", clip(name), source, UnknownRefuse)
}

// clip bounds what a client sent before it goes into an error.
func clip(s string) string {
	const most = 2 * maxTenantName
	if len(s) > most {
		return s[:most] + "…"
	}
	return s
}
