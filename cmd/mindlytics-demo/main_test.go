package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// Without a terminal the demo prints its summary and the page's URL, and
// returns.
func TestDemoLocal(t *testing.T) {
	t.Setenv("MLSDK_API_KEY", "")
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, "127.0.0.1:0", "", false))
	s := out.String()
	assert.Contains(t, s, "using the local Mindlytics")
	assert.Contains(t, s, "1 conversations, 3 turns, 296 tokens, cost $0.00115 (estimated locally from token counts), 1 function calls")
	assert.Contains(t, s, "See it in a browser: http://127.0.0.1:")
	assert.NotContains(t, s, "Ctrl-C")
}

// With MLSDK_API_KEY set the demo sends to MLSDK_SERVER_BASE, and says so.
func TestDemoRealService(t *testing.T) {
	service := mindlyticstest.NewServer()
	defer service.Close()
	t.Setenv("MLSDK_API_KEY", service.APIKey)
	t.Setenv("MLSDK_PROJECT_ID", service.ProjectID)
	t.Setenv("MLSDK_SERVER_BASE", service.URL)
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, "127.0.0.1:0", "", false))
	assert.Contains(t, out.String(), "sending to the Mindlytics service at "+service.URL)
	assert.Contains(t, out.String(), "3 turns, 1 function calls")
	var turns int
	for _, ev := range service.Events() {
		if ev.Event == mindlytics.EventConversationTurn {
			turns++
		}
	}
	assert.Equal(t, 3, turns)
	assert.Empty(t, service.Violations())
}
