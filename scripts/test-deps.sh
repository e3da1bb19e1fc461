#!/usr/bin/env bash
# Installs what the end-to-end tests use, if it is missing: QEMU (the real backend), Prometheus
# and promtool (the dashboard check), openssl and socat (TLS tests). Needs root and apt-get;
# otherwise it says what is missing and the tests that need it are skipped (or fail, with
# MONMUX_REQUIRE_QEMU=1, as in CI).
set -euo pipefail

need=()
command -v qemu-system-x86_64 >/dev/null 2>&1 || need+=(qemu-system-x86)
{ command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; } || need+=(prometheus)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v socat >/dev/null 2>&1 || need+=(socat)
[ ${#need[@]} -gt 0 ] || exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test-deps: installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y "${need[@]}" >/dev/null \
        || { apt-get update >/dev/null && apt-get install -y "${need[@]}" >/dev/null; }
else
    echo "test-deps: missing ${need[*]}; tests that need them are skipped" >&2
    echo "test-deps: install as root with:  apt-get install -y ${need[*]}" >&2
fi
