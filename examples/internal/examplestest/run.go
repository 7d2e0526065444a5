package examplestest

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/instrument"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// Run runs an example against a fresh local server and returns what it
// printed and the events the server accepted, checked for order violations.
func Run(t *testing.T, run func(context.Context, io.Writer, ...instrument.Option) error) (string, []mindlytics.Event) {
	t.Helper()
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	require.NoError(t, run(ctx, &out, instrument.WithClientOptions(srv.ClientOptions()...)))
	require.Empty(t, srv.Violations())
	return out.String(), srv.Events()
}

// Names returns each event as its kind ("start_session",
// "track:Conversation Turn"), session id and conversation id.
func Names(events []mindlytics.Event) []string {
	out := make([]string, len(events))
	for i, ev := range events {
		out[i] = ev.Kind() + " " + ev.SessionID + " " + ev.ConversationID
	}
	return out
}

// RequireOneToolCall runs a helper's example (run answers one question
// with one tool) and requires what reached Mindlytics to be one turn, one
// function call and one usage event; it returns the events.
func RequireOneToolCall(t *testing.T, run func(context.Context, io.Writer) ([]mindlytics.Event, error)) []mindlytics.Event {
	t.Helper()
	return RequireAgentRun(t, run, 1)
}

// RequireAgentRun is RequireOneToolCall with usage usage events: an agent
// whose run is the turn (langchaingo's) counts each of its model calls as
// usage.
func RequireAgentRun(t *testing.T, run func(context.Context, io.Writer) ([]mindlytics.Event, error), usage int) []mindlytics.Event {
	t.Helper()
	var out bytes.Buffer
	events, err := run(context.Background(), &out)
	require.NoError(t, err)
	count := map[string]int{}
	for _, ev := range events {
		count[ev.Event]++
	}
	want := map[string]int{mindlytics.EventConversationTurn: 1, mindlytics.EventConversationFunction: 1, mindlytics.EventConversationUsage: usage}
	got := map[string]int{}
	for name := range want {
		got[name] = count[name]
	}
	require.Equal(t, want, got, "events %v\n%s", count, out.String())
	t.Log(out.String())
	return events
}

// RequireToolCallAtEnvServer runs a helper's example with the MLSDK_*
// variables naming a Mindlytics (as they would name make dev's) and
// requires the events to arrive there: every example can be watched on
// the page.
func RequireToolCallAtEnvServer(t *testing.T, run func(context.Context, io.Writer) ([]mindlytics.Event, error)) {
	t.Helper()
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	t.Setenv("MLSDK_SERVER_BASE", srv.URL)
	t.Setenv("MLSDK_API_KEY", srv.APIKey)
	t.Setenv("MLSDK_PROJECT_ID", srv.ProjectID)
	var out bytes.Buffer
	_, err := run(context.Background(), &out)
	require.NoError(t, err)
	require.Contains(t, out.String(), "sending to the Mindlytics at "+srv.URL)
	count := map[string]int{}
	for _, ev := range srv.SessionEvents("session-1") {
		count[ev.Event]++
	}
	require.Equal(t, 1, count[mindlytics.EventConversationTurn], "events at the server named by MLSDK_SERVER_BASE: %v\n%s", count, out.String())
	require.Equal(t, 1, count[mindlytics.EventConversationFunction])
	require.Empty(t, srv.Violations())
}
