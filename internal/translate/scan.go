package translate

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/messages"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// scan is what one pass over a span's attributes collects: our open-ended
// properties, attributes and traits, and the indexed messages of OpenLLMetry
// and OpenInference.
type scan struct {
	props, attrs, traits mindlytics.Properties
	// OpenLLMetry gen_ai.prompt.N.* / gen_ai.completion.N.*
	olIn, olOut indexedMsgs
	// OpenInference llm.input_messages.N.* / llm.output_messages.N.*
	oiIn, oiOut indexedMsgs
	// per-modality token counts (gen_ai.usage.<modality>.*_tokens)
	modal mindlytics.Properties
}

// scanView is scanAttrs of a span's view: nothing, without a pass over the
// attributes, when indexing them found no key that scanAttr collects (most
// spans: their keys are the view's and our identity's).
func (t *Translator) scanView(v *attrView) scan {
	if !v.scans {
		return scan{}
	}
	return t.scanAttrs(v.Attrs)
}

// scanAttrs walks the span's attributes once.
func (t *Translator) scanAttrs(a spanview.Attrs) scan {
	var s scan
	if kvs, ok := a.KeyValues(); ok {
		// A slice (every span's): most keys are ruled out by their first
		// bytes before their value is viewed.
		for i := range kvs {
			key := string(kvs[i].Key)
			if len(key) > len("gen_ai.") {
				// What mayScan tells by the bytes it looks at first, here
				// without a call: most keys of every span, the gen_ai
				// keys of the view among them, go no further.
				if c := key[0]; c != 'm' && c != 'l' && (c != 'g' || !afterGenAI[key[len("gen_ai.")]]) {
					continue
				}
			}
			if mayScan(key) {
				t.scanAttr(&s, key, spanview.ValueOf(kvs[i].Value))
			}
		}
		return s
	}
	a.Range(func(key string, v spanview.Value) bool {
		if mayScan(key) {
			t.scanAttr(&s, key, v)
		}
		return true
	})
	return s
}

// mayScan reports whether scanAttr may collect key: it starts as one of
// its prefixes does ("mindlytics.", "gen_ai.", "llm.").
func mayScan(key string) bool {
	if key == "" {
		return false
	}
	switch key[0] {
	case 'm', 'l':
		return true
	case 'g':
		// gen_ai.prompt., gen_ai.completion., gen_ai.usage.: the byte after
		// "gen_ai." rules out the other gen_ai keys.
		if len(key) <= len("gen_ai.") {
			return false
		}
		switch key[len("gen_ai.")] { // the bytes afterGenAI marks
		case 'p', 'c':
			return true
		case 'u':
			// A model call's own counts (gen_ai.usage.input_tokens) name
			// no modality: modalTokens takes only usage keys with a dot
			// after the prefix.
			rest, usage := strings.CutPrefix(key, conventions.GenAIUsagePrefix)
			return !usage || strings.IndexByte(rest, '.') >= 0
		}
	}
	return false
}

// collects reports whether scanAttr collects anything of key, whatever
// its value: mayScan, and then a prefix scanAttr dispatches on (for usage
// keys, a per-modality count modalTokens takes). attrView.index asks it
// of every key it does not know, and of each view key once.
func collects(key string) bool {
	if !mayScan(key) {
		return false
	}
	switch key[0] {
	case 'm':
		return strings.HasPrefix(key, sc.PropertiesPrefix) || strings.HasPrefix(key, sc.AttributesPrefix) ||
			strings.HasPrefix(key, sc.TraitsPrefix)
	case 'g':
		if rest, ok := strings.CutPrefix(key, conventions.GenAIUsagePrefix); ok {
			_, _, ok := modalKey(rest)
			return ok
		}
		return strings.HasPrefix(key, conventions.OpenLLMetryPromptPrefix) || strings.HasPrefix(key, conventions.OpenLLMetryCompletionPrefix)
	case 'l':
		return strings.HasPrefix(key, conventions.OpenInferenceInputMessagesPrefix) ||
			strings.HasPrefix(key, conventions.OpenInferenceOutputMessagesPrefix)
	}
	return false
}

// afterGenAI marks the bytes after "gen_ai." of the gen_ai keys mayScan
// takes.
var afterGenAI = [256]bool{'p': true, 'c': true, 'u': true}

// scanAttr collects one attribute, by its key's prefix.
func (t *Translator) scanAttr(s *scan, key string, v spanview.Value) {
	// By first byte: most keys (session.id, the gen_ai keys the view
	// knows) are done at it or after two prefixes, not seven.
	switch key[0] {
	case 'm':
		switch {
		case strings.HasPrefix(key, sc.PropertiesPrefix):
			s.props = t.putScalar(s.props, key[len(sc.PropertiesPrefix):], v)
		case strings.HasPrefix(key, sc.AttributesPrefix):
			s.attrs = t.putScalar(s.attrs, key[len(sc.AttributesPrefix):], v)
		case strings.HasPrefix(key, sc.TraitsPrefix):
			s.traits = t.putScalar(s.traits, key[len(sc.TraitsPrefix):], v)
		}
	case 'g':
		switch {
		case strings.HasPrefix(key, conventions.OpenLLMetryPromptPrefix):
			s.olIn.addOpenLLMetry(key[len(conventions.OpenLLMetryPromptPrefix):], v)
		case strings.HasPrefix(key, conventions.OpenLLMetryCompletionPrefix):
			s.olOut.addOpenLLMetry(key[len(conventions.OpenLLMetryCompletionPrefix):], v)
		case strings.HasPrefix(key, conventions.GenAIUsagePrefix):
			s.modal = modalTokens(s.modal, key[len(conventions.GenAIUsagePrefix):], v)
		}
	case 'l':
		switch {
		case strings.HasPrefix(key, conventions.OpenInferenceInputMessagesPrefix):
			s.oiIn.addOpenInference(key[len(conventions.OpenInferenceInputMessagesPrefix):], v)
		case strings.HasPrefix(key, conventions.OpenInferenceOutputMessagesPrefix):
			s.oiOut.addOpenInference(key[len(conventions.OpenInferenceOutputMessagesPrefix):], v)
		}
	}
}

// putScalar adds a property: scalars as they are, other values JSON-encoded,
// strings cut at the limit. Empty keys and empty values are skipped.
func (t *Translator) putScalar(p mindlytics.Properties, key string, v spanview.Value) mindlytics.Properties {
	if key == "" {
		return p
	}
	val, ok := t.scalar(v)
	if !ok {
		return p
	}
	if p == nil {
		p = make(mindlytics.Properties, 4)
	}
	p[key] = val
	return p
}

// scalar converts a value to what Mindlytics accepts in properties.
func (t *Translator) scalar(v spanview.Value) (any, bool) {
	switch v.Kind() {
	case spanview.KindEmpty:
		return nil, false
	case spanview.KindBool:
		b, _ := v.Bool()
		return b, true
	case spanview.KindInt:
		n, _ := v.Int()
		return n, true
	case spanview.KindDouble:
		f, _ := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return v.AsString(), true // NaN and ±Inf have no JSON number: their names
		}
		return f, true
	case spanview.KindString:
		return t.cut(v.Str()), true
	}
	return t.cut(v.AsString()), true
}

// cut shortens s to the configured number of characters, ending it with
// TruncationMark so the reader knows.
// When redaction is on, a text longer than the limit is redacted before
// it is cut, so that a secret the cut would split is not sent as its head;
// the redaction of the events that leave (redact.go) then finds nothing new
// in it but runs Redaction.Func, once, on what is sent. The whole text is
// redacted, not only what is kept: a secret can be of any length, so no
// window past the cut is sure to hold the end of one it splits; the counts
// then include what the cut drops (package redaction says so).
func (t *Translator) cut(s string) string {
	limit := t.settings.MaxStringLength
	if t.redactorBeforeCut != nil && limit > 0 && len(s) > limit && utf8.RuneCountInString(s) > limit {
		s = t.redactorBeforeCut.Text(s)
	}
	return truncate(s, limit)
}

// truncate cuts s to at most limit characters (runes, never splitting one),
// the cut marked by TruncationMark.

func truncate(s string, limit int) string {
	if limit <= 0 || len(s) <= limit || utf8.RuneCountInString(s) <= limit {
		return s // the byte length bounds the character count: nothing to cut
	}
	mark := TruncationMark
	keep := limit - utf8.RuneCountInString(mark)
	if keep <= 0 { // a limit shorter than the mark: a plain cut
		keep, mark = limit, ""
	}
	n := 0
	for i := range s {
		if n == keep {
			return s[:i] + mark
		}
		n++
	}
	return s
}

// indexedMsg is one message assembled from flattened, indexed attributes.
type indexedMsg struct {
	idx        int
	role       string
	content    string
	parts      []indexedText
	tools      bool
	toolResult bool
}

type indexedText struct {
	idx  int
	text string
}

type indexedMsgs []indexedMsg

func (l *indexedMsgs) at(idx int) *indexedMsg {
	for i := range *l {
		if (*l)[i].idx == idx {
			return &(*l)[i]
		}
	}
	*l = append(*l, indexedMsg{idx: idx})
	return &(*l)[len(*l)-1]
}

// addOpenLLMetry reads "N.role", "N.content", "N.tool_calls.M.…".
func (l *indexedMsgs) addOpenLLMetry(rest string, v spanview.Value) {
	idx, tail, ok := splitIndex(rest)
	if !ok {
		return
	}
	switch {
	case tail == conventions.OpenLLMetryRoleSuffix:
		l.at(idx).role = v.AsString()
	case tail == conventions.OpenLLMetryContentSuffix:
		l.at(idx).content = v.AsString()
	case strings.HasPrefix(tail, conventions.OpenLLMetryToolCallsPrefix):
		l.at(idx).tools = true
	}
}

// addOpenInference reads "N.message.role", "N.message.content",
// "N.message.contents.M.message_content.text", "N.message.tool_calls.…".
func (l *indexedMsgs) addOpenInference(rest string, v spanview.Value) {
	idx, tail, ok := splitIndex(rest)
	if !ok {
		return
	}
	switch {
	case tail == conventions.OpenInferenceRoleSuffix:
		l.at(idx).role = v.AsString()
	case tail == conventions.OpenInferenceContentSuffix:
		l.at(idx).content = v.AsString()
	case strings.HasPrefix(tail, conventions.OpenInferenceContentsPrefix):
		part, ptail, ok := splitIndex(tail[len(conventions.OpenInferenceContentsPrefix):])
		if ok && ptail == conventions.OpenInferenceContentTextSuffix {
			m := l.at(idx)
			m.parts = append(m.parts, indexedText{idx: part, text: v.AsString()})
		}
	case strings.HasPrefix(tail, conventions.OpenInferenceToolCallsPrefix):
		l.at(idx).tools = true
	case tail == conventions.OpenInferenceToolCallIDSuffix:
		l.at(idx).toolResult = true
	}
}

// splitIndex splits "12.rest" into 12 and "rest".
func splitIndex(s string) (int, string, bool) {
	n, i := 0, 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		if n > 1<<20 {
			return 0, "", false // no real message list is this long
		}
		n = n*10 + int(s[i]-'0')
	}
	if i == 0 || i == len(s) || s[i] != '.' {
		return 0, "", false
	}
	return n, s[i+1:], true
}

// messages returns the messages in index order.
func (l indexedMsgs) messages() []messages.Message {
	if len(l) == 0 {
		return nil
	}
	slices.SortFunc(l, func(a, b indexedMsg) int { return a.idx - b.idx })
	out := make([]messages.Message, len(l))
	for i, m := range l {
		text := m.content
		if text == "" && len(m.parts) > 0 {
			slices.SortFunc(m.parts, func(a, b indexedText) int { return a.idx - b.idx })
			for _, p := range m.parts {
				if p.text != "" {
					text = messages.AppendText(text, p.text)
				}
			}
		}
		out[i] = messages.Message{Role: m.role, Text: text, ToolCalls: m.tools, ToolResult: m.toolResult}
	}
	return out
}

// exchange returns what the indexed input and output messages say.
func indexedExchange(in, out indexedMsgs) messages.Exchange {
	e := messages.Output(out.messages())
	e.User = messages.LastUser(in.messages())
	return e
}

// modalTokens adds a per-modality token count, rest being a key after
// gen_ai.usage. such as image.input_tokens, as image_input_tokens; other
// keys and values that are not counts are left.
func modalTokens(p mindlytics.Properties, rest string, v spanview.Value) mindlytics.Properties {
	modality, count, ok := modalKey(rest)
	if !ok {
		return p
	}
	n, ok := v.Int()
	if !ok || n < 0 || n > maxTokens {
		return p
	}
	if p == nil {
		p = make(mindlytics.Properties, 2)
	}
	p[modality+"_"+strings.ReplaceAll(count, ".", "_")] = n
	return p
}

// modalKey splits a usage key after gen_ai.usage. that names a
// per-modality count (image.input_tokens); ok is false for any other.
func modalKey(rest string) (modality, count string, ok bool) {
	modality, count, ok = strings.Cut(rest, ".")
	if !ok || !strings.HasSuffix(count, "_tokens") || !slices.Contains(conventions.GenAIUsageModalities, modality) {
		return "", "", false
	}
	return modality, count, true
}
