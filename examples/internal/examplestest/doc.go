// Package examplestest runs an example's run function against a local
// server, for the examples' tests.
package examplestest
