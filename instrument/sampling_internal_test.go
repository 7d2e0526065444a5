package instrument

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
)

// TestConversationalKnowsEverySessionKey: a span that carries a session id
// under any key the translation reads is kept by Sampler, so a key added
// to the translation's list and not to conversational fails here.
func TestConversationalKnowsEverySessionKey(t *testing.T) {
	for _, k := range conventions.DefaultSessionKeys() {
		assert.True(t, conversational(attribute.Key(k)), k)
	}
	assert.False(t, conversational("user.id"))
	assert.False(t, conversational("http.request.method"))
}
