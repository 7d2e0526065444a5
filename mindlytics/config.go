package mindlytics

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// Environment variables the client falls back to when an option is not
// given (the package doc names them).
const (
	envAPIKey     = "MLSDK_API_KEY"
	envProjectID  = "MLSDK_PROJECT_ID"
	envServerBase = "MLSDK_SERVER_BASE"
)

// Errors of a client built without credentials. NewClient returns them
// wrapped (joined when both are missing); match them with errors.Is.
var (
	ErrMissingAPIKey    = errors.New("mindlytics: missing API key (WithAPIKey or " + envAPIKey + ")")
	ErrMissingProjectID = errors.New("mindlytics: missing project id (WithProjectID or " + envProjectID + ")")
)

// config is what a Client is built from. Every field is set by an option,
// then by the environment, then by a default, in newConfig.
type config struct {
	apiKey     string
	projectID  string
	serverBase string
	liveURL    string
	httpClient *http.Client
	// timeout bounds each request; zero or less leaves it to the context.
	timeout   time.Duration
	userAgent string
	logger    *slog.Logger
	gzip      bool
}

// ClientOption configures a [Client].
type ClientOption interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithAPIKey sets the API key sent as "Authorization: Bearer <key>". It wins
// over MLSDK_API_KEY; an empty key leaves that fallback in place.
func WithAPIKey(key string) ClientOption {
	return optionFunc(func(c *config) { c.apiKey = strings.TrimSpace(key) })
}

// WithProjectID sets the project (app) id sent in X-App-ID. It wins over
// MLSDK_PROJECT_ID; an empty id leaves that fallback in place.
func WithProjectID(id string) ClientOption {
	return optionFunc(func(c *config) { c.projectID = strings.TrimSpace(id) })
}

// WithServerBase sets the base URL of the service, http or https, for
// example "http://localhost:3000". It wins over MLSDK_SERVER_BASE; the
// default is https://app.mindlytics.ai.
func WithServerBase(base string) ClientOption {
	return optionFunc(func(c *config) { c.serverBase = strings.TrimSpace(base) })
}

// WithLiveURL sets the websocket URL (ws or wss) of the live-events stream.
// Without it the URL is derived from the server base: http becomes ws, https
// becomes wss, a host "app.<domain>" becomes "wss.<domain>", and the path of
// the base is kept (the public SDKs connect to the root of wss.mindlytics.ai).
// A local server needs it.
func WithLiveURL(liveURL string) ClientOption {
	return optionFunc(func(c *config) { c.liveURL = strings.TrimSpace(liveURL) })
}

// WithHTTPClient sets the HTTP client the requests go through, for proxies,
// custom TLS roots or instrumentation. Its TLS and proxy settings are also
// used for the live-events websocket when its transport is an
// *http.Transport. A nil client keeps the default. Its redirects obey
// [CheckRedirect] before its own CheckRedirect, if any.
func WithHTTPClient(hc *http.Client) ClientOption {
	return optionFunc(func(c *config) {
		if hc != nil {
			c.httpClient = hc
		}
	})
}

// WithTimeout bounds each request, reading the answer included, and the
// websocket handshake. Zero or less leaves the bound to the caller's
// context. The default is 10 seconds.
func WithTimeout(d time.Duration) ClientOption {
	return optionFunc(func(c *config) { c.timeout = d })
}

// WithUserAgent replaces the User-Agent header, "mindlytics-otel-go/<version>" by
// default. An empty value keeps the default.
func WithUserAgent(ua string) ClientOption {
	return optionFunc(func(c *config) {
		if ua = strings.TrimSpace(ua); ua != "" {
			c.userAgent = ua
		}
	})
}

// WithLogger sets where the client logs its requests and reconnections, at
// debug level. The client is silent by default. The API key is never logged.
func WithLogger(l *slog.Logger) ClientOption {
	return optionFunc(func(c *config) {
		if l != nil {
			c.logger = l
		}
	})
}

// WithGzip compresses request bodies with gzip (Content-Encoding: gzip).
// Off by default: the contract does not say the service accepts it.
func WithGzip(on bool) ClientOption {
	return optionFunc(func(c *config) { c.gzip = on })
}

// newConfig applies the options over the environment over the defaults, and
// checks the result.
func newConfig(opts []ClientOption) (config, error) {
	cfg := config{
		timeout:   wire.DefaultTimeout,
		userAgent: wire.DefaultUserAgent,
		logger:    slog.New(slog.DiscardHandler),
	}
	for _, o := range opts {
		if o != nil {
			o.apply(&cfg)
		}
	}
	fallback(&cfg.apiKey, envAPIKey, "")
	fallback(&cfg.projectID, envProjectID, "")
	fallback(&cfg.serverBase, envServerBase, wire.DefaultServerBase)
	if cfg.httpClient == nil {
		cfg.httpClient = &http.Client{Transport: defaultTransport()}
	}
	cfg.httpClient = withRedirectRule(cfg.httpClient)
	return cfg, cfg.validate()
}

func fallback(field *string, env, def string) {
	if *field == "" {
		*field = strings.TrimSpace(os.Getenv(env))
	}
	if *field == "" {
		*field = def
	}
}

func (c *config) validate() error {
	var errs []error
	switch {
	case c.apiKey == "":
		errs = append(errs, ErrMissingAPIKey)
	case !validHeaderValue(c.apiKey):
		errs = append(errs, errors.New("mindlytics: the API key holds characters not allowed in a header"))
	}
	switch {
	case c.projectID == "":
		errs = append(errs, ErrMissingProjectID)
	case !validHeaderValue(c.projectID):
		errs = append(errs, fmt.Errorf("mindlytics: project id %q holds characters not allowed in a header", c.projectID))
	}
	if err := checkURL("server base", c.serverBase, "http", "https"); err != nil {
		errs = append(errs, err)
	}
	if c.liveURL != "" {
		if err := checkURL("live URL", c.liveURL, "ws", "wss"); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return &redactedError{msg: redact(err.Error(), c.apiKey), err: err}
	}
	return nil
}

// checkURL accepts an absolute URL with one of the schemes and a host, and
// nothing that would put credentials or parameters in every request.
func checkURL(what, raw string, schemes ...string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("mindlytics: %s %q: %w", what, raw, err)
	}
	okScheme := false
	for _, s := range schemes {
		okScheme = okScheme || u.Scheme == s
	}
	switch {
	case !okScheme:
		return fmt.Errorf("mindlytics: %s %q: scheme must be %s", what, raw, strings.Join(schemes, " or "))
	case u.Host == "":
		return fmt.Errorf("mindlytics: %s %q: no host", what, raw)
	case u.User != nil:
		return fmt.Errorf("mindlytics: %s: user info is not allowed in the URL", what)
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("mindlytics: %s %q: a query or fragment is not allowed", what, raw)
	}
	return nil
}

// validHeaderValue rejects control characters, which would break or smuggle
// headers.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if b := v[i]; b < 0x20 || b == 0x7f {
			return false
		}
	}
	return true
}

// deriveLiveURL turns the server base into the live-events websocket URL as
// the public SDKs do: ws(s) scheme, host app.X → wss.X, port 300x → 400x,
// same path.
func deriveLiveURL(base *url.URL) string {
	u := *base
	if u.Scheme == "https" {
		u.Scheme = "wss"
	} else {
		u.Scheme = "ws"
	}
	host, port := u.Hostname(), u.Port()
	if rest, ok := strings.CutPrefix(host, "app."); ok {
		host = "wss." + rest
	}
	if strings.Contains(host, ":") { // IPv6 literal
		host = "[" + host + "]"
	}
	if len(port) == 4 && strings.HasPrefix(port, "300") {
		// The service's local stack serves the API on 300x and the
		// websocket on 400x; the Python SDK maps one to the other
		// (mlsdk-python src/mlsdk/client.py, docs/CONTRACT.md).
		port = "400" + port[3:]
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	if u.Path == "" {
		u.Path = "/"
	}
	return u.String()
}
