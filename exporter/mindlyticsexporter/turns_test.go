package mindlyticsexporter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/delivery"
)

// Shares handed in out of order, from many goroutines, go out in each
// slot in request order, several requests' and slots' shares in one send
// when they wait together; a skipped request holds nothing back.
func TestTurnsSendEachSlotInRequestOrder(t *testing.T) {
	const slots, requests = 3, 60
	var mu sync.Mutex
	sent := make([][]string, slots) // per slot, the events in the order sent
	sends := 0
	tr := newTurns(slots, delivery.Limits{MaxEvents: 8, MaxBytes: 1 << 20}, func(events []json.RawMessage) (int, error) {
		time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond) // a service of uneven latency
		mu.Lock()
		defer mu.Unlock()
		sends++
		for _, ev := range events {
			var p int
			_, err := fmt.Sscanf(string(ev), `"p%d`, &p)
			require.NoError(t, err)
			sent[p] = append(sent[p], string(ev))
		}
		return len(events), nil
	})
	seqs := make([]uint64, requests)
	for i := range seqs {
		seqs[i] = tr.take()
	}
	var wg sync.WaitGroup
	for _, i := range rand.Perm(requests) {
		if i%10 == 7 {
			tr.skip(seqs[i]) // refused by the queue: never pushed
			continue
		}
		for p := range slots {
			wg.Go(func() {
				events := []json.RawMessage{
					json.RawMessage(fmt.Sprintf(`"p%d r%03d a"`, p, i)), json.RawMessage(fmt.Sprintf(`"p%d r%03d b"`, p, i)),
				}
				assert.NoError(t, submitOne(tr, seqs[i], p, events))
			})
		}
	}
	wg.Wait()
	for p := range slots {
		var want []string
		for i := range requests {
			if i%10 != 7 {
				want = append(want, fmt.Sprintf(`"p%d r%03d a"`, p, i), fmt.Sprintf(`"p%d r%03d b"`, p, i))
			}
		}
		assert.Equal(t, want, sent[p], "slot %d", p)
	}
	shares := slots * (requests - requests/10)
	assert.Less(t, sends, shares, "waiting shares go out together")
	t.Logf("%d shares in %d sends", shares, sends)
}

// A request that fits one request to the service waits for every slot's
// turn and holds them all while it is sent.
func TestTurnsWholeRequestWaitsForEverySlot(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	var order []string
	tr := newTurns(2, delivery.Limits{MaxEvents: 10, MaxBytes: 1 << 20}, func(events []json.RawMessage) (int, error) {
		<-release
		mu.Lock()
		order = append(order, string(events[0]))
		mu.Unlock()
		return len(events), nil
	})
	first, second := tr.take(), tr.take()
	firstDone := make(chan error, 1)
	go func() { firstDone <- submitOne(tr, first, 1, []json.RawMessage{json.RawMessage(`"first"`)}) }()
	tr.done(first, []int{0}) // the first request had nothing in slot 0
	waited := make(chan error, 1)
	go func() {
		err := tr.wait(t.Context(), second, nil)
		mu.Lock()
		order = append(order, "second")
		mu.Unlock()
		waited <- err
	}()
	select {
	case <-waited:
		t.Fatal("the second request went before the first finished slot 1")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	require.NoError(t, <-firstDone)
	require.NoError(t, <-waited)
	tr.done(second, nil)
	assert.Equal(t, []string{`"first"`, "second"}, order)
}

// A push whose slots are all free goes out as one request when it fits
// the bounds, and as few as the bounds allow when it does not, each slot
// whole in one of them.
func TestTurnsPushGoesOutInFewRequests(t *testing.T) {
	const slots = 16
	var mu sync.Mutex
	var sizes []int
	tr := newTurns(slots, delivery.Limits{MaxEvents: 20, MaxBytes: 1 << 20}, func(events []json.RawMessage) (int, error) {
		mu.Lock()
		sizes = append(sizes, len(events))
		mu.Unlock()
		return len(events), nil
	})
	push := func(perSlot int) {
		var sent sync.WaitGroup
		seq := tr.take()
		shares := make([]share, slots)
		for p := range shares {
			if p%4 == 3 {
				continue // no session of the push in this slot
			}
			for i := range perSlot {
				shares[p].events = append(shares[p].events, json.RawMessage(fmt.Sprintf(`"p%d e%d"`, p, i)))
			}
			shares[p].seq, shares[p].sent = seq, &sent
			sent.Add(1)
		}
		tr.handIn(seq, shares)
		sent.Wait()
	}
	push(1) // 12 events
	push(3) // 36 events: 6 slots of 3 a request
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []int{12, 18, 18}, sizes)
}

// While a slot's request is out, the other slots' later shares go out
// beside it, and the slot's own wait for it.
func TestTurnsSlowSlotHoldsBackOnlyItsSessions(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	var order []string
	slowOut := make(chan struct{})
	tr := newTurns(2, delivery.Limits{MaxEvents: 10, MaxBytes: 1 << 20}, func(events []json.RawMessage) (int, error) {
		if string(events[0]) == `"slow"` {
			close(slowOut)
			<-release
		}
		mu.Lock()
		for _, ev := range events {
			order = append(order, string(ev))
		}
		mu.Unlock()
		return len(events), nil
	})
	first, second := tr.take(), tr.take()
	firstDone := make(chan error, 1)
	go func() { firstDone <- submitOne(tr, first, 0, []json.RawMessage{json.RawMessage(`"slow"`)}) }()
	<-slowOut // out in a request, which waits
	tr.done(first, []int{1})
	var sent sync.WaitGroup
	shares := []share{
		{seq: second, events: []json.RawMessage{json.RawMessage(`"after slow"`)}, sent: &sent},
		{seq: second, events: []json.RawMessage{json.RawMessage(`"other"`)}, sent: &sent},
	}
	sent.Add(2)
	tr.handIn(second, shares)
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(order) == 1
	}, time.Second, time.Millisecond, "slot 1 went while slot 0 was out")
	close(release)
	sent.Wait()
	require.NoError(t, <-firstDone)
	assert.Equal(t, []string{`"other"`, `"slow"`, `"after slow"`}, order)
}

// submitOne hands in request seq's events of slot p alone (the other
// slots of seq handed in, or finished, apart) and returns once they are
// sent, with what the sending returned.
func submitOne(t *turns, seq uint64, p int, events []json.RawMessage) error {
	var sent sync.WaitGroup
	sh := share{seq: seq, events: events, sent: &sent}
	sent.Add(1)
	t.mu.Lock()
	t.shares[p][seq] = &sh
	t.start(t.dispatch(nil))
	t.mu.Unlock()
	sent.Wait()
	return sh.err
}

// A request of several shares that fails after the service took the
// events of the first gives the error to the others only.
func TestTurnsErrorOnlyToSharesNotSettled(t *testing.T) {
	failed := errors.New("the service went away")
	tr := newTurns(3, delivery.Limits{MaxEvents: 10, MaxBytes: 1 << 20}, func(events []json.RawMessage) (int, error) {
		return 3, failed // settled: slot 0's two events and the first of slot 1's
	})
	var sent sync.WaitGroup
	seq := tr.take()
	shares := []share{
		{seq: seq, events: []json.RawMessage{json.RawMessage(`"a"`), json.RawMessage(`"b"`)}, sent: &sent},
		{seq: seq, events: []json.RawMessage{json.RawMessage(`"c"`), json.RawMessage(`"d"`)}, sent: &sent},
		{seq: seq, events: []json.RawMessage{json.RawMessage(`"e"`)}, sent: &sent},
	}
	sent.Add(3)
	tr.handIn(seq, shares)
	sent.Wait()
	assert.NoError(t, shares[0].err)
	assert.ErrorIs(t, shares[1].err, failed)
	assert.ErrorIs(t, shares[2].err, failed)
}

// deliverSettling counts what the service took before it failed, over
// the delivery's requests: the turns give the error past that only.
func TestDeliverSettlingCountsTheSettledPrefix(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.ClientConfig.Endpoint, cfg.APIKey, cfg.ProjectID = "http://127.0.0.1:1", "k", "p"
	cfg.RetryConfig.Enabled = false
	c := newTestCore(t, cfg)
	failed := errors.New("the service went away")
	requests := 0
	sender := delivery.SendFunc(func(_ context.Context, events []json.RawMessage) error {
		if requests++; requests > 2 {
			return failed
		}
		return nil
	})
	events := make([]json.RawMessage, 10)
	for i := range events {
		events[i] = json.RawMessage(fmt.Sprintf(`{"type":"track","event":"e%d","session_id":"s","user_id":"u"}`, i))
	}
	settled, err := c.deliverSettling(t.Context(), sender, events, delivery.Limits{MaxEvents: 3, MaxBytes: 1 << 20})
	require.ErrorIs(t, err, failed)
	assert.Equal(t, 6, settled, "two requests of three went out before the failure")
}

// Shares join while their joined body, one pair of brackets and a comma
// between events, fits max_request_bytes exactly, as delivery counts it.
func TestTurnsJoinSharesToTheExactByteBound(t *testing.T) {
	a, b, c := json.RawMessage(`"aaaa"`), json.RawMessage(`"bbbb"`), json.RawMessage(`"cccc"`)
	joined := delivery.RequestSize([]json.RawMessage{a, b}) // ["aaaa","bbbb"]
	var mu sync.Mutex
	var sizes []int
	tr := newTurns(3, delivery.Limits{MaxEvents: 10, MaxBytes: joined}, func(events []json.RawMessage) (int, error) {
		mu.Lock()
		sizes = append(sizes, len(events))
		mu.Unlock()
		return len(events), nil
	})
	var sent sync.WaitGroup
	seq := tr.take()
	shares := []share{
		{seq: seq, events: []json.RawMessage{a}, sent: &sent},
		{seq: seq, events: []json.RawMessage{b}, sent: &sent},
		{seq: seq, events: []json.RawMessage{c}, sent: &sent},
	}
	sent.Add(3)
	tr.handIn(seq, shares)
	sent.Wait()
	mu.Lock()
	defer mu.Unlock()
	assert.ElementsMatch(t, []int{2, 1}, sizes, "a and b in one request, c in another (the two go side by side)")
}
