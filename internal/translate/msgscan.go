package translate

import (
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// msgSummary is what a list of messages says, reduced to what the rules
// read of it: the last user text ([lastUser]), the output ([output]) and
// the first message with text or tool calls ([eventMessage]). The
// scanner's holds JSON string bodies until scanMessages decodes them
// (decode): it is the scanner's only way out.
type msgSummary struct {
	lastUser string
	out      exchange // assistant text and tool calls; user unused
	first    message
	// While the scanner reads, the kinds of lastUser and out.assistant
	// (see message.textKind); 0 once decoded.
	lastUserKind, assistantKind strKind
}

// add folds the next message of the list into s.
func (s *msgSummary) add(m message) {
	if m.role == sc.GenAIRoleUser && m.text != "" {
		s.lastUser, s.lastUserKind = m.text, m.textKind
	}
	if m.role == "" || m.role == sc.GenAIRoleAssistant || m.role == "model" {
		if s.out.assistant == "" {
			s.out.assistant, s.assistantKind = m.text, m.textKind
		}
		s.out.toolCalls = s.out.toolCalls || m.toolCalls
	}
	if s.first.text == "" && !s.first.toolCalls && (m.text != "" || m.toolCalls) {
		s.first = m
	}
}

// decode decodes the texts the scanner kept as JSON string bodies: of all
// the texts of a conversation's history, only these few (the last user
// text, the first assistant text, the first message) are ever needed.
func (s *msgSummary) decode() {
	rawUser, rawAssistant := s.lastUser, s.out.assistant
	s.lastUser, s.lastUserKind = decodeBody(s.lastUser, s.lastUserKind), 0
	s.out.assistant, s.assistantKind = decodeBody(s.out.assistant, s.assistantKind), 0
	// The first message is often the user's or the assistant's one: its
	// text is then decoded already (a body decodes the same whatever field
	// holds it).
	switch raw := s.first.text; {
	case s.first.textKind == 0:
	case raw == rawUser:
		s.first.text = s.lastUser
	case raw == rawAssistant:
		s.first.text = s.out.assistant
	default:
		s.first.text = decodeBody(raw, s.first.textKind)
	}
	s.first.textKind = 0
}

// summarize is the summary of decoded messages: what lastUser, output and
// eventMessage read of them.
func summarize(msgs []message) msgSummary {
	var s msgSummary
	for _, m := range msgs {
		s.add(m)
	}
	return s
}

// summarizeMessages reads message JSON (already trimmed of white space) as
// [parseMessages] does, ok false when it is not JSON. The scanner reads the
// common shapes without decoding into structs; on what it leaves to
// encoding/json (duplicate or case-folded keys, escaped keys, deep nesting)
// the full decode reads it. FuzzMessageScan compares the two.
func summarizeMessages(t string) (msgSummary, bool) {
	sum, ok, bail := scanMessages(t)
	if !bail {
		return sum, ok
	}
	msgs, ok := parseMessages([]byte(t))
	return summarize(msgs), ok
}

// scanMessages is the scanner alone; bail says it left the input to the
// full decode, and sum and ok mean nothing then.
func scanMessages(t string) (sum msgSummary, ok, bail bool) {
	if t == "" || (t[0] != '[' && t[0] != '{') {
		return sum, false, false
	}
	p := msgScanner{s: t}
	if t[0] == '[' {
		ok = p.messageList(0, &sum)
	} else {
		var top topLists
		var m message
		if m, ok = p.message(0, &top); ok {
			switch {
			case top.nMessages > 0:
				sum = top.messages
			case top.nChoices > 0:
				sum = top.choices
			default:
				sum.add(m)
			}
		}
	}
	if p.bail {
		return msgSummary{}, false, true
	}
	p.ws()
	if !ok || p.i != len(p.s) {
		return msgSummary{}, false, false
	}
	sum.decode()
	return sum, true, false
}

// maxScanDepth is the nesting the scanner reads itself; deeper input goes
// to encoding/json, whose own limit (10,000) then applies.
const maxScanDepth = 200

// msgScanner reads message JSON in one pass: it validates every byte, as
// encoding/json does before decoding, and keeps only the strings a turn
// needs, as substrings of the input when they have no escapes.
type msgScanner struct {
	s    string
	i    int
	bail bool // a shape left to encoding/json
}

// topLists are the "messages" and "choices" lists of a top-level object.
type topLists struct {
	messages, choices   msgSummary
	nMessages, nChoices int
}

func (p *msgScanner) ws() {
	if p.i < len(p.s) && p.s[p.i] > ' ' {
		return // most JSON of messages has no space between its tokens: inlined
	}
	p.wsRun()
}

func (p *msgScanner) wsRun() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, 0 at the end.
func (p *msgScanner) peek() byte {
	p.ws()
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

// The fields of the two object shapes, in the order of their bits.
var (
	messageFields = []string{"role", "parts", "content", "tool_calls", "function_call", "message", "messages", "choices"}
	partFields    = []string{"type", "content", "text"}
)

const (
	mRole = iota
	mParts
	mContent
	mToolCalls
	mFunctionCall
	mMessage
	mMessages
	mChoices
)

const (
	pType = iota
	pContent
	pText
)

// object reads an object whose fields are names (messageFields or
// partFields), calling field with each known field's index and skipping
// the others. It bails on what encoding/json would match in another way:
// a key with escapes, a key that matches a field only case-insensitively,
// or a field given twice (the last one wins there, partly merged).
func (p *msgScanner) object(depth int, names []string, field func(f int) bool) bool {
	if depth > maxScanDepth {
		p.bail = true
		return false
	}
	p.i++ // '{'
	if p.peek() == '}' {
		p.i++
		return true
	}
	var seen uint
	for {
		if p.peek() != '"' {
			return false
		}
		key, kind, ok := p.str()
		if !ok {
			return false
		}
		if p.peek() != ':' {
			return false
		}
		p.i++
		f := -1
		if kind != 0 {
			p.bail = true
			return false
		}
		for j, n := range names {
			if key == n {
				f = j
				break
			}
			// The key is ASCII here (no escapes, no other bytes), and
			// ASCII folds only to ASCII of the same length.
			if len(key) == len(n) && strings.EqualFold(key, n) {
				p.bail = true
				return false
			}
		}
		if f >= 0 {
			if seen&(1<<f) != 0 {
				p.bail = true
				return false
			}
			seen |= 1 << f
			if !field(f) {
				return false
			}
		} else if !p.skip(depth + 1) {
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

// message reads one message object (p at '{') and reduces it as
// jsonMessage.reduce does. top, for the top-level object only, collects
// its "messages" and "choices" lists.
func (p *msgScanner) message(depth int, top *topLists) (message, bool) {
	var (
		role                   string
		partsText, contentText string // JSON string bodies, of these kinds
		partsKind, contentKind strKind
		contentPartsText       string
		contentPartsKind       strKind
		tools                  bool
		inner                  *message
		innerMsg               message
	)
	ok := p.object(depth, messageFields, func(f int) bool {
		switch f {
		case mRole:
			if p.peek() == '"' {
				s, ok := p.strValue()
				role = s
				return ok
			}
		case mParts:
			t, k, tc, ok := p.parts(depth + 1)
			partsText, partsKind, tools = t, k, tools || tc
			return ok
		case mContent:
			switch p.peek() {
			case '"':
				raw, k, ok := p.text()
				contentText, contentKind = raw, k
				return ok
			case '[':
				t, k, tc, ok := p.parts(depth + 1)
				contentPartsText, contentPartsKind, tools = t, k, tools || tc
				return ok
			}
		case mToolCalls:
			if p.peek() == '[' {
				n, ok := p.countElements(depth + 1)
				tools = tools || n > 0
				return ok
			}
		case mFunctionCall:
			if p.peek() != 'n' { // anything but null makes the pointer
				tools = true
			}
		case mMessage:
			switch p.peek() {
			case '{':
				m, ok := p.message(depth+1, nil)
				innerMsg, inner = m, &innerMsg
				return ok
			case 'n':
			default: // a value of another type still makes an empty message
				inner = &innerMsg
			}
		case mMessages, mChoices:
			if top != nil && p.peek() == '[' {
				if f == mMessages {
					return p.list(depth+1, &top.messages, &top.nMessages)
				}
				return p.list(depth+1, &top.choices, &top.nChoices)
			}
		}
		return p.skip(depth + 1)
	})
	if !ok {
		return message{}, false
	}
	if inner != nil {
		return *inner, true
	}
	text, kind := partsText, partsKind
	if contentText != "" {
		text, kind = appendBody(text, kind, contentText, contentKind)
	}
	if contentPartsText != "" {
		text, kind = appendBody(text, kind, contentPartsText, contentPartsKind)
	}
	return message{role: role, text: text, toolCalls: tools, textKind: kind}, true
}

// appendBody is appendText for JSON string bodies: the newline between
// them is its escape.
func appendBody(text string, kind strKind, s string, sk strKind) (string, strKind) {
	if text == "" {
		return s, sk
	}
	return text + `\n` + s, kind | sk | hasEscape
}

// decodeBody decodes a JSON string body of the kind str found.
func decodeBody(raw string, kind strKind) string {
	switch kind {
	case 0:
		return raw
	case hasNonASCII:
		if utf8.ValidString(raw) {
			return raw // non-ASCII text, kept as it is
		}
		return string(appendReplacingInvalid(make([]byte, 0, len(raw)+8), raw))
	}
	return unquote(raw, kind&hasNonASCII != 0)
}

// messageList reads a list of messages (p at '[') into sum.
func (p *msgScanner) messageList(depth int, sum *msgSummary) bool {
	var n int
	return p.list(depth, sum, &n)
}

// list reads a list of messages (p at '['), counting its elements: values
// that are not objects are empty messages, as encoding/json leaves them.
func (p *msgScanner) list(depth int, sum *msgSummary, n *int) bool {
	return p.elements(depth, func() bool {
		*n++
		if p.peek() == '{' {
			m, ok := p.message(depth+1, nil)
			sum.add(m)
			return ok
		}
		return p.skip(depth + 1)
	})
}

// parts reads a list of parts (p at '[' or at a value of another type,
// which has none) as readParts does: the joined text and whether a part
// calls a tool.
func (p *msgScanner) parts(depth int) (text string, kind strKind, tools, ok bool) {
	if p.peek() != '[' {
		return "", 0, false, p.skip(depth)
	}
	ok = p.elements(depth, func() bool {
		if p.peek() != '{' {
			return p.skip(depth + 1)
		}
		var typ, content, txt string // content and txt: JSON string bodies
		var contentKind, txtKind strKind
		ok := p.object(depth+1, partFields, func(f int) bool {
			if p.peek() == '"' {
				if f == pType {
					s, ok := p.strValue()
					typ = s
					return ok
				}
				raw, k, ok := p.text()
				switch f {
				case pContent:
					content, contentKind = raw, k
				case pText:
					txt, txtKind = raw, k
				}
				return ok
			}
			return p.skip(depth + 2)
		})
		switch typ {
		case sc.GenAIPartText, "", "input_text", "output_text":
			if content != "" {
				text, kind = appendBody(text, kind, content, contentKind)
			} else if txt != "" {
				text, kind = appendBody(text, kind, txt, txtKind)
			}
		case sc.GenAIPartToolCall, "tool_use", "function_call":
			tools = true
		}
		return ok
	})
	return text, kind, tools, ok
}

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
		return p.object(depth, nil, nil)
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

func (p *msgScanner) literal(lit string) bool {
	if !strings.HasPrefix(p.s[p.i:], lit) {
		return false
	}
	p.i += len(lit)
	return true
}

// number passes over a number of JSON's grammar.
func (p *msgScanner) number() bool {
	s, i := p.s, p.i
	if s[i] == '-' {
		i++
	}
	digits := func() int {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - j
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	p.i = i
	return true
}

// strKind says what a string's body holds besides plain ASCII.
type strKind uint8

const (
	hasEscape   strKind = 1 << iota // a backslash
	hasNonASCII                     // bytes from 0x80: UTF-8, or not
)

// str passes over a string (p at '"') and returns its raw content, the
// body between the quotes; kind says whether it has escapes or bytes that
// are not ASCII, so that its value must be decoded (decodeBody).
func (p *msgScanner) str() (raw string, kind strKind, ok bool) { return p.scanStr(false) }

// text is str for a message's text, which is mostly long: it reads its runs
// eight bytes a step, where str (keys, roles, types: a few bytes) reads
// byte by byte.
func (p *msgScanner) text() (raw string, kind strKind, ok bool) { return p.scanStr(true) }

func (p *msgScanner) scanStr(long bool) (raw string, kind strKind, ok bool) {
	s := p.s
	start := p.i + 1
	for i := start; i < len(s); i++ {
		// The run of bytes that need nothing: for a long string eight a
		// step while none of them needs a look (a quote, a backslash, a
		// control byte, non-ASCII; after "Bit Twiddling Hacks": haszero,
		// hasless), then byte by byte.
		for ; long && i+8 <= len(s); i += 8 {
			w := s[i : i+8]
			x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
				uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
			q, b := x^'"'*lowBits, x^'\\'*lowBits
			if (x|(x-0x20*lowBits)&^x|(q-lowBits)&^q|(b-lowBits)&^b)&highBits != 0 {
				break
			}
		}
		for i < len(s) && plainByte[s[i]] {
			i++
		}
		if i == len(s) {
			break
		}
		switch c := s[i]; {
		case c == '"':
			p.i = i + 1
			return s[start:i], kind, true
		case c < 0x20:
			return "", 0, false
		case c == '\\':
			kind |= hasEscape
			i++
			if i >= len(s) {
				return "", 0, false
			}
			switch s[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(s) || !isHex4(s[i+1:i+5]) {
					return "", 0, false
				}
				i += 4
			default:
				return "", 0, false
			}
		case c >= utf8.RuneSelf:
			kind |= hasNonASCII
		}
	}
	return "", 0, false
}

// Eight bytes a step (msgScanner.text).
const (
	lowBits  = 0x0101010101010101
	highBits = 0x8080808080808080
)

// plainByte marks the bytes a string may hold as they are: ASCII, neither
// a control character, a quote nor a backslash.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func isHex4(s string) bool {
	for i := 0; i < 4; i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// strValue reads a string (p at '"') and returns its value: a substring of
// the input when it needs no decoding (no escapes, valid UTF-8), else what
// encoding/json makes of it (invalid UTF-8 and lone surrogates as U+FFFD).
func (p *msgScanner) strValue() (string, bool) {
	raw, kind, ok := p.str()
	if !ok {
		return "", false
	}
	return decodeBody(raw, kind), true
}

// unquote decodes the body of a JSON string that str accepted (its escapes
// well formed, no control bytes; nonASCII when it has bytes from 0x80) as
// encoding/json's unquote does: invalid UTF-8 and lone surrogates become
// U+FFFD, a \u pair of surrogates one rune. Every kept text with a newline
// or a quote comes here; json.Unmarshal of it validated the string a second
// time and decoded it by reflection.
func unquote(raw string, nonASCII bool) string {
	b := make([]byte, 0, len(raw))
	for {
		// The text up to the next escape: in one copy when it is ASCII or
		// valid UTF-8, as text mostly is.
		run := raw
		if j := strings.IndexByte(raw, '\\'); j >= 0 {
			run = raw[:j]
		}
		if !nonASCII || utf8.ValidString(run) {
			b = append(b, run...)
		} else {
			b = appendReplacingInvalid(b, run)
		}
		raw = raw[len(run):]
		if raw == "" {
			return string(b)
		}
		n := 2 // the escape's length
		switch e := raw[1]; e {
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r := hex4(raw[2:6])
			n = 6
			if utf16.IsSurrogate(r) {
				next := rune(-1)
				if len(raw) >= 12 && raw[6] == '\\' && raw[7] == 'u' && isHex4(raw[8:12]) {
					next = hex4(raw[8:12])
				}
				if dec := utf16.DecodeRune(r, next); dec != unicode.ReplacementChar {
					r, n = dec, 12
				} else {
					r = unicode.ReplacementChar // a lone surrogate
				}
			}
			b = utf8.AppendRune(b, r)
		default: // " \ /
			b = append(b, e)
		}
		raw = raw[n:]
	}
}

// appendReplacingInvalid appends s with each byte that is not UTF-8 as
// U+FFFD, as encoding/json decodes it (one for each such byte).
func appendReplacingInvalid(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = utf8.AppendRune(b, unicode.ReplacementChar)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}

// hex4 is the value of four hex digits (isHex4 checked them).
func hex4(s string) rune {
	var r rune
	for i := range 4 {
		c := rune(s[i])
		switch {
		case c <= '9':
			c -= '0'
		case c <= 'F':
			c -= 'A' - 10
		default:
			c -= 'a' - 10
		}
		r = r<<4 | c
	}
	return r
}
