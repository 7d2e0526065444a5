package mindlyticsexporter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/mindlytics/mindlytics-otel/internal/delivery"
	"github.com/mindlytics/mindlytics-otel/internal/wire"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

func (c *core) userAgent() string {
	bi := c.set.BuildInfo
	if bi.Command == "" {
		return wire.DefaultUserAgent
	}
	return fmt.Sprintf("%s/%s %s", bi.Command, bi.Version, wire.DefaultUserAgent)
}

// sender returns the client push sends with, counting what the service
// accepts; nil before start.
func (c *core) sender() delivery.Sender {
	if c.client == nil {
		return nil
	}
	return countingSender{c: c}
}

// countingSender is the client that counts the events the service
// accepted (events_sent). It says, as the client does, when the service
// takes one event per request (delivery.ObjectSender).
type countingSender struct{ c *core }

func (s countingSender) SendBatch(ctx context.Context, events []json.RawMessage) error {
	err := s.c.client.SendBatch(ctx, events)
	n := 0
	var partial *mindlytics.PartialSendError
	switch {
	case err == nil:
		n = len(events)
	case errors.As(err, &partial):
		n = partial.Sent
	}
	if n > 0 {
		s.c.telemetry.ExporterMindlyticsEventsSent.Add(ctx, int64(n))
	}
	return err
}

func (s countingSender) SendsObjects() bool { return s.c.client.SendsObjects() }
