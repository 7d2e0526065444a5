package mindlyticsexporter

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// An evaluation sent as a log record lands as the GenAI Evaluation event in
// the evaluated call's session.
func TestEvaluationLogRecords(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	te, le := startPipelines(t, testConfig(srv))
	traceID, spanID := pcommon.TraceID{21}, pcommon.SpanID{1}
	require.NoError(t, te.ConsumeTraces(context.Background(), spansOf(traceID,
		pdataSpec{1, 0, "chat gpt-4o", 0, time.Second, map[string]any{
			"session.id": "ev-s", "user.id": "u", "gen_ai.operation.name": "chat", "gen_ai.response.model": "gpt-4o",
			"gen_ai.usage.input_tokens": 3, "gen_ai.usage.output_tokens": 1,
		}})))
	ld := plog.NewLogs()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.SetEventName(conventions.GenAIEvaluationResultEvent)
	lr.SetTraceID(traceID)
	lr.SetSpanID(spanID)
	lr.SetTimestamp(pcommon.NewTimestampFromTime(t0.Add(2 * time.Second)))
	lr.Attributes().PutStr(string(conventions.GenAIEvaluationNameKey), "relevance")
	lr.Attributes().PutDouble(string(conventions.GenAIEvaluationScoreValueKey), 0.9)
	require.NoError(t, le.ConsumeLogs(context.Background(), ld))
	shutdown(t, te, le)

	var found bool
	for _, ev := range srv.SessionEvents("ev-s") {
		if ev.Event == conventions.EvaluationEventName {
			found = true
			assert.Equal(t, "relevance", ev.Properties["name"])
		}
	}
	assert.True(t, found, "events: %v", srv.SessionEvents("ev-s"))
	assert.Empty(t, srv.Violations())
}
