# mindlytics-otel build and test entry points. `make test` is what CI runs.
GO ?= go
STATICCHECK_VERSION ?= v0.8.2
GOBIN ?= $(shell $(GO) env GOPATH)/bin

.PHONY: all test bench lint demo tidy

all: lint test

## test: vet, build the collector distribution, then every test (the
## collector end-to-end tests included) with the race detector.
test: collector
	$(GO) vet ./...
	MINDLYTICS_COLLECTOR=$(COLLECTOR) $(GO) test -race -count=1 -timeout 30m ./...

## bench: the Go benchmarks, with allocations.
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -count=1 ./...

## lint: gofmt and staticcheck (installed with go install).
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	$(GOBIN)/staticcheck ./...

## demo: the main job end to end, on the local server unless MLSDK_API_KEY is set.
demo:
	$(GO) run ./cmd/mindlytics-demo

tidy:
	$(GO) mod tidy

# --- otelcol-mindlytics: the collector distribution and its component ---
OCB_VERSION ?= v0.165.0
OCB ?= $(GOBIN)/builder
COLLECTOR ?= $(CURDIR)/collector/_build/otelcol-mindlytics

.PHONY: ocb collector collector-e2e collector-bench mdatagen

## ocb: install the collector builder at OCB_VERSION unless it is there already.
ocb:
	@$(OCB) version 2>/dev/null | grep -qx 'ocb version $(OCB_VERSION)' || $(GO) install go.opentelemetry.io/collector/cmd/builder@$(OCB_VERSION)

## collector: build otelcol-mindlytics from builder-config.yaml into collector/_build/ (git-ignored).
collector: ocb
	$(OCB) --config=builder-config.yaml

## collector-e2e: build the distribution, then run its end-to-end tests (collector/*_test.go).
collector-e2e: collector
	MINDLYTICS_COLLECTOR=$(COLLECTOR) $(GO) test -race -count=1 -timeout 15m ./collector/...

## collector-bench: build the distribution and measure its throughput against otlp_http (numbers for BENCHMARKS.md).
collector-bench: collector
	MINDLYTICS_BENCH=1 MINDLYTICS_COLLECTOR=$(COLLECTOR) $(GO) test -count=1 -run '^TestThroughput$$' -v -timeout 20m ./collector/

## mdatagen: regenerate exporter/mindlyticsexporter's generated code from its metadata.yaml
## (mdatagen v0.150.0, pinned by the separate tools/ module).
mdatagen:
	cd tools && $(GO) build -o ../bin/mdatagen go.opentelemetry.io/collector/cmd/mdatagen
	$(GO) generate ./exporter/mindlyticsexporter
