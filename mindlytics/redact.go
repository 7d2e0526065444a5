package mindlytics

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
)

// redacted replaces a secret in texts the client returns or logs.
const redacted = "[REDACTED]"

// redact replaces secret in s, as it is and in the encodings a service or
// a proxy might echo it in: percent-encoded (query or path, hex digits of
// either case), base64 (standard or URL alphabet, padded or not) and
// JSON-escaped.
func redact(s, secret string) string {
	if secret == "" {
		return s
	}
	return secretPattern(secret).ReplaceAllLiteralString(s, redacted)
}

// containsSecret reports whether s holds secret in any form redact removes.
func containsSecret(s, secret string) bool {
	return secret != "" && secretPattern(secret).MatchString(s)
}

type compiledSecret struct {
	secret string
	re     *regexp.Regexp
}

// lastSecret caches the pattern of the last secret: a client has one key.
var lastSecret atomic.Pointer[compiledSecret]

var percentHex = regexp.MustCompile(`%[0-9A-Fa-f]{2}`)

func secretPattern(secret string) *regexp.Regexp {
	if c := lastSecret.Load(); c != nil && c.secret == secret {
		return c.re
	}
	seen := map[string]bool{}
	var alts []string
	add := func(form string, percent bool) {
		if form == "" || seen[form] {
			return
		}
		seen[form] = true
		quoted := regexp.QuoteMeta(form)
		if percent {
			quoted = percentHex.ReplaceAllStringFunc(quoted, func(h string) string { return "%(?i:" + h[1:] + ")" })
		}
		alts = append(alts, quoted)
	}
	// Longest first, so a form that contains another is replaced whole.
	b := []byte(secret)
	forms := []struct {
		s       string
		percent bool
	}{
		{base64.StdEncoding.EncodeToString(b), false},
		{base64.URLEncoding.EncodeToString(b), false},
		{url.QueryEscape(secret), true},
		{url.PathEscape(secret), true},
		{jsonEscape(secret), false},
		{secret, false},
		{base64.RawStdEncoding.EncodeToString(b), false},
		{base64.RawURLEncoding.EncodeToString(b), false},
	}
	for _, f := range forms {
		add(f.s, f.percent)
	}
	re := regexp.MustCompile(strings.Join(alts, "|"))
	lastSecret.Store(&compiledSecret{secret: secret, re: re})
	return re
}

func jsonEscape(s string) string {
	b, err := json.Marshal(s)
	if err != nil || len(b) < 2 {
		return s
	}
	return string(b[1 : len(b)-1])
}
