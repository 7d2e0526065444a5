package mindlyticstest

import (
	"log/slog"
	"net/http"
	"strings"
)

// Defaults of a [Server]'s configuration.
const (
	defaultAPIKey         = "test-api-key"
	defaultProjectID      = "test-project"
	defaultOrganizationID = "test-organization"
)

// config is what a Server is built from; newConfig puts the defaults in.
type config struct {
	apiKey         string
	projectID      string
	organizationID string
	logger         *slog.Logger
	addr           string
	store          Store
	handler        http.Handler
	guard          func(http.Handler) http.Handler
	bodyMode       BodyMode
	strict         bool
	stateless      bool
}

// Option configures a [Server].
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithAPIKey sets the API key every request must carry as
// "Authorization: Bearer <key>". The default is [defaultAPIKey]; an empty key
// keeps it.
func WithAPIKey(key string) Option {
	return optionFunc(func(c *config) {
		if key = strings.TrimSpace(key); key != "" {
			c.apiKey = key
		}
	})
}

// WithProjectID sets the project (app) id every request must carry in
// X-App-ID. The default is [defaultProjectID]; an empty id keeps it.
func WithProjectID(id string) Option {
	return optionFunc(func(c *config) {
		if id = strings.TrimSpace(id); id != "" {
			c.projectID = id
		}
	})
}

// WithOrganizationID sets the organization the server answers in user
// records and live events. The default is [defaultOrganizationID].
func WithOrganizationID(id string) Option {
	return optionFunc(func(c *config) {
		if id = strings.TrimSpace(id); id != "" {
			c.organizationID = id
		}
	})
}

// WithLogger sets where the server logs what it does, mostly at debug level:
// requests, rejections, injected faults, websocket connections. The server is
// silent by default. Keys are never logged.
func WithLogger(l *slog.Logger) Option {
	return optionFunc(func(c *config) {
		if l != nil {
			c.logger = l
		}
	})
}

func newConfig(opts []Option) config {
	cfg := config{
		apiKey:         defaultAPIKey,
		projectID:      defaultProjectID,
		organizationID: defaultOrganizationID,
		logger:         slog.New(slog.DiscardHandler),
	}
	for _, o := range opts {
		if o != nil {
			o.apply(&cfg)
		}
	}
	return cfg
}

// WithAddr sets the loopback address to listen on, such as
// "127.0.0.1:8765", for a server that other programs reach at a known
// place. The default is a random port on 127.0.0.1.
func WithAddr(addr string) Option {
	return optionFunc(func(c *config) { c.addr = addr })
}

// WithGuard wraps every request the server serves, the contract's
// endpoints and websockets included, in guard: a server reachable by
// other programs (such as cmd/mindlytics-dev) checks Host and Origin there.
func WithGuard(guard func(http.Handler) http.Handler) Option {
	return optionFunc(func(c *config) { c.guard = guard })
}

// BodyMode says which bodies POST /bc/v1/events/queue takes: the service's
// published spec says a JSON array of events, its Python SDK posts one bare
// event object per request (docs/CONTRACT.md). Which the service really
// takes is unproven, so the server can play each world.
type BodyMode int

const (
	// BodyArraysOnly takes only arrays, as the published spec says; an
	// object is refused with 400. The default.
	BodyArraysOnly BodyMode = iota
	// BodyArraysAndObjects takes both: an array of events, or one event
	// object.
	BodyArraysAndObjects
	// BodyObjectsOnly takes only one event object per request, as the
	// Python SDK sends; an array is refused with 400.
	BodyObjectsOnly
)

func (m BodyMode) String() string {
	switch m {
	case BodyArraysAndObjects:
		return "arrays and objects"
	case BodyObjectsOnly:
		return "objects only"
	default:
		return "arrays only"
	}
}

// WithBodyMode sets which bodies the batch endpoint takes (see
// [BodyMode]); the default is [BodyArraysOnly], the published spec.
func WithBodyMode(m BodyMode) Option {
	return optionFunc(func(c *config) { c.bodyMode = m })
}

// WithStrict refuses with 400 every event field the contract does not
// name. By default the server is as lenient as the service's schema:
// unknown fields with scalar values are accepted (and not recorded);
// unknown objects and arrays are refused.
func WithStrict() Option {
	return optionFunc(func(c *config) { c.strict = true })
}

// WithStateless plays the service as its Python SDK 1.0.5 uses it: no
// start_session or "Conversation Started" is expected, sessions and
// conversations are made on the fly by their first event, so events
// without them are no order violations. Ends still end what they name.
func WithStateless() Option {
	return optionFunc(func(c *config) { c.stateless = true })
}
