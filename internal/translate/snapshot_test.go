package translate

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSnapshotRestoreEmpty(t *testing.T) {
	tr, err := New(DefaultSettings())
	require.NoError(t, err)
	b, err := tr.Snapshot()
	require.NoError(t, err)
	other, err := New(DefaultSettings())
	require.NoError(t, err)
	require.NoError(t, other.Restore(b))
	assert.Zero(t, other.Stats().OpenSessions)
	assert.Error(t, other.Restore([]byte(`{"v":2}`)))
	assert.Error(t, other.Restore([]byte(`null`)))
	assert.Error(t, other.Restore([]byte(`{"v":1,"sessions":[{"id":"a"},{"id":"a"}]}`)))
	require.NoError(t, other.Restore([]byte(`{"v":1,"sessions":[{"id":"a","convs":[{"id":"c"}]}]}`)))
	assert.Equal(t, Stats{OpenSessions: 1, OpenConversations: 1}, other.Stats())
	assert.Error(t, other.Restore([]byte(`{"v":1,"sessions":[{"id":"b"}]}`)), "already has sessions")
}
