package main

import (
	"testing"

	"github.com/mindlytics/mindlytics-otel/examples/internal/examplestest"
)

func TestExample(t *testing.T)            { examplestest.RequireOneToolCall(t, run) }
func TestExampleAtEnvServer(t *testing.T) { examplestest.RequireToolCallAtEnvServer(t, run) }
