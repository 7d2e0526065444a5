package langchaingohelper_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	goopenaihelper "github.com/mindlytics/mindlytics-otel/instrument/goopenaihelper"
	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
	langchaingohelper "github.com/mindlytics/mindlytics-otel/instrument/langchaingohelper"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// Both helpers on one model, each as its README shows it: the handler's
// callbacks and goopenaihelper's transport under langchaingo's HTTP
// client. Each call is one call to Mindlytics: the transport's span
// stacks under the handler's (the handler cannot hand its span down
// through langchaingo), and the translation merges the two.
func TestBothHelpersCountEachCallOnce(t *testing.T) {
	for _, tc := range []struct {
		name    string
		timeout time.Duration // the HTTP client's: it derives the request's context
	}{{"plain", 0}, {"client timeout", time.Minute}} {
		t.Run(tc.name, func(t *testing.T) {
			fake := genaitest.NewServer(t)
			fake.Push(genaitest.Reply{Body: genaitest.ChatToolCall}, genaitest.Reply{Body: genaitest.ChatText})
			p := genaitest.NewPipeline(t)
			h := newHandler(p)
			tr := http.DefaultTransport.(*http.Transport).Clone()
			t.Cleanup(tr.CloseIdleConnections)
			hc := &http.Client{Transport: goopenaihelper.NewTransport(tr, goopenaihelper.WithTracerProvider(p.TP)), Timeout: tc.timeout}
			var answer string
			p.Turn(context.Background(), func(ctx context.Context) {
				var err error
				answer, err = runAgent(t, h, h, fake, hc, weather{h: h}, ctx)
				require.NoError(t, err)
			})
			assert.Equal(t, "The weather in Paris is rainy, 57°F.", answer)
			events := p.Events(t)
			assert.True(t, h.Idle())

			// Two calls, two spans each: the transport's under the handler's.
			outer := map[[8]byte]bool{}
			for _, s := range byName(p.ModelSpans(langchaingohelper.ScopeName))["chat gpt-4o"] {
				outer[s.SpanContext().SpanID()] = true
			}
			inner := p.ModelSpans(goopenaihelper.ScopeName)
			require.Len(t, outer, 2)
			require.Len(t, inner, 2)
			for _, s := range inner {
				assert.True(t, outer[s.Parent().SpanID()], "the transport's span is a child of the handler's")
			}

			// The executor's run is the turn; each call counts once, as
			// the transport saw it (the response's model, cached and
			// reasoning tokens).
			turns := genaitest.Named(events, mindlytics.EventConversationTurn)
			require.Len(t, turns, 1, "%+v", events)
			assert.Equal(t, mindlytics.Properties{"user": "What's the weather in Paris?", "assistant": "The weather in Paris is rainy, 57°F."},
				turns[0].Properties)
			usage := genaitest.Named(events, mindlytics.EventConversationUsage)
			require.Len(t, usage, 2, "%+v", events)
			assert.Equal(t, mindlytics.Properties{"model": "gpt-4o-2024-08-06",
				"prompt_tokens": json.Number("60"), "completion_tokens": json.Number("15")}, usage[0].Properties)
			assert.Equal(t, mindlytics.Properties{"model": "gpt-4o-2024-08-06", "prompt_tokens": json.Number("82"), "completion_tokens": json.Number("17"),
				"cached_tokens": json.Number("16"), "reasoning_tokens": json.Number("5")}, usage[1].Properties)
			require.Len(t, genaitest.Named(events, mindlytics.EventConversationFunction), 1)
		})
	}
}
