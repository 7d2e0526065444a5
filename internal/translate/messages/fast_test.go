package messages

import (
	"strings"
	"testing"
)

// fastSeeds are inputs of the fast path's shape and near it: spaced as
// Python's json.dumps writes, escaped and non-ASCII texts and roles, empty
// texts, several parts and messages, and a byte off here and there.
var fastSeeds = []string{
	`[{"role":"user","parts":[{"type":"text","content":"Where is my order #12?"}]}]`,
	`[{"role":"assistant","parts":[{"type":"text","content":"It ships tomorrow."}],"finish_reason":"stop"}]`,
	`[{"role": "system", "parts": [{"type": "text", "content": "Be brief."}]}, {"role": "user", "parts": [{"type": "text", "content": "a\nb"}]}]`,
	"[\n  {\n    \"role\": \"user\",\n    \"parts\": [\n      {\n        \"type\": \"text\",\n        \"content\": \"x\"\n      }\n    ]\n  }\n]",
	`[{"role":"user","parts":[{"type":"text","content":"a"},{"type":"text","content":""},{"type":"text","content":"caf\u00e9"}]}]`,
	`[{"role":"user","content":"plain"},{"role":"assistant","content":""},{"role":"model","content":"m"}]`,
	`[{"role":"us\u0065r","parts":[{"type":"text","content":"x"}]}]`, "[{\"role\":\"\xff\",\"content\":\"\xfe\"}]",
	`[{"role":"tool","parts":[{"type":"text","content":"t"}]},{"role":"","content":"e"}]`,
	`[ {"role": "user","parts": [{"type":"text", "content":"x"}, {"type": "text","content": "y"}]} ]`,
	`[{"role":"user", "parts":[ {"type":"text","content":"x"}],"finish_reason": "stop"}]`, `[{ "role":"user","content": "x"}]`,
	`[{"role":"user","parts":[{"type":"text","content":""}]}]`, `[{"role":"user","parts":[{"type":"text","content":"x"}]`,
	`[{"role":"user","parts":[]}]`, `[{"role":"user","parts":[{"type":"text","content":"x"}],"finish_reason":1}]`,
	`[{"role":"user","parts":[{"type":"text","content":"x"}],}]`, `[{"role":"user","parts":[{"type":"text","content":"x"},]}]`,
	`[{"role":"user","parts":[{"type":"text","content":"x"}]},]`, `[{"role":"user","parts":[{"type":"text","content":"x"}]}] x`,
	`[{"role":"user","parts":[{"type":"text","content":"x"}]}`, `[{"role":"user","parts":[{"type":"text","content":"x\"}]}]`,
	`[{"role" :"user","content":"x"}]`, `[{"role":"user","content":"x","content":"y"}]`, `[{"role":"user","role":"x","content":"y"}]`,
	`[{"role":"user","parts":[{"type":"text","content":"x","type":"image"}]}]`, `[{"role":"user","content":"x"}` + "\x01]",
	"[{\"role\":\"user\",\"content\":\"x\"}\v]", `[{"role":"user","content":"x"},{"role":"assistant","content":"y","finish_reason":"stop"}]`,
	`[{"role":"user","parts":[{"type":"text","content":"x"}],"finish_reason":"stop","extra":1}]`, `[]`, `[{}]`,
}

// TestFastPathTakesTheCommonShapes: the load's messages and their Python
// spacing go the fast way, not the scanner's walk.
func TestFastPathTakesTheCommonShapes(t *testing.T) {
	for _, s := range fastSeeds[:6] {
		p := msgScanner{s: s}
		var sum Summary
		if !p.fastList(&sum) {
			t.Fatalf("%q: not the fast path", s)
		}
	}
}

func TestFastPathMatchesTheWalk(t *testing.T) {
	for _, s := range append(fastSeeds, scanSeeds...) {
		checkFast(t, s)
		checkScan(t, s)
	}
}

// FuzzFastList compares the fast path with the scanner's walk: where it
// reads an input, the same summary.
func FuzzFastList(f *testing.F) {
	for _, s := range append(fastSeeds, scanSeeds...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkFast(t, s)
		checkScan(t, s)
	})
}

func checkFast(t *testing.T, s string) {
	t.Helper()
	s = strings.TrimSpace(s)
	if s == "" || s[0] != '[' {
		return
	}
	var sum Summary
	p := msgScanner{s: s}
	if !p.fastList(&sum) {
		return
	}
	if p.ws(); p.i != len(s) {
		return
	}
	sum.decode()
	want, ok, bail := walkMessages(s)
	if bail || !ok || sum != want {
		t.Fatalf("%q: fast path %+v, the walk %+v (ok %v, bail %v)", s, sum, want, ok, bail)
	}
}
