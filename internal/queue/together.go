package queue

import "encoding/json"

// flushTogether sends, for Flush, the events of every lane as one request
// when they fit in one and no lane has a request in flight, and sets
// targets to what Flush waits for. A flush of a light queue (a serverless
// handler's, at the end of each invocation) then costs one request where
// each lane would send its own small one. Order holds: a session lives in
// one lane, the lane has nothing in flight and lends all it holds, in
// order, and cuts nothing more until the shared request is settled. It
// returns false, having done nothing, when the lanes are not in that
// state; the lanes then flush one by one.
func (q *Queue) flushTogether(targets []int64) bool {
	if len(q.lanes) < 2 || !q.together.CompareAndSwap(false, true) {
		return false
	}
	for _, l := range q.lanes {
		l.mu.Lock()
	}
	events, size, idle := 0, 1, true
	for _, l := range q.lanes {
		idle = idle && !l.closed && l.cut == l.done
		events += l.n
		size += l.cost
	}
	if !idle || events < 2 || events > q.cfg.maxBatchEvents || size > q.cfg.maxBatchBytes {
		for _, l := range q.lanes {
			l.mu.Unlock()
		}
		q.together.Store(false)
		return false
	}
	batch := q.togetherBatch[:0]
	// counts is the goroutine's own: read after together is cleared, it
	// cannot be reused by the next flush.
	counts := make([]int, 0, len(q.lanes))
	for i, l := range q.lanes {
		targets[i] = l.appended
		n := len(batch)
		if l.n > 0 {
			batch = l.cutInto(batch, l.n, q.cfg.maxBatchBytes)
			l.lent = true
		}
		counts = append(counts, len(batch)-n)
		l.mu.Unlock()
	}
	q.togetherBatch = batch
	go q.deliverTogether(batch, counts)
	return true
}

// deliverTogether delivers the shared request of flushTogether, then gives
// each lane back what it lent.
func (q *Queue) deliverTogether(batch []json.RawMessage, counts []int) {
	q.deliver(batch)
	clear(batch)
	q.together.Store(false)
	for i, l := range q.lanes {
		if counts[i] > 0 {
			l.finish(counts[i]) // also recycles the chunks the batch read
		}
	}
}
