package devserver_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/cmd/internal/devserver"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

func newServer(t *testing.T) *devserver.Server {
	t.Helper()
	srv, err := devserver.New(devserver.Config{DataPath: filepath.Join(t.TempDir(), "dev.db")})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	return srv
}

// jsonTransport re-encodes the OTLP exporter's protobuf requests as
// OTLP/JSON, as an exporter configured for http/json would send them
// (otlptracehttp speaks protobuf only).
type jsonTransport struct{ base http.RoundTripper }

func (j jsonTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	req := ptraceotlp.NewExportRequest()
	if err := req.UnmarshalProto(body); err != nil {
		return nil, err
	}
	js, err := req.MarshalJSON()
	if err != nil {
		return nil, err
	}
	r2 := r.Clone(r.Context())
	r2.Body, r2.ContentLength = io.NopCloser(bytes.NewReader(js)), int64(len(js))
	r2.Header.Set("Content-Type", "application/json")
	r2.Header.Del("Content-Encoding")
	r2.Header.Set("Content-Length", strconv.Itoa(len(js)))
	return j.base.RoundTrip(r2)
}

// emitOTLP sends one session's spans through a real otlptracehttp
// exporter: a chat turn in OTel GenAI terms inside an agent wrapper that
// repeats its usage, and a span the translation cannot classify.
func emitOTLP(t *testing.T, url, session string, opts ...otlptracehttp.Option) {
	t.Helper()
	ctx := context.Background()
	exp, err := otlptracehttp.New(ctx, append([]otlptracehttp.Option{otlptracehttp.WithEndpointURL(url + "/v1/traces")}, opts...)...)
	require.NoError(t, err)
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", "otlp-app"))))
	tracer := tp.Tracer("otlp-test")
	ids := []attribute.KeyValue{sc.SessionID(session), sc.UserID("otlp-user")}
	actx, agent := tracer.Start(ctx, "invoke_agent support", trace.WithAttributes(append(ids,
		sc.OperationName(sc.GenAIOperationInvokeAgent), sc.InputTokens(50), sc.OutputTokens(7))...))
	_, chat := tracer.Start(actx, sc.ChatSpanName("gpt-4o"), trace.WithAttributes(
		sc.OperationName(sc.GenAIOperationChat), sc.RequestModel("gpt-4o"), sc.InputTokens(50), sc.OutputTokens(7),
		attribute.String("gen_ai.input.messages", `[{"role":"user","parts":[{"type":"text","content":"Hello over OTLP"}]}]`),
		attribute.String("gen_ai.output.messages", `[{"role":"assistant","parts":[{"type":"text","content":"Hi, seen by the intake"}],"finish_reason":"stop"}]`)))
	chat.End()
	_, bad := tracer.Start(actx, "bad event", trace.WithAttributes(sc.MindlyticsEvent("no-such-kind")))
	bad.End()
	agent.End()
	require.NoError(t, tp.Shutdown(ctx))
}

func TestOTLPIntake(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []otlptracehttp.Option
	}{
		{"protobuf-gzip", []otlptracehttp.Option{otlptracehttp.WithCompression(otlptracehttp.GzipCompression)}},
		{"protobuf", nil},
		{"json", []otlptracehttp.Option{otlptracehttp.WithHTTPClient(&http.Client{Transport: jsonTransport{http.DefaultTransport}})}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t)
			emitOTLP(t, srv.URL(), "otlp-"+tc.name, tc.opts...)

			events := srv.Contract.SessionEvents("otlp-" + tc.name)
			require.Len(t, events, 3, "%+v", events)
			assert.Equal(t, mindlytics.TypeStartSession, events[0].Type)
			assert.Equal(t, mindlytics.EventConversationStarted, events[1].Event)
			turn := events[2]
			assert.Equal(t, mindlytics.EventConversationTurn, turn.Event)
			assert.Equal(t, "Hello over OTLP", turn.Properties["user"])
			assert.Equal(t, "Hi, seen by the intake", turn.Properties["assistant"])
			assert.Empty(t, srv.Contract.Violations())

			entries, _ := srv.Store().Entries()
			view := devserver.BuildView(entries)
			require.Len(t, view.Sessions, 1)
			s := view.Sessions[0]
			assert.Equal(t, "otlp-user", s.UserID)
			assert.Equal(t, 1, s.Turns)
			assert.EqualValues(t, 57, s.Tokens, "the wrapper's repeated usage is not counted")
			require.Len(t, s.Conversations, 1)
			items := s.Conversations[0].Items
			require.Len(t, items, 2)
			require.NotNil(t, items[1].Origin, "the turn keeps its span")
			assert.Equal(t, "chat gpt-4o", items[1].Origin.Name)
			assert.Equal(t, "gpt-4o", items[1].Origin.Attributes["gen_ai.request.model"])
			assert.Len(t, items[1].Origin.SpanID, 16)

			require.Len(t, view.Warnings, 2, "%+v", view.Warnings)
			assert.Equal(t, "bad event", view.Warnings[0].Span.Name)
			assert.Contains(t, view.Warnings[0].Message, "dropped")
			assert.Equal(t, "invoke_agent support", view.Warnings[1].Span.Name)
			assert.Contains(t, view.Warnings[1].Message, "usage not counted")
		})
	}
}

func TestOTLPIntakeRejects(t *testing.T) {
	srv := newServer(t)
	post := func(ct string, body []byte) int {
		resp, err := http.Post(srv.URL()+"/v1/traces", ct, bytes.NewReader(body))
		require.NoError(t, err)
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusBadRequest, post("application/json", []byte("{nope")))
	assert.Equal(t, http.StatusUnsupportedMediaType, post("text/plain", nil))
	assert.Equal(t, http.StatusOK, post("application/json", []byte("{}")))
}

func TestLogsIntake(t *testing.T) {
	srv := newServer(t)
	body := `{"resourceLogs":[{"resource":{"attributes":[{"key":"session.id","value":{"stringValue":"logs-1"}},{"key":"user.id","value":{"stringValue":"u"}}]},
"scopeLogs":[{"logRecords":[{"timeUnixNano":"1700000000000000000","eventName":"gen_ai.client.inference.operation.details","attributes":[
{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},{"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},
{"key":"gen_ai.input.messages","value":{"stringValue":"[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"From a log\"}]}]"}},
{"key":"gen_ai.output.messages","value":{"stringValue":"[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"Answered\"}]}]"}}]}]}]}]}`
	resp, err := http.Post(srv.URL()+"/v1/logs", "application/json", bytes.NewReader([]byte(body)))
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	events, err := srv.Contract.WaitForEvents(ctx, 3)
	require.NoError(t, err)
	assert.Equal(t, "From a log", events[2].Properties["user"])
}

// A token count the translation ignores is a warning beside its span.
func TestIgnoredValueWarning(t *testing.T) {
	srv := newServer(t)
	body := `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
"name":"chat gpt-4o","startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000001000000000","attributes":[
{"key":"session.id","value":{"stringValue":"neg"}},{"key":"user.id","value":{"stringValue":"u"}},
{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},{"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},
{"key":"gen_ai.usage.input_tokens","value":{"intValue":"-5"}},
{"key":"mindlytics.turn.user","value":{"stringValue":"hi"}},{"key":"mindlytics.turn.assistant","value":{"stringValue":"hello"}}]}]}]}]}`
	resp, err := http.Post(srv.URL()+"/v1/traces", "application/json", bytes.NewReader([]byte(body)))
	require.NoError(t, err)
	answer, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	// The sender learns it too, in the OTLP answer's partial success (a
	// message with no span rejected is a warning, as the OTLP spec allows).
	otlpAnswer := ptraceotlp.NewExportResponse()
	require.NoError(t, otlpAnswer.UnmarshalJSON(answer), "%s", answer)
	assert.Equal(t, int64(0), otlpAnswer.PartialSuccess().RejectedSpans())
	assert.Contains(t, otlpAnswer.PartialSuccess().ErrorMessage(), `span "chat gpt-4o" (trace 5b8efff798038103d269b633813fc60c, span eee19b7ec3c1b174): not counted: gen_ai.usage.input_tokens ignored`)
	entries, _ := srv.Store().Entries()
	view := devserver.BuildView(entries)
	require.Len(t, view.Warnings, 1, "%+v", view.Warnings)
	assert.Equal(t, "eee19b7ec3c1b174", view.Warnings[0].Span.SpanID)
	assert.Contains(t, view.Warnings[0].Message, "gen_ai.usage.input_tokens")
	require.Len(t, view.Sessions, 1)
	assert.Equal(t, 1, view.Sessions[0].Turns, "the rest of the span is translated")
}

// A model call whose ancestor with the session id is still to come waits
// for it: no warning that its usage is not counted, and its turn is in the
// ancestor's session once the ancestor comes.
func TestASpanWaitingForItsAncestorIsNoWarning(t *testing.T) {
	srv := newServer(t)
	post := func(body string) {
		t.Helper()
		resp, err := http.Post(srv.URL()+"/v1/traces", "application/json", bytes.NewReader([]byte(body)))
		require.NoError(t, err)
		_ = resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
	}
	post(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60d","spanId":"eee19b7ec3c1b175","parentSpanId":"eee19b7ec3c1b176",
"name":"chat gpt-4o","startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000001000000000","attributes":[
{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},{"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},
{"key":"gen_ai.usage.input_tokens","value":{"intValue":"5"}},{"key":"gen_ai.usage.output_tokens","value":{"intValue":"2"}},
{"key":"mindlytics.turn.user","value":{"stringValue":"hi"}},{"key":"mindlytics.turn.assistant","value":{"stringValue":"hello"}}]}]}]}]}`)
	entries, _ := srv.Store().Entries()
	view := devserver.BuildView(entries)
	assert.Empty(t, view.Warnings, "it waits: its usage is not lost")
	assert.Empty(t, view.Sessions)

	post(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60d","spanId":"eee19b7ec3c1b176",
"name":"invoke_agent support","startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000002000000000","attributes":[
{"key":"gen_ai.operation.name","value":{"stringValue":"invoke_agent"}},
{"key":"session.id","value":{"stringValue":"later"}},{"key":"user.id","value":{"stringValue":"u"}}]}]}]}]}`)
	entries, _ = srv.Store().Entries()
	view = devserver.BuildView(entries)
	assert.Empty(t, view.Warnings)
	require.Len(t, view.Sessions, 1)
	assert.Equal(t, "later", view.Sessions[0].ID)
	assert.Equal(t, 1, view.Sessions[0].Turns)
}

// A turn whose call reported no tokens carries no counts (not zeros) and
// the page marks its usage unknown.
func TestTurnWithUnknownUsageIsMarked(t *testing.T) {
	srv := newServer(t)
	body := `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60d","spanId":"eee19b7ec3c1b175",
"name":"chat gpt-4o","startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000001000000000","attributes":[
{"key":"session.id","value":{"stringValue":"nousage"}},{"key":"user.id","value":{"stringValue":"u"}},
{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},{"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},
{"key":"mindlytics.turn.user","value":{"stringValue":"hi"}},{"key":"mindlytics.turn.assistant","value":{"stringValue":"hello"}}]}]}]}]}`
	resp, err := http.Post(srv.URL()+"/v1/traces", "application/json", bytes.NewReader([]byte(body)))
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	entries, _ := srv.Store().Entries()
	view := devserver.BuildView(entries)
	require.Len(t, view.Sessions, 1)
	var turn *devserver.Item
	for _, c := range view.Sessions[0].Conversations {
		for i := range c.Items {
			if c.Items[i].Kind == "turn" {
				turn = &c.Items[i]
			}
		}
	}
	require.NotNil(t, turn)
	assert.True(t, turn.UsageUnknown)
	assert.NotContains(t, turn.Event.Properties, "prompt_tokens", "unknown, not zero")
	assert.Equal(t, "gpt-4o", turn.Event.Properties["model"])
}
