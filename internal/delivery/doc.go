// Package delivery is the one rule by which both front doors send encoded
// events to the batch endpoint: in order, in requests bounded by count and
// bytes, one request at a time. A request the service refuses as a whole
// with 400 or 413, or answers 500 [ServerErrorAttempts] times, is halved
// until the refused events stand alone, so that their neighbours still
// land and one poison event cannot stall its lane. What is worth retrying
// as it is ([IsRetryable]: transport failures, 408, 429, 502, 503, 504,
// as the service's own clients do) is the caller's to retry, with its
// backoff and Retry-After. A sender that learned the service takes one
// bare object per request ([ObjectSender]) gets one event per request.
// docs/CONTRACT.md says where each rule comes from.
package delivery
