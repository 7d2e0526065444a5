package messages

import (
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
)

// TestSummaryIntoIsTheFullDecode: SummaryInto, which summarizes in place,
// says what messagesFromValue and summarize say, on every seed (valid
// and broken JSON, a broken list left with a summary begun), text and
// structured values.
func TestSummaryIntoIsTheFullDecode(t *testing.T) {
	values := []spanview.Value{
		spanview.ValueOf(attribute.StringValue("plain text")), spanview.ValueOf(attribute.StringValue("")),
		spanview.ValueOf(attribute.IntValue(3)),
		spanview.ValueOf(attribute.StringSliceValue([]string{`{"role":"user","content":"a"}`, `{"role":"assistant","content":"b"}`})),
		spanview.ValueOf(attribute.StringValue(`[{"role":"user","content":"a"},{"role":"assistant","content":"b"},` +
			`{"role":"user","content":"c"`)), // broken after two messages
	}
	for _, s := range scanSeeds {
		values = append(values, spanview.ValueOf(attribute.StringValue(s)), spanview.ValueOf(attribute.StringValue(" \n"+s)))
	}
	for _, v := range values {
		msgs, wantText := messagesFromValue(v)
		want := summarize(msgs)
		if wantText != "" {
			want = Summary{} // text: no messages
		}
		var got Summary
		text := SummaryInto(&got, v)
		require.Equal(t, wantText, text, "%s", v.AsString())
		require.Equal(t, want, got, "%s", v.AsString())
		gotOf, textOf := SummaryOf(v)
		require.Equal(t, got, gotOf)
		require.Equal(t, text, textOf)
	}
}
