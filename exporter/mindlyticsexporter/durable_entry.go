package mindlyticsexporter

import (
	"bytes"
	"encoding/json"
	"errors"
	"hash/crc32"
	"strconv"
)

// An entry of the durable queue is a request as eventsEncoding.Marshal
// stores it, {"events":[…]}, with two more members: the number of spans
// the events were made from, which exporterhelper reports as sent spans,
// and the CRC-32C of the bytes between the opening brace and the end of
// the events: {"spans":N,"events":[…],"crc32c":S}. Any version reads it as
// a stored request (the other members are ignored); this one checks the
// sum instead of the JSON. The bytes were written valid (each event made
// by Event.AppendJSON), so a matching sum means they still are, and the
// events are cut at their top-level commas without decoding them:
// json.Unmarshal into RawMessages checks the bytes twice and copies every
// event, and json.Valid alone is a scan as slow; they were most of the
// sender's CPU. Entries of the version before have no span count
// ({"events":[…],"crc32c":S}, the sum of the events alone); their events
// count as their spans.
const (
	entryHead       = `{"events":[`
	entrySum        = `],"crc32c":`
	entrySpansHead  = `{"spans":`
	entryEventsHead = `,"events":[`
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// encodeStored makes the entry of events, made from spans spans.
func encodeStored(events []json.RawMessage, spans int) []byte {
	size := len(entrySpansHead) + 20 + len(entryEventsHead) + len(entrySum) + 11 + len(events)
	for _, ev := range events {
		size += len(ev)
	}
	b := make([]byte, 0, size)
	b = append(b, entrySpansHead...)
	b = strconv.AppendInt(b, int64(spans), 10)
	b = append(b, entryEventsHead...)
	for i, ev := range events {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, ev...)
	}
	sum := crc32.Checksum(b[1:], castagnoli)
	b = append(b, entrySum...)
	b = strconv.AppendUint(b, uint64(sum), 10)
	return append(b, '}')
}

// decodeStored reads an entry: its events, slices of data, not copies,
// and the spans they were made from. An entry whose sum does not match is
// refused: the storage changed it. One of an earlier version counts its
// events as its spans.
func decodeStored(data []byte) ([]json.RawMessage, int, error) {
	spans, body, counted, err := countedBody(data)
	if err != nil {
		return nil, 0, err
	}
	if counted {
		if events := splitObjects(body); len(events) > 0 {
			return events, spans, nil
		}
	}
	events, err := decodeEarlierStored(data)
	return events, len(events), err
}

// countedBody returns the span count and the events' bytes of an entry of
// encodeStored's layout, and whether data is one; errEntrySum when its sum
// does not match.
func countedBody(data []byte) (int, []byte, bool, error) {
	rest, ok := bytes.CutPrefix(data, []byte(entrySpansHead))
	comma := bytes.IndexByte(rest, ',')
	if !ok || comma < 0 || len(data) == 0 || data[len(data)-1] != '}' {
		return 0, nil, false, nil
	}
	spans, err := strconv.Atoi(string(rest[:comma]))
	if err != nil || spans < 0 {
		return 0, nil, false, nil
	}
	body, ok := bytes.CutPrefix(rest[comma:], []byte(entryEventsHead))
	end := bytes.LastIndex(body, []byte(entrySum))
	if !ok || end < 0 {
		return 0, nil, false, nil
	}
	sum, err := strconv.ParseUint(string(body[end+len(entrySum):len(body)-1]), 10, 32)
	if err != nil {
		return 0, nil, false, nil
	}
	covered := len(data) - len(body) + end // from the opening brace to the events' end
	if uint32(sum) != crc32.Checksum(data[1:covered], castagnoli) {
		return 0, nil, true, errEntrySum
	}
	return spans, body[:end], true, nil
}

// decodeEarlierStored reads an entry of an earlier version: one with the
// events' sum alone, or without a sum (eventsEncoding.Marshal's layout),
// checked as JSON, and read by eventsEncoding.Unmarshal unless it is in
// Marshal's layout.
func decodeEarlierStored(data []byte) ([]json.RawMessage, error) {
	body, summed, err := summedBody(data)
	if err != nil {
		return nil, err
	}
	if summed {
		if events := splitObjects(body); len(events) > 0 {
			return events, nil
		}
	} else if body, ok := bareBody(data); ok && json.Valid(data) {
		if events := splitObjects(body); len(events) > 0 {
			return events, nil
		}
	}
	_, r, err := eventsEncoding{}.Unmarshal(data)
	if err != nil {
		return nil, err
	}
	req, ok := r.(*eventsRequest)
	if !ok {
		return nil, errors.New("mindlytics exporter: stored request of an unknown kind")
	}
	return req.events, nil
}

var errEntrySum = errors.New("mindlytics exporter: stored request: its checksum does not match its events (the storage changed them)")

// summedBody returns the events' bytes of an entry of the layout before
// the span count, and whether data is one; errEntrySum when its sum does not match.
func summedBody(data []byte) ([]byte, bool, error) {
	rest, ok := bytes.CutPrefix(data, []byte(entryHead))
	if !ok || len(rest) == 0 || rest[len(rest)-1] != '}' {
		return nil, false, nil
	}
	i := bytes.LastIndex(rest, []byte(entrySum))
	if i < 0 {
		return nil, false, nil
	}
	sum, err := strconv.ParseUint(string(rest[i+len(entrySum):len(rest)-1]), 10, 32)
	if err != nil {
		return nil, false, nil
	}
	if uint32(sum) != crc32.Checksum(rest[:i], castagnoli) {
		return nil, true, errEntrySum
	}
	return rest[:i], true, nil
}

// bareBody returns the events' bytes of eventsEncoding.Marshal's layout,
// unchecked.
func bareBody(data []byte) ([]byte, bool) {
	body, ok := bytes.CutPrefix(data, []byte(entryHead))
	if ok {
		body, ok = bytes.CutSuffix(body, []byte(`]}`))
	}
	return body, ok
}

// splitObjects cuts body, valid JSON array elements without spaces, into
// its objects (each capped: an append never reaches the next); nil when
// an element is not an object or a space separates them.
func splitObjects(body []byte) []json.RawMessage {
	events := make([]json.RawMessage, 0, bytes.Count(body, []byte(`},{`))+1)
	for i := 0; i < len(body); {
		if body[i] != '{' {
			return nil
		}
		end := objectEnd(body, i)
		if end < 0 {
			return nil
		}
		events = append(events, json.RawMessage(body[i:end:end]))
		i = end
		if i < len(body) {
			if body[i] != ',' {
				return nil
			}
			i++
		}
	}
	return events
}

// objectEnd returns the index after the object or array that starts at
// b[start], which is valid JSON, or -1 when it does not end in b.
func objectEnd(b []byte, start int) int {
	depth, inString := 0, false
	for i := start; i < len(b); i++ {
		c := b[i]
		if inString {
			switch c {
			case '\\':
				i++ // the escaped byte
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return -1
}
