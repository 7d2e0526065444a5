// Package layering holds the test that keeps the root module's import arrows
// pointing down: its layers table, bottom to top, places every package, and
// the test fails on a package that imports one of a higher layer, or on a
// package the table does not place. It has no code; see layering_test.go.
package layering
