package messages

import "encoding/json"

// Valid reports whether s is one JSON value, as json.Valid does: the
// scanner validates every byte as encoding/json's does, without its
// per-byte state machine. What the scanner leaves to encoding/json
// (escaped keys, nesting deeper than maxScanDepth) json.Valid judges.
func Valid(s string) bool {
	p := msgScanner{s: s}
	ok := p.skip(0)
	if p.bail {
		return json.Valid([]byte(s))
	}
	p.ws()
	return ok && p.i == len(s)
}
