package messages

import (
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
)

// SummaryOf is [messagesFromValue] summarized: JSON strings, the
// common case, go through the scanner (summarizeMessages), structured
// values through the full decode.
func SummaryOf(v spanview.Value) (sum Summary, text string) {
	text = SummaryInto(&sum, v)
	return sum, text
}

// SummaryInto is SummaryOf into *sum, which must be zero: a caller that
// keeps the summary in place saves a copy of it on the way out.
func SummaryInto(sum *Summary, v spanview.Value) (text string) {
	if v.Kind() == spanview.KindString {
		s := v.Str()
		if t := TrimSpace(s); t != "" && (t[0] == '[' || t[0] == '{') {
			if summarizeInto(sum, t) {
				return ""
			}
			*sum = Summary{}
		}
		return s
	}
	msgs, text := messagesFromValue(v)
	*sum = summarize(msgs)
	return text
}

// messagesFromValue reads the messages a value holds: a JSON string, a
// structured value (encoded to JSON first, so that one decoder reads both),
// or a list of JSON strings, one message each. A string that is not JSON
// comes back as text.
func messagesFromValue(v spanview.Value) (msgs []Message, text string) {
	switch v.Kind() {
	case spanview.KindString:
		s := v.Str()
		if t := TrimSpace(s); t != "" && (t[0] == '[' || t[0] == '{') {
			if msgs, ok := parseMessages([]byte(t)); ok {
				return msgs, ""
			}
		}
		return nil, s
	case spanview.KindSlice, spanview.KindMap:
		raw := v.Raw()
		if list, ok := raw.([]any); ok && allStrings(list) {
			for _, el := range list {
				m, _ := parseMessages([]byte(el.(string)))
				msgs = append(msgs, m...)
			}
			return msgs, ""
		}
		msgs, _ = parseMessages([]byte(v.AsString())) // the JSON of the value
		return msgs, ""
	}
	return nil, ""
}

func allStrings(list []any) bool {
	for _, el := range list {
		if _, ok := el.(string); !ok {
			return false
		}
	}
	return len(list) > 0
}
