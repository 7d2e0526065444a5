package semconv_test

import (
	"fmt"

	"github.com/mindlytics/mindlytics-otel/semconv"
	"go.opentelemetry.io/otel/attribute"
)

// The attributes of a turn in our conventions.
func Example() {
	for _, kv := range []attribute.KeyValue{
		semconv.SessionID("s-42"),
		semconv.UserID("u-7"),
		semconv.MindlyticsEvent(semconv.EventTurn),
		semconv.TurnUser("What's the weather?"),
		semconv.TurnAssistant("Sunny."),
		semconv.Property("plan", "pro"),
		semconv.Trait("age", 42),
	} {
		fmt.Printf("%s = %s\n", kv.Key, kv.Value.String())
	}
	// Output:
	// session.id = s-42
	// user.id = u-7
	// mindlytics.event = turn
	// mindlytics.turn.user = What's the weather?
	// mindlytics.turn.assistant = Sunny.
	// mindlytics.properties.plan = pro
	// mindlytics.traits.age = 42
}
