package pdataview

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/mindlytics/mindlytics-otel/internal/translate"
)

// Over every captured fixture, each span has one outcome: an event, a wait
// for an ancestor, a reason it made none, or an error; and the counts the
// exporter's metric reads are the reasons the page shows, by reason.
func TestEverySpanOfTheFixturesHasOneOutcome(t *testing.T) {
	files, err := filepath.Glob("../../../testdata/fixtures/*/*.traces.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(b)
			require.NoError(t, err)

			traced := newSpansOnly(t)
			_, o, errs := traced.TracesWithOrigins(td)
			outcomes := make(map[int]int, len(o.Spans))
			for _, i := range o.Indexes {
				outcomes[i] |= 1
			}
			for _, i := range o.Waiting {
				outcomes[i] |= 2
			}
			for i := range o.NoEvent {
				outcomes[i] |= 4
			}
			for i, set := range outcomes {
				assert.Contains(t, []int{1, 2, 4}, set, "span %d (%s) has one outcome", i, o.Spans[i].Name())
			}
			assert.LessOrEqual(t, len(o.Spans)-len(outcomes), len(errs), "a span without an outcome has an error")

			counted := newSpansOnly(t)
			_, _ = counted.Traces(nil, td)
			var want translate.NoEventCounts
			for _, why := range o.NoEvent {
				for r := range want {
					if translate.NoEventReason(r).Text() == why {
						want[r]++
					}
				}
			}
			assert.Equal(t, want, counted.NoEventCounts())
		})
	}
}

func newSpansOnly(t *testing.T) *Translator {
	tt, err := translate.New(translate.DefaultSettings())
	require.NoError(t, err)
	tr := NewTranslator(tt)
	tr.SpansOnly(true)
	return tr
}
