# monmux — see README.md. Targets: build, run, test, fuzz, check-dashboard, clean.
MVN ?= mvn -B -q

.PHONY: build run test fuzz check-dashboard clean bench bench-quick

## build: compile and package the runnable jar (target/monmux.jar)
build:
	$(MVN) -DskipTests package

## run: start a disk-less demo QEMU and monmux on 127.0.0.1:4444 (Ctrl-C stops both)
run: build
	./scripts/run-demo.sh

## test: the whole test suite (unit, end-to-end against real QEMU), then every fuzz test for 30 s
test:
	$(MVN) verify
	MVN="$(MVN)" ./scripts/fuzz.sh 30s

## fuzz: every fuzz test for 10 minutes each (FUZZ_TIME=1h for longer)
FUZZ_TIME ?= 10m
fuzz:
	$(MVN) -DskipTests test-compile
	MVN="$(MVN)" ./scripts/fuzz.sh $(FUZZ_TIME)

## check-dashboard: evaluate every query of grafana/monmux-dashboard.json on a real Prometheus
## scraping monmux in front of a real QEMU, and lint a scrape with promtool
check-dashboard:
	MONMUX_REQUIRE_QEMU=1 $(MVN) test -Dtest=DashboardPrometheusTest -Dsurefire.failIfNoSpecifiedTests=false

## bench: monmux vs direct QMP side by side (P1-P4, several minutes); appends to docs/benchmarks.md
bench:
	BENCH_COMMAND="make bench" ./scripts/bench.sh --out docs/benchmarks.md

## bench-quick: the same with small sizes (about a minute); prints the table only
bench-quick:
	BENCH_COMMAND="make bench-quick" ./scripts/bench.sh --quick

clean:
	$(MVN) clean
	rm -rf run
