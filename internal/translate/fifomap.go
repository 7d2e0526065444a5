package translate

// fifoMap is a map bounded to max entries: adding one more forgets the
// oldest. Callers hold the Translator's lock.
type fifoMap[K comparable, V any] struct {
	max  int
	m    map[K]V
	ring []K // insertion order; ring[next] is the oldest once full
	next int
}

func newFIFOMap[K comparable, V any](max int) fifoMap[K, V] { return fifoMap[K, V]{max: max} }

// put adds or replaces k's value; a new key may forget the oldest one.
func (f *fifoMap[K, V]) put(k K, v V) {
	if f.m == nil {
		f.m = make(map[K]V)
	}
	if _, ok := f.m[k]; ok {
		f.m[k] = v
		return
	}
	if len(f.ring) < f.max {
		f.ring = append(f.ring, k)
	} else {
		delete(f.m, f.ring[f.next])
		f.ring[f.next] = k
		f.next = (f.next + 1) % f.max
	}
	f.m[k] = v
}

// get returns k's value.
func (f *fifoMap[K, V]) get(k K) (V, bool) {
	v, ok := f.m[k]
	return v, ok
}

// delete forgets k. Its place in the ring stays until it comes round: the
// bound counts it until then.
func (f *fifoMap[K, V]) delete(k K) { delete(f.m, k) }
