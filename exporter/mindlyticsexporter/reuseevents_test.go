package mindlyticsexporter

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// TestReuseEventsHoldsOnlyTheLastBatch: batch after batch, appended to the
// reused array as the translation does (growing it at times), the events
// of older batches are cleared, the last batch's stay until forgetEvents,
// and a batch translates over them as over a fresh array.
func TestReuseEventsHoldsOnlyTheLastBatch(t *testing.T) {
	c := &core{}
	for batch, n := range []int{3, 40, 7, 0, 100, 2, 2} {
		events := c.events[:0]
		for i := range n {
			id := mindlytics.Identity{SessionID: fmt.Sprintf("s%d-%d", batch, i)}
			var err error
			events, err = compact.AppendUsage(events, id, "c", mindlytics.Usage{Model: "m"})
			require.NoError(t, err)
		}
		for i := range events {
			fresh, err := compact.Usage(mindlytics.Identity{SessionID: fmt.Sprintf("s%d-%d", batch, i)}, "c", mindlytics.Usage{Model: "m"})
			require.NoError(t, err)
			require.Equal(t, fresh, events[i], "batch %d event %d", batch, i)
		}
		c.reuseEvents(events)
		require.Equal(t, n, c.eventsWritten)
		requireEventsZeroFrom(t, c, n, fmt.Sprintf("batch %d: older batches' events", batch))
	}
	c.forgetEvents()
	requireEventsZeroFrom(t, c, 0, "forgetEvents")
}

func requireEventsZeroFrom(t *testing.T, c *core, from int, what string) {
	t.Helper()
	for i, ev := range c.events[from:cap(c.events)] {
		require.Truef(t, reflect.ValueOf(ev).IsZero(), "%s: event %d still held", what, from+i)
	}
}
