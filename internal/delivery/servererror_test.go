package delivery

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// poisonService answers 500 to any request holding a "poison" event and
// counts its requests.
type poisonService struct {
	requests [][]string
	landed   []string
}

func (p *poisonService) SendBatch(_ context.Context, events []json.RawMessage) error {
	var req []string
	poisoned := false
	for _, ev := range events {
		req = append(req, string(ev))
		poisoned = poisoned || strings.Contains(string(ev), "poison")
	}
	p.requests = append(p.requests, req)
	if poisoned {
		return &mindlytics.APIError{StatusCode: http.StatusInternalServerError, Message: "internal error"}
	}
	p.landed = append(p.landed, req...)
	return nil
}

func TestAPoisonEventIsTriedAFewTimesThenIsolated(t *testing.T) {
	p := &poisonService{}
	names := make([]string, 64)
	for i := range names {
		names[i] = "e" + string(rune('A'+i%26)) + string(rune('a'+i/26))
	}
	names[37] = "poison"
	evs := events(names...)
	var refused []int
	start := time.Now()
	settled, err := Deliver(context.Background(), p, evs, Limits{MaxEvents: 100, MaxBytes: 1 << 20},
		func(i int, err error) {
			refused = append(refused, i)
			assert.Equal(t, 500, StatusCode(err))
		})
	took := time.Since(start)
	require.NoError(t, err)
	assert.Equal(t, 64, settled)
	assert.Equal(t, []int{37}, refused, "the poison event is reported")
	want := make([]string, 0, 63)
	for i, ev := range evs {
		if i != 37 {
			want = append(want, string(ev))
		}
	}
	assert.Equal(t, want, p.landed, "its neighbours land, in order")
	// 7 ranges hold the poison event (64, 32, 16, 8, 4, 2, 1), each tried
	// ServerErrorAttempts times; 6 clean halves land at once.
	assert.Len(t, p.requests, 7*ServerErrorAttempts+6)
	assert.Less(t, took, 5*time.Second)
	t.Logf("a poison event among 64: %d requests, the lane moved on after %v", len(p.requests), took.Round(time.Millisecond))
}

func TestA500ThatPassesIsDeliveredWhole(t *testing.T) {
	calls := 0
	s := SendFunc(func(_ context.Context, b []json.RawMessage) error {
		calls++
		if calls < ServerErrorAttempts {
			return &mindlytics.APIError{StatusCode: http.StatusInternalServerError}
		}
		return nil
	})
	var refused int
	settled, err := Deliver(context.Background(), s, events("a", "b", "c"), Limits{MaxEvents: 10, MaxBytes: 1 << 10},
		func(int, error) { refused++ })
	require.NoError(t, err)
	assert.Equal(t, 3, settled)
	assert.Equal(t, ServerErrorAttempts, calls, "tried again, not split")
	assert.Zero(t, refused)
}

func TestA500StopsWaitingWhenTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	s := SendFunc(func(ctx context.Context, _ []json.RawMessage) error {
		calls++
		if err := ctx.Err(); err != nil {
			return err
		}
		cancel()
		return &mindlytics.APIError{StatusCode: http.StatusInternalServerError}
	})
	settled, err := Deliver(ctx, s, events("a", "b"), Limits{MaxEvents: 10, MaxBytes: 1 << 10},
		func(int, error) { t.Error("nothing is refused when the context ends") })
	require.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, settled)
}

// objectService takes one event per request once objects is set, as
// *mindlytics.Client does after it learned the service's body shape.
type objectService struct {
	poisonService
	objects atomic.Bool
}

func (o *objectService) SendsObjects() bool { return o.objects.Load() }

func TestDeliverSendsOneByOneOnceTheSenderSendsObjects(t *testing.T) {
	o := &objectService{}
	o.objects.Store(true)
	settled, err := Deliver(context.Background(), o, events("a", "b", "c"), Limits{MaxEvents: 10, MaxBytes: 1 << 10}, nil)
	require.NoError(t, err)
	assert.Equal(t, 3, settled)
	assert.Equal(t, [][]string{{`"a"`}, {`"b"`}, {`"c"`}}, o.requests)
}
