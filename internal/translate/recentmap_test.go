package translate

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRecentMapKeepsTheLastEntriesBounded(t *testing.T) {
	m := newRecentMap[int, int](10)
	for i := range 100 {
		m.put(i, i*i)
		assert.LessOrEqual(t, len(m.cur)+len(m.prev), 10, "bounded")
	}
	for i := 95; i < 100; i++ {
		v, ok := m.get(i)
		assert.True(t, ok, "the last %d entries are kept", 5)
		assert.Equal(t, i*i, v)
	}
	_, ok := m.get(80)
	assert.False(t, ok, "an old one is gone")
	m.put(99, 1)
	v, _ := m.get(99)
	assert.Equal(t, 1, v, "a put replaces")
	m.delete(99)
	_, ok = m.get(99)
	assert.False(t, ok)
}
