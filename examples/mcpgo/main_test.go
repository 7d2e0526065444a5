package main

import (
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/mindlytics/mindlytics-otel/examples/internal/examplestest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestExample(t *testing.T) {
	out, events := examplestest.Run(t, run)
	require.Contains(t, out, "session mcpgo-session sent; errors: []")
	s, c := "mcpgo-session", "weather-chat"
	require.Equal(t, []string{
		"start_session " + s + " ",
		"track:Conversation Started " + s + " " + c,
		"track:Weather Lookup " + s + " " + c,
		"track:Conversation Function " + s + " " + c,
		"track:Conversation Turn " + s + " " + c,
		"track:Conversation Ended " + s + " " + c,
		"end_session " + s + " ",
	}, examplestest.Names(events))
	fn := events[3].Properties
	require.Equal(t, "get_weather", fn["name"])
	require.Equal(t, `{"location":"Paris"}`, fn["args"])
	require.Equal(t, "rainy in Paris, 14°C", fn["result"])
	t.Log(out)
}
