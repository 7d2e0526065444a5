package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/examples/internal/examplestest"
)

func TestTwoServices(t *testing.T) {
	out, events := examplestest.Run(t, run)
	require.Contains(t, out, "A got: B answered in session two-services-session")
	s, c := "two-services-session", "two-services-conv"
	require.Equal(t, []string{
		"start_session " + s + " ",
		"track:Conversation Started " + s + " " + c,
		"track:Conversation Turn " + s + " " + c,
		"track:Conversation Ended " + s + " " + c,
		"end_session " + s + " ",
	}, examplestest.Names(events))
}
