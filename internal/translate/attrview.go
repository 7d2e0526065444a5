package translate

import (
	"slices"
	"strings"

	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/messages"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
)

// attrView is a span's attributes read once, in one pass: where each key
// the rules look up is, so that a rule's lookup is an array read instead of
// a scan of the attributes (a model call's rules look up some fifty keys,
// most of them absent). Keys it does not know are read through Attrs.
type attrView struct {
	spanview.Attrs
	// pos is 1 + the index of the key's first attribute; 0: absent. All
	// are linearPos when the view could not index these attributes (not a
	// slice, or more than it can count): lookups scan them as Attrs does.
	pos [maxViewKeys]uint8
	// scans: some key is one scanAttr collects (collects), or the view
	// could not tell (linearPos); scanView passes over the attributes
	// only then.
	scans bool
}

// linearPos marks every key of an attrView that scans its attributes; an
// indexed one has fewer attributes.
const linearPos = 1<<8 - 1

// spanView is a span's attribute view while its record is extracted, with
// each message attribute's reading (messageKeys order), made on first use:
// the rules that report broken JSON and read the exchange then scan it
// once. It lives on the stack of extract; attrView, kept for the batch,
// stays small.
type spanView struct {
	*attrView
	msgs [3]msgReading
}

// msgReading is what messages.SummaryOf made of a message attribute.
type msgReading struct {
	done, set bool
	sum       messages.Summary
	text      string
	broken    bool // a string that looks like JSON and does not parse
}

// messages reads message key i (of messageKeys) once.
func (v *spanView) messages(i int) *msgReading {
	m := &v.msgs[i]
	if m.done {
		return m
	}
	m.done = true
	val, ok := v.get(messageVKs[i])
	if !ok {
		return m
	}
	m.set = true
	m.text = messages.SummaryInto(&m.sum, val) // m.sum is zero: read once
	if val.Kind() == spanview.KindString && m.text != "" {
		t := strings.TrimSpace(m.text)
		m.broken = t != "" && (t[0] == '[' || t[0] == '{')
	}
	return m
}

// viewKey names a key the view indexes; keys are registered at package
// initialization (registerKeys), never after.
type viewKey uint8

// maxViewKeys bounds the registered keys; registerKeys panics beyond it.
const maxViewKeys = 96

var (
	viewKeyNames []string
	viewKeyTable keyTable // each key's id, by name: built once all are registered
)

func init() { viewKeyTable.build(viewKeyNames) }

// registerKeys returns the view keys of names, registering the new ones.
// Only package-level variable initializers call it.
func registerKeys(names ...string) []viewKey {
	out := make([]viewKey, len(names))
	if viewKeyTable.built() {
		// The table holds the keys registered before init: a key added
		// after would never be found.
		panic("translate: a view key registered after initialization")
	}
	for i, n := range names {
		at := slices.Index(viewKeyNames, n)
		if at < 0 {
			if len(viewKeyNames) == maxViewKeys {
				panic("translate: too many view keys")
			}
			at = len(viewKeyNames)
			if len(n) < minViewKeyLen {
				panic("translate: a view key shorter than minViewKeyLen: " + n)
			}
			if collects(n) {
				// index sets attrView.scans only for the keys it does
				// not know.
				panic("translate: a view key that scanAttr collects: " + n)
			}
			viewKeyNames = append(viewKeyNames, n)
		}
		out[i] = viewKey(at)
	}
	return out
}

func registerKey(name string) viewKey { return registerKeys(name)[0] }

// The keys of the identity defaults, registered so that the default
// configuration's lookups hit the view (see keyRef).
var _ = registerKeys(append(append(conventions.DefaultSessionKeys(), conventions.DefaultUserKeys()...), conventions.DefaultDeviceKeys()...)...)

// newAttrView indexes a's attributes in one pass.
func newAttrView(a spanview.Attrs) attrView {
	var v attrView
	v.reset(a)
	return v
}

// reset makes *v the view of a, in place: a batch's views are in the heap,
// where a view made aside would be zeroed and then copied whole (136 bytes,
// its pointers through write barriers while the GC marks).
func (v *attrView) reset(a spanview.Attrs) {
	v.Attrs = a
	v.pos = [maxViewKeys]uint8{}
	v.scans = false
	v.index()
}

func (v *attrView) index() {
	kvs, ok := v.KeyValues()
	if !ok || len(kvs) >= linearPos {
		for i := range v.pos {
			v.pos[i] = linearPos
		}
		v.scans = true
		return
	}
	v.scans = viewKeyTable.index(kvs, &v.pos)
}

// get returns the value of key k, as Attrs.Get does. Most keys a rule
// asks for are absent: that answer is inlined in the rule.
func (v *attrView) get(k viewKey) (spanview.Value, bool) {
	if v.pos[k] == 0 {
		return spanview.Value{}, false
	}
	return v.getSlow(k)
}

func (v *attrView) getSlow(k viewKey) (spanview.Value, bool) {
	switch p := v.pos[k]; p {
	case 0:
		return spanview.Value{}, false
	case linearPos:
		return v.Get(viewKeyNames[k])
	default:
		return spanview.ValueOf(*v.ValueAt(int(p - 1))), true
	}
}

// str returns the value of key k as Attrs.Str does. Most keys a rule asks
// for are absent: that answer is inlined.
func (v *attrView) str(k viewKey) string {
	if v.pos[k] == 0 {
		return ""
	}
	return v.strSlow(k)
}

func (v *attrView) strSlow(k viewKey) string {
	if a := v.indexed(k); a != nil && a.Type() == attribute.STRING { // the common case, without Kind's switches
		return a.AsString()
	}
	val, ok := v.get(k)
	if !ok {
		return ""
	}
	return scalarString(val)
}

// indexed is the value of key k in the attributes, read in place, where
// the view indexed it; nil when k is absent or the view scans its
// attributes. The rules' reads of a value of one kind (a string, a token
// count) take it without a Value made.
func (v *attrView) indexed(k viewKey) *attribute.Value {
	if p := v.pos[k]; p != 0 && p != linearPos {
		return v.ValueAt(int(p - 1))
	}
	return nil
}

// scalarString is a non-empty scalar as a string ([Attrs.Str]).
func scalarString(v spanview.Value) string {
	switch v.Kind() {
	case spanview.KindString, spanview.KindInt, spanview.KindDouble, spanview.KindBool:
		return v.AsString()
	}
	return ""
}

// firstStr returns the first of keys set to a non-empty scalar.
func (v *attrView) firstStr(keys []viewKey) string {
	for _, k := range keys {
		if s := v.str(k); s != "" {
			return s
		}
	}
	return ""
}

// firstValue returns the first of keys that is set to a non-empty value.
func (v *attrView) firstValue(keys []viewKey) (spanview.Value, bool) {
	for _, k := range keys {
		if val, ok := v.get(k); ok && val.Kind() != spanview.KindEmpty && !(val.Kind() == spanview.KindString && val.Str() == "") {
			return val, true
		}
	}
	return spanview.Value{}, false
}

// keyRef is a configured key (the identity's session, user and device
// keys): its view key when it is registered, else only its name.
type keyRef struct {
	name  string
	id    viewKey
	known bool
}

func keyRefs(names []string) []keyRef {
	out := make([]keyRef, len(names))
	for i, n := range names {
		id, ok := viewKeyTable.get(n)
		out[i] = keyRef{name: n, id: id, known: ok}
	}
	return out
}

// firstStrRef is firstStr of configured keys.
func (v *attrView) firstStrRef(keys []keyRef) string {
	for _, k := range keys {
		var s string
		if k.known {
			s = v.str(k.id)
		} else {
			s = v.Str(k.name)
		}
		if s != "" {
			return s
		}
	}
	return ""
}
