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
	require.Contains(t, out, "session ollama-session sent; errors: []")
	t.Log(out)
	s, c := "ollama-session", "ollama-session"
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
	require.Equal(t, json.Number("82"), events[4].Properties["prompt_tokens"])
	require.Equal(t, json.Number("9"), events[4].Properties["completion_tokens"])
	require.Equal(t, `{"location":"Paris"}`, events[3].Properties["args"])
	require.Equal(t, "It is rainy in Paris, 14°C.", events[5].Properties["assistant"])
}
