package wire

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// Event is what the encoder reads of a mindlytics.Event: its fields, in
// the order the JSON object has them. Package mindlytics and package
// compact each copy their event into one (a dozen words) to encode it.
type Event struct {
	Type, Name, SessionID, Timestamp, UserID, DeviceID string
	ConversationID, ID, PreviousID                     string
	Properties, Attributes, Traits                     map[string]any
	// ConversationAnalysis and IntentAnalysis are the analyses a
	// "Conversation Ended" event may carry; nil when it has none.
	ConversationAnalysis, IntentAnalysis *Analysis
	// Stamp, when not nil, is the timestamp (Timestamp is then empty).
	Stamp *Stamp
}

// Analysis is what the encoder reads of a conversation or intent analysis:
// summary, sentiment, intent_fulfilled (for an intent analysis only) and
// cost, in that order.
type Analysis struct {
	Summary, Sentiment, IntentFulfilled string
	Cost                                float64
	Intent                              bool // writes intent_fulfilled
}

// appendAnalysis appends key and a, the bytes encoding/json writes for
// mindlytics' analysis structs.
func appendAnalysis(dst []byte, key string, a *Analysis) ([]byte, error) {
	if err := CheckFinite(a.Cost); err != nil {
		return dst, err
	}
	dst = append(dst, key...)
	dst = append(dst, `{"summary":`...)
	dst = AppendString(dst, a.Summary)
	dst = append(dst, `,"sentiment":`...)
	dst = AppendString(dst, a.Sentiment)
	if a.Intent {
		dst = append(dst, `,"intent_fulfilled":`...)
		dst = AppendString(dst, a.IntentFulfilled)
	}
	dst = append(dst, `,"cost":`...)
	dst = AppendFloat(dst, a.Cost, 64)
	return append(dst, '}'), nil
}

// AppendJSON appends the JSON encoding of e to dst: the bytes
// encoding/json writes for mindlytics.Event's tags (the same field order
// and omitempty rules). On error the returned buffer is dst unchanged in
// length.
func (e *Event) AppendJSON(dst []byte) ([]byte, error) {
	start := len(dst)
	dst, err := e.AppendRest(e.AppendHead(dst))
	if err != nil {
		return dst[:start], err
	}
	return dst, nil
}

// AppendHead appends the start of e's JSON object: its string fields. An
// encoder that writes the properties in another form (package compact)
// appends `,"properties":` and them after it, then [Event.AppendRest]
// with no Properties map. (A function or an interface to write them would
// make the event escape to the heap: one allocation per event.)
func (e *Event) AppendHead(dst []byte) []byte {
	if head := knownHead(e.Type, e.Name); head != "" {
		dst = append(dst, head...)
	} else {
		dst = appendTypeAndName(dst, e.Type, e.Name)
	}
	dst = append(dst, `,"session_id":`...)
	sessionID := len(dst)
	dst = AppendString(dst, e.SessionID)
	sessionIDEnd := len(dst)
	if e.Stamp != nil { // the layout's characters: nothing to escape
		dst = append(dst, `,"timestamp":"`...)
		dst = append(dst, e.Stamp[:]...)
		dst = append(dst, '"')
	} else {
		dst = appendOptional(dst, `,"timestamp":`, e.Timestamp)
	}
	dst = appendOptional(dst, `,"user_id":`, e.UserID)
	dst = appendOptional(dst, `,"device_id":`, e.DeviceID)
	if e.ConversationID != "" && e.ConversationID == e.SessionID {
		// A conversation named after its session (most are): its text is
		// written already.
		dst = append(dst, `,"conversation_id":`...)
		dst = append(dst, dst[sessionID:sessionIDEnd]...)
	} else {
		dst = appendOptional(dst, `,"conversation_id":`, e.ConversationID)
	}
	dst = appendOptional(dst, `,"id":`, e.ID)
	return appendOptional(dst, `,"previous_id":`, e.PreviousID)
}

// appendTypeAndName appends the object's opening brace and its type and
// event fields.
func appendTypeAndName(dst []byte, typ, name string) []byte {
	dst = append(dst, `{"type":`...)
	dst = AppendString(dst, typ)
	return appendOptional(dst, `,"event":`, name)
}

// knownHead is appendTypeAndName's bytes for the contract's own types and
// track events (KindPath's), "" for others: a few comparisons find them,
// where AppendString looks at every byte.
func knownHead(typ, name string) string {
	switch typ {
	case "track":
		switch name {
		case "Conversation Turn":
			return knownHeads[headTurn]
		case "Conversation Function":
			return knownHeads[headFunction]
		case "Conversation Usage":
			return knownHeads[headUsage]
		case "Conversation Started":
			return knownHeads[headConversationStarted]
		case "Conversation Ended":
			return knownHeads[headConversationEnded]
		}
	case "start_session":
		if name == "" {
			return knownHeads[headStartSession]
		}
	case "end_session":
		if name == "" {
			return knownHeads[headEndSession]
		}
	}
	return ""
}

const (
	headTurn = iota
	headFunction
	headUsage
	headConversationStarted
	headConversationEnded
	headStartSession
	headEndSession
)

// knownHeads are knownHead's answers, written by appendTypeAndName.
var knownHeads = func() (written [headEndSession + 1]string) {
	heads := []struct{ typ, name string }{
		headTurn:                {"track", "Conversation Turn"},
		headFunction:            {"track", "Conversation Function"},
		headUsage:               {"track", "Conversation Usage"},
		headConversationStarted: {"track", "Conversation Started"},
		headConversationEnded:   {"track", "Conversation Ended"},
		headStartSession:        {"start_session", ""},
		headEndSession:          {"end_session", ""},
	}
	for i, h := range heads {
		written[i] = string(appendTypeAndName(nil, h.typ, h.name))
	}
	return written
}()

// AppendRest appends the end of e's JSON object after [Event.AppendHead]:
// its non-empty property groups and the closing brace.
func (e *Event) AppendRest(dst []byte) ([]byte, error) {
	if len(e.Properties) == 0 && len(e.Attributes) == 0 && len(e.Traits) == 0 &&
		e.ConversationAnalysis == nil && e.IntentAnalysis == nil {
		return append(dst, '}'), nil // most events: nothing after the head
	}
	var err error
	for _, g := range [...]struct {
		key   string
		props map[string]any
	}{{`,"properties":`, e.Properties}, {`,"attributes":`, e.Attributes}, {`,"traits":`, e.Traits}} {
		if len(g.props) == 0 {
			continue // omitempty
		}
		dst = append(dst, g.key...)
		if dst, err = AppendObject(dst, g.props); err != nil {
			return dst, err
		}
	}
	if e.ConversationAnalysis != nil {
		if dst, err = appendAnalysis(dst, `,"conversation_analysis":`, e.ConversationAnalysis); err != nil {
			return dst, err
		}
	}
	if e.IntentAnalysis != nil {
		if dst, err = appendAnalysis(dst, `,"intent_analysis":`, e.IntentAnalysis); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

// appendOptional appends key and the string value unless it is empty.
func appendOptional(dst []byte, key, value string) []byte {
	if value == "" {
		return dst
	}
	return AppendString(append(dst, key...), value)
}

// SessionID returns the session id of an event this encoder wrote, as its
// JSON text (escapes kept), or nil when it has none. It is found without
// decoding: the encoder writes "session_id" before any object, and a
// string's quotes are escaped, so the first `"session_id":"` is the field.
func SessionID(encoded []byte) []byte {
	id, _ := SessionIDText(encoded)
	return id
}

// SessionIDText is [SessionID], and whether the id's text holds an escape
// (it then differs from the id).
func SessionIDText(encoded []byte) (id []byte, escaped bool) {
	i := sessionIDValue(encoded)
	if i < 0 {
		return nil, false
	}
	return stringText(encoded[i:])
}

// sessionIDValue returns where the session id's text starts in encoded,
// or -1. An event of this encoder starts with its type and maybe its name
// before the session id (AppendHead): stepping over those two strings
// finds the field in a few instructions, where a search for the key tries
// every quote on the way. Neither string can hold the key's text
// unescaped, so the field found so is also the first match of the search,
// which anything else falls back to.
func sessionIDValue(encoded []byte) int {
	const typeKey, eventKey, sessionIDKey = `{"type":"`, `,"event":"`, `,"session_id":"`
	if hasAt(encoded, 0, typeKey) {
		i := afterString(encoded, len(typeKey))
		if hasAt(encoded, i, eventKey) {
			i = afterString(encoded, i+len(eventKey))
		}
		if hasAt(encoded, i, sessionIDKey) {
			return i + len(sessionIDKey)
		}
	}
	i := bytes.Index(encoded, sessionIDField)
	if i < 0 {
		return -1
	}
	return i + len(sessionIDField)
}

// hasAt reports whether b holds key at i (i >= 0; none past b's end).
func hasAt(b []byte, i int, key string) bool {
	return len(b)-i >= len(key) && string(b[i:i+len(key)]) == key
}

// afterString returns the index after the string whose text starts at
// start in encoded, its closing quote included: len(encoded)+1 when the
// quote is missing.
func afterString(encoded []byte, start int) int {
	text, _ := stringText(encoded[start:])
	return start + len(text) + 1
}

// stringText returns the start of s up to its first unescaped quote: the
// text of a JSON string that starts s, escapes kept (all of s when the
// quote is missing), and whether it holds an escape. It looks at eight
// bytes a step (as copyPlain does); the texts read here (types, names, ids)
// are short, and calls of IndexByte cost more than they save.
func stringText(s []byte) ([]byte, bool) {
	j := 0
	for ; j+8 <= len(s); j += 8 {
		x := binary.LittleEndian.Uint64(s[j:])
		q, b := x^'"'*lowBits, x^'\\'*lowBits
		// The lowest byte flagged is the first quote or backslash (a
		// false flag of haszero comes only above a true one).
		if m := ((q-lowBits)&^q | (b-lowBits)&^b) & highBits; m != 0 {
			j += bits.TrailingZeros64(m) / 8
			break
		}
	}
	for ; j < len(s); j++ {
		switch s[j] {
		case '"':
			return s[:j], false
		case '\\':
			return escapedText(s, j), true
		}
	}
	return s, false
}

// escapedText is stringText from s's first escape, at j.
func escapedText(s []byte, j int) []byte {
	for ; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++ // the escaped byte is part of the text
		case '"':
			return s[:j]
		}
	}
	return s
}

var sessionIDField = []byte(`"session_id":"`)
