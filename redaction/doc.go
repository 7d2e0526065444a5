// Package redaction configures the masking of personal data and secrets in
// everything mindlytics-otel sends: turn texts, function arguments and
// results, and the string values of event properties, attributes and
// traits (those that came from span attributes included). A [Config] is
// the one definition of both front doors: the in-process exporter takes it
// with exporter.WithRedaction, the collector component decodes the same
// struct from its redaction: block. Without either, nothing is redacted.
//
// Each value found is replaced by a marker that names its detector:
// "[email]", "[phone]", "[card]", "[iban]", "[ssn]", "[ip]", "[key]", and
// "[name]" for a [Pattern] called name. Inside JSON (tool arguments and
// results are usually JSON) only string values are rewritten, and a
// payment card number written as a JSON number becomes the string
// "[card]": the JSON stays valid, its keys and structure unchanged.
//
// The built-in detectors are made not to eat ordinary words and numbers:
//
//   - email: local@domain.tld.
//   - phone: "+" then 8 to 15 digits in groups (+1 415 555 0132,
//     +44 20 7946 0958); the North American form with separators
//     ((415) 555-0132, 415-555-0132, 415.555.0132, 1-415-555-0132; area
//     code and exchange start with 2 to 9); a national number that starts
//     with 0, 10 or 11 digits in groups split by one kind of separator (020
//     7946 0958). A bare run of digits is not a phone number (order numbers,
//     ids), nor is a date (2024-08-06) or a group of a longer number.
//   - card: 13 to 19 digits, together or in groups split by single spaces or
//     dashes, the first 2 to 6 (the card networks' ranges), that pass the
//     Luhn check: a 16-digit order number that fails it stays, and so do
//     timestamps in milliseconds or nanoseconds (they start with 1).
//   - iban: a country code, two check digits and 11 to 30 letters and
//     digits, upper case, together or in groups of four, that pass the
//     mod-97 check.
//   - ssn: a US social security number written 123-45-6789, in the ranges
//     the SSA assigns (no 000, 666 or 9xx area, no 00 group, no 0000
//     serial).
//   - ip: IPv4 addresses (four numbers up to 255) and IPv6 addresses (with
//     "::" or eight groups).
//   - key: OpenAI and Anthropic keys (sk-…), the token after "Bearer ", AWS
//     access key ids (AKIA…, ASIA…), GitHub (ghp_…, github_pat_…), Slack
//     (xox…-), Google API keys (AIza…), JSON Web Tokens (eyJ….….…), and any
//     other token of 32 or more letters, digits and -_+/= that mixes upper
//     case, lower case and digits as random keys do (a change of character
//     class at every third character at least): hex hashes, UUIDs, trace ids
//     and CamelCase words stay.
//
// What is never redacted, and why: the identity and join keys (session,
// user, device, conversation and event ids, previous id, timestamps, the
// event's type and name), because a changed id would silently merge or
// split sessions and users: an app that must not send an e-mail address as
// its user id hashes it before it sets it. Model names, the agent id
// (assistant_id) and function names are the app's code, not its users'
// words; token counts, costs and runtimes are numbers; property keys are
// attribute names. Other numbers and booleans in properties are left as
// they are, but an integer that is a valid payment card number becomes
// "[card]".
//
// Redaction runs on the translation's output. A text longer than
// max_string_length is redacted whole by the detectors and patterns before
// it is cut, so that a value the cut would split goes whole, not as its
// head: the counts then include the values of the part the cut drops, and
// such a text costs its whole length to scan. Config.Func still runs once
// per string, on what leaves.
package redaction

// The names of the built-in detectors, as [Config.Detectors] lists them
// and as the per-detector counts name them.
const (
	Email = "email"
	Phone = "phone"
	Card  = "card"
	IBAN  = "iban"
	SSN   = "ssn"
	IP    = "ip"
	Key   = "key"
	// None in Config.Detectors, alone, turns every built-in detector off:
	// only the patterns and the function apply.
	None = "none"
	// Func names the count of strings that Config.Func changed.
	Func = "func"
)

// Config says what is redacted. The zero Config redacts with every built-in
// detector.
type Config struct {
	// Detectors lists the built-in detectors that apply; empty: all of them
	// (email, phone, card, iban, ssn, ip, key); [None]: none.
	Detectors []string `mapstructure:"detectors"`
	// Patterns are regular expressions (Go's RE2 syntax) of values to
	// redact, each replaced by "[name]". They apply after the built-in
	// detectors, in order.
	Patterns []Pattern `mapstructure:"patterns"`
	// Func, in-process only, rewrites each string last, after the
	// detectors and the patterns. It must be safe for concurrent use and
	// fast: it runs on every string that leaves. Strings it changes are
	// counted under [Func].
	Func func(string) string `mapstructure:"-"`
}

// Pattern is a regular expression of values to redact.
type Pattern struct {
	// Name names the marker ("[name]") and the count; letters, digits, '_'
	// and '-', and no built-in detector's name.
	Name string `mapstructure:"name"`
	// Regexp is the expression, in Go's RE2 syntax.
	Regexp string `mapstructure:"regexp"`
}
