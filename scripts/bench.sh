#!/usr/bin/env bash
# `make bench` / `make bench-quick`: monmux against direct QMP (and a socat relay, and QEMU's own
# telnet monitor), side by side, in one run.
#   scripts/bench.sh                         full run, appends a section to docs/benchmarks.md
#   scripts/bench.sh --quick                 small sizes, prints the table only
#   scripts/bench.sh --phases P1 --p1-commands 1000 ...   (options: scripts/bench.sh --help)
# The load generator (dev.monmux.bench.Bench, under src/test/java: it is test tooling, not part
# of the shipped jar) runs with the test classpath; it starts a disk-less QEMU and monmux as a
# child JVM (target/monmux.jar with the production JVM flags) itself, on loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
MVN="${MVN:-mvn -B -q}"

command -v qemu-system-x86_64 >/dev/null || { echo "bench: qemu-system-x86_64 is not installed (apt-get install -y qemu-system-x86)" >&2; exit 1; }
# P1's "minimal proxy" anchor row relays QMP through socat.
command -v socat >/dev/null || { echo "bench: socat is not installed (apt-get install -y socat)" >&2; exit 1; }

# 10,000 idle clients mean 10,000+ sockets in the load generator and in monmux.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 12000 ]; then
    echo "bench: warning: open-file limit $(ulimit -n) < 12000; P4 at 10,000 clients will fail (raise the hard limit)" >&2
fi

$MVN -DskipTests package
$MVN dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null

exec java -Xmx1g -XX:+UseParallelGC -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
    dev.monmux.bench.Bench --command "${BENCH_COMMAND:-scripts/bench.sh $*}" "$@"
