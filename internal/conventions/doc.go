// Package conventions holds the attribute keys and values of other
// instrumentations (OpenLLMetry, OpenInference, the Vercel AI SDK, Langfuse)
// that the translation reads, and the built-in order the session, user and
// device ids are looked up in. They are not ours to document as API: an
// application writes the keys of package semconv; these are read because
// other libraries write them.
//
// The identity look-up order and the table of these keys are rendered into
// docs/CONVENTIONS.md from reference.go and checked by a test; after a
// change run `go generate ./internal/conventions`.
package conventions

//go:generate go test -run ^TestReferenceDoc$ -update .
