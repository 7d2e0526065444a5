package translate

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/mindlytics/mindlytics-otel/internal/compact"
	"github.com/mindlytics/mindlytics-otel/internal/translate/openstate"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

func identityAt(r *record, at time.Time) mindlytics.Identity {
	return mindlytics.Identity{SessionID: r.id[fSession], UserID: r.id[fUser], DeviceID: r.id[fDevice], Time: at}
}

// needsConversation says whether the record's event belongs to a
// conversation: every conversation event does, a track event when it has a
// conversation id.
func needsConversation(r *record) bool {
	switch r.kind {
	case sc.EventTurn, sc.EventUsage, sc.EventFunction, sc.EventConversationStart, sc.EventConversationEnd:
		return true
	case sc.EventTrack:
		return r.id[fConversation] != "" || r.conversational
	}
	return false
}

// apply applies the lifecycle rule (Lifecycle in docs/CONVENTIONS.md) to one record and appends its events to out: the
// session's start and the conversation's start when they are new, then the
// record's own event. Every event is built (and so validated) before any
// state changes, so a record that fails leaves no trace. Callers hold t.mu.
func (t *Translator) apply(r *record, seen int64, out []compact.Event) ([]compact.Event, error) {
	o := &t.open
	sh := o.FindSession(r.id[fSession])
	pending := t.pending[:0]
	// A joined session is started and ended by the service that owns it;
	// once this translator sees a span of the owner itself, it is owned
	// here too (one pipeline for both services) and starts what it lacks.
	joined := r.joined
	if sh != 0 {
		joined = o.Session(sh).Joined && r.joined
	}
	var beginStamp string // r.begin's timestamp, once the session's start has written it
	if (sh == 0 || o.Session(sh).Joined) && !joined {
		var attrs mindlytics.Properties
		if r.kind == sc.EventSessionStart {
			attrs = r.attrs
		}
		ev, err := mindlytics.StartSession(identityAt(r, r.begin), attrs)
		if err != nil {
			return out, fmt.Errorf("start_session: %w", err)
		}
		beginStamp = ev.Timestamp
		pending = append(pending, compact.Of(ev))
	}
	var convID string
	var ch openstate.Handle
	if needsConversation(r) {
		if convID = r.id[fConversation]; convID != "" {
			ch = o.FindConv(sh, convID)
		} else {
			convID = r.id[fSession] // the session's default conversation
			ch = o.DefaultConv(sh)
		}
		if ch == 0 && !joined {
			var props, attrs mindlytics.Properties
			if r.kind == sc.EventConversationStart {
				props, attrs = r.props, r.attrs
			}
			ev, err := conversationStarted(identityAt(r, r.begin), beginStamp, convID, props, attrs)
			if err != nil {
				return out, fmt.Errorf("%s: %w", mindlytics.EventConversationStarted, err)
			}
			pending = append(pending, compact.Of(ev))
		}
	}
	starts := len(pending)
	// With nothing to start, open or end first, the commit puts no event
	// before the own event: it goes straight into out (an event is 400
	// bytes to copy). appendOwnEvent leaves out as it was on error.
	direct := starts == 0 && sh != 0 && (convID == "" || ch != 0) && r.kind != sc.EventSessionEnd
	var err error
	if direct {
		out, err = t.appendOwnEvent(r, convID, sh, out)
	} else {
		pending, err = t.appendOwnEvent(r, convID, sh, pending)
	}
	t.pending = pending[:0] // keep the grown scratch space
	if err != nil {
		return out, fmt.Errorf("%s: %w", r.kind, err)
	}

	// Commit.
	if sh == 0 {
		out, sh = t.openSession(r.id[fSession], out)
	}
	o.Session(sh).Joined = joined
	t.touch(sh, r, seen)
	o.Sessions.MoveToBack(&o.SessionOrder, sh)
	if convID != "" {
		if ch == 0 {
			out, ch = t.openConversation(sh, convID, out)
		}
		c := o.Conv(ch)
		c.LastAt = openstate.LaterWall(c.LastAt, openstate.WallOf(r.at))
		c.LastSeen = seen
		o.Convs.MoveToBack(&o.ConvOrder, ch)
	}
	switch {
	case direct: // out has it already
	case r.kind != sc.EventSessionEnd:
		out = append(out, pending...) // the starts, then the own event if any
	default:
		out = append(out, pending[:starts]...)
		out = t.endConversations(sh, r.at, time.Time{}, out)
		out = append(out, pending[starts])
	}
	switch r.kind {
	case sc.EventSessionEnd:
		o.CloseSession(sh)
	case sc.EventConversationEnd:
		o.CloseConv(ch)
	}
	o.Tidy()
	return out, nil
}

// conversationStarted is mindlytics.ConversationStarted, given stamp, the
// timestamp of id.Time when the session's start has just written it: the
// event is built without a time, and stamp put in after, rather than
// writing it a second time. Only a stamp in the layout's width is taken:
// validation accepts those as they are (it parses only the others), so
// the event and its verdict are the constructor's own.
func conversationStarted(id mindlytics.Identity, stamp, convID string, props, attrs mindlytics.Properties) (mindlytics.Event, error) {
	if len(stamp) != len(wire.TimestampLayout) {
		return mindlytics.ConversationStarted(id, convID, props, attrs)
	}
	id.Time = time.Time{}
	ev, err := mindlytics.ConversationStarted(id, convID, props, attrs)
	ev.Timestamp = stamp
	return ev, err
}

// appendOwnEvent appends the record's own event to dst; explicit starts
// have none beyond the start apply makes when the session or conversation
// is new. sh is the record's open session, 0 when it opens now. The event
// goes straight into dst, not through a result: an event is 200 bytes
// to copy.
func (t *Translator) appendOwnEvent(r *record, convID string, sh openstate.Handle, dst []compact.Event) ([]compact.Event, error) {
	id := identityAt(r, r.at)
	switch r.kind {
	case sc.EventSessionStart, sc.EventConversationStart:
		return dst, nil
	case sc.EventTurn:
		turn := r.turn
		turn.AssistantID = r.id[fAgent]
		return compact.AppendTurn(dst, id, convID, turn)
	case sc.EventUsage:
		return compact.AppendUsage(dst, id, convID, r.usage)
	case sc.EventFunction:
		return compact.AppendFunction(dst, id, convID, r.call)
	}
	return t.appendFullEvent(r, convID, sh, id, dst)
}

// appendFullEvent is appendOwnEvent of the kinds that have no compact
// form: apart, so that the common kinds' calls do not zero an event on
// the stack that only these use.
func (t *Translator) appendFullEvent(r *record, convID string, sh openstate.Handle, id mindlytics.Identity, dst []compact.Event) ([]compact.Event, error) {
	var ev compact.Event
	var err error
	switch r.kind {
	case sc.EventSessionEnd:
		ev, err = wrap(mindlytics.EndSession(id, r.attrs))
	case sc.EventConversationEnd:
		end, endErr := mindlytics.ConversationEnded(id, convID, r.props, r.attrs)
		if endErr == nil && (r.convAnalysis != nil || r.intentAnalysis != nil) {
			end.ConversationAnalysis, end.IntentAnalysis = r.convAnalysis, r.intentAnalysis
			endErr = end.Validate()
		}
		ev, err = wrap(end, endErr)
	case sc.EventTrack:
		ev, err = wrap(mindlytics.Track(id, convID, r.name, r.props))
	case sc.EventIdentify:
		if r.id[fUser] == "" {
			return dst, errors.New("identify needs a user id")
		}
		id.UserID = t.userBefore(r, sh)
		ev, err = wrap(mindlytics.Identify(id, r.id[fUser], r.id[fDevice], r.traits))
	case sc.EventAlias:
		if r.id[fUser] == "" {
			return dst, errors.New("alias needs a user id")
		}
		id.UserID = t.userBefore(r, sh)
		ev, err = wrap(mindlytics.Alias(id, r.id[fUser], r.previousID))
	default:
		return dst, fmt.Errorf("unknown kind %q", r.kind)
	}
	if err != nil {
		return dst, err
	}
	return append(dst, ev), nil
}

// userBefore is the user_id of an identify or alias event, as the Python
// SDK sends it (mlsdk-python src/mlsdk/session.py, user_identify and
// user_alias): the user the session knew before the event, whose id "id"
// replaces. With none known (the session is anonymous, or opens now), the
// device id stands alone; with no device either, the new id is the
// event's user too, since the service needs one of the two.
func (t *Translator) userBefore(r *record, sh openstate.Handle) string {
	if sh != 0 {
		if u := t.open.IDs.Str(t.open.Session(sh).User); u != "" {
			return u
		}
	}
	if r.id[fDevice] != "" {
		return ""
	}
	return r.id[fUser]
}

// touch notes the record in its session: the latest user and device, the
// last activity.
func (t *Translator) touch(sh openstate.Handle, r *record, seen int64) {
	o := &t.open
	if u := r.id[fUser]; u != "" {
		o.SetUser(sh, u)
	}
	if d := r.id[fDevice]; d != "" {
		o.SetDevice(sh, d)
	}
	s := o.Session(sh)
	s.LastAt = openstate.LaterWall(s.LastAt, openstate.WallOf(r.at))
	s.LastSeen = seen
}

// earlier returns the earlier of a and limit; a zero limit is no limit.
func earlier(a, limit time.Time) time.Time {
	if !limit.IsZero() && limit.Before(a) {
		return limit
	}
	return a
}

// openSession opens session id, first ending the least recently active
// ones while the cap is reached.
func (t *Translator) openSession(id string, out []compact.Event) ([]compact.Event, openstate.Handle) {
	for t.open.Sessions.Len >= t.settings.Lifecycle.MaxOpenSessions {
		out = t.endSession(t.open.SessionOrder.Head, time.Time{}, out)
	}
	return out, t.open.OpenSession(id)
}

// openConversation opens conversation id of session sh, first ending the
// least recently active ones while the cap is reached.
func (t *Translator) openConversation(sh openstate.Handle, id string, out []compact.Event) ([]compact.Event, openstate.Handle) {
	o := &t.open
	for o.Convs.Len >= t.settings.Lifecycle.MaxOpenConversations {
		c := o.ConvOrder.Head
		out = t.endConversation(c, o.Conv(c).LastAt.Time(), out)
	}
	return out, o.OpenConv(sh, id)
}

// endSession ends an idle, evicted or remaining session: its conversations,
// each at its last activity, then the session at its own, none later than
// limit (unless limit is zero).
func (t *Translator) endSession(sh openstate.Handle, limit time.Time, out []compact.Event) []compact.Event {
	o := &t.open
	if o.Session(sh).Joined { // the owning service ends it: only forget it here
		o.CloseSession(sh)
		return out
	}
	out = t.endConversations(sh, time.Time{}, limit, out)
	if ev, err := mindlytics.EndSession(o.IdentityAt(sh, earlier(o.Session(sh).LastAt.Time(), limit)), nil); err == nil {
		out = append(out, compact.Of(ev))
	}
	o.CloseSession(sh)
	return out
}

// endConversations ends every open conversation of session sh, in the order
// they were last active, at time at (zero: each at its last activity, but
// not later than limit when limit is set).
func (t *Translator) endConversations(sh openstate.Handle, at, limit time.Time, out []compact.Event) []compact.Event {
	o := &t.open
	convs := o.ConvsOf(sh, t.convScratch[:0])
	slices.SortFunc(convs, func(a, b openstate.Handle) int {
		ca, cb := o.Conv(a), o.Conv(b)
		if c := ca.LastAt.Compare(cb.LastAt); c != 0 {
			return c
		}
		return bytes.Compare(o.IDs.Bytes(ca.ID), o.IDs.Bytes(cb.ID))
	})
	for _, ch := range convs {
		end := at
		if end.IsZero() {
			end = earlier(o.Conv(ch).LastAt.Time(), limit)
		}
		out = t.endConversation(ch, end, out)
	}
	t.convScratch = convs[:0]
	return out
}

func (t *Translator) endConversation(ch openstate.Handle, at time.Time, out []compact.Event) []compact.Event {
	o := &t.open
	// The ids were validated when the conversation started; this cannot fail.
	if sh := o.Conv(ch).Session; o.Session(sh).Joined {
		// The owning service ends it.
	} else if ev, err := mindlytics.ConversationEnded(o.IdentityAt(sh, at), o.ConvID(ch), nil, nil); err == nil {
		out = append(out, compact.Of(ev))
	}
	o.CloseConv(ch)
	return out
}
