#!/usr/bin/env bash
# Installs what the end-to-end tests use, if it is missing: QEMU 7.2 (the system's, the real
# backend), QEMU 10.0 from Debian bookworm-backports unpacked *beside* it (target/qemu/10.0, never
# replacing the system's), Prometheus and promtool (the dashboard check), openssl and socat (TLS
# tests), qemu-img (images for the media tests), groff (the man page). Needs root and apt-get for the system packages; otherwise it says what is missing and the
# tests that need it are skipped (or fail, with MONMUX_REQUIRE_QEMU=1, as in CI).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v qemu-system-x86_64 >/dev/null 2>&1 || need+=(qemu-system-x86)
{ command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; } || need+=(prometheus)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v socat >/dev/null 2>&1 || need+=(socat)
command -v groff >/dev/null 2>&1 || need+=(groff-base)
command -v qemu-img >/dev/null 2>&1 || need+=(qemu-utils)

root=false
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then root=true; fi
export DEBIAN_FRONTEND=noninteractive

if [ ${#need[@]} -gt 0 ]; then
    if $root; then
        echo "test-deps: installing ${need[*]}"
        apt-get install -y "${need[@]}" >/dev/null \
            || { apt-get update >/dev/null && apt-get install -y "${need[@]}" >/dev/null; }
    else
        echo "test-deps: missing ${need[*]}; tests that need them are skipped" >&2
        echo "test-deps: install as root with:  apt-get install -y ${need[*]}" >&2
    fi
fi

# QEMU 10.0: Debian's bookworm-backports build, unpacked into a folder of its own and run with
# -L DIR/usr/share/qemu -L /usr/share/seabios and QEMU_MODULE_DIR=DIR/usr/lib/x86_64-linux-gnu/qemu
# (see src/test/java/dev/monmux/testing/QemuBuild.java). Its module packages come too: a module
# QEMU 10.0 does not find in its own folder it looks for in the system's, finds 7.2's, and aborts
# (module_load_dso: Assertion `QTAILQ_EMPTY(&dso_init_list)' failed, e.g. on `info qdm`).
QEMU10_DIR=${MONMUX_QEMU10_DIR:-$PWD/target/qemu/10.0}
QEMU10_PACKAGES="qemu-system-x86 qemu-system-common qemu-system-data qemu-system-gui qemu-block-extra
    qemu-system-modules-spice qemu-system-modules-opengl"
if [ ! -x "$QEMU10_DIR/usr/bin/qemu-system-x86_64" ] || [ ! -f "$QEMU10_DIR/usr/lib/x86_64-linux-gnu/qemu/ui-gtk.so" ]; then
    if $root; then
        list=/etc/apt/sources.list.d/monmux-bookworm-backports.sources
        if [ ! -f "$list" ]; then
            # Priority 100 (backports are NotAutomatic): nothing installed from here unless asked by name.
            printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' > "$list"
        fi
        echo "test-deps: fetching QEMU 10.0 from bookworm-backports into $QEMU10_DIR"
        apt-get update -o Dir::Etc::sourcelist="$list" -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0 >/dev/null
        tmp=$(mktemp -d)
        # shellcheck disable=SC2086
        (cd "$tmp" && apt-get download $(for p in $QEMU10_PACKAGES; do printf '%s/bookworm-backports ' "$p"; done) \
            >/dev/null 2>&1)
        mkdir -p "$QEMU10_DIR"
        for deb in "$tmp"/*.deb; do dpkg -x "$deb" "$QEMU10_DIR"; done
        rm -rf "$tmp"
        "$QEMU10_DIR/usr/bin/qemu-system-x86_64" --version | head -1
    else
        echo "test-deps: QEMU 10.0 is missing ($QEMU10_DIR); tests that need it are skipped" >&2
        echo "test-deps: run this script as root to fetch it from Debian bookworm-backports" >&2
    fi
fi
