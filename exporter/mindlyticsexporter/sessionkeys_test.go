package mindlyticsexporter

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/internal/delivery"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// TestEncodedKeyMatchesTheEncodedEvent checks the key enqueue takes from
// an event's session id against the key found in its JSON, which the
// sending used before: for the load's events (compact ones) and for ids
// that need escapes, are not valid UTF-8, or are empty, in events of the
// map form.
func TestEncodedKeyMatchesTheEncodedEvent(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	tr, err := newTranslation(cfg)
	require.NoError(t, err)
	tr.(spansOnly).SpansOnly(true)
	events, errs := tr.Traces(nil, benchTraces(0, 20))
	require.Empty(t, errs)
	for _, id := range []string{"", "s-1", `a"b`, `back\slash`, "tab\there", "<html>&", "line\u2028sep", "caf\u00e9",
		"bad\xffutf8", "\xc3", "nul\x00"} {
		var ev compact.Event
		ev.Event = mindlytics.Event{Type: mindlytics.TypeTrack, Event: "Turn", SessionID: id, UserID: "u",
			Properties: map[string]any{"session_id": "not-this-one"}}
		events = append(events, ev)
	}
	for i := range events {
		raw, err := events[i].AppendJSON(nil)
		require.NoError(t, err)
		assert.Equal(t, delivery.EncodedSessionKey(raw), encodedKey(&events[i], raw), "%s", raw)
	}
}

// TestSplitWithKeys checks that a request's keys split its events as the
// keys found in them do.
func TestSplitWithKeys(t *testing.T) {
	var events []json.RawMessage
	var keys []uint32
	for _, id := range []string{"s1", "s2", "s3", "s1", "s4", "s5", "s2", "s6", "s7", "s3"} {
		var ev compact.Event
		ev.Event = mindlytics.Event{Type: mindlytics.TypeTrack, Event: "x", SessionID: id, UserID: "u"}
		raw, err := ev.AppendJSON(nil)
		require.NoError(t, err)
		events, keys = append(events, raw), append(keys, encodedKey(&ev, raw))
	}
	for n := 1; n <= 4; n++ {
		var a, b partScratch
		assert.Equal(t, a.split(events, nil, n), b.split(events, keys, n), "n=%d", n)
	}
	r := newEventsRequest(events)
	r.keys, r.settled = keys, 3
	assert.Equal(t, keys[3:], r.OnError(nil).(*eventsRequest).keys)
}

// TestKeysAtEnqueueOnlyWhereTheyReachTheSending: enqueue takes the session
// keys for an in-memory queue that does not batch, and for none; the
// durable queue stores no keys and a batching queue drops them.
func TestKeysAtEnqueueOnlyWhereTheyReachTheSending(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	require.False(t, cfg.QueueConfig.Get().Batch.HasValue(), "the default queue does not batch")
	assert.True(t, keysAtEnqueue(cfg), "the default in-memory queue")

	batching := createDefaultConfig().(*Config)
	batching.QueueConfig.Get().Batch = configoptional.Some(exporterhelper.BatchConfig{})
	assert.False(t, keysAtEnqueue(batching), "a batching queue merges requests")

	durable := createDefaultConfig().(*Config)
	storage := component.MustNewID("file_storage")
	durable.QueueConfig.Get().StorageID = &storage
	assert.False(t, keysAtEnqueue(durable), "the durable queue stores no keys")

	none := createDefaultConfig().(*Config)
	none.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
	assert.True(t, keysAtEnqueue(none), "no queue: the request goes out as made")
}
