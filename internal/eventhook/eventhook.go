// Package eventhook lets this module's translation build Mindlytics events
// whose properties stay typed until they are encoded, without making that
// a public API of package mindlytics. Package mindlytics sets the hooks at
// init; package mindlytics cannot be imported here (it imports this
// package), so the hooks are held as values of type any and asserted to
// their function types by the one user, internal/translate.
package eventhook

// CompactTurn is a func(mindlytics.Identity, string, mindlytics.Turn)
// (mindlytics.Event, error): mindlytics.ConversationTurn keeping the turn
// as it is instead of a Properties map.
var CompactTurn any

// CompactFunction is a func(mindlytics.Identity, string,
// mindlytics.FunctionCall) (mindlytics.Event, error), the same for
// mindlytics.ConversationFunction.
var CompactFunction any

// Expand is a func(mindlytics.Event) mindlytics.Event: the event with its
// properties in its Properties map, as the public constructors make it.
var Expand any

// CompactUsage is a func(mindlytics.Identity, string, mindlytics.Usage)
// (mindlytics.Event, error), the same for mindlytics.ConversationUsage.
var CompactUsage any
