package genai

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/instrument/internal/genai/genaitest"
)

// However the reader splits the stream, the parser sees the same events.
func TestStreamSplitAnywhere(t *testing.T) {
	for _, tt := range []struct {
		api  API
		wire string
	}{
		{APIChat, genaitest.Joined(genaitest.ChatToolCallStream)},
		{APIChat, strings.ReplaceAll(genaitest.Joined(genaitest.ChatTextStream), "\n", "\r\n")},
		{APIResponses, genaitest.Joined(genaitest.ResponsesFunctionCallStream)},
	} {
		whole := newStreamSink(tt.api)
		whole.write([]byte(tt.wire))
		want := whole.result("")
		require.True(t, whole.complete())
		for _, size := range []int{1, 2, 3, 7, 64} {
			s := newStreamSink(tt.api)
			for i := 0; i < len(tt.wire); i += size {
				s.write([]byte(tt.wire[i:min(i+size, len(tt.wire))]))
			}
			assert.Equal(t, want, s.result(""), "pieces of %d", size)
		}
		require.NotEmpty(t, want.Output)
		assert.True(t, want.Usage.Known)
	}
}
