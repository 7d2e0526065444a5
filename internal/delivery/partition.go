package delivery

import (
	"encoding/json"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// SessionKey is the one partition key of a session: the FNV-1a hash of
// its id. Both front doors split work by it (the queue's lanes, the
// collector's partitions of a request) so that a session's events stay in
// one place, in order.
func SessionKey[ID string | []byte](sessionID ID) uint32 {
	h, _ := fnv1a(sessionID)
	return h
}

// fnv1a is the FNV-1a hash of id, and the OR of its bytes (below 0x80:
// all ASCII), in one pass: the one definition of the key for SessionKey
// and SessionKeyASCII.
func fnv1a[ID string | []byte](id ID) (h uint32, or byte) {
	h = 2166136261
	for i := 0; i < len(id); i++ {
		c := id[i]
		or |= c
		h ^= uint32(c)
		h *= 16777619
	}
	return h, or
}

// EncodedSessionKey is [SessionKey] of an encoded event's session id
// (wire.SessionID reads it without decoding the event); 0 for an event
// with none.
func EncodedSessionKey(event json.RawMessage) uint32 {
	raw, escaped := wire.SessionIDText(event)
	if raw == nil {
		return 0
	}
	if !escaped {
		return SessionKey(raw) // as it is
	}
	var id string // escaped: rare, decoded
	if err := json.Unmarshal(append(append([]byte{'"'}, raw...), '"'), &id); err != nil {
		return SessionKey(raw)
	}
	return SessionKey(id)
}

// SessionKeyASCII is [SessionKey] of sessionID, and whether the id is all
// ASCII, found in the same pass over it (enqueue's check that the id's
// JSON text decodes back to the id costs no second pass so).
func SessionKeyASCII(sessionID string) (key uint32, ascii bool) {
	h, or := fnv1a(sessionID)
	return h, or < 0x80
}
