package main

import (
	"encoding/json"
	"testing"

	"go.uber.org/goleak"

	"github.com/mindlytics/mindlytics-otel/examples/internal/examplestest"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestExample(t *testing.T) {
	for _, ev := range examplestest.RequireOneToolCall(t, run) {
		// Input tokens include the cached ones: 20 + 62.
		if ev.Event == mindlytics.EventConversationTurn && ev.Properties["prompt_tokens"] != json.Number("82") {
			t.Errorf("turn %v", ev.Properties)
		}
	}
}
func TestExampleAtEnvServer(t *testing.T) { examplestest.RequireToolCallAtEnvServer(t, run) }
