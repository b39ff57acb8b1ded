# reportsh — common tasks. `make test` is the README's test command and what CI runs.
GO ?= go
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: test race check bench bench-peers build install fmt tidy-check cover conformance-update

# The suite. The race detector can only find a race where goroutines run:
# the packages in PURE start none, in their code or their tests (no pipeline
# runs in them: the first line checks that none links runtime/stream), and
# run without it, three to five times faster; every other package runs
# under -race. `make race` runs every package under -race, ten times.
#
# The race detector makes the strategy matrix (every conformance case under
# every strategy, worker count and chunk size) ten times slower: under -race
# it runs a slice of it, and on the last line in full without. So do the
# table-driven tests over SQLite listed there (interp's): under -race they
# run a subset of their cases, and there every case. A test that runs fewer
# cases under -race must be listed there.
PURE := ./grammar ./render ./runtime/agg ./runtime/value ./stdlib ./internal/... ./interp/internal/keys ./interp/internal/program ./interp/internal/fixture ./bench/salesgen ./bench/cmd/... ./bench/peers/...
test:
	@! $(GO) list -test -deps $(PURE) | grep -qx 'github.com/reportsh/reportsh/runtime/stream' || \
		(echo "a package of PURE runs pipelines: move it out of PURE"; exit 1)
	$(GO) test -race -timeout 10m $$($(GO) list ./... | grep -vxF "$$($(GO) list $(PURE))")
	$(GO) test -timeout 10m $(PURE)
	$(GO) test -count=1 -run '^(TestStrategiesAgree|TestPushdownFallsBack|TestPushdownSameOutput|TestSQLiteIndexOrderOfDeclaredType|FuzzPushdownVsPipeline|TestRangesAgree)$$' ./conformance ./interp

# A static binary: nothing in reportsh needs cgo (SQLite is pure Go), and
# without the dynamic loader a run starts about 1 ms sooner (docs/performance.md).
build:
	CGO_ENABLED=0 $(GO) build -o bin/reportsh ./cmd/reportsh

install:
	CGO_ENABLED=0 $(GO) install ./cmd/reportsh

race:
	$(GO) test -race -count=10 ./...

# The runtime packages are covered by their own tests; interp's internal
# packages mostly through interp's (the API exercises them), so those are
# measured together: the last line is their total, the lines above it
# each function's.
cover:
	$(GO) test -cover ./runtime/...
	@mkdir -p bin
	$(GO) test -coverpkg=./interp/... -coverprofile=bin/interp.cover ./interp/... >/dev/null
	$(GO) tool cover -func=bin/interp.cover | tail -25

check: tidy-check
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...
	$(STATICCHECK) ./...
	$(GO) test -race ./...

tidy-check:
	@cp go.mod /tmp/go.mod.bak && cp go.sum /tmp/go.sum.bak
	@$(GO) mod tidy
	@diff -q go.mod /tmp/go.mod.bak >/dev/null && diff -q go.sum /tmp/go.sum.bak >/dev/null || \
		(echo "go.mod/go.sum not tidy"; cp /tmp/go.mod.bak go.mod; cp /tmp/go.sum.bak go.sum; exit 1)

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Peer comparison (bench/peers/README.md). ROWS and REPS can be overridden:
# make bench-peers ROWS=10000000 REPS=3
ROWS ?= 1000000
REPS ?= 5
bench-peers:
	bash bench/peers/run.sh $(ROWS) $(REPS)

fmt:
	gofmt -w $$(git ls-files '*.go')

conformance-update:
	$(GO) test ./conformance -update
