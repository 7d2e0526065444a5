package messages

import (
	"github.com/mindlytics/mindlytics-otel/internal/conventions"
)

// Summary is what a list of messages says, reduced to what the rules
// read of it: the last user text ([lastUser]), the output ([output]) and
// the first message with text or tool calls ([eventMessage]). The
// scanner's holds JSON string bodies until scanMessages decodes them
// (decode): it is the scanner's only way out.
type Summary struct {
	LastUser string
	Out      Exchange // assistant text and tool calls; user unused
	first    Message
	// While the scanner reads, the kinds of lastUser and out.assistant
	// (see message.textKind); 0 once decoded.
	lastUserKind, assistantKind strKind
}

// add folds the next message of the list into s.
func (s *Summary) add(m Message) {
	if m.Role == conventions.GenAIRoleUser && m.Text != "" {
		s.LastUser, s.lastUserKind = m.Text, m.textKind
	}
	if m.Role == "" || m.Role == conventions.GenAIRoleAssistant || m.Role == "model" {
		if s.Out.Assistant == "" {
			s.Out.Assistant, s.assistantKind = m.Text, m.textKind
		}
		s.Out.ToolCalls = s.Out.ToolCalls || m.ToolCalls
	}
	if s.first.Text == "" && !s.first.ToolCalls && (m.Text != "" || m.ToolCalls) {
		s.first = m
	}
}

// decode decodes the texts the scanner kept as JSON string bodies: of all
// the texts of a conversation's history, only these few (the last user
// text, the first assistant text, the first message) are ever needed.
func (s *Summary) decode() {
	rawUser, rawAssistant := s.LastUser, s.Out.Assistant
	s.LastUser, s.lastUserKind = decodeBody(s.LastUser, s.lastUserKind), 0
	s.Out.Assistant, s.assistantKind = decodeBody(s.Out.Assistant, s.assistantKind), 0
	// The first message is often the user's or the assistant's one: its
	// text is then decoded already (a body decodes the same whatever field
	// holds it).
	switch raw := s.first.Text; {
	case s.first.textKind == 0:
	case raw == rawUser:
		s.first.Text = s.LastUser
	case raw == rawAssistant:
		s.first.Text = s.Out.Assistant
	default:
		s.first.Text = decodeBody(raw, s.first.textKind)
	}
	s.first.textKind = 0
}

// summarize is the summary of decoded messages: what lastUser, output and
// eventMessage read of them.
func summarize(msgs []Message) Summary {
	var s Summary
	for _, m := range msgs {
		s.add(m)
	}
	return s
}

// Summarize reads message JSON (already trimmed of white space) as
// [parseMessages] does, ok false when it is not JSON. The scanner reads the
// common shapes without decoding into structs; on what it leaves to
// encoding/json (duplicate or case-folded keys, escaped keys, deep nesting)
// the full decode reads it. FuzzMessageScan compares the two.
func Summarize(t string) (Summary, bool) {
	var sum Summary
	ok := summarizeInto(&sum, t)
	return sum, ok
}

// summarizeInto is Summarize into *sum (zero), without copies of the
// summary on the way out of each step.
func summarizeInto(sum *Summary, t string) bool {
	if fastSummary(sum, t) {
		return true
	}
	var ok, bail bool
	if *sum, ok, bail = walkMessages(t); !bail {
		return ok
	}
	msgs, ok := parseMessages([]byte(t))
	*sum = summarize(msgs)
	return ok
}

// scanMessages is the scanner alone; bail says it left the input to the
// full decode, and sum and ok mean nothing then.
func scanMessages(t string) (sum Summary, ok, bail bool) {
	if fastSummary(&sum, t) {
		return sum, true, false
	}
	return walkMessages(t)
}

// fastSummary reads t into *sum (zero) by the fast path, when it can;
// *sum is zero again when it cannot.
func fastSummary(sum *Summary, t string) bool {
	if t == "" || t[0] != '[' {
		return false
	}
	p := msgScanner{s: t}
	if p.fastList(sum) {
		if p.ws(); p.i == len(t) {
			sum.decode()
			return true
		}
	}
	*sum = Summary{}
	return false
}

// walkMessages is scanMessages by the scanner's walk alone, without the
// fast path.
func walkMessages(t string) (sum Summary, ok, bail bool) {
	if t == "" || (t[0] != '[' && t[0] != '{') {
		return sum, false, false
	}
	p := msgScanner{s: t}
	if t[0] == '[' {
		ok = p.messageList(0, &sum)
	} else {
		var top topLists
		var m Message
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
		return Summary{}, false, true
	}
	p.ws()
	if !ok || p.i != len(p.s) {
		return Summary{}, false, false
	}
	sum.decode()
	return sum, true, false
}
