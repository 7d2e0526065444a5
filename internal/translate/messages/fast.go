package messages

// The fast path: most message JSON is a list of messages of one shape,
// the GenAI conventions' {"role": …, "parts": [{"type": "text", "content":
// …}, …]} (an output message's "finish_reason" after its parts) or
// OpenAI's {"role": …, "content": "…"}, keys in that order, as the
// instrumentations write them. fastList reads that shape with its keys
// compared in place, not looked up, and no closure per object: some
// hundreds of instructions where the scanner's walk takes some thousands
// a chat span. Any other input it refuses, and the scanner reads it from
// its start (scanMessages); FuzzFastList compares the two.

// fastList reads a list of messages of the fast path's shape (p at '[')
// into sum; false for any other input, sum then meaning nothing.
func (p *msgScanner) fastList(sum *Summary) bool {
	p.i++ // '['
	for {
		m, ok := p.fastMessage()
		if !ok {
			return false
		}
		sum.add(m)
		if i := after(p.s, p.i, ","); i >= 0 {
			p.i = i
			continue
		}
		i := after(p.s, p.i, "]")
		p.i = i
		return i >= 0
	}
}

// fastMessage reads a message of the fast path's shape, as message does.
func (p *msgScanner) fastMessage() (m Message, ok bool) {
	s := p.s
	if i := either(s, space(s, p.i), `{"role":"`, `{"role": "`); i >= 0 {
		p.i = i - 1
	} else {
		if p.i = after(s, p.i, `{`); p.i >= 0 {
			p.i = after(s, p.i, `"role":`)
		}
		if p.i >= 0 {
			p.i = stringAt(s, p.i)
		}
		if p.i < 0 {
			return m, false
		}
	}
	if m.Role, ok = p.stringValue(roleValues); !ok {
		return m, false
	}
	parts := either(s, p.i, `,"parts":[`, `, "parts": [`)
	if parts < 0 {
		if p.i = after(s, p.i, ","); p.i < 0 {
			return m, false
		}
		if parts = after(s, p.i, `"parts":`); parts >= 0 {
			parts = after(s, parts, "[")
		}
	}
	if parts >= 0 {
		p.i = parts
		if m.Text, m.textKind, ok = p.fastTextParts(); !ok {
			return m, false
		}
	} else if i := after(s, p.i, `"content":`); i >= 0 && stringAt(s, i) >= 0 {
		p.i = stringAt(s, i)
		if m.Text, m.textKind, ok = p.text(); !ok {
			return m, false
		}
	} else {
		return m, false
	}
	if i := after(s, p.i, ","); i >= 0 {
		if p.i = after(s, i, `"finish_reason":`); p.i >= 0 {
			p.i = stringAt(s, p.i)
		}
		if p.i < 0 {
			return m, false
		}
		if _, _, ok := p.str(); !ok {
			return m, false
		}
	}
	p.i = after(s, p.i, "}")
	return m, p.i >= 0
}

// The keys are compared with their colon: "key" : with space before the
// colon, which no instrumentation writes, is left to the scanner.

// fastTextParts reads a list of one or more text parts, {"type": "text",
// "content": "…"} (p past its '['), into their joined text, as parts does.
func (p *msgScanner) fastTextParts() (text string, kind strKind, ok bool) {
	s := p.s
	for {
		i := partHead(s, p.i)
		if i < 0 {
			return "", 0, false
		}
		p.i = i
		raw, k, ok := p.text()
		if !ok {
			return "", 0, false
		}
		if p.i = after(s, p.i, "}"); p.i < 0 {
			return "", 0, false
		}
		if raw != "" {
			text, kind = appendBody(text, kind, raw, k)
		}
		if i := after(s, p.i, ","); i >= 0 {
			p.i = i
			continue
		}
		p.i = after(s, p.i, "]")
		return text, kind, p.i >= 0
	}
}

// partHead is the index of the quote of a text part's content after
// {"type": "text", "content": at s[i:], -1 when the part starts otherwise:
// as instrumentations write it, compact or spaced, in one compare, else
// token by token.
func partHead(s string, i int) int {
	if j := either(s, i, `{"type":"text","content":"`, `{"type": "text", "content": "`); j >= 0 {
		return j - 1
	}
	if i = after(s, i, "{"); i >= 0 {
		i = after(s, i, `"type":`)
	}
	if i >= 0 {
		i = after(s, i, `"text"`)
	}
	if i >= 0 {
		i = after(s, i, `,`)
	}
	if i >= 0 {
		i = after(s, i, `"content":`)
	}
	if i >= 0 {
		i = stringAt(s, i)
	}
	return i
}

// after is the index past lit at s[i:] after JSON white space, -1 when lit
// is not there. Inlined, lit a constant, the compare is a few loads.
func after(s string, i int, lit string) int {
	i = space(s, i)
	if i+len(lit) <= len(s) && s[i:i+len(lit)] == lit {
		return i + len(lit)
	}
	return -1
}

// either is the index past compact or spaced at s[i:], -1 when neither is
// there.
func either(s string, i int, compact, spaced string) int {
	if i+len(compact) <= len(s) && s[i:i+len(compact)] == compact {
		return i + len(compact)
	}
	if i+len(spaced) <= len(s) && s[i:i+len(spaced)] == spaced {
		return i + len(spaced)
	}
	return -1
}

// stringAt is the index of the quote that starts a string at s[i:] after
// JSON white space, -1 when no string starts there.
func stringAt(s string, i int) int {
	if i = space(s, i); i < len(s) && s[i] == '"' {
		return i
	}
	return -1
}

// space is the index past the JSON white space at s[i:]: a test of one
// byte, as there mostly is none.
func space(s string, i int) int {
	if i < len(s) && s[i] <= ' ' {
		return spaceRun(s, i)
	}
	return i
}

func spaceRun(s string, i int) int {
	for i < len(s) && jsonSpace[s[i]] {
		i++
	}
	return i
}

// jsonSpace marks JSON's white space.
var jsonSpace = [256]bool{' ': true, '\t': true, '\n': true, '\r': true}
