package translate

import (
	"hash/maphash"
	"time"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// openState holds the open sessions and conversations with no pointer in
// them, so that the garbage collector has nothing to mark there. A
// collector may hold hundreds of thousands (an agent run's session stays
// open until it is idle); kept as pointers, marking them again at every
// cycle was a fifth of the collector's CPU.
//
// Records are in two slabs, named by handle (slab.go). Their ids are in a
// byte arena, their times are integers, and the indexes map a hash of the
// id to the first record of that hash, the others chained behind it. The rules of
// lifecycle.go use it through handles.
type openState struct {
	sess                 slab[sessionRec, *sessionRec]
	convs                slab[convRec, *convRec]
	sessOrder, convOrder order // least recently active first
	sessByID             map[uint64]handle
	convByID             map[uint64]handle // by session and id (convKey), see convRec.indexed
	seed                 maphash.Seed
	// keyMask is applied to every index key: all ones, but for the tests
	// that make keys collide.
	keyMask uint64
	ids     idArena
	// epoch is when lastSeen counts from: the real clock at New, with its
	// monotonic reading, so that idle times do not jump with the wall
	// clock. (Not the translator's clock: New does not call it.) A lastSeen
	// saturates 292 years from it, far beyond any idle timeout.
	epoch time.Time
}

// sessionRec is an open Mindlytics session.
type sessionRec struct {
	id           idRef
	user, device idRef    // the latest known, for the events that end it
	lastAt       wallTime // the time of its latest event
	lastSeen     int64    // when the translator last saw one of its spans (openState.seen)
	conv         handle   // its most recently opened conversation; the others follow (convRec.nextInSess)
	order        links    // in sessOrder
	sameKey      handle   // the next session of the same hash
	// joined: another service started the session and will end it; this
	// translator sends neither, for the session or its conversations.
	joined bool
}

// convRec is an open conversation of a session.
type convRec struct {
	id         idRef
	sess       handle
	lastAt     wallTime
	lastSeen   int64
	order      links // in convOrder
	prevInSess handle
	nextInSess handle
	sameKey    handle
	// sessionsID: its id is its session's (the default conversation), kept
	// once in the arena.
	sessionsID bool
	// indexed: it is in convByID, as every conversation of a session with
	// more than one is; the only one of its session need not be.
	indexed bool
}

func (r *sessionRec) lk() *links { return &r.order }
func (r *convRec) lk() *links    { return &r.order }

func newOpenState() openState {
	return openState{
		keyMask:  ^uint64(0),
		sessByID: make(map[uint64]handle),
		convByID: make(map[uint64]handle),
		seed:     maphash.MakeSeed(),
		epoch:    time.Now(),
	}
}

// seen is now as a lastSeen.
func (o *openState) seen(now time.Time) int64 { return int64(now.Sub(o.epoch)) }

func (o *openState) s(h handle) *sessionRec { return o.sess.at(h) }
func (o *openState) c(h handle) *convRec    { return o.convs.at(h) }

// hash and hashRef hash an id, given or in the arena, alike.
func (o *openState) hash(id string) uint64   { return maphash.String(o.seed, id) }
func (o *openState) hashRef(id idRef) uint64 { return maphash.Bytes(o.seed, o.ids.bytes(id)) }

// sessKey is the index key of the session whose id hashes to idHash.
func (o *openState) sessKey(idHash uint64) uint64 { return idHash & o.keyMask }

// convKey is the index key of the conversation of session sh whose id
// hashes to idHash.
func (o *openState) convKey(sh handle, idHash uint64) uint64 {
	return (idHash ^ uint64(sh)*0x9e3779b97f4a7c15) & o.keyMask
}

// convID copies conversation h's id out of the arena.
func (o *openState) convID(h handle) string { return o.ids.str(o.c(h).id) }

// identityAt is the session's identity, for the events that end it.
func (o *openState) identityAt(h handle, at time.Time) mindlytics.Identity {
	s := o.s(h)
	return mindlytics.Identity{SessionID: o.ids.str(s.id), UserID: o.ids.str(s.user), DeviceID: o.ids.str(s.device), Time: at}
}

// findSession returns the handle of open session id, 0 if none.
func (o *openState) findSession(id string) handle {
	for h := o.sessByID[o.sessKey(o.hash(id))]; h != 0; h = o.s(h).sameKey {
		if o.ids.is(o.s(h).id, id) {
			return h
		}
	}
	return 0
}

// findConv returns the handle of session sh's open conversation id, 0 if
// none.
func (o *openState) findConv(sh handle, id string) handle {
	if sh == 0 || o.s(sh).conv == 0 {
		return 0
	}
	// Most sessions have one conversation: no hash for it.
	if h := o.s(sh).conv; o.c(h).nextInSess == 0 {
		if o.ids.is(o.c(h).id, id) {
			return h
		}
		return 0
	}
	for h := o.convByID[o.convKey(sh, o.hash(id))]; h != 0; h = o.c(h).sameKey {
		if c := o.c(h); c.sess == sh && o.ids.is(c.id, id) {
			return h
		}
	}
	return 0
}

// openSession adds session id, most recently active; the caller checked
// that it is not open.
func (o *openState) openSession(id string) handle {
	h := o.sess.alloc()
	key := o.sessKey(o.hash(id))
	*o.s(h) = sessionRec{id: o.ids.add(id), sameKey: o.sessByID[key]}
	o.sessByID[key] = h
	o.sess.pushBack(&o.sessOrder, h)
	return h
}

// openConv adds conversation id to session sh, most recently active; the
// caller checked that it is not open.
func (o *openState) openConv(sh handle, id string) handle {
	h := o.convs.alloc()
	s, c := o.s(sh), o.c(h)
	*c = convRec{sess: sh, nextInSess: s.conv}
	if o.ids.is(s.id, id) {
		c.id, c.sessionsID = s.id, true
	} else {
		c.id = o.ids.add(id)
	}
	if s.conv != 0 {
		// More than one conversation: the session's are found by the index
		// (findConv). The others are in it already, but for the only one
		// the session had until now.
		o.c(s.conv).prevInSess = h
		o.index(s.conv)
		o.index(h)
	}
	s.conv = h
	o.convs.pushBack(&o.convOrder, h)
	return h
}

// index puts conversation h in the index, unless it is there.
func (o *openState) index(h handle) {
	c := o.c(h)
	if c.indexed {
		return
	}
	key := o.convKey(c.sess, o.hashRef(c.id))
	c.sameKey, c.indexed = o.convByID[key], true
	o.convByID[key] = h
}

// setUser and setDevice keep the session's latest user and device.
func (o *openState) setUser(h handle, user string) { o.ids.replace(&o.s(h).user, user) }

func (o *openState) setDevice(h handle, device string) { o.ids.replace(&o.s(h).device, device) }

// closeConv forgets conversation h.
func (o *openState) closeConv(h handle) {
	c := o.c(h)
	if c.prevInSess != 0 {
		o.c(c.prevInSess).nextInSess = c.nextInSess
	} else {
		o.s(c.sess).conv = c.nextInSess
	}
	if c.nextInSess != 0 {
		o.c(c.nextInSess).prevInSess = c.prevInSess
	}
	if c.indexed {
		unindex(o.convByID, o.convKey(c.sess, o.hashRef(c.id)), h, func(h handle) *handle { return &o.c(h).sameKey })
	}
	o.convs.remove(&o.convOrder, h)
	if !c.sessionsID {
		o.ids.drop(c.id)
	}
	o.convs.release(h)
}

// closeSession forgets session h and its conversations.
func (o *openState) closeSession(h handle) {
	for o.s(h).conv != 0 {
		o.closeConv(o.s(h).conv)
	}
	s := o.s(h)
	unindex(o.sessByID, o.sessKey(o.hashRef(s.id)), h, func(h handle) *handle { return &o.s(h).sameKey })
	o.sess.remove(&o.sessOrder, h)
	o.ids.drop(s.id)
	o.ids.drop(s.user)
	o.ids.drop(s.device)
	o.sess.release(h)
}

// unindex takes h out of the chain of key in index, where it is: a record
// is indexed once, and taken out once, under the key it went in with.
func unindex(index map[uint64]handle, key uint64, h handle, sameKey func(handle) *handle) {
	at := index[key]
	if at == h {
		if next := *sameKey(h); next != 0 {
			index[key] = next
		} else {
			delete(index, key)
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

// convsOf appends session h's open conversations to dst, in no order.
func (o *openState) convsOf(h handle, dst []handle) []handle {
	for c := o.s(h).conv; c != 0; c = o.c(c).nextInSess {
		dst = append(dst, c)
	}
	return dst
}

// tidy moves the ids to a new arena when most of the old one is ids of
// records closed or replaced: the ids written are at most about twice what
// the open records need. It invalidates every idRef held outside the
// records, so it runs only between the rules' steps.
func (o *openState) tidy() {
	if o.ids.size < minArenaTidy || o.ids.size < 2*o.ids.live {
		return
	}
	old := o.ids
	o.ids = idArena{}
	for h := o.sessOrder.head; h != 0; h = o.sess.next(h) {
		s := o.s(h)
		s.id, s.user, s.device = addID(&o.ids, old.bytes(s.id)), addID(&o.ids, old.bytes(s.user)), addID(&o.ids, old.bytes(s.device))
		for ch := s.conv; ch != 0; ch = o.c(ch).nextInSess {
			c := o.c(ch)
			if c.sessionsID {
				c.id = s.id
			} else {
				c.id = addID(&o.ids, old.bytes(c.id))
			}
		}
	}
}

// minArenaTidy is the smallest arena tidy moves: below it, the garbage is
// not worth a pass over every record.
const minArenaTidy = 64 << 10

// idArena holds the open records' ids, one after the other, in chunks:
// it grows by a chunk, never copying what it holds. Bytes once written are
// never changed: a record that closes or changes an id leaves its old
// bytes behind (live counts the rest) until tidy moves the open ids to a
// new arena.
type idArena struct {
	chunks [][]byte // of arenaChunk bytes each, the last one filling
	big    [][]byte // the ids longer than a chunk, one each
	size   int      // the bytes of the ids written, live or not
	live   int
}

// arenaChunk is the bytes of a chunk of the arena.
const (
	arenaChunkBits = 14
	arenaChunk     = 1 << arenaChunkBits
	// bigID marks an idRef of idArena.big: off is its index there.
	bigID = 1 << 31
)

// idRef is an id in the arena: its chunk and offset in it (off), or its
// index in big (off with bigID set), and its length. The zero idRef is the
// empty id.
type idRef struct{ off, n uint32 }

func (a *idArena) add(s string) idRef { return addID(a, s) }

func addID[S string | []byte](a *idArena, s S) idRef {
	if len(s) == 0 {
		return idRef{}
	}
	a.size += len(s)
	a.live += len(s)
	if len(s) > arenaChunk {
		a.big = append(a.big, []byte(s))
		return idRef{off: bigID | uint32(len(a.big)-1), n: uint32(len(s))}
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
	return idRef{off: uint32(last)<<arenaChunkBits | uint32(len(c)), n: uint32(len(s))}
}

func (a *idArena) drop(r idRef) { a.live -= int(r.n) }

// replace sets *r to s, unless it is s already.
func (a *idArena) replace(r *idRef, s string) {
	if a.is(*r, s) {
		return
	}
	a.drop(*r)
	*r = a.add(s)
}

func (a *idArena) bytes(r idRef) []byte {
	switch {
	case r.n == 0:
		return nil
	case r.off&bigID != 0:
		return a.big[r.off&^bigID]
	}
	c, off := a.chunks[r.off>>arenaChunkBits], r.off&(arenaChunk-1)
	return c[off : off+r.n : off+r.n]
}

// str copies id r out of the arena.
func (a *idArena) str(r idRef) string { return string(a.bytes(r)) }

// is says whether id r is s (the comparison copies nothing).
func (a *idArena) is(r idRef, s string) bool { return string(a.bytes(r)) == s }

// wallTime is a time without its location or monotonic reading: pointer
// free, unlike time.Time. It counts from year 1, as time.Time does, so that
// the zero wallTime is the zero time.
type wallTime struct {
	sec  int64
	nsec int32
}

// unixToYear1 is the seconds from year 1 to 1970.
const unixToYear1 int64 = (1969*365 + 1969/4 - 1969/100 + 1969/400) * 86400

func wallOf(t time.Time) wallTime {
	return wallTime{sec: t.Unix() + unixToYear1, nsec: int32(t.Nanosecond())}
}

// time is w in UTC.
func (w wallTime) time() time.Time { return time.Unix(w.sec-unixToYear1, int64(w.nsec)).UTC() }

func (w wallTime) compare(v wallTime) int {
	switch {
	case w.sec < v.sec || w.sec == v.sec && w.nsec < v.nsec:
		return -1
	case w == v:
		return 0
	}
	return 1
}

// laterWall is the later of a and b.
func laterWall(a, b wallTime) wallTime {
	if b.compare(a) > 0 {
		return b
	}
	return a
}
