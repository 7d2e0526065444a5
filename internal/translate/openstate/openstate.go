package openstate

import (
	"hash/maphash"
	"time"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// State holds the open sessions and conversations with no pointer in
// them, so that the garbage collector has nothing to mark there. A
// collector may hold hundreds of thousands (an agent run's session stays
// open until it is idle); kept as pointers, marking them again at every
// cycle was a fifth of the collector's CPU.
//
// Records are in two slabs, named by handle (slab.go). Their ids are in a
// byte arena, their times are integers, and the indexes (keyIndex, flat tables) map a hash of the
// id to the first record of that hash, the others chained behind it. The rules of
// lifecycle.go use it through handles.
type State struct {
	Sessions                Slab[Session]
	Convs                   Slab[Conv]
	SessionOrder, ConvOrder Order // least recently active first
	sessByID                keyIndex
	convByID                keyIndex // by session and id (convKey), see Conv.indexed
	seed                    maphash.Seed
	// found is the session FindSession or OpenSession returned last, 0
	// for none (CloseSession forgets it): the records of a batch come in
	// runs of one session, whose next ones then take no hash and no
	// look-up in the index (a cache miss each under many sessions).
	found Handle
	// keyMask is applied to every index key: all ones, but for the tests
	// that make keys collide.
	keyMask uint64
	IDs     IDArena
	// epoch is when lastSeen counts from: the real clock at New, with its
	// monotonic reading, so that idle times do not jump with the wall
	// clock. (Not the translator's clock: New does not call it.) A lastSeen
	// saturates 292 years from it, far beyond any idle timeout.
	epoch time.Time
}

// Session is an open Mindlytics session.
type Session struct {
	ID           IDRef
	User, Device IDRef    // the latest known, for the events that end it
	LastAt       WallTime // the time of its latest event
	LastSeen     int64    // when the translator last saw one of its spans (State.Seen)
	LatestConv   Handle   // its most recently opened conversation; the others follow (Conv.nextInSess)
	sameKey      Handle   // the next session of the same hash
	// Joined: another service started the session and will end it; this
	// translator sends neither, for the session or its conversations.
	Joined bool
}

// Conv is an open conversation of a session.
type Conv struct {
	ID            IDRef
	Session       Handle
	LastAt        WallTime
	LastSeen      int64
	prevInSess    Handle
	NextInSession Handle
	sameKey       Handle
	// sessionsID: its id is its session's (the default conversation), kept
	// once in the arena.
	sessionsID bool
	// indexed: it is in convByID, as every conversation of a session with
	// more than one is; the only one of its session need not be.
	indexed bool
}

// New returns an empty State.
func New() State {
	return State{
		keyMask: ^uint64(0),
		seed:    maphash.MakeSeed(),
		epoch:   time.Now(),
	}
}

// Seen is now as a lastSeen.
func (o *State) Seen(now time.Time) int64 { return int64(now.Sub(o.epoch)) }

// Session returns the record of the open session h.
func (o *State) Session(h Handle) *Session { return o.Sessions.At(h) }

// Conv returns the record of the open conversation h.
func (o *State) Conv(h Handle) *Conv { return o.Convs.At(h) }

// hash and hashRef hash an id, given or in the arena, alike.
func (o *State) hash(id string) uint64   { return maphash.String(o.seed, id) }
func (o *State) hashRef(id IDRef) uint64 { return maphash.Bytes(o.seed, o.IDs.Bytes(id)) }

// sessKey is the index key of the session whose id hashes to idHash.
func (o *State) sessKey(idHash uint64) uint64 { return idHash & o.keyMask }

// convKey is the index key of the conversation of session sh whose id
// hashes to idHash.
func (o *State) convKey(sh Handle, idHash uint64) uint64 {
	return (idHash ^ uint64(sh)*0x9e3779b97f4a7c15) & o.keyMask
}

// ConvID copies conversation h's id out of the arena.
func (o *State) ConvID(h Handle) string { return o.IDs.Str(o.Conv(h).ID) }

// IdentityAt is the session's identity, for the events that end it.
func (o *State) IdentityAt(h Handle, at time.Time) mindlytics.Identity {
	s := o.Session(h)
	return mindlytics.Identity{SessionID: o.IDs.Str(s.ID), UserID: o.IDs.Str(s.User), DeviceID: o.IDs.Str(s.Device), Time: at}
}

// FindSession returns the handle of open session id, 0 if none.
func (o *State) FindSession(id string) Handle {
	if h := o.found; h != 0 && o.IDs.is(o.Session(h).ID, id) {
		return h
	}
	for h := o.sessByID.get(o.sessKey(o.hash(id))); h != 0; h = o.Session(h).sameKey {
		if o.IDs.is(o.Session(h).ID, id) {
			o.found = h
			return h
		}
	}
	return 0
}

// FindConv returns the handle of session sh's open conversation id, 0 if
// none.
func (o *State) FindConv(sh Handle, id string) Handle {
	if sh == 0 || o.Session(sh).LatestConv == 0 {
		return 0
	}
	// Most sessions have one conversation: no hash for it.
	if h := o.Session(sh).LatestConv; o.Conv(h).NextInSession == 0 {
		if o.IDs.is(o.Conv(h).ID, id) {
			return h
		}
		return 0
	}
	for h := o.convByID.get(o.convKey(sh, o.hash(id))); h != 0; h = o.Conv(h).sameKey {
		if c := o.Conv(h); c.Session == sh && o.IDs.is(c.ID, id) {
			return h
		}
	}
	return 0
}

// DefaultConv is FindConv(sh, the session's own id): its default
// conversation, told by sessionsID without comparing ids (OpenConv sets it
// whenever a conversation's id is its session's, and only then).
func (o *State) DefaultConv(sh Handle) Handle {
	if sh == 0 || o.Session(sh).LatestConv == 0 {
		return 0
	}
	s := o.Session(sh)
	if h := s.LatestConv; o.Conv(h).NextInSession == 0 {
		if o.Conv(h).sessionsID {
			return h
		}
		return 0
	}
	for h := o.convByID.get(o.convKey(sh, o.hashRef(s.ID))); h != 0; h = o.Conv(h).sameKey {
		if c := o.Conv(h); c.Session == sh && c.sessionsID {
			return h
		}
	}
	return 0
}

// OpenSession adds session id, most recently active; the caller checked
// that it is not open.
func (o *State) OpenSession(id string) Handle {
	h := o.Sessions.Alloc()
	key := o.sessKey(o.hash(id))
	*o.Session(h) = Session{ID: o.IDs.add(id), sameKey: o.sessByID.get(key)}
	o.sessByID.set(key, h)
	o.Sessions.PushBack(&o.SessionOrder, h)
	o.found = h
	return h
}

// OpenConv adds conversation id to session sh, most recently active; the
// caller checked that it is not open.
func (o *State) OpenConv(sh Handle, id string) Handle {
	h := o.Convs.Alloc()
	s, c := o.Session(sh), o.Conv(h)
	*c = Conv{Session: sh, NextInSession: s.LatestConv}
	if o.IDs.is(s.ID, id) {
		c.ID, c.sessionsID = s.ID, true
	} else {
		c.ID = o.IDs.add(id)
	}
	if s.LatestConv != 0 {
		// More than one conversation: the session's are found by the index
		// (findConv). The others are in it already, but for the only one
		// the session had until now.
		o.Conv(s.LatestConv).prevInSess = h
		o.index(s.LatestConv)
		o.index(h)
	}
	s.LatestConv = h
	o.Convs.PushBack(&o.ConvOrder, h)
	return h
}

// index puts conversation h in the index, unless it is there.
func (o *State) index(h Handle) {
	c := o.Conv(h)
	if c.indexed {
		return
	}
	key := o.convKey(c.Session, o.hashRef(c.ID))
	c.sameKey, c.indexed = o.convByID.get(key), true
	o.convByID.set(key, h)
}

// SetUser and setDevice keep the session's latest user and device.
func (o *State) SetUser(h Handle, user string) { o.IDs.replace(&o.Session(h).User, user) }

// SetDevice notes the latest device id of session h.
func (o *State) SetDevice(h Handle, device string) { o.IDs.replace(&o.Session(h).Device, device) }

// CloseConv forgets conversation h.
func (o *State) CloseConv(h Handle) {
	c := o.Conv(h)
	if c.prevInSess != 0 {
		o.Conv(c.prevInSess).NextInSession = c.NextInSession
	} else {
		o.Session(c.Session).LatestConv = c.NextInSession
	}
	if c.NextInSession != 0 {
		o.Conv(c.NextInSession).prevInSess = c.prevInSess
	}
	if c.indexed {
		unindex(&o.convByID, o.convKey(c.Session, o.hashRef(c.ID)), h, func(h Handle) *Handle { return &o.Conv(h).sameKey })
	}
	o.Convs.Remove(&o.ConvOrder, h)
	if !c.sessionsID {
		o.IDs.drop(c.ID)
	}
	o.Convs.Release(h)
}

// CloseSession forgets session h and its conversations.
func (o *State) CloseSession(h Handle) {
	for o.Session(h).LatestConv != 0 {
		o.CloseConv(o.Session(h).LatestConv)
	}
	s := o.Session(h)
	unindex(&o.sessByID, o.sessKey(o.hashRef(s.ID)), h, func(h Handle) *Handle { return &o.Session(h).sameKey })
	o.Sessions.Remove(&o.SessionOrder, h)
	o.IDs.drop(s.ID)
	o.IDs.drop(s.User)
	o.IDs.drop(s.Device)
	o.Sessions.Release(h)
	if o.found == h {
		o.found = 0
	}
}

// unindex takes h out of the chain of key in index, where it is: a record
// is indexed once, and taken out once, under the key it went in with.
func unindex(index *keyIndex, key uint64, h Handle, sameKey func(Handle) *Handle) {
	at := index.get(key)
	if at == h {
		if next := *sameKey(h); next != 0 {
			index.set(key, next)
		} else {
			index.delete(key)
		}
		return
	}
	for at != 0 {
		next := sameKey(at)
		if *next == h {
			*next = *sameKey(h)
			return
		}
		at = *next
	}
}

// ConvsOf appends session h's open conversations to dst, in no order.
func (o *State) ConvsOf(h Handle, dst []Handle) []Handle {
	for c := o.Session(h).LatestConv; c != 0; c = o.Conv(c).NextInSession {
		dst = append(dst, c)
	}
	return dst
}

// Tidy moves the ids to a new arena when most of the old one is ids of
// records closed or replaced: the ids written are at most about twice what
// the open records need. It invalidates every IDRef held outside the
// records, so it runs only between the rules' steps.
func (o *State) Tidy() {
	if o.IDs.size < minArenaTidy || o.IDs.size < 2*o.IDs.live {
		return
	}
	old := o.IDs
	o.IDs = IDArena{}
	for h := o.SessionOrder.Head; h != 0; h = o.Sessions.Next(h) {
		s := o.Session(h)
		s.ID, s.User, s.Device = addID(&o.IDs, old.Bytes(s.ID)), addID(&o.IDs, old.Bytes(s.User)), addID(&o.IDs, old.Bytes(s.Device))
		for ch := s.LatestConv; ch != 0; ch = o.Conv(ch).NextInSession {
			c := o.Conv(ch)
			if c.sessionsID {
				c.ID = s.ID
			} else {
				c.ID = addID(&o.IDs, old.Bytes(c.ID))
			}
		}
	}
}

// minArenaTidy is the smallest arena tidy moves: below it, the garbage is
// not worth a pass over every record.
const minArenaTidy = 64 << 10

// IDArena holds the open records' ids, one after the other, in chunks:
// it grows by a chunk, never copying what it holds. Bytes once written are
// never changed: a record that closes or changes an id leaves its old
// bytes behind (live counts the rest) until tidy moves the open ids to a
// new arena.
type IDArena struct {
	chunks [][]byte // of arenaChunk bytes each, the last one filling
	big    [][]byte // the ids longer than a chunk, one each
	size   int      // the bytes of the ids written, live or not
	live   int
}

// arenaChunk is the bytes of a chunk of the arena.
const (
	arenaChunkBits = 14
	arenaChunk     = 1 << arenaChunkBits
	// bigID marks an IDRef of IDArena.big: off is its index there.
	bigID = 1 << 31
)

// IDRef is an id in the arena: its chunk and offset in it (off), or its
// index in big (off with bigID set), and its length. The zero IDRef is the
// empty id.
type IDRef struct{ off, n uint32 }

func (a *IDArena) add(s string) IDRef { return addID(a, s) }

func addID[S string | []byte](a *IDArena, s S) IDRef {
	if len(s) == 0 {
		return IDRef{}
	}
	a.size += len(s)
	a.live += len(s)
	if len(s) > arenaChunk {
		a.big = append(a.big, []byte(s))
		return IDRef{off: bigID | uint32(len(a.big)-1), n: uint32(len(s))}
	}
	last := len(a.chunks) - 1
	if last < 0 || len(a.chunks[last])+len(s) > arenaChunk {
		if len(a.chunks) == bigID>>arenaChunkBits {
			// 2 GiB of ids of open sessions is beyond any cap a deployment sets.
			panic("translate: the open sessions' ids exceed 2 GiB")
		}
		a.chunks = append(a.chunks, make([]byte, 0, arenaChunk))
		last++
	}
	c := a.chunks[last]
	a.chunks[last] = append(c, s...)
	return IDRef{off: uint32(last)<<arenaChunkBits | uint32(len(c)), n: uint32(len(s))}
}

func (a *IDArena) drop(r IDRef) { a.live -= int(r.n) }

// replace sets *r to s, unless it is s already.
func (a *IDArena) replace(r *IDRef, s string) {
	if a.is(*r, s) {
		return
	}
	a.drop(*r)
	*r = a.add(s)
}

// Bytes returns the id r, as held in the arena (not a copy).
func (a *IDArena) Bytes(r IDRef) []byte {
	switch {
	case r.n == 0:
		return nil
	case r.off&bigID != 0:
		return a.big[r.off&^bigID]
	}
	c, off := a.chunks[r.off>>arenaChunkBits], r.off&(arenaChunk-1)
	return c[off : off+r.n : off+r.n]
}

// Str copies id r out of the arena.
func (a *IDArena) Str(r IDRef) string { return string(a.Bytes(r)) }

// is says whether id r is s (the comparison copies nothing).
func (a *IDArena) is(r IDRef, s string) bool { return string(a.Bytes(r)) == s }

// WallTime is a time without its location or monotonic reading: pointer
// free, unlike time.Time. It counts from year 1, as time.Time does, so that
// the zero WallTime is the zero time.
type WallTime struct {
	sec  int64
	nsec int32
}

// unixToYear1 is the seconds from year 1 to 1970.
const unixToYear1 int64 = (1969*365 + 1969/4 - 1969/100 + 1969/400) * 86400

// WallOf is the wall time of t.
func WallOf(t time.Time) WallTime {
	return WallTime{sec: t.Unix() + unixToYear1, nsec: int32(t.Nanosecond())}
}

// Time is w in UTC.
func (w WallTime) Time() time.Time { return time.Unix(w.sec-unixToYear1, int64(w.nsec)).UTC() }

// Compare compares w with v as time.Time.Compare does.
func (w WallTime) Compare(v WallTime) int {
	switch {
	case w.sec < v.sec || w.sec == v.sec && w.nsec < v.nsec:
		return -1
	case w == v:
		return 0
	}
	return 1
}

// LaterWall is the later of a and b.
func LaterWall(a, b WallTime) WallTime {
	if b.Compare(a) > 0 {
		return b
	}
	return a
}
