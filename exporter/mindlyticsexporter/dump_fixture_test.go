package mindlyticsexporter

import (
	"encoding/json"
	"os"
	"testing"
)

// TestDumpFixture prints the events a fixture makes through the collector
// front door: MINDLYTICS_DUMP_FIXTURE=anthropic-sdk/tool-runner go test
// -run TestDumpFixture -v. A tool for writing translation rules; it skips
// without the variable.
func TestDumpFixture(t *testing.T) {
	fx := os.Getenv("MINDLYTICS_DUMP_FIXTURE")
	if fx == "" {
		t.Skip("set MINDLYTICS_DUMP_FIXTURE to a fixture name")
	}
	td, ld, _ := loadFixture(t, fx)
	for _, ev := range throughCollector(t, td, ld, false) {
		b, _ := json.Marshal(ev)
		t.Log(string(b))
	}
}
