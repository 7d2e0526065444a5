package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/examples/internal/examplestest"
)

func TestLive(t *testing.T) {
	out, events := examplestest.Run(t, run)
	require.Len(t, events, 5)
	require.Equal(t, "live: Session Started\n"+
		"live: Conversation Started\n"+
		"live: Conversation Turn (user: Is it live?)\n"+
		"live: Conversation Ended\n"+
		"live: Session Ended\n", out)
}
