package exporter_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/exporter"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
	"github.com/mindlytics/mindlytics-otel/redaction"
	"github.com/mindlytics/mindlytics-otel/semconv"
)

// wireTap keeps the body of every request it forwards: the bytes on the
// wire.
type wireTap struct {
	mu     sync.Mutex
	bodies bytes.Buffer
}

func (w *wireTap) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		_ = r.Body.Close()
		w.mu.Lock()
		w.bodies.Write(b)
		w.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	return http.DefaultTransport.RoundTrip(r)
}

func (w *wireTap) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.bodies.String()
}

// The values of piiSpans, each a detector's.
const (
	piiEmail = "jane.doe@example.com"
	piiPhone = "+1 415 555 0132"
	piiCard  = "4111 1111 1111 1111"
	piiIBAN  = "DE89 3704 0044 0532 0130 00"
	piiSSN   = "123-45-6789"
	piiIP    = "192.168.1.20"
	piiKey   = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123"
	piiOrder = "ORD-482913"
)

// emitPII makes, in session "s-pii" of user "u-jane@example.com" (an id:
// never redacted), a turn, a tool call with JSON arguments and result, a
// track event with properties and an identify with traits, each holding
// personal data.
func emitPII(tracer trace.Tracer) {
	ids := []attribute.KeyValue{semconv.SessionID("s-pii"), semconv.UserID("u-jane@example.com"), semconv.ConversationID("c1")}
	span := func(name string, attrs ...attribute.KeyValue) {
		_, s := tracer.Start(context.Background(), name, trace.WithAttributes(append(attrs, ids...)...))
		s.End()
	}
	// The identify first: it is no conversation's, which ends at its last event.
	span("identify", semconv.MindlyticsEvent(semconv.EventIdentify), semconv.Trait("email", piiEmail), semconv.Trait("plan", "pro"))
	span("turn", semconv.MindlyticsEvent(semconv.EventTurn), semconv.RequestModel("gpt-4o"),
		semconv.TurnUser("I am "+piiEmail+", call me on "+piiPhone+"; my card is "+piiCard),
		semconv.TurnAssistant("Refund goes to "+piiIBAN+" for order "+piiOrder))
	span(semconv.ExecuteToolSpanName("lookup"), semconv.OperationName(semconv.GenAIOperationExecuteTool),
		semconv.ToolName("lookup"), semconv.ToolCallArguments(`{"ssn":"`+piiSSN+`","card":4111111111111111,"n":2}`),
		semconv.ToolCallResult(`{"ip":"`+piiIP+`","ok":true}`))
	span("track", semconv.MindlyticsEvent(semconv.EventTrack), semconv.EventName("Checkout"),
		semconv.Property("contact", piiEmail), semconv.Property("key", "Bearer "+piiKey), semconv.Property("items", 3))
}

// TestRedactionOnTheWire: with WithRedaction, the bytes sent hold the
// markers and none of the values, JSON arguments stay JSON, ids are
// untouched, and Stats counts per detector. Without it (the default) the
// same spans send the values: the test sees them, so it can fail.
func TestRedactionOnTheWire(t *testing.T) {
	values := []string{piiEmail, piiPhone, piiCard, "4111111111111111", piiIBAN, piiSSN, piiIP, piiKey, piiOrder}
	run := func(t *testing.T, opts ...exporter.Option) (string, []mindlytics.Event, exporter.Stats) {
		srv := mindlyticstest.NewServer()
		defer srv.Close()
		tap := &wireTap{}
		exp := newExporter(t, srv, append(opts, exporter.WithClientOptions(mindlytics.WithHTTPClient(&http.Client{Transport: tap})))...)
		tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
		emitPII(tp.Tracer("test"))
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, tp.Shutdown(ctx))
		assert.Empty(t, srv.Violations())
		assert.Empty(t, exp.Errors())
		return tap.String(), srv.SessionEvents("s-pii"), exp.Stats()
	}

	t.Run("off by default", func(t *testing.T) {
		wire, _, stats := run(t)
		for _, v := range values {
			assert.Contains(t, wire, v)
		}
		assert.Nil(t, stats.Redacted)
	})

	t.Run("on", func(t *testing.T) {
		wire, events, stats := run(t, exporter.WithRedaction(redaction.Config{
			Patterns: []redaction.Pattern{{Name: "order", Regexp: `ORD-\d{6}`}},
			Func:     func(s string) string { return strings.ReplaceAll(s, "pro", "[plan]") },
		}))
		for _, v := range values {
			assert.NotContains(t, wire, v)
		}
		for _, m := range []string{"[email]", "[phone]", "[card]", "[iban]", "[ssn]", "[ip]", "[key]", "[order]", "[plan]"} {
			assert.Contains(t, wire, m)
		}
		byName := map[string]mindlytics.Event{}
		for _, ev := range events {
			byName[string(ev.Type)+":"+ev.Event] = ev
			assert.Equal(t, "s-pii", ev.SessionID)
		}
		turn := byName["track:Conversation Turn"]
		assert.Equal(t, "I am [email], call me on [phone]; my card is [card]", turn.Properties["user"])
		assert.Equal(t, "Refund goes to [iban] for order [order]", turn.Properties["assistant"])
		assert.Equal(t, "gpt-4o", turn.Properties["model"], "model names are never redacted")
		call := byName["track:Conversation Function"]
		assert.JSONEq(t, `{"ssn":"[ssn]","card":"[card]","n":2}`, call.Properties["args"].(string))
		assert.JSONEq(t, `{"ip":"[ip]","ok":true}`, call.Properties["result"].(string))
		assert.Equal(t, "lookup", call.Properties["name"])
		checkout := byName["track:Checkout"]
		assert.Equal(t, "[email]", checkout.Properties["contact"])
		assert.Equal(t, "Bearer [key]", checkout.Properties["key"])
		identify := byName["identify:"]
		assert.Equal(t, "[email]", identify.Traits["email"])
		assert.Equal(t, "[plan]", identify.Traits["plan"])
		assert.Equal(t, "u-jane@example.com", identify.UserID, "ids are never redacted")

		assert.Equal(t, map[string]int64{
			"email": 3, "phone": 1, "card": 2, "iban": 1, "ssn": 1, "ip": 1, "key": 1, "order": 1, "func": 1,
		}, stats.Redacted)
	})
}

func TestRedactionConfigErrorsNameTheOption(t *testing.T) {
	_, err := exporter.New(context.Background(), exporter.WithAPIKey("k"), exporter.WithProjectID("p"),
		exporter.WithRedaction(redaction.Config{Detectors: []string{"mail"}, Patterns: []redaction.Pattern{{Name: "x", Regexp: "("}}}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `redaction::detectors[0] (WithRedaction): "mail" is not one of`)
	assert.Contains(t, err.Error(), `redaction::patterns[0]::regexp (WithRedaction): error parsing regexp`)
}

// Mask personal data and secrets before they leave: the default detectors,
// a pattern of the app's own, and a function run last.
func ExampleWithRedaction() {
	exp, err := exporter.New(context.Background(), exporter.WithRedaction(redaction.Config{
		Patterns: []redaction.Pattern{{Name: "order", Regexp: `ORD-\d{6}`}},
		Func:     func(s string) string { return strings.ReplaceAll(s, "Acme Corp", "[client]") },
	}))
	if err != nil {
		return // no key or project, or an invalid pattern
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	// … later: how many values each detector removed.
	_ = exp.Stats().Redacted
}
