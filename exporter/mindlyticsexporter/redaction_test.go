package mindlyticsexporter

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticsexporter/internal/metadata"
	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticsexporter/internal/metadatatest"
	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
	"github.com/mindlytics/mindlytics-otel/redaction"
)

func loadRedaction(t *testing.T, name string) (*Config, error) {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "redaction.yaml"))
	require.NoError(t, err)
	sub, err := cm.Sub(component.NewIDWithName(metadata.Type, name).String())
	require.NoError(t, err)
	cfg := createDefaultConfig().(*Config)
	if err := sub.Unmarshal(cfg); err != nil {
		return cfg, err
	}
	return cfg, cfg.Validate()
}

func TestConfigRedaction(t *testing.T) {
	cfg, err := loadRedaction(t, "absent")
	require.NoError(t, err)
	assert.Nil(t, cfg.Redaction, "off by default")

	cfg, err = loadRedaction(t, "defaults")
	require.NoError(t, err)
	assert.Equal(t, &redaction.Config{}, cfg.Redaction, "an empty block: every built-in detector")

	cfg, err = loadRedaction(t, "full")
	require.NoError(t, err)
	assert.Equal(t, &redaction.Config{
		Detectors: []string{"email", "card"},
		Patterns:  []redaction.Pattern{{Name: "order", Regexp: `ORD-\d{6}`}},
	}, cfg.Redaction)

	_, err = loadRedaction(t, "invalid")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `redaction::detectors[0] (WithRedaction): "mail" is not one of`)
	assert.Contains(t, err.Error(), `redaction::patterns[0]::regexp (WithRedaction): error parsing regexp`)

	_, err = loadRedaction(t, "func")
	require.Error(t, err, "the function is in-process only")
	assert.Contains(t, err.Error(), "func")
}

// tap is a proxy in front of the loopback server that keeps the bodies it
// forwards: the bytes on the wire.
type tap struct {
	*httptest.Server
	mu     sync.Mutex
	bodies bytes.Buffer
}

func newTap(t *testing.T, target string) *tap {
	u, err := url.Parse(target)
	require.NoError(t, err)
	tp := &tap{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	tp.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		tp.mu.Lock()
		tp.bodies.Write(b)
		tp.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(b))
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(tp.Close)
	return tp
}

func (tp *tap) String() string {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	return tp.bodies.String()
}

// piiTraces is a turn and a tool call with personal data in their texts,
// JSON arguments and a span attribute that becomes a property.
func piiTraces() ptrace.Traces {
	td := ptrace.NewTraces()
	ss := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty()
	turn := ss.Spans().AppendEmpty()
	turn.SetName("chat")
	turn.SetTraceID([16]byte{1})
	turn.SetSpanID([8]byte{1})
	turn.SetStartTimestamp(1_700_000_000_000_000_000)
	turn.SetEndTimestamp(1_700_000_001_000_000_000)
	a := turn.Attributes()
	a.PutStr("session.id", "s-pii")
	a.PutStr("user.id", "u1")
	a.PutStr("mindlytics.event", "turn")
	a.PutStr("mindlytics.turn.user", "I am jane.doe@example.com, card 4111 1111 1111 1111")
	a.PutStr("mindlytics.turn.assistant", "Refund to DE89 3704 0044 0532 0130 00 for ORD-482913")
	call := ss.Spans().AppendEmpty()
	call.SetName("execute_tool lookup")
	call.SetTraceID([16]byte{1})
	call.SetSpanID([8]byte{2})
	call.SetStartTimestamp(1_700_000_002_000_000_000)
	call.SetEndTimestamp(1_700_000_003_000_000_000)
	c := call.Attributes()
	c.PutStr("session.id", "s-pii")
	c.PutStr("user.id", "u1")
	c.PutStr("gen_ai.operation.name", "execute_tool")
	c.PutStr("gen_ai.tool.name", "lookup")
	c.PutStr("gen_ai.tool.call.arguments", `{"email":"joe@example.org","n":1}`)
	c.PutStr("mindlytics.properties.contact", "ops@example.net")
	return td
}

// TestComponentRedactsOnTheWire: through the factory, the queue and the
// HTTP client, the bytes sent hold the markers and not the values, and
// the redactions metric counts per detector. Without the block the values
// go out (so the test can fail).
func TestComponentRedactsOnTheWire(t *testing.T) {
	values := []string{"jane.doe@example.com", "4111 1111 1111 1111", "DE89 3704 0044 0532 0130 00", "ORD-482913", "joe@example.org", "ops@example.net"}
	// run sends piiTraces and returns the bytes sent; check reads the
	// metrics before shutdown, which unregisters their callbacks.
	run := func(t *testing.T, r *redaction.Config, check func(*componenttest.Telemetry)) string {
		srv := mindlyticstest.NewServer()
		defer srv.Close()
		tp := newTap(t, srv.URL)
		cfg := testConfig(srv)
		cfg.ClientConfig.Endpoint = tp.URL
		cfg.Redaction = r
		require.NoError(t, cfg.Validate())
		set, tel := settings(t)
		te, err := NewFactory().CreateTraces(context.Background(), set, cfg)
		require.NoError(t, err)
		require.NoError(t, te.Start(context.Background(), componenttest.NewNopHost()))
		require.NoError(t, te.ConsumeTraces(context.Background(), piiTraces()))
		_, err = srv.WaitForEvents(testkit.Context(t, testkit.Wait), 4) // start, conversation, turn, function
		require.NoError(t, err)
		check(tel)
		require.NoError(t, te.Shutdown(context.Background()))
		assert.Empty(t, srv.Violations())
		return tp.String()
	}

	t.Run("off", func(t *testing.T) {
		wire := run(t, nil, func(tel *componenttest.Telemetry) {
			_, err := tel.GetMetric("otelcol_exporter_mindlytics_redactions")
			assert.Error(t, err, "no metric when redaction is off")
		})
		for _, v := range values {
			assert.Contains(t, wire, v)
		}
	})

	t.Run("on", func(t *testing.T) {
		dp := func(det string, n int64) metricdata.DataPoint[int64] {
			return metricdata.DataPoint[int64]{Value: n, Attributes: attribute.NewSet(attribute.String("detector", det))}
		}
		wire := run(t, &redaction.Config{Patterns: []redaction.Pattern{{Name: "order", Regexp: `ORD-\d{6}`}}}, func(tel *componenttest.Telemetry) {
			metadatatest.AssertEqualExporterMindlyticsRedactions(t, tel, []metricdata.DataPoint[int64]{
				dp("email", 3), dp("phone", 0), dp("card", 1), dp("iban", 1), dp("ssn", 0), dp("ip", 0), dp("key", 0), dp("order", 1),
			}, metricdatatest.IgnoreTimestamp())
		})
		for _, v := range values {
			assert.NotContains(t, wire, v)
		}
		for _, m := range []string{"[email]", "[card]", "[iban]", "[order]", `{\"email\":\"[email]\",\"n\":1}`} {
			assert.Contains(t, wire, m)
		}
		assert.Contains(t, wire, `"session_id":"s-pii"`, "ids are never redacted")
	})
}
