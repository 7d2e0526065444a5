package mindlytics

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v5"
	"github.com/gorilla/websocket"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// Defaults of [LiveOptions].
const (
	defaultLiveInitialBackoff = 500 * time.Millisecond
	defaultLiveMaxBackoff     = 30 * time.Second
	defaultLivePingInterval   = 30 * time.Second
	defaultLiveStableAfter    = 10 * time.Second
)

const (
	// liveWriteWait bounds writing a control frame (ping, pong, close).
	liveWriteWait = 5 * time.Second
	// maxLiveMessage bounds one live event; the service's are small.
	maxLiveMessage = 4 << 20
)

// LiveOptions configures [Client.SubscribeLive].
type LiveOptions struct {
	// SessionID scopes the stream to one session; empty streams the whole
	// project.
	SessionID string
	// OnEvent receives each live event other than MLError.
	OnEvent func(LiveEvent)
	// OnError receives MLError events as [*LiveError], messages that do not
	// decode, and the failures that make the client reconnect. Optional.
	OnError func(error)
	// OnConnect is called after each successful (re)connection. Optional.
	OnConnect func()
	// InitialBackoff and MaxBackoff bound the exponential, jittered wait
	// between reconnection attempts. Defaults: half a second, 30 seconds.
	InitialBackoff time.Duration
	MaxBackoff     time.Duration
	// StableAfter is how long a connection must stay up before the backoff
	// starts again from InitialBackoff: a server that accepts and then
	// drops connections is retried ever more slowly instead of hammered.
	// Default: 10 seconds.
	StableAfter time.Duration
	// PingInterval is how often the client pings the server; a connection
	// silent (no message, no pong) for twice as long is taken as dead.
	// Default: 30 seconds.
	PingInterval time.Duration
}

func (o LiveOptions) withDefaults() LiveOptions {
	if o.InitialBackoff <= 0 {
		o.InitialBackoff = defaultLiveInitialBackoff
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = defaultLiveMaxBackoff
	}
	if o.MaxBackoff < o.InitialBackoff {
		o.MaxBackoff = o.InitialBackoff
	}
	if o.PingInterval <= 0 {
		o.PingInterval = defaultLivePingInterval
	}
	if o.StableAfter <= 0 {
		o.StableAfter = defaultLiveStableAfter
	}
	return o
}

func (o LiveOptions) reportError(err error) {
	if o.OnError != nil && err != nil {
		o.OnError(err)
	}
}

// LiveError is an MLError live event: the service reporting an error while
// processing a session's events.
type LiveError struct {
	SessionID string
	Message   string // properties.error_message
	Event     LiveEvent
}

func (e *LiveError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = "unknown error"
	}
	if e.SessionID == "" {
		return "mindlytics: live error: " + msg
	}
	return fmt.Sprintf("mindlytics: live error in session %s: %s", e.SessionID, msg)
}

// SubscribeLive streams live events to opts' callbacks until ctx is
// cancelled, then returns nil. Before each connection it fetches a fresh
// authorization key (GET /bc/v1/live-events/realtime) and dials the live
// URL with it as a Bearer token. A dropped connection is re-established with exponential
// backoff and jitter, reset once a connection has stayed up for
// StableAfter. It returns an
// error only when retrying cannot help: an answer such as 401, 403 or 404
// from the key endpoint or the websocket handshake (an [*APIError]).
//
// Callbacks run one at a time on the calling goroutine, so a slow callback
// delays the stream; none runs after SubscribeLive returns.
func (c *Client) SubscribeLive(ctx context.Context, opts LiveOptions) error {
	opts = opts.withDefaults()
	bo := &backoff.ExponentialBackOff{
		InitialInterval:     opts.InitialBackoff,
		RandomizationFactor: 0.5,
		Multiplier:          2,
		MaxInterval:         opts.MaxBackoff,
	}
	bo.Reset()
	for {
		up, err := c.liveOnce(ctx, opts)
		if ctx.Err() != nil {
			return nil
		}
		if isPermanent(err) {
			return err
		}
		if up >= opts.StableAfter {
			bo.Reset()
		}
		wait := bo.NextBackOff()
		c.log.DebugContext(ctx, "mindlytics live: reconnecting", "error", err.Error(), "retry_in", wait)
		opts.reportError(err)
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-timer.C:
		}
	}
}

// isPermanent reports an answer of the service that retrying will not change.
// A 500 is not one here: a live connection holds no events that could
// cause it, so it is retried with the connection's backoff.
func isPermanent(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return !apiErr.Retryable() && apiErr.StatusCode != http.StatusInternalServerError
	}
	return wire.IsCertificateError(err)
}

// liveOnce runs one connection, from fetching its key until it drops. It
// reports how long the connection was up (zero when it was never
// established); its error is never nil.
func (c *Client) liveOnce(ctx context.Context, opts LiveOptions) (time.Duration, error) {
	key, err := c.liveEventsKey(ctx, opts.SessionID)
	if err != nil {
		return 0, err
	}
	conn, err := c.dialLive(ctx, key)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	defer conn.Close()
	c.log.DebugContext(ctx, "mindlytics live connected", "url", c.liveURL)
	if opts.OnConnect != nil {
		opts.OnConnect()
	}
	err = c.readLive(ctx, conn, opts)
	return time.Since(start), err
}

func (c *Client) dialLive(ctx context.Context, key string) (*websocket.Conn, error) {
	dialer := websocket.Dialer{
		Proxy:            http.ProxyFromEnvironment,
		HandshakeTimeout: c.cfg.timeout,
	}
	// Reuse the TLS roots and proxy of a custom HTTP client, for a server
	// with a private CA.
	if t, ok := c.cfg.httpClient.Transport.(*http.Transport); ok {
		if t.TLSClientConfig != nil {
			dialer.TLSClientConfig = t.TLSClientConfig.Clone()
		}
		dialer.Proxy = t.Proxy
	}
	header := http.Header{
		"Authorization": {"Bearer " + key},
		"X-App-Id":      {c.cfg.projectID},
		"User-Agent":    {c.cfg.userAgent},
	}
	path := livePath(c.liveURL)
	conn, resp, err := dialer.DialContext(ctx, c.liveURL, header)
	if resp != nil && resp.Body != nil {
		defer resp.Body.Close()
	}
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			return nil, newAPIError(http.MethodGet, path, resp, c.cfg.apiKey)
		}
		return nil, c.transportError(http.MethodGet, path, err)
	}
	return conn, nil
}

func livePath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.Path
}

// readLive dispatches the connection's messages until it fails or ctx is
// cancelled. A companion goroutine pings the server and closes the
// connection on cancellation; it has ended when readLive returns.
func (c *Client) readLive(ctx context.Context, conn *websocket.Conn, opts LiveOptions) error {
	readTimeout := 2 * opts.PingInterval
	extend := func() { _ = conn.SetReadDeadline(time.Now().Add(readTimeout)) }
	conn.SetReadLimit(maxLiveMessage)
	conn.SetPongHandler(func(string) error { extend(); return nil })
	conn.SetPingHandler(func(data string) error {
		extend()
		err := conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(liveWriteWait))
		var netErr net.Error
		if errors.Is(err, websocket.ErrCloseSent) || (errors.As(err, &netErr) && netErr.Timeout()) {
			return nil
		}
		return err
	})

	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		ticker := time.NewTicker(opts.PingInterval)
		defer ticker.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				_ = conn.WriteControl(websocket.CloseMessage,
					websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""),
					time.Now().Add(liveWriteWait))
				_ = conn.Close() // unblocks the read below
				return
			case <-ticker.C:
				if err := conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(liveWriteWait)); err != nil {
					_ = conn.Close()
					return
				}
			}
		}
	}()
	defer func() {
		close(done)
		wg.Wait()
	}()

	for {
		extend()
		typ, data, err := conn.ReadMessage()
		if err != nil {
			return c.redactErr(fmt.Errorf("mindlytics: live connection to %s: %w", livePath(c.liveURL), err))
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if typ == websocket.TextMessage || typ == websocket.BinaryMessage {
			c.dispatchLive(data, opts)
		}
	}
}

func (c *Client) dispatchLive(data []byte, opts LiveOptions) {
	var ev LiveEvent
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		opts.reportError(fmt.Errorf("mindlytics: live: decoding a message of %d bytes: null is not an event", len(data)))
		return
	}
	if err := json.Unmarshal(data, &ev); err != nil {
		opts.reportError(fmt.Errorf("mindlytics: live: decoding a message of %d bytes: %w", len(data), err))
		return
	}
	if msg, ok := ev.ErrorMessage(); ok {
		opts.reportError(&LiveError{SessionID: ev.SessionID, Message: msg, Event: ev})
		return
	}
	if opts.OnEvent != nil {
		opts.OnEvent(ev)
	}
}
