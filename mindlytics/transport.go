package mindlytics

import "net/http"

// maxIdleConnsPerHost is how many idle connections to the service the
// default HTTP client keeps: at least one for every request the batching
// queue may have in flight (its lanes, at most 256), so that each lane
// reuses a connection instead of dialling one. net/http's default of 2
// made about half the requests of a 4-lane queue dial. Idle connections
// cost nothing until they exist, and close after the transport's idle
// timeout (90 s).
const maxIdleConnsPerHost = 256

// defaultTransport is net/http's default transport (proxy from the
// environment, timeouts, HTTP/2, TLS verification on) with room for an
// idle connection per lane. A client given with [WithHTTPClient] is used
// as it is.
func defaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = maxIdleConnsPerHost
	t.MaxIdleConns = max(t.MaxIdleConns, maxIdleConnsPerHost)
	return t
}
