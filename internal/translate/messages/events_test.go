package messages

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
)

func TestEventMessagesAcceptStructuredBodies(t *testing.T) {
	kvs := []attribute.KeyValue{{Key: conventions.EventMessageKey, Value: attribute.MapValue(
		attribute.String("role", "assistant"), attribute.String("content", "from a map"))}}
	assert.Equal(t, "from a map", eventMessage(spanview.AttrsOf(kvs), conventions.EventMessageKey).Text)
}
