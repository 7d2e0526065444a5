package messages

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// scanSeeds are message JSON of every shape the tests read, and edges of
// JSON the scanner must judge as encoding/json does.
var scanSeeds = []string{
	// The GenAI messages of a tool call and its answer.
	`[{"role":"system","parts":[{"type":"text","content":"Be brief."}]},` +
		`{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]}]`,
	`[{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]},` +
		`{"role":"assistant","parts":[{"type":"tool_call","id":"call_1","name":"get_weather","arguments":{"city":"Paris"}}]},` +
		`{"role":"tool","parts":[{"type":"tool_call_response","id":"call_1","result":"rainy"}]}]`,
	`[{"role":"assistant","parts":[{"type":"tool_call","id":"call_1","name":"get_weather",` +
		`"arguments":{"city":"Paris"}}],"finish_reason":"tool_call"}]`,
	`[{"role":"assistant","parts":[{"type":"text","content":"Rainy, 14°C."}],"finish_reason":"stop"}]`,
	// Texts of several parts joined where escapes and bad UTF-8 meet, and
	// escaped texts in nested messages and top-level lists.
	`[{"role":"user","parts":[{"type":"text","content":"a\ud83d"},{"type":"text","content":"\ude00b"}]}]`,
	"[{\"role\":\"user\",\"parts\":[{\"content\":\"\xf0\x9f\"},{\"content\":\"\x99\x82\"}],\"content\":\"c\\n\"}]",
	`[{"role":"user","parts":[{"type":"text","content":"a\\"},{"type":"text","text":"ud83d"}]}]`,
	`{"choices":[{"message":{"role":"assistant","content":"line\none \"quoted\""}}]}`,
	`{"messages":[{"role":"user","content":[{"type":"text","text":"tab\there"}]}],"choices":[]}`,
	`[{"role":"user","content":"same \"text\""},{"role":"assistant","content":"x\u00e9"}]`,
	`[{"role":"user","content":[{"type":"text","text":"hello"}]}]`,
	`[{"role":"assistant","content":null,"tool_calls":[{"id":"1","function":{"name":"f"}}]}]`,
	`[{"role":"user","content":"plain","tool_calls":"not a list"}]`,
	`{"choices":[{"index":0,"message":{"role":"assistant","content":[{"type":"text","text":"a"},{"type":"tool_use","name":"f"}]}}]}`,
	`[{"role":"user","content":[1,{"type":"text","text":"ok"}]}]`,
	`[{"role":"user",`, `{"unexpected":true}`, `{"messages":[{"role":"user","content":"x"}],"choices":[1]}`,
	`{"messages":[],"choices":[{"message":5}]}`, `{"role":"assistant","parts":[{"type":"text","content":"a"}],"content":"b"}`,
	`[{"role":"user","content":[{"type":"text","text":"a"}],"parts":[{"content":"b"}]}]`,
	`[{"Role":"user","content":"x"}]`, `[{"role":"user","role":"assistant","content":"x"}]`,
	`[{"r\u006fle":"user","content":"x"}]`, `[{"role":"user","content":"caf\u00e9 \ud800 \n"}]`,
	"[{\"role\":\"user\",\"content\":\"\xff\xfe\"}]", "[{\"role\":\"user\",\"content\":\"caf\xc3\xa9\"}]",
	`[{"role":"user","content":"x"}] x`, `[1, 2.5e-3, -0, true, false, null, "s", {}, []]`, `[01]`, `[1.]`, `[-]`,
	`[{"role":"assistant","function_call":0}]`, `[{"role":"assistant","function_call":null,"tool_calls":[null]}]`,
	`[{"role":"assistant","message":null,"content":"x"}]`, `[{"message":{"message":{"role":"user","content":"deep"}}}]`,
	`[{"role":"user","parts":[{"type":"text","content":{"a":1},"text":"t"},{"type":"image","content":"no"}]}]`,
	`[{"role":"user","content":"a"},{"role":"user","content":""}]`, `{"choices":[]}`, `[]`, `{}`, `[{"role":"user","content":"\x01"}]`,
	`[{"role":"user","content":"\q"}]`, `[{"role":"user","content":"\u12"}]`, `[{"role":"model","content":"m"},{"role":"tool","content":"t"}]`,
	`[{"role":"user","content":"x","extra":{"k\u0041":1,"é":[{"\"":{}}],"role":2}}]`, `[{"role":"user","name":"n","Name":"N","name":1,"content":"x"}]`,
	`[{"role":"user","parts":[{"type":"text","content":"x","arguments":{"\u0063ity":"P"},"ID":1,"id":2,"id":3}]}]`,
	`[{"role":"user","content":"x"},]`, `{"role":"user","content":"x",}`, `[{"ſ":"x","K":1}]`, `[{"rolE":"x"}]`,
}

func TestMessageScanMatchesFullDecode(t *testing.T) {
	for _, s := range scanSeeds {
		checkScan(t, s)
	}
}

// FuzzMessageScan compares the scanner with the full decode
// (parseMessages) on arbitrary input: the same validity and the same
// summary, wherever the scanner does not leave the input to the decode.
func FuzzMessageScan(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add(s)
	}
	f.Fuzz(checkScan)
}

func checkScan(t *testing.T, s string) {
	t.Helper()
	trimmed := string(bytes.TrimSpace([]byte(s)))
	sum, ok, bail := scanMessages(trimmed)
	if bail {
		return
	}
	msgs, wantOK := parseMessages([]byte(s))
	if ok != wantOK {
		t.Fatalf("%q: scanner ok=%v, decode ok=%v", s, ok, wantOK)
	}
	if want := summarize(msgs); ok && sum != want {
		t.Fatalf("%q: scanner %+v, decode %+v", s, sum, want)
	}
	if got, gotOK := Summarize(trimmed); gotOK != wantOK || (ok && got != summarize(msgs)) {
		t.Fatalf("%q: summarizeMessages %+v %v", s, got, gotOK)
	}
}

// TestUnquoteDecodesAsEncodingJSON: every escape, every kind of \u (pairs
// of surrogates, lone ones, a high one before something else), invalid and
// multi-byte UTF-8, and random strings of them, against encoding/json.
func TestUnquoteDecodesAsEncodingJSON(t *testing.T) {
	fragments := []string{
		"plain", " ", `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, `\u0041`, `\u00e9`, `\u20AC`, `\uFFFF`,
		`\ud83d\ude00`, `\uD83D\uDE00`, `\uD83d\uDe00`, `\ud83d`, `\ude00`, `\ud83d\u0041`, `\ud83d\ud83d`, `\ud83dx`,
		`\ud83d\n`, `\ud83d\\`, `\ud83d\"`, `\u0000`, `\uFFFD`, `\u2028`,
		"é", "日本", "🙂", "\xff", "\xe2\x80", "\xed\xa0\x80", "\xc0\x80", "\xf4\x90\x80\x80", "\u2028", "\ufffd", "<&>",
	}
	check := func(raw string) {
		t.Helper()
		var want string
		require.NoError(t, json.Unmarshal([]byte(`"`+raw+`"`), &want), "%q", raw)
		p := msgScanner{s: `"` + raw + `"`}
		got, ok := p.strValue()
		require.True(t, ok, "%q", raw)
		require.Equal(t, want, got, "%q", raw)
		require.Equal(t, want, unquote(raw, true), "%q, unquote itself", raw)
	}
	for _, a := range fragments {
		check(a)
		for _, b := range fragments {
			check(a + b)
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	random := func() string {
		var raw strings.Builder
		for range rng.IntN(8) {
			raw.WriteString(fragments[rng.IntN(len(fragments))])
		}
		return raw.String()
	}
	for range 20_000 {
		check(random())
	}
	// Bodies joined as the scanner joins the texts of parts, decoded
	// later: the same as decoding each and joining the texts.
	decoded := func(raw string) string {
		var v string
		require.NoError(t, json.Unmarshal([]byte(`"`+raw+`"`), &v))
		return v
	}
	kindOf := func(raw string) strKind {
		p := msgScanner{s: `"` + raw + `"`}
		_, k, ok := p.str()
		require.True(t, ok)
		return k
	}
	for range 20_000 {
		a, b := random(), random()
		joined, kind := appendBody(a, kindOf(a), b, kindOf(b))
		require.Equal(t, AppendText(decoded(a), decoded(b)), decodeBody(joined, kind), "%q + %q", a, b)
	}
}
