// Package delivery is the one rule by which both front doors send encoded
// events to the batch endpoint: in order, in requests bounded by count and
// bytes, one request at a time, and a request the service refuses as a
// whole with 400 or 413 halved until the refused events stand alone, so
// that their neighbours still land.
package delivery
