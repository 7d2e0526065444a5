package mindlyticsexporter

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestPartitionGoroutinesAreReused(t *testing.T) {
	before := partWorkersStarted.Load()
	const jobs = 50
	ran := 0
	for range jobs {
		var wg sync.WaitGroup
		wg.Add(1)
		goPartition(func() { defer wg.Done(); ran++ })
		wg.Wait()
		time.Sleep(time.Millisecond) // the goroutine gets back to waiting
	}
	assert.Equal(t, jobs, ran)
	assert.Less(t, partWorkersStarted.Load()-before, int64(jobs/2), "an idle goroutine takes the next partition")
}

func TestPartitionsRunSideBySide(t *testing.T) {
	// Each partition starts at once, however many wait: none is queued
	// behind another.
	const n = 20
	var started, release sync.WaitGroup
	started.Add(n)
	release.Add(1)
	var done sync.WaitGroup
	done.Add(n)
	for range n {
		goPartition(func() { defer done.Done(); started.Done(); release.Wait() })
	}
	started.Wait()
	release.Done()
	done.Wait()
}
