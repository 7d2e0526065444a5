package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/mindlytics/mindlytics-otel/examples/internal/examplestest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestExample(t *testing.T) {
	out, events := examplestest.Run(t, run)
	require.Contains(t, out, "session gemini-session sent; errors: []")
	t.Log(out)
	s, c := "gemini-session", "gemini-session"
	require.Equal(t, []string{
		"start_session " + s + " ",
		"track:Conversation Started " + s + " " + c,
		"track:Conversation Usage " + s + " " + c,
		"track:Conversation Function " + s + " " + c,
		"track:Conversation Usage " + s + " " + c,
		"track:Conversation Turn " + s + " " + c,
		"track:Conversation Ended " + s + " " + c,
		"end_session " + s + " ",
	}, examplestest.Names(events), "each model call's usage once, the tool once, the turn once")
	second := events[4].Properties
	require.Equal(t, json.Number("82"), second["prompt_tokens"])
	require.Equal(t, json.Number("12"), second["completion_tokens"], "candidates and thinking tokens")
	require.Equal(t, json.Number("62"), second["cached_tokens"])
	require.Equal(t, "It is rainy in Paris, 14°C.", events[5].Properties["assistant"])
}
