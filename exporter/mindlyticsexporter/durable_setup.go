package mindlyticsexporter

import (
	"context"
	"encoding/json"

	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// sendEvents hands a group of the durable queue, numbered seq, to
// exporterhelper, whose push sends it in turn (pushInTurn). Its items are
// the spans the events were made from, which exporterhelper reports as
// sent (or failed) spans.
func (c *core) sendEvents(ctx context.Context, seq uint64, events []json.RawMessage, spans int) error {
	return c.queue.ConsumeTraces(withEvents(ctx, encodedEvents{events: events, seq: seq, spans: spans}), ptrace.NewTraces())
}

// usesDurableQueue says whether cfg's sending queue is the durable one:
// sending_queue::storage set.
func usesDurableQueue(cfg *Config) bool {
	q := cfg.QueueConfig.Get()
	return q != nil && q.StorageID != nil
}

// helperQueueConfig is the sending queue exporterhelper runs: none when
// the durable queue is the sending queue.
func helperQueueConfig(cfg *Config) configoptional.Optional[exporterhelper.QueueBatchConfig] {
	if usesDurableQueue(cfg) {
		return configoptional.None[exporterhelper.QueueBatchConfig]()
	}
	return cfg.QueueConfig
}
