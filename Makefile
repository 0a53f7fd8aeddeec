# feedwire: build, run, test, benchmark.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
# Pinned: a new staticcheck release may find new things; bump it on purpose.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
# The modules: the service, and the deploy manifests' tests.
MODULES := . deploy

.PHONY: build run test lint bench bench-load bench-render bench-http bench-reload image soak fuzz

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/feedwire ./cmd/feedwire

run:
	$(GO) run ./cmd/feedwire serve

test: lint tools/node_modules
	$(GO) test -race -count=1 -timeout 30m ./...
	cd deploy && $(GO) test -count=1 ./...

# Validators the tests run (JSON Feed schema via ajv). Without npm, or when
# its registry cannot be reached (fetches bounded to about a minute), the
# tests that need them skip locally; CI installs them first and runs them.
tools/node_modules: tools/package.json tools/package-lock.json
	@if ! command -v npm >/dev/null 2>&1; then echo "npm not found: JSON Feed schema checks will be skipped"; \
	elif ! npm ci --prefix tools --no-audit --no-fund --loglevel=error \
		--fetch-retries=1 --fetch-timeout=20000 --fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=20000; then \
		rm -rf tools/node_modules; \
		echo "npm ci failed (is the npm registry reachable?): JSON Feed schema checks will be skipped"; fi

# vet, gofmt, a tidy go.mod and staticcheck in each module; then the service
# cross-compiled (tests included, through vet) for macOS and Windows.
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@for m in $(MODULES); do \
		echo "lint: module $$m"; \
		(cd $$m && $(GO) vet ./... && $(GO) mod tidy -diff && $(GO) run $(STATICCHECK) ./...) || exit 1; \
	done
	@for os in darwin windows; do \
		echo "lint: GOOS=$$os"; \
		GOOS=$$os GOARCH=amd64 CGO_ENABLED=0 $(GO) build -o /dev/null ./... && \
		GOOS=$$os GOARCH=amd64 CGO_ENABLED=0 $(GO) vet ./... || exit 1; \
	done

# Every benchmark below and the soak, written to BENCHMARKS.md with the
# machine and the commands (about 8 minutes; see bench/benchmarks.sh).
bench:
	bench/benchmarks.sh

# Load, Redis faults, reload storm, hostile requests, fleet, memory and rolling
# restart against real processes on loopback, about five minutes (SOAK_ARGS:
# see bench/soak.sh; "-short" is the version make test runs).
soak:
	bench/soak.sh

# Every fuzz target for FUZZTIME each (default 20s); crashers are kept in the
# package's testdata/fuzz.
fuzz:
	bench/fuzz.sh

# Time from writing one post into a 100,000-post site to serving it, and the
# reload's CPU time against a cold load.
bench-reload:
	bench/reload.sh

# Cold loads of generated 10,000- and 100,000-post sites, and hugo on the
# 10,000 (BENCH_DIR, BENCH_SIZES, BENCH_ROUNDS, BENCH_HUGO: see bench/load.sh).
bench-load:
	bench/load.sh

# Render benchmarks: 20- and 100-item feeds in every format.
bench-render:
	$(GO) test -run '^$$' -bench 'Render' -benchmem ./feed/

# Container image for users with a Docker engine (see Dockerfile).
image:
	docker build --build-arg VERSION=$(VERSION) --build-arg REVISION=$$(git rev-parse HEAD 2>/dev/null || echo unknown) --build-arg CREATED=$$(date -u +%Y-%m-%dT%H:%M:%SZ) -t feedwire:$(VERSION) .

# feedwire against nginx serving the same bytes and ETags, with wrk on loopback
# (BENCH_DURATION, BENCH_PAIRS, BENCH_PIN: see bench/http.sh).
bench-http:
	bench/http.sh

# Built-in WebSub hub: post written to push received in a 100,000-post site,
# and one change fanned out to 10,000 subscribers (see bench/hub.sh).
.PHONY: bench-hub
bench-hub:
	bench/hub.sh
