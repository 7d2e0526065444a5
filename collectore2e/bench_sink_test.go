package collectore2e

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// eventSink is the Mindlytics pipeline's destination while the benchmark
// is timed: like spanSink for otlp_http, it reads each request and counts
// what it carries (the elements of the batch's JSON array), and it keeps
// the request as it came. After the timed part, replay sends every kept
// request, in the order they arrived, to a loopback Mindlytics service,
// which checks them against the contract as if they had come from the
// collector. So the benchmark still proves every event, its order per
// session and the headers, while the destination costs during the run what
// otlp_http's costs: reading and counting, not validating and storing.
type eventSink struct {
	*http.Server
	URL     string
	service *mindlyticstest.Server // the replay's destination, whose credentials the collector is given
	events  atomic.Int64
	latency time.Duration

	mu       sync.Mutex
	requests []keptRequest
}

type keptRequest struct {
	path   string
	header http.Header
	body   []byte // as the collector sent it (compressed if it was)
}

func newEventSink(latency time.Duration) *eventSink {
	s := &eventSink{latency: latency, service: mindlyticstest.NewServer()}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	s.URL = "http://" + ln.Addr().String()
	s.Server = &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.Serve(ln) }()
	return s
}

func (s *eventSink) env() []string {
	return []string{"MLSDK_SERVER_BASE=" + s.URL, "MLSDK_API_KEY=" + s.service.APIKey, "MLSDK_PROJECT_ID=" + s.service.ProjectID}
}

func (s *eventSink) close() {
	_ = s.Close()
	s.service.Close()
}

func (s *eventSink) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	plain := body
	if enc := strings.ToLower(r.Header.Get("Content-Encoding")); enc == "gzip" || enc == "x-gzip" {
		if plain, err = gunzip(body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	n, err := countArrayElements(plain)
	if err != nil || r.URL.Path != wire.PathEventsQueue {
		http.Error(w, fmt.Sprintf("not a batch of events on %s: %v", r.URL.Path, err), http.StatusBadRequest)
		return
	}
	if s.latency > 0 {
		time.Sleep(s.latency)
	}
	s.mu.Lock()
	s.requests = append(s.requests, keptRequest{path: r.URL.Path, header: r.Header.Clone(), body: body})
	s.mu.Unlock()
	s.events.Add(int64(n))
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"status":"queued"}`)
}

// replay sends the kept requests, one after another in arrival order, to
// the loopback Mindlytics service and returns it for the checks; a request
// the service refuses is an error.
func (s *eventSink) replay(ctx context.Context) (*mindlyticstest.Server, error) {
	srv := s.service
	s.mu.Lock()
	requests := s.requests
	s.mu.Unlock()
	for i, kr := range requests {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+kr.path, bytes.NewReader(kr.body))
		if err != nil {
			return srv, err
		}
		req.Header = kr.header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return srv, err
		}
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return srv, fmt.Errorf("request %d of %d: the service answered %d: %s", i+1, len(requests), resp.StatusCode, answer)
		}
	}
	return srv, nil
}

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// countArrayElements counts the elements of a JSON array of objects by
// their depth, skipping strings; it checks the brackets balance, not the
// rest of the syntax (the replay does that).
func countArrayElements(b []byte) (int, error) {
	b = bytes.TrimSpace(b)
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return 0, fmt.Errorf("not a JSON array")
	}
	n, depth, inString := 0, 0, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			if depth == 1 {
				n++
			}
			depth++
		case '}', ']':
			depth--
			if depth < 0 {
				return 0, fmt.Errorf("unbalanced brackets")
			}
		}
	}
	if depth != 0 || inString {
		return 0, fmt.Errorf("unbalanced brackets")
	}
	return n, nil
}
