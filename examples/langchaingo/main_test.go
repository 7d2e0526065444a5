package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlytics"
)

func TestExample(t *testing.T) {
	var out bytes.Buffer
	events, err := run(context.Background(), &out)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, ev := range events {
		count[ev.Event]++
	}
	if count[mindlytics.EventConversationTurn] != 1 || count[mindlytics.EventConversationFunction] != 1 || count[mindlytics.EventConversationUsage] != 1 {
		t.Fatalf("events %v\n%s", count, out.String())
	}
	t.Log(out.String())
}
