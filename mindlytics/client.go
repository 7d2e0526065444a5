package mindlytics

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// Client talks to the Mindlytics service: one method per raw endpoint, and
// [Client.SubscribeLive] for the live-events websocket. It holds no state
// between calls besides its configuration and connection pool, so it is safe
// for concurrent use. Build it with [NewClient].
type Client struct {
	cfg     config
	base    string // server base without a trailing slash
	liveURL string
	log     *slog.Logger
	// shape is what the client learned of the batch endpoint's body
	// (shapeUnknown, shapeArrays, shapeObjects); a pointer, so that the
	// value receivers of String and LogValue copy no atomic.
	shape *atomic.Int32
	// header is every request's headers, canonical and built once: a
	// request gets a copy (one map and one slice), not five Sets that
	// canonicalize each key and allocate each value.
	header http.Header
	// queueRequest is a POST to the batch endpoint with no body, built
	// once: a batch's request is a copy of it (queueRequestTo), not a
	// parse of its URL. Nil when the base does not make one.
	queueRequest *http.Request
}

// Answers larger than these are cut: an error body only feeds a message,
// and no successful answer of the contract comes near the limit.
const (
	maxErrorBody  = 64 << 10
	maxAnswerBody = 32 << 20
)

// NewClient builds a client from the options, falling back to the
// environment variables MLSDK_API_KEY, MLSDK_PROJECT_ID and
// MLSDK_SERVER_BASE. A missing key or project is an error naming what is
// missing (see [ErrMissingAPIKey], [ErrMissingProjectID]), as is a base URL
// that is not http or https.
func NewClient(opts ...ClientOption) (*Client, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	base, err := url.Parse(cfg.serverBase)
	if err != nil { // checked by newConfig already
		return nil, fmt.Errorf("mindlytics: server base: %w", err)
	}
	c := &Client{
		cfg:     cfg,
		base:    strings.TrimRight(base.String(), "/"),
		liveURL: cfg.liveURL,
		log:     cfg.logger,
		shape:   new(atomic.Int32),
	}
	if c.liveURL == "" {
		c.liveURL = deriveLiveURL(base)
	}
	c.header = requestHeader(cfg)
	c.queueRequest, _ = http.NewRequest(http.MethodPost, c.base+wire.PathEventsQueue, nil)
	return c, nil
}

// String describes the client without its API key. It has a value
// receiver so that printing a Client value hides the key too.
func (c Client) String() string {
	return fmt.Sprintf("mindlytics.Client{server: %s, project: %s, api key: [REDACTED]}", c.base, c.cfg.projectID)
}

// GoString is String, so that %#v does not print the API key either.
func (c Client) GoString() string { return c.String() }

// LogValue describes the client to log/slog without its API key.
func (c Client) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("server", c.base),
		slog.String("project", c.cfg.projectID),
		slog.String("live_url", c.liveURL),
	)
}

// CloseIdleConnections closes the idle connections of the client's HTTP
// client (the one given with [WithHTTPClient], if any).
func (c *Client) CloseIdleConnections() {
	c.cfg.httpClient.CloseIdleConnections()
}

// call sends one request to path and, on a 200, decodes the JSON answer into
// out when out is not nil; an empty answer leaves out untouched. Any other
// status is an *APIError; transport failures are wrapped with the method and
// path.
func (c *Client) call(ctx context.Context, method, path string, query url.Values, body []byte, out any) error {
	return c.send(ctx, method, path, query, body, nil, out)
}

// send is call with the body optionally read through src's readers
// instead (a sharedBody holding body, or an arrayBody with body nil).
func (c *Client) send(ctx context.Context, method, path string, query url.Values, body []byte, src bodySource, out any) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("mindlytics: %s %s: %w", method, path, err)
	}
	outer := ctx
	if c.cfg.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.cfg.timeout)
		defer cancel()
	}
	req, err := c.newRequest(ctx, method, path, query, body, src)
	if err != nil {
		return err
	}
	start := time.Now()
	resp, err := c.cfg.httpClient.Do(req)
	if err != nil {
		err = c.transportError(method, path, c.timedOut(outer, err))
		c.log.DebugContext(ctx, "mindlytics request failed", "method", method, "path", path,
			"duration", time.Since(start), "error", err.Error())
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		apiErr := newAPIError(method, path, resp, c.cfg.apiKey)
		if resp.StatusCode >= 300 && resp.StatusCode < 400 { // one CheckRedirect refused
			apiErr.Message = refusedRedirect(resp)
		}
		c.log.DebugContext(ctx, "mindlytics request rejected", "method", method, "path", path,
			"status", resp.StatusCode, "duration", time.Since(start), "error", apiErr.Error())
		return apiErr
	}
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBody))
	if err != nil {
		return c.transportError(method, path, fmt.Errorf("reading the answer: %w", c.timedOut(outer, err)))
	}
	if c.log.Enabled(ctx, slog.LevelDebug) { // its arguments cost allocations even when not logged
		c.log.DebugContext(ctx, "mindlytics request", "method", method, "path", path,
			"status", resp.StatusCode, "duration", time.Since(start), "request_bytes", requestBytes(body, src))
	}
	if out == nil || len(bytes.TrimSpace(answer)) == 0 {
		return nil
	}
	if err := json.Unmarshal(answer, out); err != nil {
		return c.redactErr(fmt.Errorf("mindlytics: %s %s: decoding the answer: %w", method, path, err))
	}
	return nil
}

// timedOut says so in err when the client's timeout ended the request
// (outer, the caller's context, is not done): the error then reads as
// clearly as http.Client.Timeout's ("Client.Timeout exceeded ...").
func (c *Client) timedOut(outer context.Context, err error) error {
	if c.cfg.timeout > 0 && outer.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w (the request's timeout of %v passed)", err, c.cfg.timeout)
	}
	return err
}

func (c *Client) newRequest(ctx context.Context, method, path string, query url.Values, body []byte, src bodySource) (*http.Request, error) {
	var rd io.Reader
	if body != nil {
		if c.cfg.gzip {
			var err error
			if body, err = gzipBytes(body); err != nil {
				return nil, fmt.Errorf("mindlytics: %s %s: compressing the body: %w", method, path, err)
			}
			src = nil // the request reads the compressed copy
		}
		if src == nil {
			rd = bytes.NewReader(body)
		}
	}
	req := c.queueRequestTo(ctx, method, path, query, rd)
	if req == nil {
		target := c.base + path
		if len(query) > 0 {
			target += "?" + query.Encode()
		}
		var err error
		if req, err = http.NewRequestWithContext(ctx, method, target, rd); err != nil {
			return nil, c.redactErr(fmt.Errorf("mindlytics: %s %s: %w", method, path, err))
		}
	}
	if src != nil {
		// The caller holds src until the request is done: this reader exists.
		req.Body, _ = src.reader()
		req.ContentLength, req.GetBody = int64(src.len()), src.reader
	}
	if c.header != nil {
		req.Header = c.header.Clone()
	} else { // a Client not made by NewClient
		req.Header = requestHeader(c.cfg)
	}
	if body != nil && c.cfg.gzip {
		req.Header.Set("Content-Encoding", "gzip")
	}
	return req, nil
}

// queueRequestTo is the request http.NewRequestWithContext makes for a
// POST to the batch endpoint with no body, copied from c.queueRequest
// with a URL of its own and no headers (newRequest sets them: the
// template's own map is never shared); nil for other requests.
func (c *Client) queueRequestTo(ctx context.Context, method, path string, query url.Values, body io.Reader) *http.Request {
	t := c.queueRequest
	if t == nil || body != nil || len(query) > 0 || method != t.Method || path != wire.PathEventsQueue {
		return nil
	}
	req := t.WithContext(ctx)
	u := *t.URL
	req.URL, req.Header = &u, nil
	return req
}

// requestHeader is the headers every request of cfg carries.
func requestHeader(cfg config) http.Header {
	h := http.Header{}
	h.Set("Authorization", "Bearer "+cfg.apiKey)
	h.Set("X-App-ID", cfg.projectID)
	h.Set("Content-Type", "application/json")
	h.Set("Accept", "application/json")
	h.Set("User-Agent", cfg.userAgent)
	return h
}

// bodySource is a request body the transport reads through readers of
// its own (body.go, arraybody.go).
type bodySource interface {
	reader() (io.ReadCloser, error)
	len() int // while the caller holds it
}

// requestBytes is the size of a request's body, for the log.
func requestBytes(body []byte, src bodySource) int {
	if body == nil && src != nil {
		return src.len()
	}
	return len(body)
}

// transportError wraps a failure to get an answer with the method and path.
func (c *Client) transportError(method, path string, err error) error {
	return c.redactErr(fmt.Errorf("mindlytics: %s %s: %w", method, path, err))
}

// redactErr keeps err's chain but scrubs the API key from its text, should
// anything on the way have echoed it.
func (c *Client) redactErr(err error) error {
	msg := err.Error()
	if !containsSecret(msg, c.cfg.apiKey) {
		return err
	}
	return &redactedError{msg: redact(msg, c.cfg.apiKey), err: err}
}

// redactedError is an error whose text had a secret scrubbed from it.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

var gzipWriters = sync.Pool{New: func() any { return gzip.NewWriter(io.Discard) }}

func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(b)/4 + 64)
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(&buf)
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
