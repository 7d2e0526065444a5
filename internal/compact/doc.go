// Package compact holds the events this module's translation hands to its
// own encoders (the queue, the collector exporter): a mindlytics.Event,
// or a turn, usage or function event that keeps its typed Turn, Usage or
// FunctionCall instead of a Properties map until it is encoded. Building
// the map (a map, boxed values) and sorting its keys to encode it costs
// about five times what writing the fields does, and most events the
// translation makes are turns.
//
// A compact event validates and encodes byte for byte as the event the
// public constructor makes (TestCompactEventsEncodeAsTheirMaps,
// FuzzCompactTurn). Anything handed to a caller outside the module is a
// plain mindlytics.Event ([Event.Expand]).
package compact
