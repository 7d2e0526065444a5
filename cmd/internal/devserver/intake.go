package devserver

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticsexporter/pdataview"
	"github.com/mindlytics/mindlytics-otel/internal/translate"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// maxOTLPBody caps an OTLP request body, decompressed.
const maxOTLPBody = 16 << 20

// usageKeys are attributes of token counts or cost: on a span that made no
// event, usage the translation did not count.
var usageKeys = []string{
	"gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens",
	"gen_ai.usage.prompt_tokens", "gen_ai.usage.completion_tokens",
	"llm.token_count.prompt", "llm.token_count.completion", "llm.usage.total_tokens",
	"mindlytics.usage.cost",
}

// intake is the OTLP/HTTP receiver: it decodes a request with pdata, runs
// the exporters' translation (pdataview, then translate) and posts the
// events to the contract server in process, as an exporter would, so they
// pass the same checks and are stored before the OTLP client sees its 200.
type intake struct {
	mu    sync.Mutex            // one request at a time: a session's events stay in order
	tr    *pdataview.Translator // the collector exporter's, log join included
	store *Store
	post  func(ctx context.Context, events []mindlytics.Event) (int, string)
}

// serveTraces is POST /v1/traces.
func (in *intake) serveTraces(w http.ResponseWriter, r *http.Request) {
	body, proto, ok := readOTLP(w, r)
	if !ok {
		return
	}
	req := ptraceotlp.NewExportRequest()
	if err := unmarshal(req.UnmarshalProto, req.UnmarshalJSON, body, proto); err != nil {
		http.Error(w, "decoding the traces: "+err.Error(), http.StatusBadRequest)
		return
	}
	traces := req.Traces()
	if err := checkTracesDepth(traces); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rejected, msg, status := in.consume(r.Context(), func() ([]mindlytics.Event, pdataview.Origins, []error) {
		return in.tr.TracesWithOrigins(traces)
	})
	if status != http.StatusOK {
		http.Error(w, msg, status)
		return
	}
	resp := ptraceotlp.NewExportResponse()
	if rejected > 0 || msg != "" { // OTLP: a message with nothing rejected is a warning
		resp.PartialSuccess().SetRejectedSpans(int64(rejected))
		resp.PartialSuccess().SetErrorMessage(msg)
	}
	writeOTLP(w, proto, resp.MarshalProto, resp.MarshalJSON)
}

// serveLogs is POST /v1/logs: GenAI event records, reshaped into spans as
// the collector exporter does.
func (in *intake) serveLogs(w http.ResponseWriter, r *http.Request) {
	body, proto, ok := readOTLP(w, r)
	if !ok {
		return
	}
	req := plogotlp.NewExportRequest()
	if err := unmarshal(req.UnmarshalProto, req.UnmarshalJSON, body, proto); err != nil {
		http.Error(w, "decoding the logs: "+err.Error(), http.StatusBadRequest)
		return
	}
	logs := req.Logs()
	if err := checkLogsDepth(logs); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rejected, msg, status := in.consume(r.Context(), func() ([]mindlytics.Event, pdataview.Origins, []error) {
		return in.tr.LogsWithOrigins(logs)
	})
	if status != http.StatusOK {
		http.Error(w, msg, status)
		return
	}
	resp := plogotlp.NewExportResponse()
	if rejected > 0 || msg != "" {
		resp.PartialSuccess().SetRejectedLogRecords(int64(rejected))
		resp.PartialSuccess().SetErrorMessage(msg)
	}
	writeOTLP(w, proto, resp.MarshalProto, resp.MarshalJSON)
}

// consume runs a translation and posts what it makes. It returns how many spans
// the translation dropped and why, or a status other than 200 when the
// events could not be kept.
func (in *intake) consume(ctx context.Context, run func() ([]mindlytics.Event, pdataview.Origins, []error)) (rejected int, msg string, status int) {
	in.mu.Lock()
	defer in.mu.Unlock()
	events, o, errs := run()
	spans := o.Spans
	note := intakeNote{warnings: warnings(spans, o.Indexes, o.Waiting, errs)}
	for _, i := range o.Indexes {
		note.origins = append(note.origins, originOf(&spans[i]))
	}
	dropped := map[spanKey]string{}
	for _, err := range errs {
		var se *translate.SpanError
		if errors.As(err, &se) {
			rejected++
			dropped[spanKey{se.TraceID.String(), se.SpanID.String()}] = se.Err.Error()
		}
	}
	note.spans = spanNotes(o, note.warnings, dropped)
	msg = describe(note.warnings)
	if len(events) == 0 {
		if err := in.store.note(note); err != nil {
			return 0, err.Error(), http.StatusServiceUnavailable
		}
		return rejected, msg, http.StatusOK
	}
	if code, text := in.post(withIntake(ctx, note), events); code != http.StatusOK {
		if code == http.StatusBadRequest {
			code = http.StatusInternalServerError // the translation made an event the contract refuses
		}
		return 0, "the local Mindlytics refused the translated events: " + text, code
	}
	return rejected, msg, http.StatusOK
}

// maxDescribed bounds the warnings an OTLP answer spells out; the page has
// them all.
const maxDescribed = 10

// describe is the error_message of an OTLP answer: what became of each span
// that made no event or lost a value, so that a sender learns it without
// the page.
func describe(ws []Warning) string {
	if len(ws) == 0 {
		return ""
	}
	parts := make([]string, 0, min(len(ws), maxDescribed)+1)
	for i, w := range ws {
		if i == maxDescribed {
			parts = append(parts, fmt.Sprintf("and %d more (see the page)", len(ws)-maxDescribed))
			break
		}
		parts = append(parts, fmt.Sprintf("span %q (trace %s, span %s): %s", w.Span.Name, w.Span.TraceID, w.Span.SpanID, w.Message))
	}
	return strings.Join(parts, "; ")
}

// warnings lists the spans the translation dropped, the values it ignored
// (a negative token count, message JSON that does not parse), and the spans that carry
// usage but made no event (agent and workflow wrappers, spans it did not
// classify), whose usage Mindlytics does not count.
func warnings(spans []spanview.Span, origins, waiting []int, errs []error) []Warning {
	out := errorWarnings(errs)
	made := make(map[int]bool, len(origins)+len(waiting))
	for _, o := range origins {
		made[o] = true
	}
	for _, w := range waiting { // no event yet: they wait for an ancestor
		made[w] = true
	}
	for i := range spans {
		if made[i] || failed(errs, &spans[i]) {
			continue
		}
		attrs := spans[i].Attributes()
		for _, k := range usageKeys {
			if _, ok := attrs.Get(k); ok {
				out = append(out, Warning{Span: *originOf(&spans[i]),
					Message: fmt.Sprintf("usage not counted: the span carries %s but makes no event (a wrapper whose children carry the usage, or a span not classified as a model call)", k)})
				break
			}
		}
	}
	return out
}

// errorWarnings are the warnings of the translation's errors.
func errorWarnings(errs []error) []Warning {
	var out []Warning
	for _, err := range errs {
		var se *translate.SpanError
		var iv *translate.IgnoredValueError
		var nf *translate.SessionFallbackNotice
		switch {
		case errors.As(err, &nf):
			out = append(out, Warning{Span: Origin{TraceID: nf.TraceID.String(), SpanID: nf.SpanID.String(), Name: nf.Name},
				Message: "no session id: its trace became a session of its own (said for the first such span; pass the session's context to the LLM client, or put session.id on the span or resource)"})
		case errors.As(err, &se):
			out = append(out, Warning{Span: Origin{TraceID: se.TraceID.String(), SpanID: se.SpanID.String(), Name: se.Name},
				Message: "dropped: " + se.Err.Error()})
		case errors.As(err, &iv):
			out = append(out, Warning{Span: Origin{TraceID: iv.TraceID.String(), SpanID: iv.SpanID.String(), Name: iv.Name},
				Message: fmt.Sprintf("not counted: %s ignored: %s", iv.Key, iv.Reason)})
		}
	}
	return out
}

func failed(errs []error, s *spanview.Span) bool {
	for _, err := range errs {
		var se *translate.SpanError
		if errors.As(err, &se) && se.SpanID == s.SpanID() && se.TraceID == s.TraceID() {
			return true
		}
	}
	return false
}

func originOf(s *spanview.Span) *Origin {
	o := &Origin{TraceID: s.TraceID().String(), SpanID: s.SpanID().String(), Name: s.Name(), Attributes: map[string]any{}}
	s.Attributes().Range(func(k string, v spanview.Value) bool {
		o.Attributes[k] = jsonSafe(v.Raw())
		return true
	})
	return o
}

// jsonSafe keeps values JSON can encode: non-finite floats and other odd
// values become their text.
func jsonSafe(v any) any {
	if _, err := json.Marshal(v); err != nil {
		return fmt.Sprint(v)
	}
	return v
}

// readOTLP reads a POST body, gunzipping it when asked, and says whether it
// is protobuf (else JSON).
func readOTLP(w http.ResponseWriter, r *http.Request) (body []byte, proto, ok bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return nil, false, false
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/x-protobuf", "application/protobuf":
		proto = true
	case "application/json":
	default:
		http.Error(w, "unsupported content type "+ct, http.StatusUnsupportedMediaType)
		return nil, false, false
	}
	var rd io.Reader = r.Body
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity", "gzip":
	default:
		// Read as it is, a body in an unknown encoding would be garbage
		// decoded, or worse, half understood.
		w.Header().Set("Accept-Encoding", "gzip")
		http.Error(w, "unsupported content encoding "+enc+" (gzip or none)", http.StatusUnsupportedMediaType)
		return nil, false, false
	}
	if strings.EqualFold(strings.TrimSpace(r.Header.Get("Content-Encoding")), "gzip") {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, "bad gzip body: "+err.Error(), http.StatusBadRequest)
			return nil, false, false
		}
		defer func() { _ = zr.Close() }()
		rd = zr
	}
	body, err := io.ReadAll(io.LimitReader(rd, maxOTLPBody+1))
	switch {
	case err != nil:
		http.Error(w, "reading the body: "+err.Error(), http.StatusBadRequest)
		return nil, false, false
	case len(body) > maxOTLPBody:
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return nil, false, false
	}
	return body, proto, true
}

func unmarshal(fromProto, fromJSON func([]byte) error, body []byte, proto bool) error {
	if proto {
		return fromProto(body)
	}
	return fromJSON(body)
}

func writeOTLP(w http.ResponseWriter, proto bool, toProto, toJSON func() ([]byte, error)) {
	ct, enc := "application/json", toJSON
	if proto {
		ct, enc = "application/x-protobuf", toProto
	}
	b, err := enc()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", ct)
	_, _ = w.Write(b)
}

// postInProcess returns a poster that sends events to the contract handler
// h as POST /bc/v1/events/queue with the server's credentials, without a
// network round trip, so the store sees the request's context.
func postInProcess(h http.Handler, apiKey, project string) func(context.Context, []mindlytics.Event) (int, string) {
	return func(ctx context.Context, events []mindlytics.Event) (int, string) {
		body, err := json.Marshal(events)
		if err != nil {
			return http.StatusInternalServerError, err.Error()
		}
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, wire.PathEventsQueue, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+apiKey)
		req.Header.Set("X-App-ID", project)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code, strings.TrimSpace(rec.Body.String())
	}
}

// flush posts events the translation made without a request (idle and
// shutdown ends).
func (in *intake) flush(ctx context.Context, ends func() []mindlytics.Event) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if events := ends(); len(events) > 0 {
		in.post(ctx, events)
	}
	// What waited (spans for an ancestor, log records for their span) and
	// was translated now may have been dropped or had values ignored.
	if w := errorWarnings(in.tr.LateErrors()); len(w) > 0 {
		_ = in.store.note(intakeNote{warnings: w})
	}
}
