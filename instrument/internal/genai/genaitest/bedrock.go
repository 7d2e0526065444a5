package genaitest

import (
	"encoding/binary"
	"hash/crc32"
)

// Bedrock answers (Converse, ConverseStream, InvokeModel with Anthropic's
// body, as AWS's API reference shows them): 20 input tokens, 62 read from
// the cache (82 in all, as the GenAI conventions count them), 17 output.

// BedrockEventStream is the content type of ConverseStream's answer.
const BedrockEventStream = "application/vnd.amazon.eventstream"

// BedrockText is a Converse answer.
const BedrockText = `{"output":{"message":{"role":"assistant","content":[{"text":"The weather in Paris is rainy, 57°F."}]}},
"stopReason":"end_turn","usage":{"inputTokens":20,"outputTokens":17,"totalTokens":99,"cacheReadInputTokens":62,"cacheWriteInputTokens":0},
"metrics":{"latencyMs":420}}`

// BedrockToolUse is a Converse answer asking for get_weather in Paris.
const BedrockToolUse = `{"output":{"message":{"role":"assistant","content":[{"toolUse":{"toolUseId":"tooluse_1","name":"get_weather","input":{"location":"Paris"}}}]}},
"stopReason":"tool_use","usage":{"inputTokens":60,"outputTokens":8,"totalTokens":68},"metrics":{"latencyMs":300}}`

// BedrockInvokeText is an InvokeModel answer of an Anthropic model.
const BedrockInvokeText = `{"id":"msg_bdrk_1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
"content":[{"type":"text","text":"The weather in Paris is rainy, 57°F."}],"stop_reason":"end_turn",
"usage":{"input_tokens":20,"cache_read_input_tokens":62,"cache_creation_input_tokens":0,"output_tokens":17}}`

// BedrockThrottled is Bedrock's answer when it throttles (status 429).
const BedrockThrottled = `{"message":"Too many requests, please wait before trying again."}`

// BedrockTextStream is BedrockText streamed: AWS event stream messages.
var BedrockTextStream = []string{
	BedrockEvent("messageStart", `{"role":"assistant"}`),
	BedrockEvent("contentBlockDelta", `{"contentBlockIndex":0,"delta":{"text":"The weather in Paris"}}`),
	BedrockEvent("contentBlockDelta", `{"contentBlockIndex":0,"delta":{"text":" is rainy, 57°F."}}`),
	BedrockEvent("contentBlockStop", `{"contentBlockIndex":0}`),
	BedrockEvent("messageStop", `{"stopReason":"end_turn"}`),
	BedrockEvent("metadata", `{"usage":{"inputTokens":20,"outputTokens":17,"totalTokens":99,"cacheReadInputTokens":62},"metrics":{"latencyMs":420}}`),
}

// BedrockEvent encodes one event stream message: the prelude (lengths and
// CRC), the headers :event-type, :content-type and :message-type, the JSON
// payload and the message CRC, as the SDK's decoder checks them.
func BedrockEvent(eventType, payload string) string {
	var headers []byte
	for _, h := range [][2]string{{":event-type", eventType}, {":content-type", "application/json"}, {":message-type", "event"}} {
		headers = append(headers, byte(len(h[0])))
		headers = append(headers, h[0]...)
		headers = append(headers, 7) // string
		headers = binary.BigEndian.AppendUint16(headers, uint16(len(h[1])))
		headers = append(headers, h[1]...)
	}
	total := 12 + len(headers) + len(payload) + 4
	msg := binary.BigEndian.AppendUint32(nil, uint32(total))
	msg = binary.BigEndian.AppendUint32(msg, uint32(len(headers)))
	msg = binary.BigEndian.AppendUint32(msg, crc32.ChecksumIEEE(msg))
	msg = append(msg, headers...)
	msg = append(msg, payload...)
	msg = binary.BigEndian.AppendUint32(msg, crc32.ChecksumIEEE(msg))
	return string(msg)
}
