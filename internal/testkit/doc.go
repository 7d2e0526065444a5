// Package testkit holds the helpers this repository's tests share, in
// every module, so that none is copied from package to package.
package testkit
