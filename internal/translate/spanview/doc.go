// Package spanview is the read-only view of a span that the translation
// works on: [Span], its attributes ([Attrs], [Value]) and events, made
// without copying from the SDK's spans ([FromReadOnlySpans]) or, by an
// adapter of another representation (the collector component's pdata
// one), from [SpanParts]. A view refers to its source's data, which must
// stay unchanged while the view is used.
package spanview
