package openstate

// Slab holds records of type T, named by handle: no pointer between them
// (lists link by handle), so that a slab of pointer-free records is nothing
// for the garbage collector to mark, and a record costs no allocation of
// its own. The records are in chunks of a fixed size: a slab grows by a
// chunk, never copying what it holds, so a pointer to a record stays valid.
// Handle 0 is never used: the zero handle is none.
type Slab[T any] struct {
	chunks []*[slabChunk]slot[T]
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

// slot is a record with its links: its place in an order, or in the free
// chain while it is free. The slab keeps the links beside the record, not
// reached by a method of it: a method call on a type parameter is an
// indirect call, several a move in an order.
type slot[T any] struct {
	links Links
	rec   T
}

// Links are a record's place in an order. A record is in it when it has
// a previous one or is its head: no flag, so that the links and a record
// of 64 bytes fill 72, as they did in the record.
type Links struct{ prev, next Handle }

// Order is a doubly linked list of a slab's records, least recently moved
// to the back first.
type Order struct{ Head, tail Handle }

// At returns the record of h.
func (s *Slab[T]) At(h Handle) *T { return &s.slot(h).rec }

func (s *Slab[T]) slot(h Handle) *slot[T] { return &s.chunks[h>>slabChunkBits][h&(slabChunk-1)] }

func (s *Slab[T]) links(h Handle) *Links { return &s.slot(h).links }

// Alloc returns a zero record.
func (s *Slab[T]) Alloc() Handle {
	s.Len++
	if h := s.free; h != 0 {
		r := s.slot(h)
		s.free = r.links.next
		*r = slot[T]{}
		return h
	}
	if s.used == 0 {
		s.used = 1 // the zero handle is none
	}
	if int(s.used) >= len(s.chunks)*slabChunk {
		s.chunks = append(s.chunks, new([slabChunk]slot[T]))
	}
	h := s.used
	s.used++
	return h
}

// Release frees record h, which is in no order.
func (s *Slab[T]) Release(h Handle) {
	r := s.slot(h)
	*r = slot[T]{}
	r.links.next = s.free
	s.free = h
	s.Len--
}

// Next is the record after h in its order, 0 at the end.
func (s *Slab[T]) Next(h Handle) Handle { return s.links(h).next }

// PushBack puts h at the back of l.
func (s *Slab[T]) PushBack(l *Order, h Handle) {
	lk := s.links(h)
	*lk = Links{prev: l.tail}
	if l.tail != 0 {
		s.links(l.tail).next = h
	} else {
		l.Head = h
	}
	l.tail = h
}

// Remove takes h out of l; a record in no order stays out.
func (s *Slab[T]) Remove(l *Order, h Handle) {
	lk := s.links(h)
	if lk.prev == 0 && l.Head != h {
		return
	}
	if lk.prev != 0 {
		s.links(lk.prev).next = lk.next
	} else {
		l.Head = lk.next
	}
	if lk.next != 0 {
		s.links(lk.next).prev = lk.prev
	} else {
		l.tail = lk.prev
	}
	*lk = Links{}
}

// MoveToBack moves h, which is in l, to its back.
func (s *Slab[T]) MoveToBack(l *Order, h Handle) {
	if l.tail == h {
		return
	}
	s.Remove(l, h)
	s.PushBack(l, h)
}
