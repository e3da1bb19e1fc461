# monmux — see README.md. Targets: build, run, test, clean.
MVN ?= mvn -B -q

.PHONY: build run test clean

## build: compile and package the runnable jar (target/monmux.jar)
build:
	$(MVN) -DskipTests package

## run: start a disk-less demo QEMU and monmux on 127.0.0.1:4444 (Ctrl-C stops both)
run: build
	./scripts/run-demo.sh

## test: the whole test suite (unit, end-to-end against real QEMU)
test:
	$(MVN) verify

clean:
	$(MVN) clean
	rm -rf run
