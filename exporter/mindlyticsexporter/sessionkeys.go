package mindlyticsexporter

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/internal/delivery"
)

// encodedKey is delivery.EncodedSessionKey(encoded) for ev encoded as
// encoded, taken from ev's session id instead of found in the JSON: the
// encoder writes the id as the event's first session_id field, and a valid
// UTF-8 id's JSON text decodes back to the id itself (escapes and all).
// Other ids (invalid UTF-8 turns into U+FFFD) are read from the JSON. Done
// once at enqueue, it spares the sending the search of every event's id.
func encodedKey(ev *compact.Event, encoded json.RawMessage) uint32 {
	key, ascii := delivery.SessionKeyASCII(ev.SessionID)
	if !ascii && !utf8.ValidString(ev.SessionID) {
		return delivery.EncodedSessionKey(encoded)
	}
	return key
}

// keysAtEnqueue says whether enqueue takes each event's session key: only
// when its request reaches the sending as it was queued. The durable queue
// stores no keys, and a sending queue that batches merges and splits
// requests (MergeSplit drops their keys): the keys would be thrown away.
func keysAtEnqueue(cfg *Config) bool {
	q := cfg.QueueConfig.Get()
	return q == nil || q.StorageID == nil && !q.Batch.HasValue()
}

// unsettledKeys is the session keys of r's unsettled events, or nil when
// r has none (the keys are found in the events then).
func (r *eventsRequest) unsettledKeys() []uint32 {
	if r.keys == nil {
		return nil
	}
	return r.keys[r.settled:]
}

// eventKey is the session key of events[i]: keys[i] when keys are given.
func eventKey(events []json.RawMessage, keys []uint32, i int) uint32 {
	if keys != nil {
		return keys[i]
	}
	return delivery.EncodedSessionKey(events[i])
}
