package translate

// slab holds records of type T in a slice, named by handle: no pointer
// between them (lists link by handle), so that a slab of pointer-free
// records is nothing for the garbage collector to mark, and a record costs
// no allocation of its own. Handle 0 is never used: the zero handle is
// none. A pointer to a record holds until the next alloc.
type slab[T any, P linked[T]] struct {
	recs []T
	free handle // the first free record, the others chained by links.next
	n    int    // records in use
}

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

func (s *slab[T, P]) at(h handle) *T { return &s.recs[h] }

// alloc returns a zero record.
func (s *slab[T, P]) alloc() handle {
	s.n++
	if h := s.free; h != 0 {
		s.free = P(&s.recs[h]).lk().next
		var zero T
		s.recs[h] = zero
		return h
	}
	if len(s.recs) == 0 {
		s.recs = make([]T, 1, 16)
	}
	var zero T
	s.recs = append(s.recs, zero)
	return handle(len(s.recs) - 1)
}

// release frees record h, which is in no order.
func (s *slab[T, P]) release(h handle) {
	var zero T
	s.recs[h] = zero
	P(&s.recs[h]).lk().next = s.free
	s.free = h
	s.n--
}

// next is the record after h in its order, 0 at the end.
func (s *slab[T, P]) next(h handle) handle { return P(&s.recs[h]).lk().next }

func (s *slab[T, P]) pushBack(l *order, h handle) {
	lk := P(&s.recs[h]).lk()
	*lk = links{prev: l.tail, in: true}
	if l.tail != 0 {
		P(&s.recs[l.tail]).lk().next = h
	} else {
		l.head = h
	}
	l.tail = h
}

// remove takes h out of l; a record in no order stays out.
func (s *slab[T, P]) remove(l *order, h handle) {
	lk := P(&s.recs[h]).lk()
	if !lk.in {
		return
	}
	if lk.prev != 0 {
		P(&s.recs[lk.prev]).lk().next = lk.next
	} else {
		l.head = lk.next
	}
	if lk.next != 0 {
		P(&s.recs[lk.next]).lk().prev = lk.prev
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
