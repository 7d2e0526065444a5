package compact

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// BenchmarkEncodeEvent compares, on a realistic "Conversation Turn" event,
// encoding/json (the baseline: reflection over the struct, what the queue
// did) with AppendJSON into a reused buffer (what the queue does now).
func BenchmarkEncodeEvent(b *testing.B) {
	ev := testkit.Value(mindlytics.ConversationTurn(mindlytics.Identity{SessionID: "bench-session-1", UserID: "bench-user", Time: time.Now()},
		"bench-conv-1", mindlytics.Turn{User: "Where is my order #1234? It was due yesterday.",
			Assistant: "Your order shipped this morning and should arrive on Friday.", Model: "gpt-4o-2024-08-06",
			PromptTokens: 120, CompletionTokens: 48, Extra: mindlytics.Properties{"provider": "openai", "finish_reason": "stop"}}))
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(plainEvent(ev)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("AppendJSON", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		ce := Of(ev)
		for b.Loop() {
			var err error
			if buf, err = ce.AppendJSON(buf[:0]); err != nil {
				b.Fatal(err)
			}
		}
	})
}
