package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"go.uber.org/goleak"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlytics"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestExample(t *testing.T) {
	var out bytes.Buffer
	events, err := run(context.Background(), &out)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, ev := range events {
		count[ev.Event]++
		// Input tokens include the cached ones: 20 + 62.
		if ev.Event == mindlytics.EventConversationTurn && ev.Properties["prompt_tokens"] != json.Number("82") {
			t.Errorf("turn %v", ev.Properties)
		}
	}
	if count[mindlytics.EventConversationTurn] != 1 || count[mindlytics.EventConversationFunction] != 1 || count[mindlytics.EventConversationUsage] != 1 {
		t.Fatalf("events %v\n%s", count, out.String())
	}
	t.Log(out.String())
}
