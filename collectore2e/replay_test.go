package collectore2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// envImport names a built mindlytics-import; without it the test builds one.
const envImport = "MINDLYTICS_IMPORT"

// importBinary returns the mindlytics-import to run.
func importBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv(envImport); bin != "" {
		abs, err := filepath.Abs(bin)
		require.NoError(t, err)
		return abs
	}
	bin := filepath.Join(t.TempDir(), "mindlytics-import")
	build := exec.Command("go", "build", "-o", bin, "./mindlytics-import")
	build.Dir = filepath.Join("..", "cmd")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "building mindlytics-import:\n%s", out)
	return bin
}

// TestReplayOfTheFileExportersFile: the distribution's file exporter
// stores a day's telemetry (the sessions of TestLocal, and GenAI content
// logged apart from its spans, before and after them); mindlytics-import
// then replays the file into Mindlytics, and the events are exactly those
// the mindlytics exporter makes of the same telemetry live, with the
// original times.
func TestReplayOfTheFileExportersFile(t *testing.T) {
	importer := importBinary(t)
	stored := filepath.Join(t.TempDir(), "telemetry.json")
	col := startCollector(t, collectorSpec{name: "file", config: "testdata/file-export.yaml", env: []string{"REPLAY_FILE=" + stored}})

	em := newEmitter(t, col.http)
	em.conventionSession("ours", "u-ours", base)
	em.genAISession("genai", "u-genai", base)
	logged := em.chatUsageSpan("logged", "u-logged", base)
	joined := em.chatUsageSpan("joined", "u-joined", base)
	// The content of "joined" is stored before its span, that of "logged" after.
	postLogs(t, col.http, inferenceDetails(joined, "joined", base.Add(2*time.Second)))
	em.flush(t)
	postLogs(t, col.http, inferenceDetails(logged, "logged", base.Add(2*time.Second)))
	col.stop() // the file exporter flushes and closes the file

	data, err := os.ReadFile(stored)
	require.NoError(t, err)
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	require.GreaterOrEqual(t, len(lines), 3, "%s", data)
	assert.True(t, bytes.HasPrefix(lines[0], []byte(`{"resourceLogs":`)), "%s", lines[0])
	assert.True(t, bytes.HasPrefix(lines[len(lines)-1], []byte(`{"resourceLogs":`)), "%s", lines[len(lines)-1])

	srv := mindlyticstest.NewServer()
	defer srv.Close()
	var stdout, stderr bytes.Buffer
	imp := exec.CommandContext(testkit.Context(t, 2*time.Minute), importer, stored)
	imp.Env = append(os.Environ(), mindlyticsEnv(srv)...)
	imp.Stdout, imp.Stderr = &stdout, &stderr
	err = imp.Run()
	t.Logf("mindlytics-import:\n%s%s", stdout.String(), stderr.String())
	require.NoError(t, err, "exit status 0: everything delivered")
	assert.Contains(t, stdout.String(), "Every event was delivered.")
	assert.Contains(t, stderr.String(), stored+": ")
	assert.Contains(t, stderr.String(), "(100%), ")
	assert.NotContains(t, stdout.String()+stderr.String(), srv.APIKey)

	requireEvents(t, wantConventionSession(t, "ours", "u-ours", base), srv.SessionEvents("ours"))
	requireEvents(t, wantGenAISession(t, "genai", "u-genai", base), srv.SessionEvents("genai"))
	// The content of "logged" comes after its span; the service's content
	// was seen already (that of "joined"), so the span waits for it (the
	// log join's hold) and both calls make one turn each.
	requireEvents(t, wantJoinedSession(t, "logged", "u-logged", base), srv.SessionEvents("logged"))
	requireEvents(t, wantJoinedSession(t, "joined", "u-joined", base), srv.SessionEvents("joined"))
	assert.Len(t, srv.Events(), 7+6+5+5, "no other events")
	assert.Empty(t, srv.Violations())
	for _, r := range srv.Requests() {
		assert.Equal(t, 200, r.Status, "%+v", r)
		assert.Contains(t, r.UserAgent, "mindlytics-import/")
	}
}

// wantJoinedSession is chatUsageSpan's call whose logged content came
// first: it waited for its span, and the call makes one turn with its
// texts and its usage.
func wantJoinedSession(t *testing.T, sessionID, userID string, base time.Time) []mindlytics.Event {
	ok := testkit.Must[mindlytics.Event](t)
	at := func(d time.Duration) mindlytics.Identity {
		return mindlytics.Identity{SessionID: sessionID, UserID: userID, Time: base.Add(d)}
	}
	return []mindlytics.Event{
		ok(mindlytics.StartSession(at(time.Second), nil)),
		ok(mindlytics.ConversationStarted(at(time.Second), sessionID, nil, nil)),
		ok(mindlytics.ConversationTurn(at(2*time.Second), sessionID, mindlytics.Turn{
			User: "Translate 'hello' to French.", Assistant: "Bonjour.", Model: "gpt-4o-mini", PromptTokens: 20, CompletionTokens: 6,
		})),
		ok(mindlytics.ConversationEnded(at(2*time.Second), sessionID, nil, nil)),
		ok(mindlytics.EndSession(at(2*time.Second), nil)),
	}
}
