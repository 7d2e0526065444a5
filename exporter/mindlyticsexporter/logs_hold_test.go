package mindlyticsexporter

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// Through the component, the official OpenAI instrumentation's captures
// make the same events with their log records before or after their
// spans: the spans wait in the hold for their content.
func TestLogContentSameEventsEitherOrder(t *testing.T) {
	for _, fx := range []string{"chat", "chat-tool", "chat-stream", "responses", "responses-tool", "responses-stream"} {
		t.Run(fx, func(t *testing.T) {
			td, ld, _ := loadFixture(t, "otel-openai/"+fx)
			logsFirst := testkit.EncodeEach(t, throughCollector(t, td, ld, true))
			assert.Equal(t, logsFirst, testkit.EncodeEach(t, throughCollector(t, td, ld, false)))
		})
	}
}

// A call held for content that has not come when the collector shuts down
// is sent as it is: nothing held is lost at exit.
func TestHeldCallsSentAtShutdown(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	te, le := startPipelines(t, testConfig(srv))
	td, _, _ := loadFixture(t, "otel-openai/chat-tool")
	require.NoError(t, te.ConsumeTraces(context.Background(), td))
	shutdown(t, te, le)
	got := testkit.Kinds(srv.Events())
	assert.Equal(t, []string{
		"start_session", "track:Conversation Started", "track:Conversation Usage",
		"start_session", "track:Conversation Started", "track:Conversation Usage",
		"track:Conversation Ended", "end_session", "track:Conversation Ended", "end_session",
	}, got)
	assert.Empty(t, srv.Violations())
}
