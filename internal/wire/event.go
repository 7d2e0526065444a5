package wire

import "bytes"

// Event is what the encoder reads of a mindlytics.Event: its fields, in
// the order the JSON object has them. Package mindlytics and package
// compact each copy their event into one (a dozen words) to encode it.
type Event struct {
	Type, Name, SessionID, Timestamp, UserID, DeviceID string
	ConversationID, ID, PreviousID                     string
	Properties, Attributes, Traits                     map[string]any
}

// PropertiesWriter writes the properties of an event that keeps them in
// another form than a map (package compact's events).
type PropertiesWriter interface {
	// AppendProperties appends the properties as a JSON object.
	AppendProperties(dst []byte) ([]byte, error)
}

// AppendJSON appends the JSON encoding of e to dst: the bytes
// encoding/json writes for mindlytics.Event's tags (the same field order
// and omitempty rules). When e.Properties is empty and props is not nil,
// props writes the "properties" object instead (never empty). On error
// the returned buffer is dst unchanged in length.
func (e *Event) AppendJSON(dst []byte, props PropertiesWriter) ([]byte, error) {
	start := len(dst)
	dst = append(dst, `{"type":`...)
	dst = AppendString(dst, e.Type)
	dst = appendOptional(dst, `,"event":`, e.Name)
	dst = append(dst, `,"session_id":`...)
	dst = AppendString(dst, e.SessionID)
	dst = appendOptional(dst, `,"timestamp":`, e.Timestamp)
	dst = appendOptional(dst, `,"user_id":`, e.UserID)
	dst = appendOptional(dst, `,"device_id":`, e.DeviceID)
	dst = appendOptional(dst, `,"conversation_id":`, e.ConversationID)
	dst = appendOptional(dst, `,"id":`, e.ID)
	dst = appendOptional(dst, `,"previous_id":`, e.PreviousID)
	var err error
	if len(e.Properties) == 0 && props != nil {
		dst = append(dst, `,"properties":`...)
		if dst, err = props.AppendProperties(dst); err != nil {
			return dst[:start], err
		}
	}
	for _, g := range [...]struct {
		key   string
		props map[string]any
	}{{`,"properties":`, e.Properties}, {`,"attributes":`, e.Attributes}, {`,"traits":`, e.Traits}} {
		if len(g.props) == 0 {
			continue // omitempty
		}
		dst = append(dst, g.key...)
		if dst, err = AppendObject(dst, g.props); err != nil {
			return dst[:start], err
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
	i := bytes.Index(encoded, sessionIDField)
	if i < 0 {
		return nil
	}
	rest := encoded[i+len(sessionIDField):]
	for j := 0; j < len(rest); j++ {
		switch rest[j] {
		case '\\':
			j++ // the escaped byte is part of the id
		case '"':
			return rest[:j]
		}
	}
	return rest
}

var sessionIDField = []byte(`"session_id":"`)
