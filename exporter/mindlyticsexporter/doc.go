// Package mindlyticsexporter is the OpenTelemetry Collector exporter of type
// "mindlytics": it translates GenAI traces, and log records carrying GenAI
// events, into Mindlytics sessions, conversations and events, and sends them
// to the Mindlytics batch endpoint (POST /bc/v1/events/queue).
//
// The translation is package translate's, the same one the in-process
// exporter uses. This package adds the collector's side: configuration
// (confighttp for TLS, proxies, timeouts, compression and headers;
// configopaque for the API key), exporterhelper for the sending queue,
// retries and persistent storage, and the mapping of the service's answers
// to the collector's errors. With a tenants block (tenants.go), one
// exporter serves many Mindlytics projects: each request's tenant, read
// from its client metadata or resource, picks an exporter of the tenant's
// own inside this one. See README.md for the configuration.
//
//go:generate ../../bin/mdatagen metadata.yaml
package mindlyticsexporter
