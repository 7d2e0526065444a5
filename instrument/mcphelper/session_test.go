package mcphelper_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/instrument"
	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// Two services, each with its own client and exporter: the agent (A) owns
// the session and calls the tool over MCP; the tool server (B) makes a
// span of its own work, which joins A's session and conversation through
// the trace context and baggage in the request's _meta. The session is
// started and ended once, by A, and the call is one function.
func TestServingSideJoinsTheCallersSession(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	newClient := func() *instrument.Client {
		c, err := instrument.New(context.Background(), instrument.WithClientOptions(srv.ClientOptions()...))
		require.NoError(t, err)
		return c
	}
	a, b := newClient(), newClient()
	server := weatherServer(b.TracerProvider(), func(ctx context.Context) {
		_, span := b.TracerProvider().Tracer("weather-service").Start(ctx, "weather lookup")
		span.SetAttributes(sc.MindlyticsEvent(sc.EventTrack), sc.EventName("Weather Lookup"))
		span.End()
	})
	cs := connect(t, server, a.TracerProvider())

	ctx, s, err := a.StartSession(context.Background(), instrument.SessionConfig{ID: "s-mcp", UserID: "u-mcp"})
	require.NoError(t, err)
	ctx, err = s.StartConversation(ctx, "c-mcp")
	require.NoError(t, err)
	require.NoError(t, a.Flush(ctx)) // the owner's start first: two queues keep no order between them
	_, err = callWeather(ctx, cs, "Paris")
	require.NoError(t, err)

	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, b.Shutdown(shutdownCtx))
	require.NoError(t, s.End(ctx))
	require.NoError(t, a.Shutdown(shutdownCtx))

	events := srv.SessionEvents("s-mcp")
	assert.ElementsMatch(t, []string{"start_session", "track:Conversation Started", "track:Conversation Function",
		"track:Weather Lookup", "track:Conversation Ended", "end_session"}, testkit.Kinds(events))
	for _, ev := range events {
		if ev.Event == "Weather Lookup" || ev.Event == "Conversation Function" {
			assert.Equal(t, "c-mcp", ev.ConversationID, ev.Event)
			assert.Equal(t, "u-mcp", ev.UserID, ev.Event)
		}
	}
	assert.Empty(t, srv.Violations())
}
