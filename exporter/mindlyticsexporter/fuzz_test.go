package mindlyticsexporter

import (
	"encoding/json"
	"testing"
	"time"

	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.yaml.in/yaml/v3"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// Fuzz targets on the component's decoders of outside input: the
// persistent queue's records, OTLP through the consume path, the
// configuration. `go test` runs their seeds; `make fuzz` runs each for a
// while.

func FuzzEventsEncoding(f *testing.F) {
	for _, s := range []string{`{"events":[{"type":"track"}]}`, `{"events":[]}`, `{}`, `null`, `{"events":[null]}`,
		`{"events":["x"]}`, `{"events":[{}, {"a":1}]}`, `[]`, "\xff", `{"events":[{"type":"track"}],"x":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ctx, req, err := eventsEncoding{}.Unmarshal(b)
		if ctx == nil {
			t.Fatal("nil context")
		}
		if err != nil {
			return
		}
		if req.ItemsCount() == 0 {
			t.Fatal("a request without events")
		}
		// What it read, it writes back the same.
		out, err := eventsEncoding{}.Marshal(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		_, again, err := eventsEncoding{}.Unmarshal(out)
		if err != nil || again.ItemsCount() != req.ItemsCount() {
			t.Fatalf("round trip of %q: %v, %d items instead of %d", b, err, again.ItemsCount(), req.ItemsCount())
		}
	})
}

// seedTraces is one GenAI chat span as OTLP protobuf.
func seedTraces() []byte {
	td := ptrace.NewTraces()
	sp := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	sp.SetTraceID(pcommon.TraceID{1})
	sp.SetSpanID(pcommon.SpanID{1})
	sp.SetName("chat gpt-4o")
	sp.SetStartTimestamp(pcommon.NewTimestampFromTime(t0))
	sp.SetEndTimestamp(pcommon.NewTimestampFromTime(t0.Add(time.Second)))
	_ = sp.Attributes().FromRaw(map[string]any{"session.id": "s1", "user.id": "u1", "gen_ai.operation.name": "chat",
		"gen_ai.input.messages":     `[{"role":"user","parts":[{"type":"text","content":"Hi"}]}]`,
		"gen_ai.usage.input_tokens": 3})
	b, _ := (&ptrace.ProtoMarshaler{}).MarshalTraces(td)
	return b
}

func seedLogs() []byte {
	ld := plog.NewLogs()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.SetEventName("gen_ai.user.message")
	lr.SetTimestamp(pcommon.NewTimestampFromTime(t0))
	lr.Attributes().PutStr("session.id", "s1")
	lr.Attributes().PutStr("user.id", "u1")
	lr.Body().SetStr("hello")
	b, _ := (&plog.ProtoMarshaler{}).MarshalLogs(ld)
	return b
}

// FuzzConsumeOTLP feeds OTLP protobuf (traces and logs) through the
// component's consume path, the real translation included, up to the
// encoded events the queue would hold.
func FuzzConsumeOTLP(f *testing.F) {
	f.Add(seedTraces(), seedLogs())
	f.Add([]byte{}, []byte{0x0a, 0x00})
	f.Add([]byte{0x0a, 0x02, 0x12, 0x00}, []byte("\xff\xff"))
	srv := mindlyticstest.NewServer()
	f.Cleanup(srv.Close)
	cfg := testConfig(srv)
	f.Fuzz(func(t *testing.T, traces, logs []byte) {
		tr, err := newTranslation(cfg)
		if err != nil {
			t.Fatal(err)
		}
		check := func(name string, data []byte) {
			events, _ := fuzzTranslate(tr, name, data)
			for _, ev := range events {
				if err := ev.Validate(); err != nil {
					continue // enqueue drops and counts it
				}
				if _, err := json.Marshal(ev); err != nil {
					t.Fatalf("a valid event does not encode: %v", err)
				}
			}
		}
		check("traces", traces)
		check("logs", logs)
		_ = tr.Expire()
		_ = tr.EndAll()
	})
}

func fuzzTranslate(tr translation, name string, data []byte) ([]compact.Event, []error) {
	if name == "traces" {
		td, err := (&ptrace.ProtoUnmarshaler{}).UnmarshalTraces(data)
		if err != nil {
			return nil, nil
		}
		return tr.Traces(nil, td)
	}
	ld, err := (&plog.ProtoUnmarshaler{}).UnmarshalLogs(data)
	if err != nil {
		return nil, nil
	}
	return tr.Logs(nil, ld)
}

// FuzzConfig decodes YAML into the configuration through confmap, as the
// collector does, then validates it: neither may panic.
func FuzzConfig(f *testing.F) {
	for _, s := range []string{
		"endpoint: https://app.mindlytics.ai\napi_key: k\nproject_id: p\n",
		"endpoint: http://x\napi_key: k\nproject_id: p\nsending_queue:\n  num_consumers: 4\n  storage: file_storage\n",
		"max_request_events: -1\nmax_request_bytes: 1e99\nlifecycle:\n  session_idle_timeout: -5s\n",
		"identity:\n  session_id_keys: [a, b]\nretry_on_failure:\n  enabled: true\n  max_interval: 1ns\n",
		"headers:\n  Authorization: x\n", "{}", "[]", "endpoint: [1, 2]", "api_key: \"\\x00\"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var raw map[string]any
		if yaml.Unmarshal([]byte(s), &raw) != nil {
			return
		}
		cfg := createDefaultConfig().(*Config)
		if confmap.NewFromStringMap(raw).Unmarshal(cfg) != nil {
			return
		}
		_ = cfg.Validate()
	})
}
