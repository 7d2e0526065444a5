// Package local points the examples at a Mindlytics: the one the MLSDK_*
// environment variables name, or else a local server started in-process.
package local
