package mindlytics

import (
	"fmt"
	"net/http"
	"strings"
)

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

// maxRedirects is how many redirects a request follows, net/http's own
// default.
const maxRedirects = 10

// CheckRedirect is the redirect rule of every HTTP client that carries
// the API key, in process and in the collector (http.Client.CheckRedirect):
// a redirect is followed only to the same host, and never from https to
// http, so the key never travels in clear text or to another host. A
// redirect it refuses is not followed: its 3xx answer comes back to the
// client, which returns it as an [*APIError] (not retryable), so the events
// count as failed, never as delivered. [NewClient] applies it to the
// clients given with [WithHTTPClient] too, before their own rule.
func CheckRedirect(req *http.Request, via []*http.Request) error {
	if len(via) == 0 {
		return nil
	}
	first := via[0].URL
	switch {
	case len(via) >= maxRedirects:
		return http.ErrUseLastResponse
	case strings.EqualFold(first.Scheme, "https") && !strings.EqualFold(req.URL.Scheme, "https"):
		return http.ErrUseLastResponse
	case !strings.EqualFold(req.URL.Host, first.Host):
		return http.ErrUseLastResponse
	}
	return nil
}

// withRedirectRule returns hc with [CheckRedirect] in front of its own
// rule, as a copy: the caller's client is left as it was.
func withRedirectRule(hc *http.Client) *http.Client {
	own := hc.CheckRedirect
	c := *hc
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := CheckRedirect(req, via); err != nil || own == nil {
			return err
		}
		return own(req, via)
	}
	return &c
}

// refusedRedirect describes a redirect CheckRedirect did not follow,
// naming where it led without its path or query, which could carry
// anything.
func refusedRedirect(resp *http.Response) string {
	to := "elsewhere"
	if loc, err := resp.Location(); err == nil {
		to = loc.Scheme + "://" + loc.Host
	}
	return fmt.Sprintf("redirect to %s not followed: the API key is sent only to the configured host, never over plain http", to)
}
