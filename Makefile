# monmux — see README.md. Targets: build, run, test, clean.
MVN ?= mvn -B -q

.PHONY: build run test clean bench bench-quick

## build: compile and package the runnable jar (target/monmux.jar)
build:
	$(MVN) -DskipTests package

## run: start a disk-less demo QEMU and monmux on 127.0.0.1:4444 (Ctrl-C stops both)
run: build
	./scripts/run-demo.sh

## test: the whole test suite (unit, end-to-end against real QEMU)
test:
	$(MVN) verify

## bench: monmux vs direct QMP side by side (P1-P4, several minutes); appends to docs/benchmarks.md
bench:
	BENCH_COMMAND="make bench" ./scripts/bench.sh --out docs/benchmarks.md

## bench-quick: the same with small sizes (about a minute); prints the table only
bench-quick:
	BENCH_COMMAND="make bench-quick" ./scripts/bench.sh --quick

clean:
	$(MVN) clean
	rm -rf run
