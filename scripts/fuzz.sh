#!/usr/bin/env bash
# Runs every @FuzzTest in fuzzing mode (Jazzer, coverage-guided) for about DURATION each.
#   scripts/fuzz.sh 30s      # what `make test` does after the unit and end-to-end tests
#   scripts/fuzz.sh 10m      # `make fuzz`
# Each @FuzzTest runs for its annotation's maxDuration (30 s) per round, and Jazzer 0.24 offers no
# way to override that from outside; so a longer DURATION runs more rounds, each starting from
# the corpus the earlier rounds grew (.cifuzz-corpus/), which is the same search, resumed.
# A finding fails the run; Jazzer saves the input under src/test/resources/.../<Test>Inputs/,
# where `mvn verify` replays it from then on (commit it with the fix).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-30s}"
MVN="${MVN:-mvn -B -q}"
ROUND_SECONDS=30

case "$DURATION" in
    *h) seconds=$(( ${DURATION%h} * 3600 )) ;;
    *m) seconds=$(( ${DURATION%m} * 60 )) ;;
    *s) seconds=${DURATION%s} ;;
    *) echo "fuzz.sh: DURATION is like 30s, 10m or 1h, not '$DURATION'" >&2; exit 2 ;;
esac
rounds=$(( (seconds + ROUND_SECONDS - 1) / ROUND_SECONDS ))
[ "$rounds" -ge 1 ] || rounds=1

targets=$(grep -rl '@FuzzTest' src/test/java | sed 's|src/test/java/||; s|\.java$||; s|/|.|g' | sort)
[ -n "$targets" ] || { echo "no fuzz tests found"; exit 1; }
for t in $targets; do
    for r in $(seq 1 "$rounds"); do
        echo "fuzz: $t, round $r of $rounds (${ROUND_SECONDS}s)"
        JAZZER_FUZZ=1 $MVN surefire:test -Dtest="$t" -DfailIfNoTests=true
        grep -h "Tests run" "target/surefire-reports/$t.txt" || true
    done
done
