package collectore2e

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

// loadSink is the load benchmark's destination for either exporter: it
// reads each request (gunzipping it when it says so) and counts what it
// carries, the spans of an OTLP/protobuf export or the events of a
// Mindlytics batch, and keeps nothing: a run of a minute carries millions.
// It answers each as the real destination would.
type loadSink struct {
	*http.Server
	URL      string
	count    atomic.Int64 // spans or events
	requests atomic.Int64
	bad      atomic.Int64 // requests it could not read
}

func newLoadSink(t *testing.T, otlp bool) *loadSink {
	t.Helper()
	s := &loadSink{}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err)
	s.URL = "http://" + ln.Addr().String()
	s.Server = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := s.read(r, otlp)
		if err != nil {
			s.bad.Add(1)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.count.Add(int64(n))
		s.requests.Add(1)
		if otlp {
			w.Header().Set("Content-Type", "application/x-protobuf")
			b, _ := ptraceotlp.NewExportResponse().MarshalProto()
			_, _ = w.Write(b)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"queued"}`)
	})}
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func (s *loadSink) read(r *http.Request, otlp bool) (int, error) {
	var body io.Reader = r.Body
	if enc := strings.ToLower(r.Header.Get("Content-Encoding")); enc == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			return 0, err
		}
		body = zr
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return 0, err
	}
	if !otlp {
		return countArrayElements(b)
	}
	req := ptraceotlp.NewExportRequest()
	if err := req.UnmarshalProto(b); err != nil {
		return 0, err
	}
	return req.Traces().SpanCount(), nil
}

// stable waits until the sink's count has not moved for quiet, or until
// limit; it returns the count.
func (s *loadSink) stable(quiet, limit time.Duration) int64 {
	deadline := time.Now().Add(limit)
	last, since := s.count.Load(), time.Now()
	for time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		if n := s.count.Load(); n != last {
			last, since = n, time.Now()
		} else if time.Since(since) >= quiet {
			break
		}
	}
	return last
}

// scrapeMetrics reads the collector's internal metrics (Prometheus text)
// and sums each metric's samples over their labels, by metric name; a
// label filter "name{label=value}" is kept as its own entry too.
func scrapeMetrics(t *testing.T, port int) map[string]float64 {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", port))
	require.NoError(t, err)
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		sp := strings.LastIndexByte(line, ' ')
		if sp < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[sp+1:], 64)
		if err != nil {
			continue
		}
		series := line[:sp]
		name := series
		if i := strings.IndexByte(series, '{'); i >= 0 {
			name = series[:i]
			for _, label := range []string{"reason"} {
				if j := strings.Index(series, label+`="`); j >= 0 {
					val := series[j+len(label)+2:]
					val = val[:strings.IndexByte(val, '"')]
					out[name+"{"+label+"="+val+"}"] += v
				}
			}
		}
		out[name] += v
	}
	require.NoError(t, sc.Err())
	return out
}

// metric returns the first of names present in m (metric names differ
// by unit suffixes between exporters and versions), and whether any was.
func metric(m map[string]float64, names ...string) (float64, bool) {
	for _, n := range names {
		if v, ok := m[n]; ok {
			return v, true
		}
	}
	return 0, false
}

// patchTraceIDs writes cycle into the trace ids of an OTLP body built by
// loadBodies: each trace id ends in loadMarker followed by four bytes for
// the cycle, so that every pass over the bodies brings new traces.
func patchTraceIDs(dst, body []byte, offsets []int, cycle uint32) []byte {
	dst = append(dst[:0], body...)
	for _, off := range offsets {
		dst[off], dst[off+1], dst[off+2], dst[off+3] = byte(cycle>>24), byte(cycle>>16), byte(cycle>>8), byte(cycle)
	}
	return dst
}

// loadMarker precedes the cycle bytes of every trace id loadBodies makes.
var loadMarker = []byte{0xbe, 0x0c, 0xfa, 0xce, 0x10, 0xad}

// markerOffsets returns where the cycle bytes of body's trace ids are.
func markerOffsets(body []byte) []int {
	var out []int
	for i := 0; ; {
		j := bytes.Index(body[i:], loadMarker)
		if j < 0 {
			return out
		}
		out = append(out, i+j+len(loadMarker))
		i += j + len(loadMarker)
	}
}
