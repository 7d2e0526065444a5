package mindlyticsexporter

import (
	"fmt"
	"slices"
	"strings"

	"go.opentelemetry.io/collector/config/configopaque"
)

// TenantsConfig is the tenants block: where a request's tenant is read,
// the project of each tenant, and what becomes of a request whose tenant
// is not one of them. README.md ("A project per tenant") shows it in use.
type TenantsConfig struct {
	// From is where the tenant is read: TenantFromHeader (client metadata,
	// which needs the receiver's include_metadata and, behind a batch
	// processor, its metadata_keys) or TenantFromResource (a resource
	// attribute of each resource's spans or log records).
	From string `mapstructure:"from"`

	// Key is the header (case-insensitive) or the resource attribute
	// holding the tenant's name.
	Key string `mapstructure:"key"`

	// Projects maps each tenant's name, as the header or attribute holds
	// it (case-sensitive), to its project.
	Projects map[string]TenantProject `mapstructure:"projects"`

	// Unknown is what becomes of data with no tenant or one not in
	// Projects: UnknownRefuse returns a permanent error naming the tenant
	// to the receiver (and so to the client); UnknownDefault sends it to
	// the exporter's own api_key and project_id.
	Unknown string `mapstructure:"unknown"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// TenantProject is one tenant's Mindlytics project.
type TenantProject struct {
	// APIKey is sent as "Authorization: Bearer <api_key>". Never logged.
	APIKey configopaque.String `mapstructure:"api_key"`
	// ProjectID is sent in X-App-ID.
	ProjectID string `mapstructure:"project_id"`
}

// The values of tenants::from and tenants::unknown.
const (
	TenantFromHeader   = "header"
	TenantFromResource = "resource"

	UnknownRefuse  = "refuse"
	UnknownDefault = "default"
)

// DefaultTenantHeader is tenants::key's default: the header the clients of
// a multi-tenant collector name their project in.
const DefaultTenantHeader = "X-Mindlytics-Project"

// maxTenantName bounds a tenant's name: it is part of the names of the
// tenant's metrics and storage.
const maxTenantName = 64

// defaultTenantsConfig is what a tenants block starts from.
func defaultTenantsConfig() TenantsConfig {
	return TenantsConfig{From: TenantFromHeader, Key: DefaultTenantHeader, Unknown: UnknownRefuse}
}

// validate checks the block; apiKey and projectID are the exporter's own,
// the default project. Errors name the key, never a key's value.
func (t *TenantsConfig) validate(apiKey configopaque.String, projectID string) []error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("tenants::%s: %s", field, fmt.Sprintf(format, args...)))
	}
	switch t.From {
	case TenantFromHeader, TenantFromResource:
	default:
		add("from", "is %q; it must be %q or %q", t.From, TenantFromHeader, TenantFromResource)
	}
	if strings.TrimSpace(t.Key) == "" || hasControl(t.Key) {
		add("key", "is %q; it must name the header or resource attribute holding the tenant", t.Key)
	}
	switch t.Unknown {
	case UnknownDefault:
	case UnknownRefuse:
		// No default project: api_key and project_id would be kept but
		// never used.
		if apiKey != "" || projectID != "" {
			errs = append(errs, fmt.Errorf("api_key, project_id: not used with tenants::unknown: %s; remove them, or set unknown: %s to send unknown tenants there", UnknownRefuse, UnknownDefault))
		}
	default:
		add("unknown", "is %q; it must be %q or %q", t.Unknown, UnknownRefuse, UnknownDefault)
	}
	if len(t.Projects) == 0 {
		add("projects", "required: at least one tenant")
	}
	names := make([]string, 0, len(t.Projects))
	for name := range t.Projects {
		names = append(names, name)
	}
	slices.Sort(names) // errors in a stable order
	for _, name := range names {
		if err := checkTenantName(name); err != nil {
			add("projects", "tenant %q: %v", name, err)
			continue
		}
		p := t.Projects[name]
		errs = append(errs, checkProject("tenants::projects::"+name+"::", p.APIKey, p.ProjectID)...)
	}
	return errs
}

// checkTenantName accepts letters, digits, '.', '_' and '-': the name is
// matched against what clients send and becomes part of the tenant's
// component id (its metrics, its storage).
func checkTenantName(name string) error {
	if name == "" || len(name) > maxTenantName {
		return fmt.Errorf("a name must have 1 to %d characters", maxTenantName)
	}
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
		default:
			return fmt.Errorf("%q is not allowed: use letters, digits, '.', '_' and '-'", r)
		}
	}
	return nil
}
