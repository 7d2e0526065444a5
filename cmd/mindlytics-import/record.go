package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// kind is what a record holds.
type kind int

const (
	kindTraces kind = iota
	kindLogs
	// kindOther is a metrics or profiles request: the file exporter writes
	// them into the same file when those pipelines name it; nothing of
	// them becomes a Mindlytics event.
	kindOther
	// kindEmpty is a request with no field at all.
	kindEmpty
)

// record is one decoded record.
type record struct {
	kind   kind
	traces ptrace.Traces
	logs   plog.Logs
}

// decodeRecord reads one OTLP/JSON request with pdata's own unmarshalers.
// Which request it is, the first field says (the one field each has:
// resourceSpans, resourceLogs, …); only that is read here, the rest is
// pdata's.
func decodeRecord(b []byte) (record, error) {
	field, err := firstField(b)
	if err != nil {
		return record{}, err
	}
	switch field {
	case "resourceSpans", "resource_spans":
		td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(b)
		if err != nil {
			return record{}, fmt.Errorf("OTLP/JSON traces: %w", err)
		}
		return record{kind: kindTraces, traces: td}, nil
	case "resourceLogs", "resource_logs":
		ld, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(b)
		if err != nil {
			return record{}, fmt.Errorf("OTLP/JSON logs: %w", err)
		}
		return record{kind: kindLogs, logs: ld}, nil
	case "resourceMetrics", "resource_metrics", "resourceProfiles", "resource_profiles", "dictionary":
		return record{kind: kindOther}, nil
	case "":
		return record{kind: kindEmpty}, nil
	default:
		return record{}, fmt.Errorf("not an OTLP/JSON traces or logs request: its first field is %q", field)
	}
}

// firstField returns the name of the first field of the JSON object b,
// "" for {}.
func firstField(b []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return "", fmt.Errorf("not JSON: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return "", fmt.Errorf("not a JSON object: it starts with %v", tok)
	}
	tok, err = dec.Token()
	if err != nil {
		return "", fmt.Errorf("not JSON: %w", err)
	}
	if name, ok := tok.(string); ok {
		return name, nil
	}
	if !json.Valid(b) { // {} and something after it
		return "", errors.New("not JSON: more after the object")
	}
	return "", nil // {}
}
