# monmux — see README.md. Targets: build, run, test, fuzz, check-dashboard, install, bench, bench-quick, clean.
MVN ?= mvn -B -q

.PHONY: build run test fuzz check-dashboard install clean bench bench-quick

## build: compile and package the runnable jar (target/monmux.jar) and the man page (target/monmux.1)
build:
	@echo "make: building target/monmux.jar (mvn package: compiles, checks, packages; about a minute the first time)..."
	$(MVN) -DskipTests package
	@echo "make: built target/monmux.jar and target/monmux.1"

## run: start a disk-less demo QEMU and monmux on 127.0.0.1:4444 (Ctrl-C stops both)
run: build
	./scripts/run-demo.sh

## test: the whole test suite (unit, end-to-end against real QEMU), then every fuzz test for 30 s
test:
	./scripts/test-deps.sh
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

## install: the jar, the bin/monmux launcher, the man page, bash completion, the systemd unit, the docs and an example config.
## PREFIX=/usr puts the unit in /usr/lib/systemd/system; otherwise in $(PREFIX)/share/monmux.
## /etc/monmux/monmux.yaml is installed only if it does not exist. DESTDIR= stages it (packaging).
## JAR= installs a jar built elsewhere (default: target/monmux.jar, built by `make build`), MANPAGE= a man
## page (default: target/monmux.1, made by `make build` from README.md's "Running monmux").
PREFIX ?= /usr/local
SYSCONFDIR ?= /etc
DESTDIR ?=
JAR ?= target/monmux.jar
MANPAGE ?= target/monmux.1
ifeq ($(PREFIX),/usr)
UNITDIR ?= $(PREFIX)/lib/systemd/system
else
UNITDIR ?= $(PREFIX)/share/monmux
endif
install:
	@test -f "$(JAR)" || { echo "make install: $(JAR) is missing; run 'make build' first" >&2; exit 1; }
	@test -f "$(MANPAGE)" || { echo "make install: $(MANPAGE) is missing; run 'make build' first" >&2; exit 1; }
	install -d "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(PREFIX)/share/monmux" \
		"$(DESTDIR)$(PREFIX)/share/doc/monmux" "$(DESTDIR)$(UNITDIR)" "$(DESTDIR)$(SYSCONFDIR)/monmux" \
		"$(DESTDIR)$(PREFIX)/share/bash-completion/completions" "$(DESTDIR)$(PREFIX)/share/man/man1"
	install -m 0644 "$(JAR)" "$(DESTDIR)$(PREFIX)/share/monmux/monmux.jar"
	install -m 0755 bin/monmux "$(DESTDIR)$(PREFIX)/bin/monmux"
	install -m 0644 config/monmux.bash-completion "$(DESTDIR)$(PREFIX)/share/bash-completion/completions/monmux"
	install -m 0644 "$(MANPAGE)" "$(DESTDIR)$(PREFIX)/share/man/man1/monmux.1"
	sed -e 's|/usr/local/|$(PREFIX)/|g' -e 's|/etc/monmux/|$(SYSCONFDIR)/monmux/|g' config/monmux.service \
		> "$(DESTDIR)$(UNITDIR)/monmux.service"
	chmod 0644 "$(DESTDIR)$(UNITDIR)/monmux.service"
	install -m 0644 README.md config/monmux.yaml config/prometheus.yml grafana/monmux-dashboard.json \
		"$(DESTDIR)$(PREFIX)/share/doc/monmux/"
	test -e "$(DESTDIR)$(SYSCONFDIR)/monmux/monmux.yaml" \
		|| install -m 0640 config/monmux.yaml "$(DESTDIR)$(SYSCONFDIR)/monmux/monmux.yaml"
	@echo "installed monmux in $(DESTDIR)$(PREFIX); unit: $(DESTDIR)$(UNITDIR)/monmux.service"

## bench: monmux vs direct QMP side by side (P1-P4, several minutes); appends to docs/benchmarks.md
bench:
	BENCH_COMMAND="make bench" ./scripts/bench.sh --out docs/benchmarks.md

## bench-quick: the same with small sizes (about a minute); prints the table only
bench-quick:
	BENCH_COMMAND="make bench-quick" ./scripts/bench.sh --quick

clean:
	$(MVN) clean
	rm -rf run
