package mindlyticsexporter

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/mindlytics/mindlytics-otel/internal/delivery"
)

// turns orders the pushes of an in-memory sending queue that exporterhelper
// hands to several consumers at once (pipelined), so that delivery keeps
// pace with the translation without a session's events overtaking each
// other. Each request gets a sequence number when it is queued (in queue
// order: enqueue holds core.mu); its events are split over slots by
// session (delivery.EncodedSessionKey mod the number of slots), and a slot
// of a request is sent only once every earlier request has finished that
// slot. The slots of different requests go out side by side: a slow
// request holds back only the sessions of its slow slot, not every slot of
// the next request, as the one consumer did. A request the queue never
// takes (refused when full) is skipped.
//
// A slot's share of a request is handed in (submit) and sent by whichever
// goroutine leads the slot at the time, together with the shares of the
// requests after it that are already waiting (up to the request bounds):
// under load each slot sends full requests back to back rather than one
// small request per share.
type turns struct {
	mu    sync.Mutex
	next  uint64            // the number of the next request; the first is 1
	turn  []uint64          // per slot: the request whose turn it is
	ahead []map[uint64]bool // per slot: requests done out of turn (skipped), to pass when their turn comes
	moved chan struct{}     // closed, and replaced, when a turn moves
	// shares are the submitted shares waiting for their turn, per slot;
	// leading is set while a goroutine sends a slot's shares.
	shares  []map[uint64]*share
	leading []bool
	// send delivers the events of shares taken together, and returns
	// what each of them gets.
	send func(events []json.RawMessage) error
	lim  delivery.Limits
}

// share is one request's events in one slot. Its pusher adds one to
// sent before handing it in (handIn); the leader sets err and calls
// sent.Done once the events are sent. A push's shares wait on one
// WaitGroup (the pushing goroutine's own, no channel or goroutine a
// share).
type share struct {
	seq    uint64
	events []json.RawMessage
	err    error
	sent   *sync.WaitGroup
}

func newTurns(slots int, lim delivery.Limits, send func([]json.RawMessage) error) *turns {
	t := &turns{next: 1, turn: make([]uint64, slots), ahead: make([]map[uint64]bool, slots), moved: make(chan struct{}),
		shares: make([]map[uint64]*share, slots), leading: make([]bool, slots), send: send, lim: lim}
	for p := range t.turn {
		t.turn[p] = 1
		t.ahead[p] = map[uint64]bool{}
		t.shares[p] = map[uint64]*share{}
	}
	return t
}

// submit hands in request seq's events of slot p and returns once they
// are sent, with what the sending returned.
func (t *turns) submit(seq uint64, p int, events []json.RawMessage) error {
	var sent sync.WaitGroup
	sh := share{seq: seq, events: events, sent: &sent}
	sent.Add(1)
	t.handIn(p, &sh)
	sent.Wait()
	return sh.err
}

// handIn hands in sh, its request's events of slot p, to be sent in
// turn; sh.sent is Done when they are (sh.err set).
func (t *turns) handIn(p int, sh *share) {
	t.mu.Lock()
	t.shares[p][sh.seq] = sh
	t.kick(p)
	t.mu.Unlock()
}

// kick starts a leader for slot p when the share whose turn it is waits
// and none leads; t.mu is held.
func (t *turns) kick(p int) {
	if !t.leading[p] && t.shares[p][t.turn[p]] != nil {
		t.leading[p] = true
		goPartition(func() { t.lead(p) }) // on a goroutine whose stack grew already (partworkers.go)
	}
}

// lead sends slot p's waiting shares in turn, each request taking as many
// consecutive shares as fit, until the share whose turn it is has not
// been submitted yet.
func (t *turns) lead(p int) {
	var batch []*share
	var events []json.RawMessage
	t.mu.Lock()
	for {
		batch, events = batch[:0], events[:0]
		size := 1
		for seq := t.turn[p]; ; seq++ {
			sh := t.shares[p][seq]
			if sh == nil {
				break
			}
			n := delivery.RequestSize(sh.events)
			if len(batch) > 0 && (len(events)+len(sh.events) > t.lim.MaxEvents || size+n > t.lim.MaxBytes) {
				break
			}
			delete(t.shares[p], seq)
			batch = append(batch, sh)
			events = append(events, sh.events...)
			size += n
		}
		if len(batch) == 0 {
			t.leading[p] = false
			t.mu.Unlock()
			return
		}
		t.mu.Unlock()
		err := t.send(events)
		clear(events)
		t.mu.Lock()
		for _, sh := range batch {
			t.pass(p, sh.seq)
			sh.err = err
			sh.sent.Done() // sh may be reused from here on
		}
		t.wake()
	}
}

// slots is how many slots the sessions are spread over.
func (t *turns) slots() int { return len(t.turn) }

// take numbers the next request; call it in queue order.
func (t *turns) take() uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	seq := t.next
	t.next++
	return seq
}

// skip marks seq as never to be pushed (the queue refused it): every slot
// passes it.
func (t *turns) skip(seq uint64) {
	t.done(seq, nil)
}

// wait returns once it is seq's turn in every slot of slots (nil: all),
// or ctx's error.
func (t *turns) wait(ctx context.Context, seq uint64, slots []int) error {
	for {
		t.mu.Lock()
		ready := true
		t.each(slots, func(p int) { ready = ready && t.turn[p] == seq })
		moved := t.moved
		t.mu.Unlock()
		if ready {
			return nil
		}
		select {
		case <-moved:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// done finishes seq in slots (nil: all); the slots' turns pass to the
// next request, or, when seq finished out of turn, once its turn comes.
func (t *turns) done(seq uint64, slots []int) {
	t.mu.Lock()
	t.each(slots, func(p int) {
		if t.pass(p, seq) {
			t.kick(p)
		}
	})
	t.wake()
	t.mu.Unlock()
}

// pass finishes seq in slot p and says whether the turn moved; t.mu is held.
func (t *turns) pass(p int, seq uint64) bool {
	if t.turn[p] != seq {
		t.ahead[p][seq] = true
		return false
	}
	t.turn[p]++
	for t.ahead[p][t.turn[p]] {
		delete(t.ahead[p], t.turn[p])
		t.turn[p]++
	}
	return true
}

// wake tells the goroutines waiting in wait that turns moved; t.mu is held.
func (t *turns) wake() {
	close(t.moved)
	t.moved = make(chan struct{})
}

func (t *turns) each(slots []int, f func(p int)) {
	if slots == nil {
		for p := range t.turn {
			f(p)
		}
		return
	}
	for _, p := range slots {
		f(p)
	}
}
