package mindlyticsexporter

import (
	"sync/atomic"
	"time"
)

// The partitions of a push (deliverAll), and the requests the slots of a
// pipelined queue share (turns.run), each go out on a goroutine of their
// own. A new
// goroutine starts with a small stack, and the request through net/http
// (and confighttp's otelhttp) grows it several times, each growth copying
// the stack: under the load that cost more instructions than the rest of
// the sending. So a goroutine is kept once its partition is sent, and
// takes the next partition handed out while it waits; one idle for
// partWorkerIdle ends. Every partition still starts at once: on an idle
// goroutine when there is one, else on a new one.

// partWorkerIdle is how long a partition goroutine waits for more work.
const partWorkerIdle = 100 * time.Millisecond

// partJobs hands a partition to a waiting goroutine.
var partJobs = make(chan func())

// partWorkersStarted counts the partition goroutines started (for tests).
var partWorkersStarted atomic.Int64

// goPartition runs f on a partition goroutine.
func goPartition(f func()) {
	select {
	case partJobs <- f: // an idle one took it
	default:
		partWorkersStarted.Add(1)
		go partWorker(f)
	}
}

func partWorker(f func()) {
	idle := time.NewTimer(partWorkerIdle)
	defer idle.Stop()
	for {
		f()
		f = nil // holds nothing of the push while it waits
		idle.Reset(partWorkerIdle)
		select {
		case f = <-partJobs:
		case <-idle.C:
			return
		}
	}
}
