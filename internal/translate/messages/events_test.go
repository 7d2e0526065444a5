package messages

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

func TestEventMessagesAcceptStructuredBodies(t *testing.T) {
	kvs := []attribute.KeyValue{{Key: sc.EventMessageKey, Value: attribute.MapValue(
		attribute.String("role", "assistant"), attribute.String("content", "from a map"))}}
	assert.Equal(t, "from a map", eventMessage(spanview.AttrsOf(kvs), sc.EventMessageKey).Text)
}
