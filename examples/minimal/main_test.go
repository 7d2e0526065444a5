package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/examples/internal/examplestest"
)

func TestMinimal(t *testing.T) {
	out, events := examplestest.Run(t, run)
	require.Contains(t, out, "session minimal-session sent; errors: []")
	s, c := "minimal-session", "minimal-session"
	require.Equal(t, []string{
		"start_session " + s + " ",
		"track:Conversation Started " + s + " " + c,
		"track:Conversation Turn " + s + " " + c,
		"track:Conversation Ended " + s + " " + c,
		"end_session " + s + " ",
	}, examplestest.Names(events))
	require.Equal(t, "gpt-4o-mini", events[2].Properties["model"])
}
