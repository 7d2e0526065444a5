package translate

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// The fields of an identity. The first three are looked up on resources too.
const (
	fSession = iota
	fUser
	fDevice
	fConversation
	fAgent
	nFields
)

// identity is who and where a span's event belongs: session, user, device,
// conversation and agent (assistant) ids.
type identity [nFields]string

func (id *identity) empty() bool { return *id == identity{} }

var (
	conversationKeys = []string{string(sc.ConversationIDKey)}
	agentKeys        = []string{string(sc.AgentIDKey), string(conventions.GenAIAgentNameKey), string(conventions.OpenInferenceAgentNameKey)}
	conversationVKs  = registerKeys(conversationKeys...)
	agentVKs         = registerKeys(agentKeys...)
)

// ownIdentity reads the ids on the span's own attributes into *id, every
// field written: in place in the batch's array, an identity is not built
// aside and copied (80 bytes a span).
// a is the view of the span's attributes.
func (t *Translator) ownIdentity(a *attrView, id *identity) {
	id[fSession] = a.firstStrRef(t.sessionKeys)
	id[fUser] = a.firstStrRef(t.userKeys)
	id[fDevice] = a.firstStrRef(t.deviceKeys)
	id[fConversation] = a.firstStr(conversationVKs)
	id[fAgent] = a.firstStr(agentVKs)
	if id[fSession] == "" || id[fUser] == "" {
		metadataIDs(a, id)
	}
}

var metadataVK = registerKey(string(conventions.OpenInferenceMetadataKey))

// metadataIDs fills the session and user ids a span names only inside its
// JSON metadata attribute (OpenInference's LangChain spans carry the run
// config's metadata there; the user id is nowhere else).
func metadataIDs(a *attrView, id *identity) {
	v, ok := a.get(metadataVK)
	if !ok {
		return
	}
	text := v.AsString()
	if !strings.HasPrefix(text, "{") || !(strings.Contains(text, "session") || strings.Contains(text, "user")) {
		return
	}
	var md struct {
		SessionID  any `json:"session_id"`
		SessionID2 any `json:"sessionId"`
		UserID     any `json:"user_id"`
		UserID2    any `json:"userId"`
	}
	if json.Unmarshal([]byte(text), &md) != nil {
		return
	}
	for _, f := range [...]struct {
		field int
		vals  [2]any
	}{{fSession, [2]any{md.SessionID, md.SessionID2}}, {fUser, [2]any{md.UserID, md.UserID2}}} {
		for _, v := range f.vals {
			if s, ok := v.(string); ok && s != "" && id[f.field] == "" {
				id[f.field] = s
			}
		}
	}
}

// resourceFields is what the batch read of one resource (the last one asked
// about, which the spans of a batch share in runs): its session, user and
// device ids, each read on first use.
type resourceFields struct {
	of   spanview.Origin
	ids  [fDevice + 1]string
	read [fDevice + 1]bool
}

// resourceField is t.resourceField(s, f), read once per resource in a run
// of spans that share it.
func (b *batchIdentities) resourceField(t *Translator, s *spanview.Span, f int) string {
	if f > fDevice {
		return ""
	}
	r := &b.res
	if k := s.Resource().Origin(); k != r.of {
		*r = resourceFields{of: k}
	}
	if !r.read[f] {
		r.ids[f], r.read[f] = t.resourceField(s, f), true
	}
	return r.ids[f]
}

func (t *Translator) resourceField(s *spanview.Span, f int) string {
	switch f {
	case fSession:
		return firstStr(s.Resource(), t.sessionKeyNames...)
	case fUser:
		return firstStr(s.Resource(), t.userKeyNames...)
	case fDevice:
		return firstStr(s.Resource(), t.deviceKeyNames...)
	}
	return ""
}

// traceGroup is the spans of one trace within a batch.
type traceGroup struct {
	trace trace.TraceID
	n     int // the trace's spans in the batch
	// first holds each field from the earliest-starting span of the trace
	// that carries it on its own attributes: the trace's identity.
	first   identity
	firstAt [nFields]time.Time
	// cached is the trace cache's identity of the trace, read once for
	// the group when first needed (cachedIdentity, cacheRead); cacheHit:
	// the cache had an entry.
	cached              identity
	cacheRead, cacheHit bool
	// For waiting for ancestors (held.go): whether spans of the trace make
	// events, one has a local parent not in the batch, one's resource
	// names a session; whether the trace waits, once decided.
	events, orphan, resourceSession bool
	decided, held                   bool
}

// batchIdentities is the identity each span of a batch carries itself and the
// batch's spans grouped by trace. The groups live in one slice, and the
// spans are found by id through one map for the batch, built when a span
// first needs its ancestors: a few allocations per batch, not per trace.
type batchIdentities struct {
	own     []identity
	traces  traceIndex // index in groups
	groups  []traceGroup
	groupOf []int32 // each span's index in groups: found once per span, not at each use
	// parent holds each span's parent's index in the batch, -1 when it is
	// not in the batch; built when a span first needs its ancestors
	// (byIDBuilt), through members and groupEnds, and byID for the spans
	// of large traces (linkParents).
	parent    []int32
	byIDBuilt bool
	members   []int32
	groupEnds []int32
	byID      map[spanKey]int // span (of its trace) → index in the batch
	res       resourceFields  // the memo of the last resource read (resourceField)
	// anonSession and anonDevice are the last anonymous session's id and
	// its derived device id (defaultDevice).
	anonSession, anonDevice string
}

// group returns the trace group of span i.
func (b *batchIdentities) group(i int) *traceGroup { return &b.groups[b.groupOf[i]] }

// views are the views of the spans' attributes.
// b is reset (getBatch).
func (t *Translator) collectIdentities(spans []spanview.Span, views []attrView, b *batchIdentities) {
	for i := range spans {
		s := &spans[i]
		own := &b.own[i]
		t.ownIdentity(&views[i], own)
		var gi int32
		if i > 0 && s.TraceID() == spans[i-1].TraceID() {
			gi = b.groupOf[i-1] // the spans of a trace mostly come together
		} else {
			gi = b.groupOfTrace(s.TraceID())
		}
		b.groupOf[i] = gi
		g := &b.groups[gi]
		g.n++
		start := s.StartTime()
		for f := range own { // by index: a range over the values copies the array
			if v := own[f]; v != "" && (g.first[f] == "" || start.Before(g.firstAt[f])) {
				g.first[f], g.firstAt[f] = v, start
			}
		}
	}
}

// groupOfTrace returns the index of the trace's group, added when new.
func (b *batchIdentities) groupOfTrace(id trace.TraceID) int32 {
	slot := b.traces.slot(id)
	if slot.at == 0 {
		if n := len(b.groups); n < cap(b.groups) {
			// Zero already (release clears every group): extended, not
			// built aside and copied in (over 300 bytes).
			b.groups = b.groups[:n+1]
			b.groups[n].trace = id
		} else {
			b.groups = append(b.groups, traceGroup{trace: id})
		}
		slot.id, slot.at = id, int32(len(b.groups))
	}
	return slot.at - 1
}

// resolve finds a span's identity: each field from the span, its ancestors in the
// batch, the rest of its trace in the batch, the trace cache, then the
// span's resource; then the session fallback and the default device id:
// fellBack says the trace became the session. It is written into *id, in
// place in the span's record (80 bytes not returned and copied), whatever
// the error. Callers hold t.mu (the cache).
func (t *Translator) resolve(spans []spanview.Span, b *batchIdentities, i int, now time.Time, id *identity) (fellBack bool, err error) {
	s := &spans[i]
	own := &b.own[i]
	g := b.group(i)
	for f := range nFields {
		// *id = *own, field by field: an id field the record already has
		// (none: it is zero) is not stored again. A copy of the whole is a
		// write barrier a field while the GC marks, most of them empty.
		if v := own[f]; v != "" || id[f] != "" {
			id[f] = v
		}
		if id[f] != "" {
			continue
		}
		if v := g.first[f]; v != "" {
			// The ancestors in the batch are of the span's trace: when
			// no span of the trace carries the field, none of them does,
			// and the walk is skipped (the else of this if).
			if a := b.ancestorField(spans, i, f); a != "" {
				v = a
			}
			id[f] = v
			continue
		}
		if v := t.cachedIdentity(g, s.TraceID(), now)[f]; v != "" {
			id[f] = v
			continue
		}
		if f <= fDevice { // the fields resources name
			id[f] = b.resourceField(t, s, f)
		}
	}
	if id[fSession] == "" && id[fConversation] != "" {
		// A conversation id with no session: the conversation is the
		// session, so that its traces make one session, not one each.
		id[fSession] = id[fConversation]
	}
	if id[fSession] == "" {
		if t.settings.Identity.SessionFallback == SessionFallbackNone {
			return false, ErrNoSession
		}
		id[fSession], fellBack = s.TraceID().String(), true // the trace is the session
	}
	if id[fUser] == "" && id[fDevice] == "" {
		if t.settings.Identity.DefaultDeviceID == "" {
			return fellBack, ErrNoUserOrDevice
		}
		id[fDevice] = b.defaultDevice(t.settings.Identity.DefaultDeviceID, id[fSession])
	}
	if err := id.check(); err != nil {
		return fellBack, err
	}
	return fellBack, nil
}

// defaultDevice is the device id of an anonymous session: setting, or
// with DeviceIDPerSession the session's own, remembered for the spans of
// one session that follow each other in a batch.
func (b *batchIdentities) defaultDevice(setting, sessionID string) string {
	if setting != DeviceIDPerSession {
		return setting
	}
	if b.anonSession != sessionID || b.anonDevice == "" {
		b.anonSession, b.anonDevice = sessionID, AnonymousDeviceID(sessionID)
	}
	return b.anonDevice
}

// cachedIdentity is the trace cache's identity of the trace of group g,
// read once for the batch: the cache changes only after the batch is
// resolved (remember). Callers hold t.mu.
func (t *Translator) cachedIdentity(g *traceGroup, traceID trace.TraceID, now time.Time) *identity {
	if !g.cacheRead {
		g.cached, g.cacheHit = t.traces.get(traceID, now)
		g.cacheRead = true
	}
	return &g.cached
}

// remember puts each trace's identity of this batch into the cache, for its
// spans still to come. Callers hold t.mu.
func (t *Translator) remember(b *batchIdentities, now time.Time) {
	// In the order the traces first come in the batch (the groups'), so
	// that eviction is deterministic.
	for gi := range b.groups {
		switch g := &b.groups[gi]; {
		case g.first.empty():
		case g.cacheRead && !g.cacheHit:
			// Known to have no entry: only remember puts one, once a trace.
			t.traces.add(g.trace, g.first, now)
		default:
			t.traces.put(g.trace, g.first, now)
		}
	}
}

// idNames name the identity's fields in errors.
var idNames = [nFields]string{fSession: "session id", fUser: "user id", fDevice: "device id",
	fConversation: "conversation id", fAgent: "agent id"}

// check refuses ids Mindlytics would refuse, or merge: a device id longer
// than the 100 characters the service's clients accept (the only id of the
// identity they cap, docs/CONTRACT.md), any other id longer than
// MaxKeptIDLength (this translation's own bound: ids are held in memory
// per open session, and an id cut would merge sessions), or not valid UTF-8
// (which a JSON encoder would turn into U+FFFD, making sess-\xff and
// sess-\xfe one session). Ids are never repaired.
func (id *identity) check() error {
	for f, v := range id {
		if v == "" {
			continue
		}
		limit := MaxKeptIDLength
		if f == fDevice {
			limit = MaxIDLength
		}
		if len(v) <= limit && isASCII(v) {
			continue // ids are mostly short and ASCII: valid, a character a byte
		}
		whose := "this translation keeps"
		if f == fDevice {
			whose = "Mindlytics accepts"
		}
		switch {
		case !isASCII(v) && !utf8.ValidString(v): // ids are mostly ASCII: 8 bytes a step, no tail walked byte by byte
			return fmt.Errorf("%s %q is not valid UTF-8", idNames[f], truncate(strings.ToValidUTF8(v, "\uFFFD"), 40))
		case len(v) > limit && utf8.RuneCountInString(v) > limit: // a string is no longer in runes than in bytes
			return fmt.Errorf("%s is %d characters, more than the %d %s", idNames[f], utf8.RuneCountInString(v), limit, whose)
		}
	}
	return nil
}

// isASCII reports whether s has no byte of 0x80 or more (so it is valid
// UTF-8, a character a byte). It reads s in words of eight bytes, the last
// overlapping the one before, where utf8.ValidString walks the tail byte by
// byte; an id is some ten or twenty bytes.
func isASCII(s string) bool {
	const high = 0x8080808080808080
	n := len(s)
	switch {
	case n >= 8:
		var acc uint64
		for i := 0; i+8 <= n; i += 8 {
			acc |= word8(s[i:])
		}
		return (acc|word8(s[n-8:]))&high == 0
	case n >= 4:
		return (word4(s)|word4(s[n-4:]))&high == 0
	}
	for i := range n {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// word8 is s's first eight bytes as a little-endian word (one load).
func word8(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// word4 is s's first four bytes as a little-endian word (one load).
func word4(s string) uint64 {
	_ = s[3]
	return uint64(uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24)
}
