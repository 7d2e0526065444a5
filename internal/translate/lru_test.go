package translate

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

type lruItem struct {
	v  int
	lk lruLinks[lruItem]
}

func (i *lruItem) links() *lruLinks[lruItem] { return &i.lk }

func TestLRU(t *testing.T) {
	var l lru[lruItem, *lruItem]
	items := make([]*lruItem, 5)
	for i := range items {
		items[i] = &lruItem{v: i}
		l.pushBack(items[i])
	}
	order := func() []int {
		var out []int
		for x := l.front(); x != nil; x = l.next(x) {
			out = append(out, x.v)
		}
		return out
	}
	assert.Equal(t, []int{0, 1, 2, 3, 4}, order())
	l.moveToBack(items[0])
	l.moveToBack(items[2])
	l.moveToBack(items[2]) // already last
	assert.Equal(t, []int{1, 3, 4, 0, 2}, order())
	l.remove(items[1])
	l.remove(items[2])
	l.remove(items[2]) // not in the list any more
	assert.Equal(t, []int{3, 4, 0}, order())
	assert.Equal(t, 3, l.len())
	l.remove(items[4])
	assert.Equal(t, []int{3, 0}, order())
	l.pushBack(items[1])
	assert.Equal(t, []int{3, 0, 1}, order())
}
