package mindlyticsexporter

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// fixtureOutcome is a fixture's <scenario>.expect.json: what the fake
// provider answered and the app did (tools/fixtures/expect.mjs writes it
// from the fakes' logs, never from the spans), so what Mindlytics should
// end up with.
type fixtureOutcome struct {
	SessionID string `json:"session_id"`
	UserID    string `json:"user_id"`
	// Unrecorded lists what the app gave or the provider answered that no
	// span records (user_id, cached_tokens, reasoning_tokens): none must
	// then reach Mindlytics (nothing guessed).
	Unrecorded []string `json:"unrecorded"`
	Turns      []struct {
		User      string `json:"user"`
		Assistant string `json:"assistant"`
	} `json:"turns"`
	Calls []struct {
		UsageOnly bool `json:"usage_only"`
	} `json:"calls"`
	Functions []struct {
		Name   string          `json:"name"`
		Args   json.RawMessage `json:"args"`
		Result json.RawMessage `json:"result"`
	} `json:"functions"`
	Totals struct {
		Input     int64 `json:"input"`
		Output    int64 `json:"output"`
		Cached    int64 `json:"cached"`
		Reasoning int64 `json:"reasoning"`
	} `json:"totals"`
}

// outcomeScoresFile holds, per fixture and front door, the checks of
// scoreOutcome that pass today. TestFixtureOutcomes fails when one passes
// no more; -update-scores rewrites it when more pass.
const outcomeScoresFile = "testdata/fixture-outcome-scores.json"

var updateScores = flag.Bool("update-scores", false, "rewrite "+outcomeScoresFile+" with today's passing checks")

// scoreOutcome lists the checks of a fixture's outcome against the events
// that reached Mindlytics, each named, and whether it passed: the session
// and user ids the app gave (or none, where no span records it), each turn's two texts, no turn more, each
// function's name, args and result, each call counted once (turns and
// usage events), and the token totals.
func scoreOutcome(want fixtureOutcome, evs []mindlytics.Event) map[string]bool {
	checks := map[string]bool{}
	var turns, functions []map[string]any
	models, sessions, users := 0, map[string]bool{}, map[string]bool{}
	var input, output, cached, reasoning int64
	for _, ev := range evs {
		sessions[ev.SessionID] = true
		if ev.UserID != "" {
			users[ev.UserID] = true
		}
		p := ev.Properties
		switch ev.Event {
		case mindlytics.EventConversationTurn:
			turns = append(turns, p)
		case mindlytics.EventConversationFunction:
			functions = append(functions, p)
			continue
		case mindlytics.EventConversationUsage:
		default:
			continue
		}
		models++
		input += num(p["prompt_tokens"])
		output += num(p["completion_tokens"])
		cached += num(p["cached_tokens"])
		reasoning += num(p["reasoning_tokens"])
	}
	checks["session id"] = len(sessions) == 1 && sessions[want.SessionID]
	checks["user id"] = len(users) == 1 && users[want.UserID]
	if slices.Contains(want.Unrecorded, "user_id") {
		checks["user id"] = len(users) == 0
	}
	for i, turn := range want.Turns {
		user, assistant := false, false
		for _, got := range turns {
			user = user || got["user"] == turn.User
			assistant = assistant || got["assistant"] == turn.Assistant
		}
		checks[fmt.Sprintf("turn %d user text", i+1)] = user
		checks[fmt.Sprintf("turn %d assistant text", i+1)] = assistant
	}
	checks["no other turn"] = len(turns) == len(want.Turns)
	for i, fn := range want.Functions {
		var got map[string]any
		for _, f := range functions {
			if f["name"] == fn.Name {
				got = f
			}
		}
		checks[fmt.Sprintf("function %d name", i+1)] = got != nil
		checks[fmt.Sprintf("function %d args", i+1)] = got != nil && sameJSON(got["args"], fn.Args)
		checks[fmt.Sprintf("function %d result", i+1)] = got != nil && sameJSON(got["result"], fn.Result)
	}
	checks["no other function"] = len(functions) == len(want.Functions)
	checks["each call counted once"] = models == len(want.Calls)
	checks["input tokens"] = input == want.Totals.Input
	checks["output tokens"] = output == want.Totals.Output
	checks["cached tokens"] = cached == want.Totals.Cached
	checks["reasoning tokens"] = reasoning == want.Totals.Reasoning
	if slices.Contains(want.Unrecorded, "cached_tokens") {
		checks["cached tokens"] = cached == 0
	}
	if slices.Contains(want.Unrecorded, "reasoning_tokens") {
		checks["reasoning tokens"] = reasoning == 0
	}
	return checks
}

// sameJSON says whether a property (a JSON string, as the translation
// sends args and results) holds the JSON value want.
func sameJSON(got any, want json.RawMessage) bool {
	s, ok := got.(string)
	if !ok {
		return false
	}
	var a, b any
	if json.Unmarshal([]byte(s), &a) != nil || json.Unmarshal(want, &b) != nil {
		return s == strings.Trim(string(want), `"`)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// TestFixtureOutcomes sends each fixture that has an expect file (the
// instrumentations captured for Fidelity 2) through both front doors and
// scores the outcome, check by check. Many checks fail today: the
// translation rules for these libraries come next. The test is a ratchet:
// it fails when a check that passed (outcomeScoresFile) passes no more,
// and prints the score of every library.
func TestFixtureOutcomes(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(fixturesDir, "*", "*.expect.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	known := map[string][]string{}
	if b, err := os.ReadFile(outcomeScoresFile); err == nil {
		require.NoError(t, json.Unmarshal(b, &known))
	}
	now := map[string][]string{}
	perSource := map[string][2]int{} // passed, total
	for _, file := range files {
		fx := strings.TrimSuffix(strings.TrimPrefix(filepath.ToSlash(file), fixturesDir+"/"), ".expect.json")
		b, err := os.ReadFile(file)
		require.NoError(t, err)
		var want fixtureOutcome
		require.NoError(t, json.Unmarshal(b, &want), fx)
		td, ld, _ := loadFixture(t, fx)
		for door, evs := range map[string][]mindlytics.Event{
			"collector":  throughCollector(t, td, ld, false),
			"in-process": throughExporter(t, td),
		} {
			key := fx + " " + door
			for name, ok := range scoreOutcome(want, evs) {
				source := strings.SplitN(fx, "/", 2)[0]
				s := perSource[source]
				s[1]++
				if ok {
					s[0]++
					now[key] = append(now[key], name)
				} else if testing.Verbose() {
					t.Logf("%s: %q fails", key, name)
				}
				perSource[source] = s
			}
			sort.Strings(now[key])
			for _, name := range known[key] {
				if !slices.Contains(now[key], name) {
					t.Errorf("%s: %q passed before and fails now", key, name)
				}
			}
		}
	}
	sources := make([]string, 0, len(perSource))
	for s := range perSource {
		sources = append(sources, s)
	}
	sort.Strings(sources)
	for _, s := range sources {
		t.Logf("%-24s %3d of %3d checks pass (both front doors)", s, perSource[s][0], perSource[s][1])
	}
	if *updateScores {
		b, err := json.MarshalIndent(now, "", " ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(outcomeScoresFile, append(b, '\n'), 0o644))
	}
}
