package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// With --once the demo prints its summary and the page's URL, and returns.
func TestDemoLocal(t *testing.T) {
	t.Setenv("MLSDK_API_KEY", "")
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, "127.0.0.1:0", "", false))
	s := out.String()
	assert.Contains(t, s, "using the local Mindlytics")
	assert.Contains(t, s, "1 conversation, 3 turns, 296 tokens, cost $0.00115 (estimated locally from token counts), 1 function call")
	assert.Contains(t, s, "See it in a browser: http://127.0.0.1:")
	assert.NotContains(t, s, "stays up")
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
	assert.Contains(t, out.String(), "3 turns, 1 function call,")
	var turns int
	for _, ev := range service.Events() {
		if ev.Event == mindlytics.EventConversationTurn {
			turns++
		}
	}
	assert.Equal(t, 3, turns)
	assert.Empty(t, service.Violations())
}

// Without --once the page the demo prints stays up, in a terminal or not,
// until the demo is interrupted.
func TestDemoKeepsThePageUp(t *testing.T) {
	t.Setenv("MLSDK_API_KEY", "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r, w := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- run(ctx, w, "127.0.0.1:0", "", true); _ = w.Close() }()
	var page string
	lines := bufio.NewScanner(r)
	for lines.Scan() {
		if u, ok := strings.CutPrefix(lines.Text(), "See it in a browser: "); ok {
			page = u
			break
		}
	}
	require.NotEmpty(t, page, "the demo printed no page")
	go func() { _, _ = io.Copy(io.Discard, r) }()
	time.Sleep(300 * time.Millisecond) // well after the summary: the page must still answer
	resp, err := http.Get(page)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	select {
	case err := <-done:
		t.Fatalf("the demo returned before it was interrupted: %v", err)
	default:
	}
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("the demo did not stop when interrupted")
	}
}
