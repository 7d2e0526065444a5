package messages

// The scanner's readers of values it only validates and passes over:
// lists (counted, or each element handed to a function) and any value
// skipped whole.

// countElements reads a list (p at '[') and returns its length.
func (p *msgScanner) countElements(depth int) (int, bool) {
	n := 0
	ok := p.elements(depth, func() bool { n++; return p.skip(depth + 1) })
	return n, ok
}

// elements reads a list (p at '['), calling el at the start of each value.
func (p *msgScanner) elements(depth int, el func() bool) bool {
	if depth > maxScanDepth {
		p.bail = true
		return false
	}
	p.i++ // '['
	if p.peek() == ']' {
		p.i++
		return true
	}
	for {
		p.ws()
		if !el() {
			return false
		}
		switch p.peek() {
		case ',':
			p.i++
		case ']':
			p.i++
			return true
		default:
			return false
		}
	}
}

// skip validates and passes over any value.
func (p *msgScanner) skip(depth int) bool {
	switch c := p.peek(); {
	case c == '{':
		return p.skipObject(depth)
	case c == '[':
		return p.elements(depth, func() bool { return p.skip(depth + 1) })
	case c == '"':
		_, _, ok := p.str()
		return ok
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	}
	return false
}

// skipObject validates and passes over an object (p at '{') whose fields
// are all skipped: object without the look-ups of keys, and without its
// bail on keys with escapes, which mean nothing to a value encoding/json
// only validates.
func (p *msgScanner) skipObject(depth int) bool {
	if depth > maxScanDepth {
		p.bail = true
		return false
	}
	p.i++ // '{'
	if p.peek() == '}' {
		p.i++
		return true
	}
	for {
		if p.peek() != '"' {
			return false
		}
		if _, _, ok := p.str(); !ok || p.peek() != ':' {
			return false
		}
		p.i++
		if !p.skip(depth + 1) {
			return false
		}
		switch p.peek() {
		case ',':
			p.i++
		case '}':
			p.i++
			return true
		default:
			return false
		}
	}
}
