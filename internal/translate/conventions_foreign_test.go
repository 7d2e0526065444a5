package translate

import (
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// Cases of the conventions of other tools: OTel GenAI (current and
// deprecated), OpenLLMetry and OpenInference. TestConventions runs them.

const (
	inputWeatherJSON = `[{"role":"system","parts":[{"type":"text","content":"Be brief."}]},` +
		`{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]}]`
	inputAfterToolJSON = `[{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]},` +
		`{"role":"assistant","parts":[{"type":"tool_call","id":"call_1","name":"get_weather","arguments":{"city":"Paris"}}]},` +
		`{"role":"tool","parts":[{"type":"tool_call_response","id":"call_1","result":"rainy"}]}]`
	outputToolCallJSON = `[{"role":"assistant","parts":[{"type":"tool_call","id":"call_1","name":"get_weather",` +
		`"arguments":{"city":"Paris"}}],"finish_reason":"tool_call"}]`
	outputRainyJSON = `[{"role":"assistant","parts":[{"type":"text","content":"Rainy, 14°C."}],"finish_reason":"stop"}]`
)

func otelGenAICases() []conventionCase {
	s2 := who{session: "s2", device: "d1"}
	s3 := who{session: "s3", user: "u3"}
	structuredIn := attribute.KeyValue{Key: conventions.GenAIInputMessagesKey, Value: attribute.SliceValue(
		attribute.MapValue(attribute.String("role", "user"), attribute.KeyValue{Key: "parts", Value: attribute.SliceValue(
			attribute.MapValue(attribute.String("type", "text"), attribute.String("content", "Hi there")))}))}
	structuredOut := attribute.KeyValue{Key: conventions.GenAIOutputMessagesKey, Value: attribute.SliceValue(
		attribute.MapValue(attribute.String("role", "assistant"), attribute.KeyValue{Key: "parts", Value: attribute.SliceValue(
			attribute.MapValue(attribute.String("type", "text"), attribute.String("content", "Hello!")))}))}
	return []conventionCase{
		{
			name: "OTel GenAI 1.37+: message JSON, conversation id, device id on the resource",
			res:  []attribute.KeyValue{attribute.String("service.name", "chat"), sc.DeviceID("d1")},
			spans: []spanSpec{root("chat gpt-4o", 0, 2*time.Second,
				sc.SessionID("s2"), sc.OperationName(sc.GenAIOperationChat), conventions.GenAIProviderNameKey.String("openai"),
				sc.RequestModel("gpt-4o"), sc.ResponseModel("gpt-4o-2024-08-06"), sc.InputTokens(120), sc.OutputTokens(42),
				sc.ConversationID("c2"), conventions.GenAIInputMessagesKey.String(inputWeatherJSON),
				conventions.GenAIOutputMessagesKey.String(outputRainyJSON))},
			want: []mindlytics.Event{
				s2.start(at(0), nil),
				s2.convStart("c2", at(0)),
				s2.turn("c2", at(2*time.Second), props{"user": "Weather in Paris?", "assistant": "Rainy, 14°C.",
					"model": "gpt-4o-2024-08-06", "prompt_tokens": int64(120), "completion_tokens": int64(42)}),
			},
		},
		{
			name: "OTel GenAI 1.37+: structured (non-string) messages",
			spans: []spanSpec{root("generate_content gemini", 0, time.Second, sc.SessionID("s3"), sc.UserID("u3"),
				sc.OperationName(conventions.GenAIOperationGenerateContent), sc.RequestModel("gemini"), structuredIn, structuredOut)},
			want: []mindlytics.Event{
				s3.start(at(0), nil),
				s3.convStart("s3", at(0)),
				s3.turn("s3", at(time.Second), props{"user": "Hi there", "assistant": "Hello!", "model": "gemini"}),
			},
		},
		{
			name: "OTel GenAI deprecated: gen_ai.system, prompt_tokens, message events",
			spans: []spanSpec{root("chat gpt-3.5-turbo", 0, time.Second, sc.SessionID("s3"), sc.UserID("u3"),
				conventions.GenAISystemKey.String("openai"), sc.RequestModel("gpt-3.5-turbo"),
				conventions.GenAIUsagePromptTokensKey.Int(30), conventions.GenAIUsageCompletionTokensKey.Int(7)).withEvents(
				eventSpec{name: "gen_ai.system.message", attrs: []attribute.KeyValue{attribute.String("content", "Be nice.")}},
				eventSpec{name: conventions.GenAIUserMessageEvent, attrs: []attribute.KeyValue{attribute.String("content", "First question")}},
				eventSpec{name: conventions.GenAIUserMessageEvent, attrs: []attribute.KeyValue{conventions.GenAIEventContentKey.String(`{"content":"Tell a joke"}`)}},
				eventSpec{name: conventions.GenAIChoiceEvent, at: time.Second, attrs: []attribute.KeyValue{attribute.Int("index", 0),
					attribute.String("finish_reason", "stop"), conventions.EventMessageKey.String(`{"role":"assistant","content":"Why did the span cross the road?"}`)}},
			)},
			want: []mindlytics.Event{
				s3.start(at(0), nil),
				s3.convStart("s3", at(0)),
				s3.turn("s3", at(time.Second), props{"user": "Tell a joke", "assistant": "Why did the span cross the road?",
					"model": "gpt-3.5-turbo", "prompt_tokens": int64(30), "completion_tokens": int64(7)}),
			},
		},
		{
			name: "OTel GenAI deprecated: gen_ai.content.prompt / gen_ai.content.completion events",
			spans: []spanSpec{root("chat m", 0, time.Second, sc.SessionID("s3"), sc.UserID("u3"),
				sc.OperationName(sc.GenAIOperationChat), sc.RequestModel("m"), sc.InputTokens(5), sc.OutputTokens(6)).withEvents(
				eventSpec{name: conventions.GenAIContentPromptEvent, attrs: []attribute.KeyValue{conventions.GenAIPromptKey.String(`[{"role":"user","content":"Ping?"}]`)}},
				eventSpec{name: conventions.GenAIContentCompletionEvent, attrs: []attribute.KeyValue{conventions.GenAICompletionKey.String("Pong.")}},
			)},
			want: []mindlytics.Event{
				s3.start(at(0), nil),
				s3.convStart("s3", at(0)),
				s3.turn("s3", at(time.Second), props{"user": "Ping?", "assistant": "Pong.", "model": "m",
					"prompt_tokens": int64(5), "completion_tokens": int64(6)}),
			},
		},
		{
			name: "OTel GenAI: tool-only model call is usage, not a turn",
			spans: []spanSpec{root("chat gpt-4o", 0, time.Second, sc.SessionID("s3"), sc.UserID("u3"),
				sc.OperationName(sc.GenAIOperationChat), sc.RequestModel("gpt-4o"), sc.InputTokens(40), sc.OutputTokens(12),
				conventions.GenAIInputMessagesKey.String(inputWeatherJSON), conventions.GenAIOutputMessagesKey.String(outputToolCallJSON))},
			want: []mindlytics.Event{
				s3.start(at(0), nil),
				s3.convStart("s3", at(0)),
				s3.usage("s3", at(time.Second), props{"model": "gpt-4o", "prompt_tokens": int64(40), "completion_tokens": int64(12)}),
			},
		},
		{
			name: "OTel GenAI: agent span wrapping model and tool spans counts usage once",
			spans: []spanSpec{
				root("invoke_agent support", 0, 6*time.Second, sc.SessionID("s3"), sc.UserID("u3"),
					sc.OperationName(sc.GenAIOperationInvokeAgent), sc.AgentID("support-bot"), conventions.GenAIAgentNameKey.String("Support"),
					sc.RequestModel("gpt-4o"), sc.InputTokens(250), sc.OutputTokens(50), sc.UsageCost(0.01)),
				child(0, "chat gpt-4o", time.Second, 2*time.Second, sc.OperationName(sc.GenAIOperationChat),
					sc.RequestModel("gpt-4o"), sc.InputTokens(100), sc.OutputTokens(20),
					conventions.GenAIInputMessagesKey.String(inputWeatherJSON), conventions.GenAIOutputMessagesKey.String(outputToolCallJSON)),
				child(0, "execute_tool get_weather", 2*time.Second, 2300*time.Millisecond,
					sc.OperationName(sc.GenAIOperationExecuteTool), sc.ToolName("get_weather"),
					sc.ToolCallArguments(`{"city":"Paris"}`), sc.ToolCallResult("rainy")),
				child(0, "chat gpt-4o", 3*time.Second, 5*time.Second, sc.OperationName(sc.GenAIOperationChat),
					sc.RequestModel("gpt-4o"), sc.InputTokens(150), sc.OutputTokens(30),
					conventions.GenAIInputMessagesKey.String(inputAfterToolJSON), conventions.GenAIOutputMessagesKey.String(outputRainyJSON)),
			},
			want: []mindlytics.Event{
				s3.start(at(time.Second), nil),
				s3.convStart("s3", at(time.Second)),
				s3.usage("s3", at(2*time.Second), props{"model": "gpt-4o", "prompt_tokens": int64(100), "completion_tokens": int64(20)}),
				s3.function("s3", at(2300*time.Millisecond), props{"name": "get_weather", "args": `{"city":"Paris"}`,
					"result": "rainy", "runtime": int64(300)}),
				s3.turn("s3", at(5*time.Second), props{"user": "Weather in Paris?", "assistant": "Rainy, 14°C.",
					"assistant_id": "support-bot", "model": "gpt-4o", "prompt_tokens": int64(150), "completion_tokens": int64(30)}),
			},
		},
	}
}

func openLLMetryCases() []conventionCase {
	s4 := who{session: "s4", user: "u4"}
	s5 := who{session: "s5", user: "u5"}
	return []conventionCase{
		{
			name: "OpenLLMetry ≤0.54: indexed prompt/completion attributes, association properties",
			spans: []spanSpec{root("openai.chat", 0, time.Second,
				conventions.LLMRequestTypeKey.String("chat"), conventions.GenAISystemKey.String("openai"),
				sc.RequestModel("gpt-4o-mini"), sc.ResponseModel("gpt-4o-mini-2024-07-18"),
				conventions.GenAIUsagePromptTokensKey.Int(15), conventions.GenAIUsageCompletionTokensKey.Int(4),
				attribute.String("gen_ai.prompt.0.role", "system"), attribute.String("gen_ai.prompt.0.content", "You help."),
				attribute.String("gen_ai.prompt.1.role", "user"), attribute.String("gen_ai.prompt.1.content", "Hello?"),
				attribute.String("gen_ai.completion.0.role", "assistant"), attribute.String("gen_ai.completion.0.content", "Hi there!"),
				attribute.String("gen_ai.completion.0.finish_reason", "stop"),
				conventions.TraceloopSessionIDKey.String("s4"), conventions.TraceloopUserIDKey.String("u4"))},
			want: []mindlytics.Event{
				s4.start(at(0), nil),
				s4.convStart("s4", at(0)),
				s4.turn("s4", at(time.Second), props{"user": "Hello?", "assistant": "Hi there!",
					"model": "gpt-4o-mini-2024-07-18", "prompt_tokens": int64(15), "completion_tokens": int64(4)}),
			},
		},
		{
			name: "OpenLLMetry ≤0.54: indexed tool calls make the call usage",
			spans: []spanSpec{root("openai.chat", 0, time.Second,
				conventions.LLMRequestTypeKey.String("chat"), sc.RequestModel("gpt-4o-mini"),
				conventions.GenAIUsagePromptTokensKey.Int(9), conventions.GenAIUsageCompletionTokensKey.Int(2),
				attribute.String("gen_ai.prompt.0.role", "user"), attribute.String("gen_ai.prompt.0.content", "Weather?"),
				attribute.String("gen_ai.completion.0.role", "assistant"),
				attribute.String("gen_ai.completion.0.tool_calls.0.name", "get_weather"),
				conventions.TraceloopSessionIDKey.String("s4"), conventions.TraceloopUserIDKey.String("u4"))},
			want: []mindlytics.Event{
				s4.start(at(0), nil),
				s4.convStart("s4", at(0)),
				s4.usage("s4", at(time.Second), props{"model": "gpt-4o-mini", "prompt_tokens": int64(9), "completion_tokens": int64(2)}),
			},
		},
		{
			name: "OpenLLMetry ≥0.55: message attributes, tool and workflow spans, identity from the workflow",
			spans: []spanSpec{
				root("support.workflow", 0, 5*time.Second, conventions.TraceloopSpanKindKey.String("workflow"),
					conventions.TraceloopEntityNameKey.String("support"), conventions.TraceloopSessionIDKey.String("s5"), conventions.TraceloopUserIDKey.String("u5"),
					sc.InputTokens(999)),
				child(0, "openai.chat", time.Second, 2*time.Second, conventions.LLMRequestTypeKey.String("chat"),
					sc.RequestModel("gpt-4o"), sc.InputTokens(20), sc.OutputTokens(3),
					conventions.GenAIInputMessagesKey.String(inputWeatherJSON), conventions.GenAIOutputMessagesKey.String(outputToolCallJSON)),
				child(0, "get_weather.tool", 2*time.Second, 2200*time.Millisecond, conventions.TraceloopSpanKindKey.String("tool"),
					conventions.TraceloopEntityNameKey.String("get_weather"), conventions.TraceloopEntityInputKey.String(`{"city":"Paris"}`),
					conventions.TraceloopEntityOutputKey.String(`"rainy"`)),
				child(0, "openai.chat", 3*time.Second, 4*time.Second, conventions.LLMRequestTypeKey.String("chat"),
					sc.RequestModel("gpt-4o"), sc.InputTokens(30), sc.OutputTokens(8),
					conventions.GenAIInputMessagesKey.String(inputAfterToolJSON), conventions.GenAIOutputMessagesKey.String(outputRainyJSON)),
			},
			want: []mindlytics.Event{
				s5.start(at(time.Second), nil),
				s5.convStart("s5", at(time.Second)),
				s5.usage("s5", at(2*time.Second), props{"model": "gpt-4o", "prompt_tokens": int64(20), "completion_tokens": int64(3)}),
				s5.function("s5", at(2200*time.Millisecond), props{"name": "get_weather", "args": `{"city":"Paris"}`,
					"result": `"rainy"`, "runtime": int64(200)}),
				s5.turn("s5", at(4*time.Second), props{"user": "Weather in Paris?", "assistant": "Rainy, 14°C.",
					"model": "gpt-4o", "prompt_tokens": int64(30), "completion_tokens": int64(8)}),
			},
		},
	}
}

func openInferenceCases() []conventionCase {
	s6 := who{session: "s6", user: "u6"}
	return []conventionCase{
		{
			name: "OpenInference: AGENT wrapping LLM and TOOL spans, flattened messages, cost",
			spans: []spanSpec{
				root("agent", 0, 5*time.Second, conventions.OpenInferenceSpanKindKey.String("AGENT"), sc.SessionID("s6"), sc.UserID("u6"),
					conventions.LLMTokenCountPromptKey.Int(500), conventions.LLMCostTotalKey.Float64(1)),
				child(0, "ChatOpenAI", time.Second, 2*time.Second, conventions.OpenInferenceSpanKindKey.String("LLM"),
					conventions.LLMModelNameKey.String("gpt-4o"), conventions.LLMTokenCountPromptKey.Int(50), conventions.LLMTokenCountCompletionKey.Int(10),
					conventions.LLMCostTotalKey.Float64(0.002),
					attribute.String("llm.input_messages.0.message.role", "system"),
					attribute.String("llm.input_messages.0.message.content", "sys"),
					attribute.String("llm.input_messages.1.message.role", "user"),
					attribute.String("llm.input_messages.1.message.content", "Find flights"),
					attribute.String("llm.output_messages.0.message.role", "assistant"),
					attribute.String("llm.output_messages.0.message.tool_calls.0.tool_call.function.name", "search_flights"),
					attribute.String("llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments", `{"to":"NYC"}`)),
				child(0, "search_flights", 2*time.Second, 2500*time.Millisecond, conventions.OpenInferenceSpanKindKey.String("TOOL"),
					conventions.OpenInferenceToolNameKey.String("search_flights"), conventions.InputValueKey.String(`{"to":"NYC"}`),
					conventions.OutputValueKey.String("3 flights")),
				child(0, "ChatOpenAI", 3*time.Second, 4*time.Second, conventions.OpenInferenceSpanKindKey.String("LLM"),
					conventions.LLMModelNameKey.String("gpt-4o"), conventions.LLMTokenCountPromptKey.Int(80), conventions.LLMTokenCountCompletionKey.Int(20),
					conventions.LLMCostTotalKey.Float64(0.004),
					attribute.String("llm.input_messages.0.message.role", "user"),
					attribute.String("llm.input_messages.0.message.contents.1.message_content.text", "flights"),
					attribute.String("llm.input_messages.0.message.contents.0.message_content.text", "Find"),
					attribute.String("llm.input_messages.0.message.contents.0.message_content.type", "text"),
					attribute.String("llm.output_messages.0.message.role", "assistant"),
					attribute.String("llm.output_messages.0.message.content", "Found 3.")),
			},
			want: []mindlytics.Event{
				s6.start(at(time.Second), nil),
				s6.convStart("s6", at(time.Second)),
				s6.usage("s6", at(2*time.Second), props{"cost": 0.002}),
				s6.function("s6", at(2500*time.Millisecond), props{"name": "search_flights", "args": `{"to":"NYC"}`,
					"result": "3 flights", "runtime": int64(500)}),
				s6.turn("s6", at(4*time.Second), props{"user": "Find\nflights", "assistant": "Found 3.", "model": "gpt-4o",
					"prompt_tokens": int64(80), "completion_tokens": int64(20), "cost": 0.004}),
			},
		},
		{
			name: "OpenInference: input.value / output.value as text and as JSON",
			spans: []spanSpec{
				root("llm", 0, time.Second, conventions.OpenInferenceSpanKindKey.String("LLM"), sc.SessionID("s6"), sc.UserID("u6"),
					conventions.LLMModelNameKey.String("m"), conventions.InputValueKey.String("What is 2+2?"), conventions.InputMimeTypeKey.String("text/plain"),
					conventions.OutputValueKey.String("4"), conventions.OutputMimeTypeKey.String("text/plain")),
				root("llm", 2*time.Second, 3*time.Second, conventions.OpenInferenceSpanKindKey.String("LLM"), sc.SessionID("s6"), sc.UserID("u6"),
					conventions.LLMModelNameKey.String("m"),
					conventions.InputValueKey.String(`{"messages":[{"role":"user","content":"And 3+3?"}],"model":"m"}`),
					conventions.InputMimeTypeKey.String("application/json"),
					conventions.OutputValueKey.String(`{"choices":[{"index":0,"message":{"role":"assistant","content":"6"}}]}`),
					conventions.OutputMimeTypeKey.String("application/json")),
			},
			want: []mindlytics.Event{
				s6.start(at(0), nil),
				s6.convStart("s6", at(0)),
				s6.turn("s6", at(time.Second), props{"user": "What is 2+2?", "assistant": "4", "model": "m"}),
				s6.turn("s6", at(3*time.Second), props{"user": "And 3+3?", "assistant": "6", "model": "m"}),
			},
		},
	}
}
