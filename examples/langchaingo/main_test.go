package main

import (
	"testing"

	"github.com/mindlytics/mindlytics-otel/examples/internal/examplestest"
)

// The agent's run is the turn; its two model calls are usage.
func TestExample(t *testing.T)            { examplestest.RequireAgentRun(t, run, 2) }
func TestExampleAtEnvServer(t *testing.T) { examplestest.RequireToolCallAtEnvServer(t, run) }
