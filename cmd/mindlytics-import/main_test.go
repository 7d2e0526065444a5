package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.uber.org/goleak"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
	"github.com/mindlytics/mindlytics-otel/semconv"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// base is long past: the events must keep it.
var base = time.Date(2024, 3, 2, 9, 30, 0, 0, time.UTC)

// turnLine is one line as the file exporter writes it: the OTLP/JSON of a
// traces request holding one turn span of session, from base+start for 2s.
func turnLine(t *testing.T, session string, start time.Duration) []byte {
	t.Helper()
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "chatbot")
	sp := rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	sp.SetName(semconv.ChatSpanName("gpt-4o"))
	sp.SetTraceID(pcommon.TraceID{1, byte(len(session)), session[len(session)-1]})
	sp.SetSpanID(pcommon.SpanID{2, byte(start / time.Second)})
	sp.SetStartTimestamp(pcommon.NewTimestampFromTime(base.Add(start)))
	sp.SetEndTimestamp(pcommon.NewTimestampFromTime(base.Add(start + 2*time.Second)))
	putAttrs(sp.Attributes(),
		semconv.SessionID(session), semconv.UserID("u-"+session),
		semconv.MindlyticsEvent(semconv.EventTurn),
		semconv.TurnUser("Where is my order?"), semconv.TurnAssistant("It ships tomorrow."))
	b, err := (&ptrace.JSONMarshaler{}).MarshalTraces(td)
	require.NoError(t, err)
	return b
}

func putAttrs(m pcommon.Map, kvs ...attribute.KeyValue) {
	for _, kv := range kvs {
		m.PutStr(string(kv.Key), kv.Value.String())
	}
}

// wantTurnSession is what the translation makes of turnLine's session:
// starts at the span's start, the turn at its end, the ends (at shutdown)
// at the last activity; all at the span's own times.
func wantTurnSession(t *testing.T, session string, start time.Duration) []mindlytics.Event {
	ok := testkit.Must[mindlytics.Event](t)
	at := func(d time.Duration) mindlytics.Identity {
		return mindlytics.Identity{SessionID: session, UserID: "u-" + session, Time: base.Add(d)}
	}
	end := start + 2*time.Second
	return []mindlytics.Event{
		ok(mindlytics.StartSession(at(start), nil)),
		ok(mindlytics.ConversationStarted(at(start), session, nil, nil)),
		ok(mindlytics.ConversationTurn(at(end), session, mindlytics.Turn{User: "Where is my order?", Assistant: "It ships tomorrow."})),
		ok(mindlytics.ConversationEnded(at(end), session, nil, nil)),
		ok(mindlytics.EndSession(at(end), nil)),
	}
}

func requireEvents(t *testing.T, want, got []mindlytics.Event) {
	t.Helper()
	require.Equal(t, testkit.EncodeEach(t, want), testkit.EncodeEach(t, got))
}

// result is one run of the program.
type result struct {
	code           int
	stdout, stderr string
}

// runImport runs the program against srv with args.
func runImport(t *testing.T, srv *mindlyticstest.Server, args ...string) result {
	t.Helper()
	return runImportKey(t, srv, srv.APIKey, args...)
}

// runImportKey runs the program against srv with key as MLSDK_API_KEY.
func runImportKey(t *testing.T, srv *mindlyticstest.Server, key string, args ...string) result {
	t.Helper()
	env := map[string]string{
		"MLSDK_API_KEY":     key,
		"MLSDK_PROJECT_ID":  srv.ProjectID,
		"MLSDK_SERVER_BASE": srv.URL,
	}
	var stdout, stderr bytes.Buffer
	code := run(testkit.Context(t, 2*time.Minute), args, func(k string) string { return env[k] }, &stdout, &stderr, false)
	r := result{code, stdout.String(), stderr.String()}
	t.Logf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	for _, out := range []string{r.stdout, r.stderr} {
		assert.NotContains(t, out, key, "the key never shows")
		assert.NotContains(t, out, srv.APIKey, "the key never shows")
	}
	return r
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, data, 0o600))
	return p
}

func lines(ls ...[]byte) []byte {
	return append(bytes.Join(ls, []byte("\n")), '\n')
}

func TestImportKeepsTheOriginalTimes(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	path := writeFile(t, "traces.json", lines(turnLine(t, "s1", 0), turnLine(t, "s2", time.Minute)))

	r := runImport(t, srv, path)

	require.Equal(t, exitOK, r.code)
	requireEvents(t, wantTurnSession(t, "s1", 0), srv.SessionEvents("s1"))
	requireEvents(t, wantTurnSession(t, "s2", time.Minute), srv.SessionEvents("s2"))
	assert.Len(t, srv.Events(), 10)
	assert.Empty(t, srv.Violations())
	assert.Contains(t, r.stdout, "Imported 1 file, 2 records: 2 spans and 0 log records became 10 Mindlytics events.")
	assert.Contains(t, r.stdout, "Every event was delivered.")
	for _, req := range srv.Requests() {
		assert.Contains(t, req.UserAgent, "mindlytics-import/")
	}
}

func TestBadLinesAreNamedAndTheRestImported(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	path := writeFile(t, "traces.json", lines(
		turnLine(t, "s1", 0),
		[]byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz"`), // cut short
		[]byte(`{"resourceMetrics":[]}`),
		[]byte(`not json`),
		[]byte(``),
		[]byte(`{"spans":[]}`),
		turnLine(t, "s2", time.Minute),
	))

	r := runImport(t, srv, path)

	assert.Equal(t, exitIncomplete, r.code)
	assert.Contains(t, r.stderr, path+":2: OTLP/JSON traces: ")
	assert.Contains(t, r.stderr, path+":4: not JSON: ")
	assert.Contains(t, r.stderr, path+`:6: not an OTLP/JSON traces or logs request: its first field is "spans": skipped`)
	assert.NotContains(t, r.stderr, path+":3:", "a metrics record is not an error")
	assert.Contains(t, r.stdout, "Skipped 1 metrics or profiles record")
	assert.Contains(t, r.stdout, "NOT everything was delivered: 3 problems reported above.")
	requireEvents(t, wantTurnSession(t, "s1", 0), srv.SessionEvents("s1"))
	requireEvents(t, wantTurnSession(t, "s2", time.Minute), srv.SessionEvents("s2"))
}

func TestStrictStopsAtTheFirstBadLine(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	path := writeFile(t, "traces.json", lines(turnLine(t, "s1", 0), []byte(`not json`), turnLine(t, "s2", time.Minute)))
	other := writeFile(t, "later.json", lines(turnLine(t, "s3", 0)))

	r := runImport(t, srv, "--strict", path, other)

	assert.Equal(t, exitIncomplete, r.code)
	assert.Contains(t, r.stderr, path+":2: not JSON: ")
	assert.Contains(t, r.stderr, "--strict: stopped; nothing after it imported")
	assert.Contains(t, r.stderr, "not imported: "+other)
	requireEvents(t, wantTurnSession(t, "s1", 0), srv.SessionEvents("s1"))
	assert.Empty(t, srv.SessionEvents("s2"))
	assert.Empty(t, srv.SessionEvents("s3"))
}

func TestEmptyFile(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()

	r := runImport(t, srv, writeFile(t, "traces.json", nil))

	assert.Equal(t, exitOK, r.code)
	assert.Contains(t, r.stdout, "Imported 1 file, 0 records: 0 spans and 0 log records became 0 Mindlytics events.")
	assert.Empty(t, srv.Requests())
}

// TestCompressedFiles: gzip, and both zstd layouts of the file exporter,
// told by their first bytes, import as the plain file does.
func TestCompressedFiles(t *testing.T) {
	records := [][]byte{turnLine(t, "s1", 0), turnLine(t, "s2", time.Minute)}
	enc, err := zstd.NewWriter(nil)
	require.NoError(t, err)
	defer enc.Close()

	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, err = zw.Write(lines(records...))
	require.NoError(t, err)
	require.NoError(t, zw.Close())

	// compression: zstd without the nativeCompression gate: each record a
	// frame after its length.
	var frames []byte
	for _, rec := range records {
		frame := enc.EncodeAll(rec, nil)
		frames = binary.BigEndian.AppendUint32(frames, uint32(len(frame)))
		frames = append(frames, frame...)
	}

	for _, tc := range []struct {
		name string
		data []byte
		unit string
	}{
		{"gzip", gz.Bytes(), "lines"},
		{"zstd stream", enc.EncodeAll(lines(records...), nil), "lines"},
		{"zstd frames", frames, "records"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := mindlyticstest.NewServer()
			defer srv.Close()
			path := writeFile(t, "traces.json.z", tc.data)

			r := runImport(t, srv, path)

			require.Equal(t, exitOK, r.code)
			requireEvents(t, wantTurnSession(t, "s1", 0), srv.SessionEvents("s1"))
			requireEvents(t, wantTurnSession(t, "s2", time.Minute), srv.SessionEvents("s2"))
			assert.Contains(t, r.stderr, path+": "+bytesString(int64(len(tc.data)))+" of "+bytesString(int64(len(tc.data)))+" (100%), 2 "+tc.unit+", done")
		})
	}
}

func TestAFrameCutShortIsNamed(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	enc, err := zstd.NewWriter(nil)
	require.NoError(t, err)
	defer enc.Close()
	frame := enc.EncodeAll(turnLine(t, "s1", 0), nil)
	data := binary.BigEndian.AppendUint32(nil, uint32(len(frame)))
	data = append(data, frame...)
	data = binary.BigEndian.AppendUint32(data, 1000)
	data = append(data, frame[:10]...)

	r := runImport(t, srv, writeFile(t, "traces.zst", data))

	assert.Equal(t, exitIncomplete, r.code)
	assert.Contains(t, r.stderr, "traces.zst: record 2: the file ends inside it")
	requireEvents(t, wantTurnSession(t, "s1", 0), srv.SessionEvents("s1"))
}

// TestRefusingServiceNamesWhatWasNotDelivered: a service that refuses the
// key stops the import at the first record, which is named with all after it.
func TestRefusingServiceNamesWhatWasNotDelivered(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	path := writeFile(t, "traces.json", lines(turnLine(t, "s1", 0), turnLine(t, "s2", time.Minute)))
	other := writeFile(t, "later.json", lines(turnLine(t, "s3", 0)))

	r := runImportKey(t, srv, "not-the-key", path, other)

	assert.Equal(t, exitIncomplete, r.code)
	assert.Contains(t, r.stderr, path+":1: not delivered: ")
	assert.Contains(t, r.stderr, "403 Unauthorized")
	assert.Contains(t, r.stderr, "nothing after it was imported")
	assert.Contains(t, r.stderr, "not imported: "+other)
	assert.Contains(t, r.stdout, "NOT everything was delivered")
	assert.Empty(t, srv.Events())
}

// TestRefusedEventsFailTheImport: the service refuses one event for good;
// the rest land, and the record and the event's session are named.
func TestRefusedEventsFailTheImport(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	srv.AnswerEvents(func(ev mindlytics.Event) int {
		if ev.SessionID == "s2" && ev.Event == "Conversation Turn" {
			return 400
		}
		return 0
	})
	path := writeFile(t, "traces.json", lines(turnLine(t, "s1", 0), turnLine(t, "s2", time.Minute)))

	r := runImport(t, srv, path)

	assert.Equal(t, exitIncomplete, r.code)
	assert.Contains(t, r.stderr, path+":2: the service refused 1 event of it")
	assert.Contains(t, r.stderr, `"session_id": "s2"`)
	assert.Contains(t, r.stdout, "1 event refused by the service")
	requireEvents(t, wantTurnSession(t, "s1", 0), srv.SessionEvents("s1"))
	assert.Len(t, srv.SessionEvents("s2"), 4, "all but the refused turn")
}

func TestSettingsErrors(t *testing.T) {
	path := writeFile(t, "traces.json", nil)
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no key", map[string]string{"MLSDK_PROJECT_ID": "p"}, []string{path}, "api_key: required"},
		{"no project", map[string]string{"MLSDK_API_KEY": "secret-key-1"}, []string{path}, "project_id: required"},
		{"bad base", map[string]string{"MLSDK_API_KEY": "secret-key-1", "MLSDK_PROJECT_ID": "p"}, []string{"--server-base", "ftp://x", path}, "endpoint: \"ftp://x\": scheme must be http or https"},
		{"no file", map[string]string{"MLSDK_API_KEY": "secret-key-1", "MLSDK_PROJECT_ID": "p"}, nil, "usage: mindlytics-import"},
		{"help", map[string]string{"MLSDK_API_KEY": "secret-key-1", "MLSDK_PROJECT_ID": "p"}, []string{"-h"}, "usage: mindlytics-import"},
		{"queue in config", map[string]string{"MLSDK_API_KEY": "secret-key-1", "MLSDK_PROJECT_ID": "p"},
			[]string{"--config", writeFile(t, "c.yaml", []byte("sending_queue:\n  enabled: true\n")), path}, "sending_queue: not used by an import"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, func(k string) string { return tc.env[k] }, &stdout, &stderr, false)
			if tc.name == "help" {
				assert.Equal(t, exitOK, code)
			} else {
				assert.Equal(t, exitUsage, code)
			}
			assert.Contains(t, stderr.String(), tc.want)
			assert.NotContains(t, stdout.String()+stderr.String(), "secret-key-1")
		})
	}
}

// TestConfigFileSetsTheTranslation: --config takes the exporter's keys, as
// in a collector config: here the session id is read from app.session.
func TestConfigFileSetsTheTranslation(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	line := bytes.ReplaceAll(turnLine(t, "s1", 0), []byte(`"session.id"`), []byte(`"app.session"`))
	cfg := writeFile(t, "mindlytics.yaml", []byte("identity:\n  session_id_keys: [app.session]\n"))

	r := runImport(t, srv, "--config", cfg, writeFile(t, "traces.json", lines(line)))

	require.Equal(t, exitOK, r.code)
	requireEvents(t, wantTurnSession(t, "s1", 0), srv.SessionEvents("s1"))
}

func TestMissingFileIsNamed(t *testing.T) {
	srv := mindlyticstest.NewServer()
	defer srv.Close()
	missing := filepath.Join(t.TempDir(), "gone.json")
	path := writeFile(t, "traces.json", lines(turnLine(t, "s1", 0)))

	r := runImport(t, srv, missing, path)

	assert.Equal(t, exitIncomplete, r.code)
	assert.Contains(t, r.stderr, missing)
	assert.True(t, strings.Contains(r.stderr, "no such file"), r.stderr)
	requireEvents(t, wantTurnSession(t, "s1", 0), srv.SessionEvents("s1"))
}
