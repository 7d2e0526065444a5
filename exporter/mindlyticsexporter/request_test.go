package mindlyticsexporter

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exporterhelper/xexporterhelper"
)

func rawEvents(names ...string) []json.RawMessage {
	out := make([]json.RawMessage, len(names))
	for i, n := range names {
		out[i] = json.RawMessage(`{"type":"track","event":"` + n + `","session_id":"s"}`)
	}
	return out
}

func eventNames(t *testing.T, reqs []xexporterhelper.Request) [][]string {
	t.Helper()
	var out [][]string
	for _, r := range reqs {
		var names []string
		for _, ev := range r.(*eventsRequest).events {
			var head struct{ Event string }
			require.NoError(t, json.Unmarshal(ev, &head))
			names = append(names, head.Event)
		}
		out = append(out, names)
	}
	return out
}

func TestRequestSizes(t *testing.T) {
	r := newEventsRequest(rawEvents("a", "bb"))
	assert.Equal(t, 2, r.ItemsCount())
	assert.Equal(t, len(r.events[0])+len(r.events[1]), r.BytesSize())
	assert.Same(t, r, r.OnError(errors.New("x")), "nothing settled: the same request is retried")
	r.settled = 1
	assert.Equal(t, [][]string{{"bb"}}, eventNames(t, []xexporterhelper.Request{r.OnError(errors.New("x"))}))
}

func TestRequestMergeSplit(t *testing.T) {
	size := len(rawEvents("a")[0])
	tests := []struct {
		name    string
		first   []string
		settled int
		second  []string
		maxSize int
		sizer   exporterhelper.RequestSizerType
		want    [][]string
		wantErr string
	}{
		{"merge without limit", []string{"a", "b"}, 0, []string{"c"}, 0, exporterhelper.RequestSizerTypeItems, [][]string{{"a", "b", "c"}}, ""},
		{"merge and split by items", []string{"a", "b"}, 0, []string{"c", "d", "e"}, 2, exporterhelper.RequestSizerTypeItems, [][]string{{"a", "b"}, {"c", "d"}, {"e"}}, ""},
		{"split alone", []string{"a", "b", "c"}, 0, nil, 2, exporterhelper.RequestSizerTypeItems, [][]string{{"a", "b"}, {"c"}}, ""},
		{"settled events are not merged again", []string{"a", "b"}, 1, []string{"c"}, 0, exporterhelper.RequestSizerTypeItems, [][]string{{"b", "c"}}, ""},
		{"split by bytes", []string{"a", "b", "c"}, 0, []string{"d"}, 2 * size, exporterhelper.RequestSizerTypeBytes, [][]string{{"a", "b"}, {"c", "d"}}, ""},
		{"an event larger than a batch is dropped", []string{"a", "bbbbbbbbbbbbbbbbbbbb", "c"}, 0, nil, size, exporterhelper.RequestSizerTypeBytes, [][]string{{"a"}, {"c"}}, "1 events are larger"},
		{"requests sizer is not for batches", []string{"a"}, 0, nil, 1, exporterhelper.RequestSizerTypeRequests, nil, "unsupported sizer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newEventsRequest(rawEvents(tt.first...))
			r.settled = tt.settled
			var other xexporterhelper.Request
			if tt.second != nil {
				other = newEventsRequest(rawEvents(tt.second...))
			}
			before := append([]json.RawMessage(nil), r.events...)
			got, err := r.MergeSplit(context.Background(), tt.maxSize, tt.sizer, other)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
			} else {
				require.NoError(t, err)
			}
			if tt.want != nil {
				assert.Equal(t, tt.want, eventNames(t, got))
			}
			assert.Equal(t, before, r.events, "the original request is not changed")
		})
	}
}

func TestRequestEncodingRoundTrip(t *testing.T) {
	r := newEventsRequest(rawEvents("a", "b", "c"))
	r.settled = 1
	b, err := eventsEncoding{}.Marshal(context.Background(), r)
	require.NoError(t, err)
	want, err := json.Marshal(storedRequest{Events: r.events[1:]})
	require.NoError(t, err)
	assert.Equal(t, string(want), string(b), "the bytes encoding/json makes")
	_, got, err := eventsEncoding{}.Unmarshal(b)
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"b", "c"}}, eventNames(t, []xexporterhelper.Request{got}), "what was settled is not stored")
	assert.Equal(t, 2, got.ItemsCount())
	assert.Equal(t, r.BytesSize()-len(r.events[0]), got.BytesSize())

	for _, bad := range []string{`nonsense`, `{"events":[]}`, `{"events":[1]}`} {
		_, _, err := eventsEncoding{}.Unmarshal([]byte(bad))
		assert.Error(t, err, bad)
	}
}
