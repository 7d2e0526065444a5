package conventions

import "go.opentelemetry.io/otel/attribute"

// Genkit's own span attributes (Genkit for Go and JS, core/tracing): every
// action, flow and helper span carries its kind, name, path, and its input
// and output as JSON. A model action's input is Genkit's ModelRequest
// ({"messages": [{role, content: [parts]}], …}) and its output the
// ModelResponse ({"message": {…}, "finishReason", "usage": {…}, "custom"});
// parts are {text}, {toolRequest: {name, ref, input}}, {toolResponse:
// {name, ref, output}}, {reasoning}; roles system, user, model, tool.
const (
	// GenkitSubtypeKey is an action's kind (GenkitSubtypeModel, tool,
	// flow, util, …).
	GenkitSubtypeKey = attribute.Key("genkit:metadata:subtype")
	// GenkitNameKey is the action's name: "{provider}/{model}" for a
	// model, the tool's name for a tool.
	GenkitNameKey = attribute.Key("genkit:name")
	// GenkitInputKey and GenkitOutputKey are the action's input and output
	// as JSON.
	GenkitInputKey  = attribute.Key("genkit:input")
	GenkitOutputKey = attribute.Key("genkit:output")
	// GenkitThreadNameKey is the thread of a Genkit chat session ("main"
	// unless named): a name within its session, not an id of its own.
	GenkitThreadNameKey = attribute.Key("genkit:threadName")
)

// Values of GenkitSubtypeKey the translation reads.
const (
	// GenkitSubtypeModel marks a model action: one model call.
	GenkitSubtypeModel = "model"
	// GenkitSubtypeFlow marks a flow: the app's function around the calls.
	GenkitSubtypeFlow = "flow"
)

// GenkitSubtypesTool are the subtypes of tool actions. A tool.v2 action
// (Genkit for Go 1.x) returns {"output": result, "content": […]}, so its
// genkit:output wraps the tool's own result under "output".
var GenkitSubtypesTool = []string{"tool", GenkitSubtypeToolV2}

// GenkitSubtypeToolV2 is the subtype of tool actions whose output wraps the
// result (GenkitSubtypesTool).
const GenkitSubtypeToolV2 = "tool.v2"
