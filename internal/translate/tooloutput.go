package translate

import (
	"encoding/json"
	"strings"

	"github.com/mindlytics/mindlytics-otel/internal/translate/messages"
)

// unwrapToolOutput returns the tool's own result from an output a framework
// recorded as its serialized message object: LangChain's ToolMessage,
// {"lc":1,"type":"constructor","id":[…,"ToolMessage"],"kwargs":{"content":…}},
// alone or under "output" (OpenInference's LangChain instrumentation). The
// content is what the tool returned; a string is kept as it is, anything
// else as its JSON. Any other output is returned unchanged: a tool may well
// return an object with an "output" key of its own.
func unwrapToolOutput(out string) string {
	// Only a JSON object is one (after white space, of which JSON's is
	// some of TrimSpace's): most outputs are told by their first byte,
	// without a search for its keys.
	if t := messages.TrimSpace(out); t == "" || t[0] != '{' {
		return out
	}
	if !strings.Contains(out, `"lc"`) || !strings.Contains(out, `"kwargs"`) {
		return out // the common case, without parsing
	}
	var wrapped struct {
		serialized
		Output *serialized `json:"output"`
	}
	if json.Unmarshal([]byte(out), &wrapped) != nil {
		return out
	}
	msg := &wrapped.serialized
	if wrapped.Output != nil {
		msg = wrapped.Output
	}
	if msg.LC == 0 || msg.Kwargs == nil || len(msg.Kwargs.Content) == 0 {
		return out
	}
	var text string
	if json.Unmarshal(msg.Kwargs.Content, &text) == nil {
		return text
	}
	return string(msg.Kwargs.Content)
}

// serialized is the shape of a LangChain object serialized to JSON.
type serialized struct {
	LC     int `json:"lc"`
	Kwargs *struct {
		Content json.RawMessage `json:"content"`
	} `json:"kwargs"`
}
