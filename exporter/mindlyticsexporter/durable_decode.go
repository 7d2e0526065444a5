package mindlyticsexporter

import (
	"bytes"
	"encoding/json"
	"errors"
)

// decodeStored reads an entry of the durable queue: the events of a
// request as eventsEncoding.Marshal stores them. For that layout
// ({"events":[…]} without spaces) the whole entry is checked to be JSON
// once, then cut at its top-level commas: the events are slices of data,
// not copies, and nothing is decoded (json.Unmarshal into RawMessages
// checks the bytes twice and copies every event; it was most of the
// sender's CPU). Any other layout, a later version's say, is read by
// eventsEncoding.Unmarshal, which also says what is wrong with bad data.
func decodeStored(data []byte) ([]json.RawMessage, error) {
	body, ok := bytes.CutPrefix(data, []byte(`{"events":[`))
	if ok {
		body, ok = bytes.CutSuffix(body, []byte(`]}`))
	}
	if ok && json.Valid(data) {
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
