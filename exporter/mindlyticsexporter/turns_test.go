package mindlyticsexporter

import (
	"encoding/json"
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
// slot in request order, several requests' shares in one send when they
// wait together; a skipped request holds nothing back.
func TestTurnsSendEachSlotInRequestOrder(t *testing.T) {
	const slots, requests = 3, 60
	var mu sync.Mutex
	sent := make([][]string, slots) // per slot, the events in the order sent
	sends := 0
	tr := newTurns(slots, delivery.Limits{MaxEvents: 8, MaxBytes: 1 << 20}, func(events []json.RawMessage) error {
		time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond) // a service of uneven latency
		mu.Lock()
		defer mu.Unlock()
		sends++
		var p int
		_, err := fmt.Sscanf(string(events[0]), `"p%d`, &p)
		require.NoError(t, err)
		for _, ev := range events {
			sent[p] = append(sent[p], string(ev))
		}
		return nil
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
				assert.NoError(t, tr.submit(seqs[i], p, events))
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
	tr := newTurns(2, delivery.Limits{MaxEvents: 10, MaxBytes: 1 << 20}, func(events []json.RawMessage) error {
		<-release
		mu.Lock()
		order = append(order, string(events[0]))
		mu.Unlock()
		return nil
	})
	first, second := tr.take(), tr.take()
	firstDone := make(chan error, 1)
	go func() { firstDone <- tr.submit(first, 1, []json.RawMessage{json.RawMessage(`"first"`)}) }()
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
