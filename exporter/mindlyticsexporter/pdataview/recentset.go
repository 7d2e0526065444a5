package pdataview

import "container/list"

// recentSet is a set of strings that keeps the max most recently added.
type recentSet struct {
	max   int
	index map[string]*list.Element
	lru   list.List // of string, least recent first
}

func newRecentSet(max int) recentSet {
	return recentSet{max: max, index: make(map[string]*list.Element)}
}

func (s *recentSet) add(k string) {
	if el, ok := s.index[k]; ok {
		s.lru.MoveToBack(el)
		return
	}
	if len(s.index) >= s.max {
		delete(s.index, s.lru.Remove(s.lru.Front()).(string))
	}
	s.index[k] = s.lru.PushBack(k)
}

func (s *recentSet) remove(k string) {
	if el, ok := s.index[k]; ok {
		s.lru.Remove(el)
		delete(s.index, k)
	}
}

func (s *recentSet) has(k string) bool {
	_, ok := s.index[k]
	return ok
}

func (s *recentSet) len() int { return len(s.index) }
