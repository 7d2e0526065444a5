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
// slot. A request the queue never takes (refused when full) is skipped.
//
// The shares of a push are handed in together (handIn) and sent by
// dispatch: the shares whose turn it is, in every slot, go out in as few
// requests to the service as the request bounds allow, each slot's
// waiting shares of later requests taken along. A slot is in one request
// at a time, so its shares leave in order. When the service keeps up, a
// push goes out as one or two full requests rather than a small one per
// slot (each request costs the client about as much as the translation
// of a hundred spans); when it lags, the slots whose requests are still
// out wait while the others go on, and the requests grow with what waits.
type turns struct {
	mu    sync.Mutex
	next  uint64            // the number of the next request; the first is 1
	turn  []uint64          // per slot: the request whose turn it is
	ahead []map[uint64]bool // per slot: requests done out of turn (skipped), to pass when their turn comes
	moved chan struct{}     // closed, and replaced, when a turn moves
	// shares are the handed-in shares not yet sent, per slot. The share
	// whose turn it is leaves the map when it goes out, and the turn
	// moves when it is sent: a slot is in one request at a time.
	shares []map[uint64]*share
	// send delivers the events of shares taken together, and returns how
	// many of them, from the first, were settled, and the error of the
	// rest: a share wholly among the settled ones gets no error.
	send func(events []json.RawMessage) (settled int, err error)
	lim  delivery.Limits
}

// share is one request's events in one slot. Its pusher adds one to
// sent before handing it in (handIn); the request that carries it sets
// err and calls sent.Done once the events are sent. A push's shares wait
// on one WaitGroup (the pushing goroutine's own, no channel or goroutine
// a share).
type share struct {
	seq    uint64
	events []json.RawMessage
	err    error
	sent   *sync.WaitGroup
}

// outgoing is one request to the service that dispatch made: shares of
// one or more slots, each slot's in request order.
type outgoing struct {
	shares []*share
	slots  []int // the slot of each share
	events []json.RawMessage
	size   int // delivery.RequestSize of events, kept as shares join
}

var outgoings = sync.Pool{New: func() any { return new(outgoing) }}

func newTurns(slots int, lim delivery.Limits, send func([]json.RawMessage) (int, error)) *turns {
	t := &turns{next: 1, turn: make([]uint64, slots), ahead: make([]map[uint64]bool, slots), moved: make(chan struct{}),
		shares: make([]map[uint64]*share, slots), send: send, lim: lim}
	for p := range t.turn {
		t.turn[p] = 1
		t.ahead[p] = map[uint64]bool{}
		t.shares[p] = map[uint64]*share{}
	}
	return t
}

// handIn hands in request seq's shares, one per slot (shares[p] is slot
// p's): a share with events is sent in turn, its sent Done once it is
// (err set); a slot without events is finished at once.
func (t *turns) handIn(seq uint64, shares []share) {
	t.mu.Lock()
	moved := false
	for p := range shares {
		if sh := &shares[p]; len(sh.events) > 0 {
			t.shares[p][seq] = sh
		} else if t.pass(p, seq) {
			moved = true
		}
	}
	if moved {
		t.wake()
	}
	t.start(t.dispatch(nil))
	t.mu.Unlock()
}

// dispatch takes the shares whose turn it is, with the waiting shares
// after them in their slots, into requests up to the request bounds, and
// appends them to out; t.mu is held. A slot's shares go into one request;
// a share alone beyond the bounds is a request of its own, which the
// delivery splits.
func (t *turns) dispatch(out []*outgoing) []*outgoing {
	var o *outgoing
	for p := range t.turn {
		seq := t.turn[p]
		sh := t.shares[p][seq]
		if sh == nil {
			continue // not handed in yet, or out in a request
		}
		n := delivery.RequestSize(sh.events)
		if o != nil && !t.fits(o, sh, n) {
			out, o = append(out, o), nil
		}
		if o == nil {
			o = outgoings.Get().(*outgoing)
		}
		for len(o.shares) == 0 || t.fits(o, sh, n) {
			delete(t.shares[p], seq)
			o.add(p, sh, n)
			seq++
			if sh = t.shares[p][seq]; sh == nil {
				break
			}
			n = delivery.RequestSize(sh.events)
		}
	}
	if o != nil {
		out = append(out, o)
	}
	return out
}

// fits says whether sh, of body size n, can join o within the request
// bounds: the joined body has one pair of brackets and a comma between.
func (t *turns) fits(o *outgoing, sh *share, n int) bool {
	return len(o.events)+len(sh.events) <= t.lim.MaxEvents && o.size+n-1 <= t.lim.MaxBytes
}

// add joins sh, slot p's share of body size n, to o.
func (o *outgoing) add(p int, sh *share, n int) {
	if len(o.shares) > 0 {
		n-- // one pair of brackets for both, and a comma
	}
	o.shares = append(o.shares, sh)
	o.slots = append(o.slots, p)
	o.events = append(o.events, sh.events...)
	o.size += n
}

// start sends each of outs on a partition goroutine (kept from one
// request to the next: partworkers.go); t.mu is held.
func (t *turns) start(outs []*outgoing) {
	for _, o := range outs {
		goPartition(func() { t.run(o) })
	}
}

// run sends o, settles its shares, and goes on with a request that the
// turns it moved made ready, starting the others beside it.
func (t *turns) run(o *outgoing) {
	var next []*outgoing
	for o != nil {
		settled, err := t.send(o.events)
		t.mu.Lock()
		end := 0 // the end of sh's events in o.events
		for i, sh := range o.shares {
			t.pass(o.slots[i], sh.seq)
			if end += len(sh.events); err != nil && end > settled {
				sh.err = err
			}
			sh.sent.Done() // sh may be reused from here on
		}
		t.wake()
		o.release()
		next = t.dispatch(next[:0])
		o = nil
		if len(next) > 0 {
			o = next[0]
			t.start(next[1:])
		}
		t.mu.Unlock()
		clear(next)
	}
}

// release returns o, emptied, to the pool.
func (o *outgoing) release() {
	clear(o.shares)
	clear(o.events)
	o.shares, o.slots, o.events, o.size = o.shares[:0], o.slots[:0], o.events[:0], 0
	outgoings.Put(o)
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
	t.each(slots, func(p int) { t.pass(p, seq) })
	t.wake()
	t.start(t.dispatch(nil))
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
