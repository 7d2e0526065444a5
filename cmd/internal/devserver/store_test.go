package devserver

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

func TestStoreReopens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	st, err := OpenStore(path)
	require.NoError(t, err)
	id := mindlytics.Identity{SessionID: "s", UserID: "u"}
	start, err := mindlytics.StartSession(id, nil)
	require.NoError(t, err)
	use, err := mindlytics.ConversationUsage(id, "c", mindlytics.Usage{Model: "gpt-4o", PromptTokens: 10, CompletionTokens: 2})
	require.NoError(t, err)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	origin := &Origin{TraceID: "t", SpanID: "sp", Name: "chat", Attributes: map[string]any{"k": "v"}}
	ctx := withIntake(context.Background(), intakeNote{origins: []*Origin{nil, origin}, warnings: []Warning{{Message: "w"}}})
	require.NoError(t, st.Append(ctx, mindlyticstest.Batch{Accepted: at, Events: []mindlytics.Event{start, use}}))
	require.NoError(t, st.note(intakeNote{warnings: []Warning{{Message: "only a warning"}}}))
	st.failNext = errors.New("disk full")
	require.Error(t, st.Append(context.Background(), mindlyticstest.Batch{Accepted: at, Events: []mindlytics.Event{start}}))
	require.NoError(t, st.Close())

	st, err = OpenStore(path)
	require.NoError(t, err)
	defer func() { require.NoError(t, st.Close()) }()
	entries, _ := st.Entries()
	require.Len(t, entries, 2, "the failed append left nothing")
	assert.Equal(t, uint64(1), entries[0].Seq)
	assert.Equal(t, origin, entries[0].Origins[1])
	assert.Nil(t, entries[0].Origins[0])
	assert.Equal(t, json.Number("10"), entries[0].Events[1].Properties["prompt_tokens"], "numbers as the wire decodes them")
	assert.Equal(t, "only a warning", entries[1].Warnings[0].Message)
	batches, err := st.Load()
	require.NoError(t, err)
	require.Len(t, batches, 1, "notes are no batches")
	assert.True(t, batches[0].Accepted.Equal(at))
}

func TestCostEstimate(t *testing.T) {
	tokens, cost, est := usageOf(mindlytics.Properties{"model": "gpt-4o-2024-08-06", "prompt_tokens": json.Number("1000000"), "completion_tokens": json.Number("0")})
	assert.EqualValues(t, 1000000, tokens)
	assert.InDelta(t, 2.5, cost, 1e-9)
	assert.True(t, est)
	_, cost, est = usageOf(mindlytics.Properties{"model": "gpt-4o-mini", "cost": json.Number("0.5")})
	assert.InDelta(t, 0.5, cost, 1e-9)
	assert.False(t, est, "a given cost wins")
	_, cost, _ = usageOf(mindlytics.Properties{"model": "unknown"})
	assert.Zero(t, cost)
}

// TestUnreadableRecordIsSkipped: a record the store cannot decode (a
// torn write, a newer version's, a value nested past the decoder's limit)
// is skipped and reported, never fatal, and new entries follow it.
func TestUnreadableRecordIsSkipped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	st, err := OpenStore(path)
	require.NoError(t, err)
	require.NoError(t, st.note(intakeNote{warnings: []Warning{{Message: "first"}}}))
	deep := strings.Repeat(`{"k":`, 10_001) + "1" + strings.Repeat("}", 10_001)
	require.NoError(t, st.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketEntries)
		if err := b.Put(binary.BigEndian.AppendUint64(nil, 2), []byte(`{"seq":2,"events":[`)); err != nil {
			return err
		}
		return b.Put(binary.BigEndian.AppendUint64(nil, 3), []byte(`{"seq":3,"warnings":[{"span":{"attributes":{"a":`+deep+`}}}]}`))
	}))
	require.NoError(t, st.Close())

	st, err = OpenStore(path)
	require.NoError(t, err, "an unreadable record is not fatal")
	require.Len(t, st.Skipped(), 2)
	assert.Contains(t, st.Skipped()[0], "entry 0000000000000002")
	require.NoError(t, st.note(intakeNote{warnings: []Warning{{Message: "after"}}}))
	entries, _ := st.Entries()
	require.Len(t, entries, 2)
	assert.Equal(t, uint64(4), entries[1].Seq, "new entries never overwrite a skipped one")
	require.NoError(t, st.Close())
	t.Logf("skipped: %v", st.Skipped())
}
