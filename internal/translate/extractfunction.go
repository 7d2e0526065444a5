package translate

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"

	"github.com/mindlytics/mindlytics-otel/internal/translate/messages"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// traceloopArgs reads OpenLLMetry's entity input: {"args": [...], "kwargs":
// {...}} of a Python or JS function, whose keyword arguments are the tool's
// arguments when there are no positional ones.
func traceloopArgs(in string) string {
	var call struct {
		Args   []json.RawMessage `json:"args"`
		Kwargs json.RawMessage   `json:"kwargs"`
	}
	if json.Unmarshal([]byte(in), &call) != nil || len(call.Args) > 0 || len(call.Kwargs) < 2 || call.Kwargs[0] != '{' {
		return in
	}
	return string(call.Kwargs)
}

// extractFunction reads a tool call: GenAI keys, then OpenInference's, then
// OpenLLMetry's, the Vercel AI SDK's, the Anthropic SDK's and Genkit's; the
// runtime is the span's duration.
func (t *Translator) extractFunction(s *spanview.Span, r *record, a *attrView) (bool, error) {
	r.kind = sc.EventFunction
	name := a.firstStr(toolNameVKs)
	if name == "" {
		name = genkitToolName(a)
	}
	if name == "" {
		name = strings.TrimPrefix(s.Name(), sc.GenAIOperationExecuteTool+" ")
	}
	if name == "" {
		return false, errors.New("function call needs a tool name")
	}
	scan := t.scanView(a)
	call := mindlytics.FunctionCall{Name: truncate(name, MaxNameLength), Extra: scan.props}
	if v, ok := firstValueString(a, toolArgsVKs); ok {
		call.Args = t.cut(v)
	} else if v, ok := a.get(toolInputVK); ok {
		call.Args = t.cut(traceloopArgs(v.AsString()))
	} else if v, ok := genkitToolArgs(a); ok {
		call.Args = t.cut(v)
	}
	if v, ok := firstValueString(a, toolResultVKs); ok {
		call.Result = t.cut(unwrapToolOutput(v))
	} else if v, ok := a.get(anthropicToolResultVK); ok {
		call.Result = t.cut(messages.UnwrapTextBlocks(v.AsString()))
	} else if res, ok := genkitToolResult(a); ok {
		call.Result = t.cut(res)
	}
	r.toolCallID = a.firstStr(toolCallIDVKs)
	if !s.EndTime().IsZero() && s.EndTime().After(s.StartTime()) {
		call.Runtime = between(s.StartTime(), s.EndTime())
	}
	if code, msg := s.Status(); code == codes.Error {
		if call.Extra == nil {
			call.Extra = make(mindlytics.Properties, 1)
		}
		if msg == "" {
			msg = "error"
		}
		call.Extra["error"] = t.cut(msg)
	}
	r.call = call
	return true, nil
}

// between is end.Sub(start). Span times decoded from OTLP carry no
// monotonic reading, and their difference is a few seconds: it is then
// told from their seconds and nanoseconds, without Sub's check of the
// sum (an Add and an Equal, a hundred instructions a tool span).
func between(start, end time.Time) time.Duration {
	const maxSeconds = 1 << 32 // well within a Duration, nanoseconds included
	if end != end.Round(0) || start != start.Round(0) {
		return end.Sub(start) // a monotonic reading: Sub's own
	}
	if d := end.Unix() - start.Unix(); d > -maxSeconds && d < maxSeconds {
		return time.Duration(d)*time.Second + time.Duration(end.Nanosecond()-start.Nanosecond())
	}
	return end.Sub(start)
}

// firstValueString is firstValue(keys) as AsString. A string attribute, as
// a tool's arguments and result nearly always are, is read in the span's
// attributes as it is: firstValue's Value, its Kind and AsString cost a tool
// span some hundreds of instructions.
func firstValueString(v *attrView, keys []viewKey) (string, bool) {
	for i, k := range keys {
		if v.pos[k] == 0 {
			continue
		}
		if a := v.indexed(k); a != nil && a.Type() == attribute.STRING {
			if s := a.AsString(); s != "" {
				return s, true
			}
			continue // empty: firstValue passes it over too
		}
		if val, ok := v.firstValue(keys[i : i+1]); ok { // the other kinds, as firstValue reads them
			return val.AsString(), true
		}
	}
	return "", false
}
