//go:build tools

// Package tools pins the versions of the code generators this repository
// uses, in a module of their own so that their dependencies stay out of the
// main go.mod. Build them with `go build -o ../bin/<tool> <import path>`.
package tools

import (
	_ "go.opentelemetry.io/collector/cmd/mdatagen"
)
