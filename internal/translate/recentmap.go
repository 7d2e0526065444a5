package translate

// recentMap remembers the last entries put, about max of them: entries go
// into the current generation, and when it holds max/2 it becomes the
// previous one and the one before is forgotten. Against a map with an
// eviction ring, a put is one map insert (no delete, no ring), and the
// memory is at most max entries. Callers hold the Translator's lock.
type recentMap[K comparable, V any] struct {
	max       int
	cur, prev map[K]V
}

func newRecentMap[K comparable, V any](max int) recentMap[K, V] {
	return recentMap[K, V]{max: max}
}

// put adds or replaces k's value.
func (m *recentMap[K, V]) put(k K, v V) {
	if m.cur == nil || len(m.cur) >= m.max/2 {
		// The generation forgotten lends its room to the next: a map
		// cleared keeps its size, so a rotation allocates nothing.
		next := m.prev
		if next == nil {
			next = make(map[K]V, m.max/2)
		}
		clear(next)
		m.prev, m.cur = m.cur, next
	}
	m.cur[k] = v
}

// get returns k's value.
func (m *recentMap[K, V]) get(k K) (V, bool) {
	if v, ok := m.cur[k]; ok {
		return v, true
	}
	v, ok := m.prev[k]
	return v, ok
}

// delete forgets k.
func (m *recentMap[K, V]) delete(k K) {
	delete(m.cur, k)
	delete(m.prev, k)
}

// empty says whether nothing is remembered.
func (m *recentMap[K, V]) empty() bool { return len(m.cur) == 0 && len(m.prev) == 0 }
