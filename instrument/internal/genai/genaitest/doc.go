// Package genaitest is a fake OpenAI API on a loopback port for the tests of
// the LLM-client helpers: scripted answers (JSON, server-sent events,
// errors), the requests it got, and the exact bytes it sent.
package genaitest
