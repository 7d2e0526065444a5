package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/examples/internal/examplestest"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

func TestImport(t *testing.T) {
	out, events := examplestest.Run(t, run)
	require.Contains(t, out, "imported 2 turns of 2024-11-02")
	s, c := "import-2024-11-02-a1042", "conv-a1042"
	require.Equal(t, []string{
		"start_session " + s + " ",
		"track:Conversation Started " + s + " " + c,
		"track:Conversation Turn " + s + " " + c,
		"track:Conversation Turn " + s + " " + c,
		"track:Conversation Ended " + s + " " + c,
		"end_session " + s + " ",
	}, examplestest.Names(events))
	var stamps []string
	for _, ev := range events {
		stamps = append(stamps, ev.Timestamp)
	}
	require.Equal(t, []string{
		wire.FormatTimestamp(history[0].at.Add(-5e9)), wire.FormatTimestamp(history[0].at.Add(-5e9)),
		wire.FormatTimestamp(history[0].at), wire.FormatTimestamp(history[1].at),
		wire.FormatTimestamp(history[1].at.Add(60e9)), wire.FormatTimestamp(history[1].at.Add(60e9)),
	}, stamps, "the log's own times")
}
