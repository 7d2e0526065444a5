package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/examples/internal/examplestest"
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
		stamp(history[0].at.Add(-5e9)), stamp(history[0].at.Add(-5e9)),
		stamp(history[0].at), stamp(history[1].at),
		stamp(history[1].at.Add(60e9)), stamp(history[1].at.Add(60e9)),
	}, stamps, "the log's own times")
}

// stamp is a time as the events carry it: RFC 3339 in UTC, microseconds.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }
