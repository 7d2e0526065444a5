package pdataview

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

func TestSpansOnlyRemembersNoSpan(t *testing.T) {
	td := ptrace.NewTraces()
	sp := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	sp.SetTraceID(pcommon.TraceID{1})
	sp.SetSpanID(pcommon.SpanID{2})

	j := newLogJoin(time.Now)
	j.joinSpans(td)
	assert.Len(t, j.seen, 1, "spans are remembered for log records to come")

	j = newLogJoin(time.Now)
	j.spansOnly = true
	got, _ := j.joinSpans(td)
	assert.Equal(t, td, got)
	assert.Empty(t, j.seen, "with only spans, nothing is remembered")
}
