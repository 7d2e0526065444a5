package genaitest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// Numbered calls, for calls made side by side in one session: question i
// is answered "Answer i." with i+100 input and i+1 output tokens, so that
// every turn shows whose texts and counts it got. Every answer has the
// same response id, as a mock or a local model server gives.

// Question is the i-th question.
func Question(i int) string { return fmt.Sprintf("Question %d?", i) }

// Answer is the answer to Question(i).
func Answer(i int) string { return fmt.Sprintf("Answer %d.", i) }

var questionRE = regexp.MustCompile(`Question (\d+)\?`)

// numberOf is the number of the question a request body asks.
func numberOf(body string) int {
	m := questionRE.FindStringSubmatch(body)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// OpenAIChatNumbered answers a Chat Completions request to Question(i),
// streamed when it asks for a stream (with the usage chunk).
func OpenAIChatNumbered(req Request) Reply {
	i := numberOf(req.Body)
	usage := fmt.Sprintf(`{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}`, i+100, i+1, 2*i+101)
	var r struct {
		Stream bool `json:"stream"`
	}
	_ = json.Unmarshal([]byte(req.Body), &r)
	if !r.Stream {
		return Reply{Body: `{"id":"chatcmpl-same","object":"chat.completion","created":1,"model":"gpt-4o-2024-08-06",` +
			`"choices":[{"index":0,"message":{"role":"assistant","content":` + jsonString(Answer(i)) + `},"finish_reason":"stop"}],"usage":` + usage + `}`}
	}
	chunk := func(choices, usage string) string {
		return sse(`{"id":"chatcmpl-same","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":` + choices + `,"usage":` + usage + `}`)
	}
	return Reply{Events: []string{
		chunk(`[{"index":0,"delta":{"role":"assistant","content":`+jsonString(fmt.Sprintf("Answer %d", i))+`},"finish_reason":null}]`, "null"),
		chunk(`[{"index":0,"delta":{"content":"."},"finish_reason":null}]`, "null"),
		chunk(`[{"index":0,"delta":{},"finish_reason":"stop"}]`, "null"),
		chunk(`[]`, usage),
		"data: [DONE]\n\n",
	}}
}

// AnthropicNumbered answers a Messages request to Question(i), streamed
// when it asks for a stream.
func AnthropicNumbered(req Request) Reply {
	i := numberOf(req.Body)
	var r struct {
		Stream bool `json:"stream"`
	}
	_ = json.Unmarshal([]byte(req.Body), &r)
	if !r.Stream {
		return Reply{Body: fmt.Sprintf(`{"id":"msg_same","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",`+
			`"content":[{"type":"text","text":%s}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":%d,"output_tokens":%d}}`,
			jsonString(Answer(i)), i+100, i+1)}
	}
	ev := func(name, data string) string { return "event: " + name + "\ndata: " + data + "\n\n" }
	return Reply{Events: []string{
		ev("message_start", fmt.Sprintf(`{"type":"message_start","message":{"id":"msg_same","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5-20250929","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":%d,"output_tokens":1}}}`, i+100)),
		ev("content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`),
		ev("content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":`+jsonString(fmt.Sprintf("Answer %d", i))+`}}`),
		ev("content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"."}}`),
		ev("content_block_stop", `{"type":"content_block_stop","index":0}`),
		ev("message_delta", fmt.Sprintf(`{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":%d}}`, i+1)),
		ev("message_stop", `{"type":"message_stop"}`),
	}}
}

// AssertNumberedTurns checks the events of n numbered calls of one
// session: n turns, each with its own question, answer and counts, and no
// other usage.
func AssertNumberedTurns(tb testing.TB, events []mindlytics.Event, n int) {
	tb.Helper()
	assert.Empty(tb, Named(events, mindlytics.EventConversationUsage), "every call is a turn")
	turns := Named(events, mindlytics.EventConversationTurn)
	require.Len(tb, turns, n)
	seen := map[int]bool{}
	for _, ev := range turns {
		i := numberOf(fmt.Sprint(ev.Properties["user"]))
		require.GreaterOrEqual(tb, i, 0, "%v", ev.Properties)
		assert.False(tb, seen[i], "question %d made two turns", i)
		seen[i] = true
		assert.Equal(tb, Question(i), ev.Properties["user"])
		assert.Equal(tb, Answer(i), ev.Properties["assistant"], "question %d", i)
		assert.Equal(tb, json.Number(strconv.Itoa(i+100)), ev.Properties["prompt_tokens"], "question %d", i)
		assert.Equal(tb, json.Number(strconv.Itoa(i+1)), ev.Properties["completion_tokens"], "question %d", i)
	}
}
