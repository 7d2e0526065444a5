package mindlyticsexporter

import (
	"bytes"
	"context"
	"encoding/json"
	"hash/crc32"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// storedEvents are events whose strings hold what a naive cut at commas
// or braces would split at.
var storedEvents = []json.RawMessage{
	json.RawMessage(`{"type":"track","event":"a","properties":{"text":"},{\"x\":[1,2]}","n":[{"k":"]"}]}}`),
	json.RawMessage(`{"type":"track","event":"b","properties":{"text":"back\\slash\\\\","u":"\u00e9\u2028"}}`),
	json.RawMessage(`{"type":"start_session","session_id":"s,1"}`),
}

func marshalStored(t testing.TB, events []json.RawMessage) []byte {
	t.Helper()
	b, err := eventsEncoding{}.Marshal(context.Background(), newEventsRequest(events))
	require.NoError(t, err)
	return b
}

func TestDecodeStoredReadsWhatPutWrote(t *testing.T) {
	data := encodeStored(storedEvents, 7)
	got, spans, err := decodeStored(data)
	require.NoError(t, err)
	assert.Equal(t, 7, spans, "the spans the events were made from")
	require.Len(t, got, len(storedEvents))
	for i := range storedEvents {
		assert.Equal(t, string(storedEvents[i]), string(got[i]))
		assert.Equal(t, len(got[i]), cap(got[i]), "event %d is capped: an append never writes into the next", i)
	}
	// An earlier version reads it as a stored request (a downgrade).
	_, r, err := eventsEncoding{}.Unmarshal(data)
	require.NoError(t, err)
	assert.Equal(t, storedEvents, r.(*eventsRequest).events)
}

func TestDecodeStoredRefusesAnEntryTheStorageChanged(t *testing.T) {
	for name, change := range map[string]func([]byte){
		"an event": func(data []byte) {
			i := bytes.Index(data, []byte(`"event":"b"`))
			require.Positive(t, i)
			data[i+len(`"event":"`)] = 'c' // still valid JSON, not what was written
		},
		"the span count": func(data []byte) {
			require.True(t, bytes.HasPrefix(data, []byte(`{"spans":7,`)))
			data[len(`{"spans":`)] = '8'
		},
	} {
		t.Run(name, func(t *testing.T) {
			data := encodeStored(storedEvents, 7)
			change(data)
			events, _, err := decodeStored(data)
			require.ErrorIs(t, err, errEntrySum)
			assert.Nil(t, events)
		})
	}
}

// The version before the span count summed the events alone; its entries
// count their events as their spans.
func TestDecodeStoredReadsTheEntriesOfTheVersionBefore(t *testing.T) {
	body := bytes.Join(func() [][]byte {
		var b [][]byte
		for _, ev := range storedEvents {
			b = append(b, ev)
		}
		return b
	}(), []byte(","))
	data := []byte(entryHead + string(body) + entrySum + strconv.FormatUint(uint64(crc32.Checksum(body, castagnoli)), 10) + "}")
	got, spans, err := decodeStored(data)
	require.NoError(t, err)
	assert.Equal(t, len(storedEvents), spans)
	require.Len(t, got, len(storedEvents))
	assert.Equal(t, string(storedEvents[2]), string(got[2]))

	data[len(entryHead)+len(`{"type":"`)] = 'x'
	_, _, err = decodeStored(data)
	require.ErrorIs(t, err, errEntrySum)
}

// Entries of earlier versions have no sum: eventsEncoding.Marshal's layout.
func TestDecodeStoredReadsWhatMarshalWrote(t *testing.T) {
	data := marshalStored(t, storedEvents)
	got, spans, err := decodeStored(data)
	require.NoError(t, err)
	assert.Equal(t, len(storedEvents), spans)
	require.Len(t, got, len(storedEvents))
	for i := range storedEvents {
		assert.JSONEq(t, string(storedEvents[i]), string(got[i]))
		assert.Equal(t, len(got[i]), cap(got[i]), "event %d is capped: an append never writes into the next", i)
	}
}

func TestDecodeStoredReadsOtherLayouts(t *testing.T) {
	// Valid, with spaces: not Marshal's layout, read by the general decoder.
	got, _, err := decodeStored([]byte(`{ "events": [ {"type":"track"} , {"type":"identify"} ] }`))
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.JSONEq(t, `{"type":"identify"}`, string(got[1]))
}

func TestDecodeStoredRefusesBadEntries(t *testing.T) {
	good := marshalStored(t, storedEvents)
	for name, data := range map[string][]byte{
		"truncated":      good[:len(good)-5],
		"a broken event": []byte(`{"events":[{"type":"track"},{"type":tr}]}`),
		"not an object":  []byte(`{"events":[{"type":"track"},42]}`),
		"no events":      []byte(`{"events":[]}`),
		"not JSON":       []byte("\x00\x01garbage"),
	} {
		t.Run(name, func(t *testing.T) {
			events, _, err := decodeStored(data)
			assert.Error(t, err)
			assert.Nil(t, events)
		})
	}
}

// FuzzDecodeStored: whatever the bytes without a sum, decodeStored agrees with
// eventsEncoding.Unmarshal (json.Unmarshal) on whether they are an entry
// and on its events.
func FuzzDecodeStored(f *testing.F) {
	f.Add(marshalStored(f, storedEvents))
	f.Add([]byte(`{"events":[{"a":"}"},{"b":[{}]}]}`))
	f.Add([]byte(`{"events":[{}]}`))
	f.Add(encodeStored(storedEvents, 5))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, summed, _ := summedBody(data); summed {
			return // a matching sum vouches for bytes put wrote (TestDecodeStoredReadsWhatPutWrote)
		}
		if _, _, counted, _ := countedBody(data); counted {
			return // the same
		}
		got, _, err := decodeStored(data)
		_, r, wantErr := eventsEncoding{}.Unmarshal(data)
		if wantErr != nil {
			require.Error(t, err)
			return
		}
		require.NoError(t, err)
		want := r.(*eventsRequest).events
		require.Len(t, got, len(want))
		for i := range want {
			require.Equal(t, string(want[i]), string(got[i]))
		}
	})
}
