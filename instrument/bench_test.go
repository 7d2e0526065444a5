package instrument_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/instrument"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// discard answers every request as the service would, without a network:
// the sink of the benchmark, so that it measures the caller's cost.
type discard struct{}

func (discard) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	return &http.Response{
		StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(`{"status":"ok"}`)), Request: r,
	}, nil
}

// BenchmarkTurn tracks one turn through instrument and, on the same
// TracerProvider (stamping processor, batch processor, Mindlytics exporter
// to a discarding sink), creates and ends a bare span with the same nine
// attributes.
func BenchmarkTurn(b *testing.B) {
	turn := instrument.Turn{
		User: "What's the weather in Paris?", Assistant: "Sunny, 21°C.",
		Usage: instrument.Usage{Model: "gpt-4o", PromptTokens: 40, CompletionTokens: 9},
	}
	b.Run("instrument", func(b *testing.B) {
		c, ctx, s := benchSession(b)
		defer shutdown(c)
		b.ReportAllocs()
		for b.Loop() {
			if err := s.TrackTurn(ctx, turn); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bare-span", func(b *testing.B) {
		c, _, _ := benchSession(b)
		defer shutdown(c)
		tr := c.TracerProvider().Tracer("bare")
		b.ReportAllocs()
		for b.Loop() {
			_, span := tr.Start(context.Background(), "mindlytics.turn", trace.WithAttributes(
				sc.SessionID("s-bench"), sc.UserID("u-bench"), sc.ConversationID("c-bench"),
				sc.MindlyticsEvent(sc.EventTurn), sc.TurnUser(turn.User), sc.TurnAssistant(turn.Assistant),
				sc.RequestModel("gpt-4o"), sc.InputTokens(40), sc.OutputTokens(9),
			))
			span.End()
		}
	})
}

// benchSession is a fresh client, to a discarding sink, and a session.
func benchSession(b *testing.B) (*instrument.Client, context.Context, *instrument.Session) {
	c, err := instrument.New(context.Background(), instrument.WithAPIKey("k"), instrument.WithProjectID("p"),
		instrument.WithServerBase("http://sink.invalid"), instrument.WithClientOptions(mindlytics.WithHTTPClient(&http.Client{Transport: discard{}})))
	require.NoError(b, err)
	ctx, s, err := c.StartSession(context.Background(), instrument.SessionConfig{ID: "s-bench", UserID: "u-bench", ConversationID: "c-bench"})
	require.NoError(b, err)
	return c, ctx, s
}

func shutdown(c *instrument.Client) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = c.Shutdown(ctx)
}
