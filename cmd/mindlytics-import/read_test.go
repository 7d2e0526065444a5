package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// logsLine is a logs request of one record.
var logsLine = []byte(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"hi"}}]}]}]}`)

// shape is what a test sees of a batch.
type shape struct {
	First, Last, FirstData, LastData, Records, Spans, LogRecords int
	End                                                          bool
}

// readAll runs the reader over files and returns the batches it makes.
func readAll(t *testing.T, max int, strict bool, files ...string) ([]*batch, bool) {
	t.Helper()
	out := make(chan *batch)
	r := &reader{files: files, strict: strict, max: max, out: out}
	go r.run(context.Background())
	var got []*batch
	for b := range out {
		got = append(got, b)
	}
	return got, r.complete
}

func shapes(bs []*batch) []shape {
	var out []shape
	for _, b := range bs {
		out = append(out, shape{b.first, b.last, b.firstData, b.lastData, b.records, b.spans, b.logRecords, b.end})
	}
	return out
}

// TestBatchesDoubleFromOneRecord: the first batch holds one record, each
// next one up to twice as many; a record of the other kind starts a new
// batch; --batch bounds the spans and log records of one.
func TestBatchesDoubleFromOneRecord(t *testing.T) {
	var ls [][]byte
	for i := range 12 { // lines 1-12: traces
		ls = append(ls, turnLine(t, fmt.Sprintf("s%d", i), time.Duration(i)*time.Minute))
	}
	ls = append(ls, logsLine, logsLine, []byte(`{"resourceMetrics":[]}`), logsLine) // 13-16
	ls = append(ls, turnLine(t, "s99", time.Hour))                                  // 17
	path := writeFile(t, "traces.json", lines(ls...))

	got, complete := readAll(t, 1000, false, path)

	require.True(t, complete)
	assert.Equal(t, []shape{
		{1, 1, 1, 1, 1, 1, 0, false},
		{2, 3, 2, 3, 2, 2, 0, false},
		{4, 7, 4, 7, 4, 4, 0, false},
		{8, 12, 8, 12, 5, 5, 0, false}, // up to 8 records: the logs record ends it
		{13, 16, 13, 16, 4, 0, 3, false},
		{17, 17, 17, 17, 1, 1, 0, true},
	}, shapes(got))
	assert.Equal(t, kindLogs, got[4].data.kind)
	assert.Equal(t, 3, got[4].data.logs.LogRecordCount(), "the log records are merged")
	assert.Equal(t, 1, got[4].other)

	// --batch 2: a record's spans count once they are in; a record is
	// never split.
	got, _ = readAll(t, 2, false, path)
	assert.Equal(t, []int{1, 2, 2, 2, 2, 2, 1, 2, 2, 1}, recordsPer(got))
}

func recordsPer(bs []*batch) []int {
	var out []int
	for _, b := range bs {
		out = append(out, b.records)
	}
	return out
}

// TestBatchMergesTheRecordsInOrder: the spans of a batch's records reach
// the exporter as one request, in the records' order.
func TestBatchMergesTheRecordsInOrder(t *testing.T) {
	var ls [][]byte
	for i := range 7 {
		ls = append(ls, turnLine(t, fmt.Sprintf("s%d", i), time.Duration(i)*time.Minute))
	}
	got, _ := readAll(t, 1000, false, writeFile(t, "traces.json", lines(ls...)))

	require.Len(t, got, 4)
	assert.True(t, got[3].end)
	assert.Zero(t, got[3].records, "the file ended after a full batch")
	var sessions []string
	td := got[2].data.traces
	for i := range td.ResourceSpans().Len() {
		sp := td.ResourceSpans().At(i).ScopeSpans().At(0).Spans().At(0)
		v, _ := sp.Attributes().Get("session.id")
		sessions = append(sessions, v.Str())
	}
	assert.Equal(t, []string{"s3", "s4", "s5", "s6"}, sessions)
}
