# monmux — see README.md. Targets: build, run, test, fuzz, check-dashboard, clean.
MVN ?= mvn -B -q

.PHONY: build run test fuzz check-dashboard clean

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

clean:
	$(MVN) clean
	rm -rf run
