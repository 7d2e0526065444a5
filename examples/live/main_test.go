package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/examples/internal/examplestest"
)

func TestLive(t *testing.T) {
	out, events := examplestest.Run(t, run)
	require.Len(t, events, 5)
	require.Equal(t, "live: Session Started <nil>\n"+
		"live: Conversation Started <nil>\n"+
		"live: Conversation Turn Is it live?\n"+
		"live: Conversation Ended <nil>\n"+
		"live: Session Ended <nil>\n", out)
}
