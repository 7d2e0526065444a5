package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/examples/internal/examplestest"
)

func TestChatbot(t *testing.T) {
	out, events := examplestest.Run(t, run)
	require.Contains(t, out, "bot:  You said: what's my balance?")
	s, c := "chat-session-1", "chat-conv-1"
	// Each turn's model call is its usage; the turn itself carries the texts.
	require.Equal(t, []string{
		"start_session " + s + " ",
		"track:Conversation Started " + s + " " + c,
		"track:Conversation Usage " + s + " " + c,
		"track:Conversation Turn " + s + " " + c,
		"track:Conversation Usage " + s + " " + c,
		"track:Conversation Turn " + s + " " + c,
		"track:Conversation Ended " + s + " " + c,
		"end_session " + s + " ",
	}, examplestest.Names(events))
	require.Equal(t, "hello", events[3].Properties["user"])
	require.Equal(t, "chatbot", events[3].Properties["assistant_id"])
}
