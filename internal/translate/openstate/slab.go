package openstate

// Slab holds records of type T, named by handle: no pointer between them
// (lists link by handle), so that a slab of pointer-free records is nothing
// for the garbage collector to mark, and a record costs no allocation of
// its own. The records are in chunks of a fixed size: a slab grows by a
// chunk, never copying what it holds, so a pointer to a record stays valid.
// Handle 0 is never used: the zero handle is none.
type Slab[T any, P Linked[T]] struct {
	chunks []*[slabChunk]T
	used   Handle // records handed out so far, slot 0 included
	free   Handle // the first free record, the others chained by links.next
	Len    int    // records in use
}

// slabChunk is the records of a chunk: small enough for a translator
// with a few sessions, large enough that 100,000 of them are a few hundred
// chunks.
const (
	slabChunkBits = 8
	slabChunk     = 1 << slabChunkBits
)

// Handle names a record of a slab; 0 is none.
type Handle int32

// Linked is a record with its links: its place in an order, or in the free
// chain while it is free.
type Linked[T any] interface {
	*T
	Links() *Links
}

// Links are a record's place in an order.
type Links struct {
	prev, next Handle
	in         bool
}

// Order is a doubly Linked list of a slab's records, least recently moved
// to the back first.
type Order struct{ Head, tail Handle }

// At returns the record of h.
func (s *Slab[T, P]) At(h Handle) *T { return &s.chunks[h>>slabChunkBits][h&(slabChunk-1)] }

// Alloc returns a zero record.
func (s *Slab[T, P]) Alloc() Handle {
	s.Len++
	if h := s.free; h != 0 {
		r := s.At(h)
		s.free = P(r).Links().next
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

// Release frees record h, which is in no order.
func (s *Slab[T, P]) Release(h Handle) {
	r := s.At(h)
	var zero T
	*r = zero
	P(r).Links().next = s.free
	s.free = h
	s.Len--
}

// Next is the record after h in its order, 0 at the end.
func (s *Slab[T, P]) Next(h Handle) Handle { return P(s.At(h)).Links().next }

// PushBack puts h at the back of l.
func (s *Slab[T, P]) PushBack(l *Order, h Handle) {
	lk := P(s.At(h)).Links()
	*lk = Links{prev: l.tail, in: true}
	if l.tail != 0 {
		P(s.At(l.tail)).Links().next = h
	} else {
		l.Head = h
	}
	l.tail = h
}

// Remove takes h out of l; a record in no order stays out.
func (s *Slab[T, P]) Remove(l *Order, h Handle) {
	lk := P(s.At(h)).Links()
	if !lk.in {
		return
	}
	if lk.prev != 0 {
		P(s.At(lk.prev)).Links().next = lk.next
	} else {
		l.Head = lk.next
	}
	if lk.next != 0 {
		P(s.At(lk.next)).Links().prev = lk.prev
	} else {
		l.tail = lk.prev
	}
	*lk = Links{}
}

// MoveToBack moves h, which is in l, to its back.
func (s *Slab[T, P]) MoveToBack(l *Order, h Handle) {
	if l.tail == h {
		return
	}
	s.Remove(l, h)
	s.PushBack(l, h)
}
