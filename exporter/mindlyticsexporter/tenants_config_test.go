package mindlyticsexporter

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticsexporter/internal/metadata"
)

// loadTenantsConfig reads the exporter id name of testdata/tenants.yaml
// over the defaults and validates it, as the collector does.
func loadTenantsConfig(t *testing.T, name string) (*Config, error) {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "tenants.yaml"))
	require.NoError(t, err)
	sub, err := cm.Sub(component.NewIDWithName(metadata.Type, name).String())
	require.NoError(t, err)
	cfg := createDefaultConfig().(*Config)
	require.NoError(t, sub.Unmarshal(cfg))
	return cfg, cfg.Validate()
}

func TestTenantsAreOffByDefault(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	assert.False(t, cfg.Tenants.HasValue())
}

func TestTenantsFromHeaderWithDefault(t *testing.T) {
	cfg, err := loadTenantsConfig(t, "header_default")
	require.NoError(t, err)
	tc := cfg.Tenants.Get()
	require.NotNil(t, tc)
	assert.Equal(t, TenantFromHeader, tc.From, "the default")
	assert.Equal(t, "X-Mindlytics-Project", tc.Key, "the default")
	assert.Equal(t, UnknownDefault, tc.Unknown)
	assert.Equal(t, map[string]TenantProject{
		"Acme":      {APIKey: "acme-key", ProjectID: "acme-project"},
		"globex.eu": {APIKey: "globex-key", ProjectID: "globex-project"},
	}, tc.Projects, "names keep their case")
	assert.Equal(t, configopaque.String("default-key"), cfg.APIKey)
}

func TestTenantsFromResourceRefusing(t *testing.T) {
	cfg, err := loadTenantsConfig(t, "resource_refuse")
	require.NoError(t, err, "no api_key or project_id needed: there is no default project")
	tc := cfg.Tenants.Get()
	assert.Equal(t, TenantFromResource, tc.From)
	assert.Equal(t, "mindlytics.project", tc.Key)
	assert.Equal(t, UnknownRefuse, tc.Unknown, "the default")
}

func TestTenantsInvalid(t *testing.T) {
	for _, tt := range []struct {
		name string
		want []string
	}{
		{"invalid", []string{
			`tenants::from: is "metadata"; it must be "header" or "resource"`,
			`tenants::key: is ""; it must name the header or resource attribute holding the tenant`,
			`tenants::unknown: is "drop"; it must be "refuse" or "default"`,
			`tenants::projects: tenant "bad name": ' ' is not allowed: use letters, digits, '.', '_' and '-'`,
			"tenants::projects::nokey::api_key: required",
			"tenants::projects::noproject::project_id: required",
			"project_id: required", // of the default project: unknown is not refuse
		}},
		{"refuse_with_default", []string{
			"api_key, project_id: not used with tenants::unknown: refuse; remove them, or set unknown: default to send unknown tenants there",
		}},
		{"default_without_project", []string{"api_key: required", "project_id: required"}},
		{"empty", []string{"tenants::projects: required: at least one tenant"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadTenantsConfig(t, tt.name)
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.NotContains(t, err.Error(), "secret", "a key is never in an error")
		})
	}
}
