package compact

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// requireCompactAsMap checks that a compact event validates and encodes as
// the event with its Properties map does: an error for both or neither, the
// same text when exact (with several wrong values, the map's iteration
// order picks which one is named), the same bytes.
func requireCompactAsMap(t testing.TB, compact Event, compactErr error, exact bool) {
	t.Helper()
	expanded := compact.Expand()
	require.Equal(t, compactErr == nil, expanded.Validate() == nil, "validation, compact (%v) and as a map (%v)", compactErr, expanded.Validate())
	require.Equal(t, compactErr == nil, compact.Validate() == nil, "Validate of the compact event: %v", compact.Validate())
	if exact {
		require.Equal(t, errText(compactErr), errText(expanded.Validate()))
	}
	wrapped := Of(expanded)
	want, wantErr := wrapped.AppendJSON(nil)
	got, err := compact.AppendJSON([]byte("prefix"))
	if wantErr != nil {
		require.Error(t, err, "the map fails with %v; the compact event gave %s", wantErr, got)
		require.Equal(t, "prefix", string(got))
		return
	}
	require.NoError(t, err)
	require.Equal(t, string(want), string(got[len("prefix"):]))
	reference, err := json.Marshal(plainEvent(expanded)) // encoding/json itself
	require.NoError(t, err)
	require.Equal(t, string(reference), string(want))
	viaMarshal, err := json.Marshal(compact)
	require.NoError(t, err)
	require.Equal(t, string(want), string(viaMarshal))
}

// requireSameBytes checks that the compact event encodes as the one the
// public constructor made, or fails as it does.
func requireSameBytes(t testing.TB, compact Event, public mindlytics.Event) {
	t.Helper()
	wrapped := Of(public)
	want, wantErr := wrapped.AppendJSON(nil)
	got, err := compact.AppendJSON(nil)
	require.Equal(t, wantErr == nil, err == nil, "%v, %v", wantErr, err)
	require.Equal(t, string(want), string(got))
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// randomExtra draws extra properties, some of them named like the fields.
func randomExtra(rng *rand.Rand, fieldKeys []string) mindlytics.Properties {
	if rng.IntN(3) == 0 {
		return nil
	}
	p := mindlytics.Properties{}
	for range rng.IntN(6) {
		var k string
		switch rng.IntN(4) {
		case 0:
			k = fieldKeys[rng.IntN(len(fieldKeys))]
		case 1:
			k = tricky[rng.IntN(len(tricky))]
		default:
			k = string(rune('a'+rng.IntN(26))) + "_x"
		}
		switch rng.IntN(8) {
		case 0:
			p[k] = tricky[rng.IntN(len(tricky))]
		case 1:
			p[k] = rng.Int64() - rng.Int64()
		case 2:
			p[k] = rng.NormFloat64() * 1e6
		case 3:
			p[k] = rng.IntN(2) == 0
		case 4:
			p[k] = json.Number("12.5e3")
		case 5:
			p[k] = []string{"not", "a scalar"}
		case 6:
			p[k] = math.NaN()
		default:
			p[k] = uint8(rng.IntN(256))
		}
	}
	return p
}

// TestCompactEventsEncodeAsTheirMaps: a compact turn, usage or function
// event validates and encodes exactly as the event with the map its public
// constructor makes, for 30,000 random turns, usages and calls.
func TestCompactEventsEncodeAsTheirMaps(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 13))
	pick := func() string {
		if rng.IntN(3) == 0 {
			return ""
		}
		return tricky[rng.IntN(len(tricky))]
	}
	turnKeys := []string{"user", "assistant", "assistant_id", "model", "prompt_tokens", "completion_tokens", "cost"}
	fnKeys := []string{"name", "args", "result", "runtime"}
	usageKeys := []string{"model", "prompt_tokens", "completion_tokens", "cost", "cached_tokens"}
	costs := []float64{0, 0.0042, 1e21, 1e-7, -3, math.Inf(1), math.NaN()}
	for i := range 30_000 {
		id := mindlytics.Identity{SessionID: "s-" + pick(), UserID: pick(), Time: time.Unix(1_700_000_000, int64(i)*1000)}
		if rng.IntN(10) == 0 {
			id.SessionID = ""
		}
		if i%3 == 2 {
			usage := mindlytics.Usage{Cost: costs[rng.IntN(len(costs))], Extra: randomExtra(rng, usageKeys)}
			if rng.IntN(2) == 0 {
				usage.Model, usage.PromptTokens, usage.CompletionTokens = pick(), rng.Int64N(5000), rng.Int64N(5000)
			}
			conv := "c-" + pick()
			ev, err := Usage(id, conv, usage)
			requireCompactAsMap(t, ev, err, false)
			_, pubErr := mindlytics.ConversationUsage(id, conv, usage)
			require.Equal(t, err == nil, pubErr == nil, "%v, %v", err, pubErr)
			continue
		}
		if i%3 == 0 {
			turn := mindlytics.Turn{User: pick(), Assistant: pick(), AssistantID: pick(), Model: pick(),
				Cost: costs[rng.IntN(len(costs))], Extra: randomExtra(rng, turnKeys)}
			if rng.IntN(2) == 0 {
				turn.PromptTokens, turn.CompletionTokens = rng.Int64N(5000), rng.Int64N(5000)
			}
			turn.TokensUnknown = rng.IntN(4) == 0
			conv := "c-" + pick()
			ev, err := Turn(id, conv, turn)
			requireCompactAsMap(t, ev, err, false)
			pub, pubErr := mindlytics.ConversationTurn(id, conv, turn)
			require.Equal(t, err == nil, pubErr == nil, "%v, %v", err, pubErr)
			requireSameBytes(t, ev, pub)
		} else {
			call := mindlytics.FunctionCall{Name: pick(), Args: pick(), Result: pick(),
				Runtime: time.Duration(rng.Int64N(int64(time.Hour))), Extra: randomExtra(rng, fnKeys)}
			conv := "c-" + pick()
			ev, err := Function(id, conv, call)
			requireCompactAsMap(t, ev, err, false)
			pub, pubErr := mindlytics.ConversationFunction(id, conv, call)
			require.Equal(t, err == nil, pubErr == nil, "%v, %v", err, pubErr)
			requireSameBytes(t, ev, pub)
		}
	}
}

// TestCompactEventsEdgeCases names the cases the random test may miss.
func TestCompactEventsEdgeCases(t *testing.T) {
	id := mindlytics.Identity{SessionID: "s", UserID: "u", Time: time.Unix(1_700_000_000, 0)}
	for name, turn := range map[string]mindlytics.Turn{
		"extra named like an unset field": {User: "u", Assistant: "a", Extra: mindlytics.Properties{"assistant_id": "from-extra", "model": 3}},
		"extra named like a set field":    {User: "u", Assistant: "a", Model: "m", Extra: mindlytics.Properties{"user": []int{1}, "model": math.NaN()}},
		"tokens without a model":          {User: "u", Assistant: "a", CompletionTokens: 7},
		"empty extra key":                 {User: "u", Assistant: "a", Extra: mindlytics.Properties{"": 1}},
		"non-scalar extra":                {User: "u", Assistant: "a", Extra: mindlytics.Properties{"z": map[string]any{}}},
		"no user":                         {Assistant: "a"},
		"infinite cost":                   {User: "u", Assistant: "a", Cost: math.Inf(-1)},
	} {
		t.Run(name, func(t *testing.T) {
			ev, err := Turn(id, "c", turn)
			requireCompactAsMap(t, ev, err, true)
		})
	}
	for name, usage := range map[string]mindlytics.Usage{
		"model form, extra cost":     {Model: "m", PromptTokens: 1, Extra: mindlytics.Properties{"cost": 0.5, "cached_tokens": 3}},
		"cost form, extra model":     {Cost: 0.25, Extra: mindlytics.Properties{"model": "from-extra", "cost": "overwritten"}},
		"neither":                    {PromptTokens: 5},
		"negative cost":              {Cost: -1},
		"infinite cost":              {Cost: math.Inf(1)},
		"model form, non-scalar":     {Model: "m", Extra: mindlytics.Properties{"x": []int{}}},
		"model form, infinite extra": {Model: "m", Extra: mindlytics.Properties{"x": math.Inf(-1)}},
	} {
		t.Run(name, func(t *testing.T) {
			ev, err := Usage(id, "c", usage)
			// Without either form the constructor and Validate word the
			// refusal differently, compact or not.
			requireCompactAsMap(t, ev, err, usage.Model != "" || usage.Cost > 0)
		})
	}
	ev, err := Function(id, "", mindlytics.FunctionCall{Name: "f"})
	require.Error(t, err, "a function event needs its conversation")
	requireCompactAsMap(t, ev, err, true)
	ev, err = Function(id, "c", mindlytics.FunctionCall{Name: "f", Extra: mindlytics.Properties{"runtime": "overwritten", "zz": nil}})
	requireCompactAsMap(t, ev, err, true)
}

func FuzzCompactTurn(f *testing.F) {
	f.Add("u", "a", "agent", "gpt", int64(3), int64(4), 0.5, "k", "v", 1.5)
	f.Add("", "\xff", "", "", int64(0), int64(-1), math.Inf(1), "user", "\u2028", math.NaN())
	f.Fuzz(func(t *testing.T, user, assistant, agent, model string, in, out int64, cost float64, key, value string, x float64) {
		id := mindlytics.Identity{SessionID: "s", Time: time.Unix(1_700_000_000, 0)}
		turn := mindlytics.Turn{User: user, Assistant: assistant, AssistantID: agent, Model: model, PromptTokens: in,
			CompletionTokens: out, Cost: cost, Extra: mindlytics.Properties{key: value, key + "n": in, key + "x": x,
				key + "j": json.Number(value), key + "s": []string{value}}}
		ev, err := Turn(id, "c", turn)
		requireCompactAsMap(t, ev, err, false)
		call, err := Function(id, "c", mindlytics.FunctionCall{Name: user, Args: assistant, Result: model,
			Runtime: time.Duration(in), Extra: mindlytics.Properties{key: value}})
		requireCompactAsMap(t, call, err, false)
		usage, err := Usage(id, "c", mindlytics.Usage{Model: model, PromptTokens: in, CompletionTokens: out, Cost: cost,
			Extra: mindlytics.Properties{key: value}})
		requireCompactAsMap(t, usage, err, false)
	})
}

// TestCompactFieldKeysNeedNoEscape backs AppendProperties, which
// writes the keys of compactFields as they are.
func TestCompactFieldKeysNeedNoEscape(t *testing.T) {
	id := mindlytics.Identity{SessionID: "s", UserID: "u", Time: time.Unix(1, 0)}
	events := []Event{
		testkit.Value(Turn(id, "c", mindlytics.Turn{User: "u", Assistant: "a", AssistantID: "b", Model: "m", PromptTokens: 1, CompletionTokens: 2, Cost: 3})),
		testkit.Value(Function(id, "c", mindlytics.FunctionCall{Name: "f", Args: "{}", Result: "r", Runtime: time.Second})),
		testkit.Value(Usage(id, "c", mindlytics.Usage{Model: "m", PromptTokens: 1, CompletionTokens: 2})),
		testkit.Value(Usage(id, "c", mindlytics.Usage{Cost: 1})),
	}
	keys := 0
	for _, ev := range events {
		for _, f := range ev.compactFields(nil) {
			require.Equal(t, `"`+f.key+`"`, string(wire.AppendString(nil, f.key)), "key %q", f.key)
			keys++
		}
	}
	require.Equal(t, 7+4+3+1, keys, "every field of every kind")
}

func TestAnalysesEncodeAsTheirEvent(t *testing.T) {
	ev, err := mindlytics.ConversationEnded(mindlytics.Identity{SessionID: "s", UserID: "u"}, "c", nil, nil)
	require.NoError(t, err)
	ev.ConversationAnalysis = &mindlytics.ConversationAnalysis{Summary: "ok", Sentiment: mindlytics.SentimentPositive, Cost: 0.5}
	ev.IntentAnalysis = &mindlytics.IntentAnalysis{Summary: "x", Sentiment: mindlytics.SentimentNeutral, IntentFulfilled: mindlytics.IntentUnfulfilled}
	c := Of(ev)
	got, err := c.AppendJSON(nil)
	require.NoError(t, err)
	want, err := json.Marshal(ev)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got))
}
