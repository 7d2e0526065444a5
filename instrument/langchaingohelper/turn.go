package langchaingohelper

import (
	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai"
	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// A langchaingo agent answers one question with several model calls: the
// steps that pick tools and the one that answers. Their prompts are the
// agent's (a ReAct agent's template, the question inside it, the
// scratchpad of earlier steps), and every step may have text. Taken one
// by one, each step would be a turn, with the template as the user's words.
// The question and the answer are the executor's: its chain starts with
// the question (inputs["input"]) and ends with the answer
// (outputs["output"]). So the outermost chain run on a question is the
// turn (mindlytics.event=turn, the question and the answer as its input
// and output messages), and the model calls inside it are its usage
// (mindlytics.in_turn). Inside a turn of the app's (package instrument's,
// a handle_conversation_turn span), the app's turn is the turn.

// Keys of the executor's inputs and outputs (langchaingo's agents').
const (
	inputKey  = "input"
	outputKey = "output"
)

// turnAttrs makes a chain's span the turn of question and its answer, when
// content is captured and the chain gave an answer; else none (its model
// calls stay usage).
func (h *Handler) turnAttrs(question string, outputs map[string]any) []attribute.KeyValue {
	answer, _ := outputs[outputKey].(string)
	if !h.capture() || answer == "" {
		return nil
	}
	user, assistant := h.redact(conventions.GenAIRoleUser, question), h.redact(conventions.GenAIRoleAssistant, answer)
	if user == "" || assistant == "" {
		return nil
	}
	in := []genai.Message{{Role: conventions.GenAIRoleUser, Parts: []genai.Part{genai.TextPart(user)}}}
	out := []genai.Message{{Role: conventions.GenAIRoleAssistant, Parts: []genai.Part{genai.TextPart(assistant)}}}
	return []attribute.KeyValue{sc.MindlyticsEvent(sc.EventTurn),
		conventions.GenAIInputMessagesKey.String(marshal(in)), conventions.GenAIOutputMessagesKey.String(marshal(out))}
}
