# mindlytics-otel build and test entry points. `make test` is what CI runs.
GO ?= go
STATICCHECK_VERSION ?= v0.8.2
GOBIN ?= $(shell $(GO) env GOPATH)/bin

.PHONY: all test bench lint demo tidy

all: lint test

## test: vet, then every test with the race detector.
test:
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...

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
