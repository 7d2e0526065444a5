// Package messages reads the chat messages that spans record, in the
// shapes the instrumentations write them: GenAI message JSON ({role,
// parts}), OpenAI and Anthropic messages ({role, content, tool_calls}),
// choices and the {"messages": …} and {"choices": …} wrappers, as JSON
// strings or structured attribute values, and the deprecated per-message
// span events. It reduces them to what the translation needs
// ([Summary], [Exchange]): the last user text, the output text and
// whether the output calls tools.
//
// JSON strings, the common case, go through a scanner that reads the usual
// shapes in one pass without decoding into structs; what it does not read
// itself goes to encoding/json (FuzzMessageScan compares the two).
package messages
