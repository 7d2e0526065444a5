// Package wire holds what the public wire package mindlytics shares with
// the rest of this module without exporting it: JSON written byte for byte
// as encoding/json writes it (for the public events and for package
// compact's), the timestamp format, the service's endpoint paths, event
// names and limits, and the defaults the collector shares with the
// client. It imports nothing of this module, so package mindlytics can
// import it.
package wire
