package compact

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// plainEvent is mindlytics.Event without its methods: json.Marshal of it
// is the reference, encoding/json's reflection over the same tags.
type plainEvent mindlytics.Event

// requireSameJSON checks that AppendJSON and MarshalJSON of ev wrapped
// (Of) produce exactly what encoding/json does for ev, or fail when it
// fails.
func requireSameJSON(t testing.TB, ev mindlytics.Event) {
	t.Helper()
	want, wantErr := json.Marshal(plainEvent(ev))
	prefix := []byte("prefix")
	wrapped := Of(ev)
	got, err := wrapped.AppendJSON(prefix)
	if wantErr != nil {
		require.Error(t, err, "encoding/json fails with %v; AppendJSON gave %s", wantErr, got)
		require.Equal(t, "prefix", string(got), "the buffer after a failure")
		_, err = json.Marshal(wrapped)
		require.Error(t, err)
		return
	}
	require.NoError(t, err)
	require.Equal(t, string(want), string(got[len(prefix):]))
	viaMarshal, err := json.Marshal(wrapped)
	require.NoError(t, err)
	require.Equal(t, string(want), string(viaMarshal))
}

// tricky are strings that exercise every escape of encoding/json.
var tricky = []string{
	"", "plain", `quote " and \ backslash`, "<script>&amp;</script>", "\b\f\n\r\t", "\x00\x01\x1f\x7f",
	"é ü 日本語 🙂", "\u2028\u2029", "bad \xff\xfe utf-8", "\xe2\x80", "tab\there", strings.Repeat("long ", 200),
}

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
	id := mindlytics.Identity{SessionID: "s-1", UserID: "u-1", Time: at}
	built := []mindlytics.Event{
		testkit.Value(mindlytics.StartSession(id, mindlytics.Properties{"plan": "pro", "seats": 3})),
		testkit.Value(mindlytics.EndSession(id, nil)),
		testkit.Value(mindlytics.Identify(id, "u-2", "d-1", mindlytics.Properties{"email": "a@b.c", "vip": true})),
		testkit.Value(mindlytics.Alias(id, "u-2", "u-1")),
		testkit.Value(mindlytics.Track(id, "c-1", "Clicked <b>", mindlytics.Properties{"x": 1.5, "n": json.Number("12e3")})),
		testkit.Value(mindlytics.ConversationTurn(id, "c-1", mindlytics.Turn{User: "hi", Assistant: "hello", Model: "gpt-4o", PromptTokens: 3,
			CompletionTokens: 4, Cost: 0.000012, Extra: mindlytics.Properties{"z": uint8(7), "a": int32(-1)}})),
		testkit.Value(mindlytics.ConversationUsage(id, "c-1", mindlytics.Usage{Cost: 1e21})),
		testkit.Value(mindlytics.ConversationFunction(id, "c-1", mindlytics.FunctionCall{Name: "f", Args: `{"a":"<1>"}`, Runtime: time.Second})),
		{}, {Type: "x", Properties: mindlytics.Properties{}},
	}
	for _, ev := range built {
		requireSameJSON(t, ev)
	}
	values := []any{
		0, 1, -1, math.MaxInt64, math.MinInt64, uint64(math.MaxUint64), int8(-8), int16(16), uint16(16), uint32(32),
		uint(7), 0.0, math.Copysign(0, -1), 1e-7, 1e-6, 123456.789, 1e20, 1e21, -1e300, math.SmallestNonzeroFloat64,
		float32(1e-7), float32(3.14), float32(1e21), float32(math.MaxFloat32), true, false, nil,
		json.Number(""), json.Number("0"), json.Number("-0.5e+10"), json.Number("1E5"),
		[]any{1, "x"}, map[string]any{"b": 1, "a": "<"}, mindlytics.Type("named"), time.Duration(5), struct{ A int }{1},
	}
	for _, v := range values {
		requireSameJSON(t, mindlytics.Event{Type: mindlytics.TypeTrack, SessionID: "s", Properties: mindlytics.Properties{"v": v}})
	}
	for _, s := range tricky {
		requireSameJSON(t, mindlytics.Event{Type: mindlytics.Type(s), Event: s, SessionID: s, Timestamp: s, UserID: s, DeviceID: s,
			ConversationID: s, ID: s, PreviousID: s, Properties: mindlytics.Properties{s: s}, Attributes: mindlytics.Properties{s + "k": s},
			Traits: mindlytics.Properties{"t" + s: s}})
	}
	// Every set of what may follow the head (wire's AppendRest, whose
	// event with none of them takes a shortcut).
	for set := range 1 << 5 {
		ev := mindlytics.Event{Type: mindlytics.TypeTrack, SessionID: "s"}
		if set&1 != 0 {
			ev.Properties = mindlytics.Properties{"p": 1}
		}
		if set&2 != 0 {
			ev.Attributes = mindlytics.Properties{"a": "x"}
		}
		if set&4 != 0 {
			ev.Traits = mindlytics.Properties{"t": true}
		}
		if set&8 != 0 {
			ev.ConversationAnalysis = &mindlytics.ConversationAnalysis{Summary: "s", Sentiment: "positive", Cost: 0.5}
		}
		if set&16 != 0 {
			ev.IntentAnalysis = &mindlytics.IntentAnalysis{Summary: "i", Sentiment: "neutral", IntentFulfilled: "yes"}
		}
		requireSameJSON(t, ev)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		requireSameJSON(t, randomEvent(rng))
	}
}

func TestAppendJSONFailsAsEncodingJSON(t *testing.T) {
	for _, v := range []any{math.NaN(), math.Inf(1), math.Inf(-1), float32(math.Inf(1)), json.Number("1."),
		json.Number("01"), json.Number("abc"), json.Number("1e"), json.Number("-"), make(chan int)} {
		ev := mindlytics.Event{Type: mindlytics.TypeTrack, SessionID: "s", Attributes: mindlytics.Properties{"a": 1, "bad": v}}
		requireSameJSON(t, ev)
		_, want := json.Marshal(plainEvent(ev))
		wrapped := Of(ev)
		_, got := wrapped.AppendJSON(nil)
		assert.Equal(t, want.Error(), got.Error(), "error for %#v", v)
	}
}

// randomEvent draws an event of any shape: random fields, random
// properties of every scalar kind, random strings with escapes.
func randomEvent(rng *rand.Rand) mindlytics.Event {
	str := func() string {
		if rng.IntN(4) == 0 {
			return tricky[rng.IntN(len(tricky))]
		}
		b := make([]byte, rng.IntN(24))
		for i := range b {
			b[i] = byte(rng.IntN(256))
			if rng.IntN(3) > 0 {
				b[i] = byte(' ' + rng.IntN(95))
			}
		}
		return string(b)
	}
	maybe := func() string {
		if rng.IntN(2) == 0 {
			return ""
		}
		return str()
	}
	props := func() mindlytics.Properties {
		n := rng.IntN(22) - 2 // some nil, some beyond the stack array
		if n < 0 {
			return nil
		}
		p := make(mindlytics.Properties, n)
		for range n {
			var v any
			switch rng.IntN(9) {
			case 0:
				v = str()
			case 1:
				v = rng.IntN(2) == 0
			case 2:
				v = rng.Int64() - math.MaxInt64/2
			case 3:
				v = int(rng.Int32())
			case 4:
				v = math.Float64frombits(rng.Uint64())
				if f := v.(float64); math.IsNaN(f) || math.IsInf(f, 0) {
					v = 0.5
				}
			case 5:
				v = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(60)-30))
			case 6:
				v = json.Number(formatNumber(rng))
			case 7:
				v = float32(rng.NormFloat64())
			default:
				v = rng.Uint64()
			}
			p[str()] = v
		}
		return p
	}
	return mindlytics.Event{Type: mindlytics.Type(str()), Event: maybe(), SessionID: str(), Timestamp: maybe(), UserID: maybe(),
		DeviceID: maybe(), ConversationID: maybe(), ID: maybe(), PreviousID: maybe(),
		Properties: props(), Attributes: props(), Traits: props()}
}

// formatNumber draws a valid JSON number literal.
func formatNumber(rng *rand.Rand) string {
	return []string{"0", "7", "-3", "12.5", "-0.001", "1e10", "2E-5", "9.75e+3"}[rng.IntN(8)]
}

// FuzzEncodeEvent compares Event.AppendJSON with encoding/json on events
// built from fuzzed strings and numbers of every property kind.
func FuzzEncodeEvent(f *testing.F) {
	f.Add("track", "Conversation Turn", "s-1", "k", "<v>&\u2028", int64(-5), 1.5, float32(2.5), true, "12e3")
	f.Add("", "", "", "", "\xff", int64(0), 1e21, float32(1e-7), false, "")
	f.Add("a\"b", "\n", "\\", "\x00", "é", int64(1)<<62, 1e-7, float32(0), true, "01")
	f.Fuzz(func(t *testing.T, typ, name, session, key, value string, n int64, x float64, y float32, b bool, num string) {
		ev := mindlytics.Event{Type: mindlytics.Type(typ), Event: name, SessionID: session, UserID: value, ConversationID: key,
			Properties: mindlytics.Properties{key: value, key + "n": n, key + "x": x, value: b},
			Attributes: mindlytics.Properties{"y": y, "num": json.Number(num), key: nil}}
		requireSameJSON(t, ev)
	})
}
