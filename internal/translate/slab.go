package translate

// slab holds records of type T, named by handle: no pointer between them
// (lists link by handle), so that a slab of pointer-free records is nothing
// for the garbage collector to mark, and a record costs no allocation of
// its own. The records are in chunks of a fixed size: a slab grows by a
// chunk, never copying what it holds, so a pointer to a record stays valid.
// Handle 0 is never used: the zero handle is none.
type slab[T any, P linked[T]] struct {
	chunks []*[slabChunk]T
	used   handle // records handed out so far, slot 0 included
	free   handle // the first free record, the others chained by links.next
	n      int    // records in use
}

// slabChunk is the records of a chunk: small enough for a translator
// with a few sessions, large enough that 100,000 of them are a few hundred
// chunks.
const (
	slabChunkBits = 8
	slabChunk     = 1 << slabChunkBits
)

// handle names a record of a slab; 0 is none.
type handle int32

// linked is a record with its links: its place in an order, or in the free
// chain while it is free.
type linked[T any] interface {
	*T
	lk() *links
}

// links are a record's place in an order.
type links struct {
	prev, next handle
	in         bool
}

// order is a doubly linked list of a slab's records, least recently moved
// to the back first.
type order struct{ head, tail handle }

func (s *slab[T, P]) at(h handle) *T { return &s.chunks[h>>slabChunkBits][h&(slabChunk-1)] }

// alloc returns a zero record.
func (s *slab[T, P]) alloc() handle {
	s.n++
	if h := s.free; h != 0 {
		r := s.at(h)
		s.free = P(r).lk().next
		var zero T
		*r = zero
		return h
	}
	if s.used == 0 {
		s.used = 1 // the zero handle is none
	}
	if int(s.used) >= len(s.chunks)*slabChunk {
		s.chunks = append(s.chunks, new([slabChunk]T))
	}
	h := s.used
	s.used++
	return h
}

// release frees record h, which is in no order.
func (s *slab[T, P]) release(h handle) {
	r := s.at(h)
	var zero T
	*r = zero
	P(r).lk().next = s.free
	s.free = h
	s.n--
}

// next is the record after h in its order, 0 at the end.
func (s *slab[T, P]) next(h handle) handle { return P(s.at(h)).lk().next }

func (s *slab[T, P]) pushBack(l *order, h handle) {
	lk := P(s.at(h)).lk()
	*lk = links{prev: l.tail, in: true}
	if l.tail != 0 {
		P(s.at(l.tail)).lk().next = h
	} else {
		l.head = h
	}
	l.tail = h
}

// remove takes h out of l; a record in no order stays out.
func (s *slab[T, P]) remove(l *order, h handle) {
	lk := P(s.at(h)).lk()
	if !lk.in {
		return
	}
	if lk.prev != 0 {
		P(s.at(lk.prev)).lk().next = lk.next
	} else {
		l.head = lk.next
	}
	if lk.next != 0 {
		P(s.at(lk.next)).lk().prev = lk.prev
	} else {
		l.tail = lk.prev
	}
	*lk = links{}
}

func (s *slab[T, P]) moveToBack(l *order, h handle) {
	if l.tail == h {
		return
	}
	s.remove(l, h)
	s.pushBack(l, h)
}
