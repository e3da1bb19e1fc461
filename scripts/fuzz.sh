#!/usr/bin/env bash
# Runs every @FuzzTest in fuzzing mode (Jazzer, coverage-guided) for a bounded time each.
#   scripts/fuzz.sh 30s      # what `make test` does after the unit and end-to-end tests
#   scripts/fuzz.sh 10m      # `make fuzz`
# A finding fails the run; Jazzer saves the input under src/test/resources/.../<Test>Inputs/,
# where `mvn verify` replays it from then on (commit it with the fix).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-30s}"
MVN="${MVN:-mvn -B -q}"

targets=$(grep -rl '@FuzzTest' src/test/java | sed 's|src/test/java/||; s|\.java$||; s|/|.|g' | sort)
[ -n "$targets" ] || { echo "no fuzz tests found"; exit 1; }
for t in $targets; do
    echo "fuzz: $t for $DURATION"
    JAZZER_FUZZ=1 $MVN surefire:test -Dtest="$t" -Djazzer.max_duration="$DURATION" -DfailIfNoTests=true
    grep -h "Tests run" "target/surefire-reports/$t.txt" || true
done
