package messages

import (
	"math/bits"
	"unicode/utf8"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
)

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
	messages, choices   Summary
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

// peek returns the next non-space byte, 0 at the end. The byte at p is
// loaded once when it is not a space, as it mostly is: peek is the
// scanner's most frequent step (some forty a message list).
func (p *msgScanner) peek() byte {
	if p.i < len(p.s) {
		if c := p.s[p.i]; c > ' ' {
			return c
		}
		return p.peekAfterSpace()
	}
	return 0
}

// peekAfterSpace is peek where p may be at white space.
func (p *msgScanner) peekAfterSpace() byte {
	p.wsRun()
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

// The fields of the two object shapes, in the order of their bits, and
// keys of them that are no field (see fieldSet.others).
var (
	messageFields = []string{"role", "parts", "content", "tool_calls", "function_call", "message", "messages", "choices"}
	partFields    = []string{"type", "content", "text", "toolRequest"}

	messageKeys = newFieldSet(messageFields).withOthers("finish_reason", "index", "name", "tool_call_id", "id")
	partKeys    = newFieldSet(partFields).withOthers("id", "name", "arguments", "response", "result", "mime_type")

	// The common values of a role and of a part's type, read as knownKey
	// reads keys (stringValue): compared, not scanned and then decoded.
	roleValues = newFieldSet([]string{conventions.GenAIRoleUser, conventions.GenAIRoleAssistant, conventions.GenAIRoleSystem,
		conventions.GenAIRoleTool, "model"})
	typeValues = newFieldSet([]string{conventions.GenAIPartText, conventions.GenAIPartToolCall, "tool_use", "function_call",
		"input_text", "output_text"})
)

// stringValue is strValue (p at '"') for a value that is mostly one of
// common's names: that name, when the string is it as it is.
func (p *msgScanner) stringValue(common *fieldSet) (string, bool) {
	if j := p.knownKey(common); j >= 0 {
		return common.names[j], true
	}
	return p.strValue()
}

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
	pToolRequest // Genkit's tool call part: {toolRequest: {name, ref, input}}
)

// object reads an object whose fields are fields.names (messageKeys or
// partKeys), calling field with each known field's index and skipping the
// others. It bails on what encoding/json would match in another way: a key
// with escapes, a key that matches a field only case-insensitively, or a
// field given twice (the last one wins there, partly merged).
func (p *msgScanner) object(depth int, fields *fieldSet, field func(f int) bool) bool {
	if depth > maxScanDepth {
		p.bail = true
		return false
	}
	p.i++ // '{'
	if p.peek() == '}' {
		p.i++
		return true
	}
	var seen uint8 // the fields read: one given twice bails
	for {
		if p.peek() != '"' {
			return false
		}
		f := p.knownKey(fields)
		switch {
		case f >= 0, fields.others != nil && p.knownKey(fields.others) >= 0:
			// A field, or a key known to match none (skipped below).
			if p.peek() != ':' {
				return false
			}
			p.i++
		default:
			key, kind, ok := p.str()
			if !ok || p.peek() != ':' {
				return false
			}
			p.i++
			// knownKey took every key that is a name as it is; another
			// key with escapes or non-ASCII bytes, or one that folds to a
			// name, is matched by encoding/json in ways left to it.
			if kind != 0 || fields.foldsToName(key) {
				p.bail = true
				return false
			}
		}
		if f >= 0 {
			bit := uint8(1) << (uint(f) & 7) // f < 8: no shift of 8 or more to test for
			if seen&bit != 0 {
				p.bail = true
				return false
			}
			seen |= bit
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

// knownKey passes over a key (p at its '"') that is one of fields' names
// as it is, and returns its index; else -1, p unmoved, for str to read the
// key. Most keys are: their string is then compared once, not scanned and
// then compared, and only with the names that start with its first byte,
// eight bytes at once. A name holds no quote nor backslash, so the key's
// body is the name exactly when the quote follows it.
func (p *msgScanner) knownKey(fields *fieldSet) int {
	s, i := p.s, p.i+1
	if i+8 > len(s) {
		return p.knownKeyNearEnd(fields)
	}
	x := load64(s[i : i+8])
	for c := fields.byFirst[byte(x)]; c != 0; c &= c - 1 {
		j := bits.TrailingZeros8(c) & 7
		if x&fields.mask[j] != fields.word[j] {
			continue
		}
		n := int(fields.size[j])
		if n > 8 {
			if i+16 > len(s) {
				return p.knownKeyNearEnd(fields)
			}
			if load64(s[i+8:i+16])&fields.mask2[j] != fields.word2[j] {
				continue
			}
		}
		p.i = i + n
		return j
	}
	return -1
}

// knownKeyNearEnd is knownKey where fewer than eight bytes follow the
// key's quote, comparing strings.
func (p *msgScanner) knownKeyNearEnd(fields *fieldSet) int {
	rest := p.s[p.i+1:]
	if rest == "" {
		return -1
	}
	for c := fields.byFirst[rest[0]]; c != 0; c &= c - 1 {
		j := bits.TrailingZeros8(c)
		n := fields.names[j]
		if len(rest) > len(n) && rest[len(n)] == '"' && rest[:len(n)] == n {
			p.i += len(n) + 2
			return j
		}
	}
	return -1
}

// load64 is the eight bytes of w, little-endian: one load.
func load64(w string) uint64 {
	_ = w[7]
	return uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
		uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
}

// message reads one message object (p at '{') and reduces it as
// jsonMessage.reduce does. top, for the top-level object only, collects
// its "messages" and "choices" lists.
func (p *msgScanner) message(depth int, top *topLists) (Message, bool) {
	var (
		role                   string
		partsText, contentText string // JSON string bodies, of these kinds
		partsKind, contentKind strKind
		contentPartsText       string
		contentPartsKind       strKind
		tools                  bool
		inner                  *Message
		innerMsg               Message
	)
	ok := p.object(depth, messageKeys, func(f int) bool {
		switch f {
		case mRole:
			if p.peek() == '"' {
				s, ok := p.stringValue(roleValues)
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
		return Message{}, false
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
	return Message{Role: role, Text: text, ToolCalls: tools, textKind: kind}, true
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
func (p *msgScanner) messageList(depth int, sum *Summary) bool {
	var n int
	return p.list(depth, sum, &n)
}

// list reads a list of messages (p at '['), counting its elements: values
// that are not objects are empty messages, as encoding/json leaves them.
func (p *msgScanner) list(depth int, sum *Summary, n *int) bool {
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
		ok := p.object(depth+1, partKeys, func(f int) bool {
			if f == pToolRequest {
				if p.peek() != 'n' { // anything but null makes the pointer
					tools = true
				}
				return p.skip(depth + 2)
			}
			if p.peek() == '"' {
				if f == pType {
					s, ok := p.stringValue(typeValues)
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
		case conventions.GenAIPartText, "", "input_text", "output_text":
			if content != "" {
				text, kind = appendBody(text, kind, content, contentKind)
			} else if txt != "" {
				text, kind = appendBody(text, kind, txt, txtKind)
			}
		case conventions.GenAIPartToolCall, "tool_use", "function_call":
			tools = true
		}
		return ok
	})
	return text, kind, tools, ok
}
