package mindlytics

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// maxMessage is the longest service message an APIError keeps, in bytes.
const maxMessage = 1 << 10

// newAPIError reads a non-200 answer into an *APIError, scrubbing secret
// from the service's message.
func newAPIError(method, path string, resp *http.Response, secret string) *APIError {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	return &APIError{
		Method:     method,
		Path:       path,
		StatusCode: resp.StatusCode,
		Message:    truncate(redact(serviceMessage(body), secret), maxMessage),
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
	}
}

// serviceMessage is the "message", "error" or "detail" field of a JSON
// object body (looking one level into an object value, as in
// {"error": {"message": "..."}}), or else the body as text, trimmed.
func serviceMessage(body []byte) string {
	body = bytes.TrimSpace(body)
	if msg, ok := jsonMessage(body, 2); ok {
		return msg
	}
	return string(body)
}

func jsonMessage(raw []byte, depth int) (string, bool) {
	if depth == 0 || len(raw) == 0 || raw[0] != '{' {
		return "", false
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		return "", false
	}
	for _, key := range []string{"message", "error", "detail"} {
		v := bytes.TrimSpace(fields[key])
		if len(v) == 0 || string(v) == "null" {
			continue
		}
		var s string
		if json.Unmarshal(v, &s) == nil {
			if s = strings.TrimSpace(s); s != "" {
				return s, true
			}
			continue
		}
		if msg, ok := jsonMessage(v, depth-1); ok {
			return msg, true
		}
		// Some other value (a list of validation details, say): its JSON.
		var compact bytes.Buffer
		if json.Compact(&compact, v) == nil {
			return compact.String(), true
		}
	}
	return "", false
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// parseRetryAfter reads a Retry-After value, delay-seconds or an HTTP date,
// as a wait from now. Missing, malformed or past values are zero.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		switch {
		case math.IsNaN(secs) || secs <= 0:
			return 0
		case secs >= float64(math.MaxInt64/time.Second):
			return time.Duration(math.MaxInt64)
		default:
			return time.Duration(secs * float64(time.Second))
		}
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
