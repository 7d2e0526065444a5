package translate

// lru is a doubly linked list of *T, least recently used first, whose
// elements carry their own links (lruLinks): no allocation per element, and
// one object fewer for the garbage collector to mark per open session,
// conversation or cached trace.
type lru[T any, P interface {
	*T
	links() *lruLinks[T]
}] struct {
	head, tail *T
	n          int
}

// lruLinks are an element's place in its lru.
type lruLinks[T any] struct {
	prev, next *T
	in         bool
}

func (l *lru[T, P]) front() *T { return l.head }

func (l *lru[T, P]) len() int { return l.n }

// next is the element after x, nil at the end.
func (l *lru[T, P]) next(x *T) *T { return P(x).links().next }

func (l *lru[T, P]) pushBack(x *T) {
	lk := P(x).links()
	*lk = lruLinks[T]{prev: l.tail, in: true}
	if l.tail != nil {
		P(l.tail).links().next = x
	} else {
		l.head = x
	}
	l.tail = x
	l.n++
}

// remove takes x out; an element not in the list stays out.
func (l *lru[T, P]) remove(x *T) {
	lk := P(x).links()
	if !lk.in {
		return
	}
	if lk.prev != nil {
		P(lk.prev).links().next = lk.next
	} else {
		l.head = lk.next
	}
	if lk.next != nil {
		P(lk.next).links().prev = lk.prev
	} else {
		l.tail = lk.prev
	}
	*lk = lruLinks[T]{}
	l.n--
}

func (l *lru[T, P]) moveToBack(x *T) {
	if l.tail == x {
		return
	}
	l.remove(x)
	l.pushBack(x)
}
