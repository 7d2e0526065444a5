# mindlytics-otel build and test entry points. `make test` is what CI runs.
GO ?= go
STATICCHECK_VERSION ?= v0.8.2
GOBIN ?= $(shell $(GO) env GOPATH)/bin

# The modules of this repository (go.work ties them): the root module holds what
# apps import; the collector component, the distribution's tests, each LLM-client
# helper and the examples that use one are modules of their own.
MODULES ?= . exporter/mindlyticsexporter cmd collectore2e instrument/openaihelper instrument/goopenaihelper instrument/langchaingohelper instrument/anthropichelper instrument/mcphelper instrument/mcpgohelper instrument/geminihelper instrument/ollamahelper instrument/bedrockhelper instrument/einohelper examples/openai examples/goopenai examples/langchaingo examples/anthropic examples/mcp examples/mcpgo examples/gemini examples/ollama examples/bedrock examples/eino

# Modules whose graph cannot join the workspace's (tools/outside.sh says
# why): vetted and tested on their own graph.
OUTSIDE_MODULES ?= instrument/genkithelper examples/genkit tools/fixtures/genkit-go

.PHONY: all test bench benchstat lint demo dev tidy app-deps set-version release-check

all: lint test

## test: vet, build the collector distribution, check that apps stay free of the
## collector, check the release as an outside user builds it, then every test of
## every module (the collector end-to-end tests and the layering test included)
## with the race detector, then every fuzz target for TEST_FUZZTIME.
TEST_FUZZTIME ?= 3s
test: collector app-deps release-check
	@for m in $(MODULES); do echo "== $$m"; (cd $$m && $(GO) vet ./...) || exit 1; done
	@for m in $(MODULES); do echo "== $$m"; (cd $$m && MINDLYTICS_COLLECTOR=$(COLLECTOR) $(GO) test -race -count=1 -timeout 30m ./...) || exit 1; done
	@tools/outside.sh $(OUTSIDE_MODULES)
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(TEST_FUZZTIME)

## bench: the Go benchmarks of every module, with allocations, BENCH_COUNT runs
## of BENCH_TIME each into BENCH_OUT, then benchstat's summary of them (medians
## with their spread). Baselines run in the same benchmarks, side by side with
## ours (BenchmarkExportSpans/otlptracehttp, the bare spans and clients of
## instrument). Compare two runs with `$(BENCHSTAT) old.txt new.txt`.
BENCHSTAT_VERSION ?= v0.0.0-20260908200009-22c9c6c9d4da
BENCHSTAT ?= $(GOBIN)/benchstat
BENCH_COUNT ?= 5
BENCH_TIME ?= 200ms
BENCH_OUT ?= $(CURDIR)/bench.txt
# Five samples give benchstat's intervals at most 94% confidence (it asks for six
# at 95%), so the summary is at 90%.
BENCHSTAT_FLAGS ?= -confidence=0.9
bench: benchstat
	@rm -f $(BENCH_OUT)
	@for m in $(MODULES); do echo "== $$m"; (cd $$m && $(GO) test -run='^$$' -bench=. -benchmem -count=$(BENCH_COUNT) -benchtime=$(BENCH_TIME) ./... >> $(BENCH_OUT)) || { tail -30 $(BENCH_OUT); exit 1; }; done
	@$(BENCHSTAT) $(BENCHSTAT_FLAGS) $(BENCH_OUT)

## benchstat: install golang.org/x/perf/cmd/benchstat at BENCHSTAT_VERSION into
## GOBIN unless it is there already (a tool, in no go.mod).
benchstat:
	@$(GO) version -m $(BENCHSTAT) 2>/dev/null | grep -q 'golang.org/x/perf[[:space:]]*$(BENCHSTAT_VERSION)' || \
		GOFLAGS= GOWORK=off GOBIN=$(GOBIN) $(GO) install golang.org/x/perf/cmd/benchstat@$(BENCHSTAT_VERSION)

## lint: gofmt and staticcheck (installed with go install) on every module.
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	@for m in $(MODULES); do echo "== $$m"; (cd $$m && $(GOBIN)/staticcheck ./...) || exit 1; done

## app-deps: build a scratch app from the README snippet (tools/appcheck) on its
## own module graph and fail if the collector or pdata is in it; prints its size.
app-deps:
	@tools/appcheck/run.sh

## demo: the main job end to end, on the local server unless MLSDK_API_KEY is set
## (the cmd module: the local Mindlytics, its page, and a scripted openai-go chatbot).
## It builds first, listing each package it compiles (the first build downloads and
## compiles the modules: minutes on a small machine), then keeps the page up until
## interrupted; DEMO_FLAGS=--once exits after the summary.
DEMO_FLAGS ?=
demo:
	@echo "demo: building cmd/mindlytics-demo (each package is listed as it compiles; the first build takes minutes)"
	@cd cmd && $(GO) build -v -o $(CURDIR)/bin/mindlytics-demo ./mindlytics-demo
	@$(CURDIR)/bin/mindlytics-demo $(DEMO_FLAGS)

## dev: the local Mindlytics alone (contract, OTLP intake, page) on 127.0.0.1:8765,
## keeping its events in mindlytics-dev.db; DEV_FLAGS to change that.
DEV_FLAGS ?= --addr 127.0.0.1:8765 --data $(CURDIR)/mindlytics-dev.db
dev:
	cd cmd && $(GO) run ./mindlytics-dev $(DEV_FLAGS)

## import: replay stored telemetry (OTLP/JSON files the collector's file exporter wrote)
## into Mindlytics through the mindlytics exporter, with the original timestamps:
## `make import FILES="data-*.json data.json"` with MLSDK_API_KEY and MLSDK_PROJECT_ID
## (and MLSDK_SERVER_BASE) set; IMPORT_FLAGS for --strict, --config FILE, --quiet.
## Exit status 0 only when every event was delivered.
.PHONY: import
FILES ?=
IMPORT_FLAGS ?=
import:
	@cd cmd && $(GO) build -o $(CURDIR)/bin/mindlytics-import ./mindlytics-import
	@$(CURDIR)/bin/mindlytics-import $(IMPORT_FLAGS) $(FILES)

## tidy: go mod tidy in every module, outside the workspace, this repository's
## modules served at their version from the work tree by a local proxy (tools/tidy.sh).
tidy:
	@tools/tidy.sh

# --- releases: one version for every module (versions.yaml) ---

## set-version: write VERSION (vX.Y.Z) into versions.yaml, then the version into
## every go.mod's requires of this repository's modules, go.work's replaces and
## builder-config.yaml (`make set-version VERSION=v0.3.0`; without VERSION,
## re-apply versions.yaml's).
set-version:
	@cd tools && GOWORK=off $(GO) run ./modrelease -C $(CURDIR) set-version $(VERSION)

## release-check: in a temporary clone, tag the release of versions.yaml, serve
## it from a file-based GOPROXY and build, with no replace, every module from its
## own go.mod, a user's app with instrument and a helper, and a user's ocb
## distribution with the component (tools/releasecheck/run.sh; a few minutes
## with a warm build cache).
release-check: ocb
	@OCB=$(OCB) tools/releasecheck/run.sh

# --- otelcol-mindlytics: the collector distribution and its component ---
OCB_VERSION ?= v0.165.0
OCB ?= $(GOBIN)/builder
COLLECTOR ?= $(CURDIR)/collectore2e/_build/otelcol-mindlytics

.PHONY: ocb collector collector-e2e bench-collector mdatagen

## ocb: install the collector builder at OCB_VERSION unless it is there already.
ocb:
	@$(OCB) version 2>/dev/null | grep -qx 'ocb version $(OCB_VERSION)' || $(GO) install go.opentelemetry.io/collector/cmd/builder@$(OCB_VERSION)

## collector: build otelcol-mindlytics from builder-config.yaml into collectore2e/_build/ (git-ignored).
collector: ocb
	GOWORK=off $(OCB) --config=builder-config.yaml

## collector-e2e: build the distribution, then run its end-to-end tests (collectore2e/*_test.go).
collector-e2e: collector
	cd collectore2e && MINDLYTICS_COLLECTOR=$(COLLECTOR) $(GO) test -race -count=1 -timeout 15m ./...

## bench-collector: build the distribution and measure it. First the load benchmark
## (collectore2e TestLoad, the issue-25 load: 8 OTLP/HTTP clients, 384 spans per request,
## 10,000 sessions): BENCH_ROUNDS interleaved rounds of BENCH_SECONDS per case of BENCH_CASES
## (mindlytics, mindlytics_durable, otlp_http with gzip, otlp_http_none), each with spans/s
## accepted and delivered by the end of the load, CPU per span, peak RSS, the sending queue and
## losses, and the ratios per round; then the throughput table (TestThroughput): spans/s in and
## out for a fixed load, and mindlytics at the service latencies BENCH_LATENCIES (ms). Tables go
## to the log and are appended to BENCH_COLLECTOR_OUT. Not part of `make test`.
BENCH_LATENCIES ?= 20,50
BENCH_ROUNDS ?= 3
BENCH_SECONDS ?= 20
BENCH_CASES ?= mindlytics,mindlytics_durable,otlp_http,otlp_http_none
BENCH_COLLECTOR_OUT ?= $(CURDIR)/bench-collector.out
bench-collector: collector
	cd collectore2e && MINDLYTICS_BENCH=1 MINDLYTICS_BENCH_LOAD=1 MINDLYTICS_BENCH_ROUNDS=$(BENCH_ROUNDS) \
		MINDLYTICS_BENCH_SECONDS=$(BENCH_SECONDS) MINDLYTICS_BENCH_CASES=$(BENCH_CASES) \
		MINDLYTICS_BENCH_LATENCIES=$(BENCH_LATENCIES) MINDLYTICS_BENCH_OUT=$(BENCH_COLLECTOR_OUT) \
		MINDLYTICS_COLLECTOR=$(COLLECTOR) $(GO) test -count=1 -run '^(TestLoad|TestThroughput)$$' -v -timeout 60m .

## mdatagen: regenerate exporter/mindlyticsexporter's generated code from its metadata.yaml
## (mdatagen v0.150.0, pinned by the separate tools/ module).
mdatagen:
	cd tools && GOWORK=off $(GO) build -o ../bin/mdatagen go.opentelemetry.io/collector/cmd/mdatagen
	cd exporter/mindlyticsexporter && $(GO) generate .

# --- fuzz: each fuzz target for FUZZTIME (`make test` runs each for TEST_FUZZTIME) ---
FUZZTIME ?= 10s
FUZZ_TARGETS ?= \
	./internal/translate:FuzzTranslate \
	./internal/translate/messages:FuzzMessageScan \
	./mindlytics:FuzzRetryAfter \
	./mindlytics:FuzzAPIError \
	./mindlytics:FuzzClientAnswers \
	./mindlytics:FuzzLiveFrame \
	./internal/compact:FuzzEncodeEvent \
	./internal/compact:FuzzCompactTurn \
	./internal/redact:FuzzText \
	exporter/mindlyticsexporter/pdataview:FuzzPdataView \
	exporter/mindlyticsexporter:FuzzEventsEncoding \
	exporter/mindlyticsexporter:FuzzConsumeOTLP \
	exporter/mindlyticsexporter:FuzzConfig

.PHONY: fuzz

## fuzz: run every fuzz target for FUZZTIME each (default 10s); targets in the
## root module are ./pkg:Name, in another module dir:Name.
# Go 1.26's fuzz coordinator can report "context deadline exceeded" at the
# end of -fuzztime with no failing input (golang/go#75804, fixed in Go 1.27):
# such a run, and only such a run, is tried once more. A real finding writes
# its input ("Failing input written") or fails the target otherwise, and fails.
fuzz:
	@for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; name=$${t##*:}; \
		case $$pkg in ./*) dir=.; p=$$pkg;; *) dir=$$pkg; p=.;; esac; \
		echo "== $$name ($$pkg)"; \
		for try in 1 2; do \
			out=$$(cd $$dir && $(GO) test -run='^$$' -fuzz="^$$name$$" -fuzztime=$(FUZZTIME) $$p 2>&1); rc=$$?; echo "$$out"; \
			[ $$rc -eq 0 ] && break; \
			if [ $$try -eq 1 ] && echo "$$out" | grep -q 'context deadline exceeded' && \
				! echo "$$out" | grep -qE 'Failing input written|panic:|_test.go:[0-9]+:'; then \
				echo "== $$name: the fuzz engine's deadline race (golang/go#75804), no failing input: once more"; continue; fi; \
			exit 1; \
		done; done
