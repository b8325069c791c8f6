#!/usr/bin/env bash
# Set up a Debian/Ubuntu machine for village-kiosk and run it or its tests.
#   provisioning/dev.sh run    install everything, open the kiosk on the demo village
#   provisioning/dev.sh test   install everything, run the whole test suite
#   provisioning/dev.sh check  install everything, run the house checks (ruff, mypy)
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
    python3 python3-venv python3-dev
    libicu-dev pkg-config g++          # PyICU (line breaking) builds against the system's ICU
    xvfb xauth libgl1 libgl1-mesa-dri   # a real X server and GL for rendering and tests
    mesa-utils                          # glxinfo, for village-kiosk doctor
    libmtdev1                           # multitouch input from real touchscreens
    fonts-noto-cjk fontconfig           # Chinese text
    zbar-tools                          # decodes QR codes in the tests
    espeak-ng                           # offline read-aloud
    nginx                               # serves the feed in one test pass
    curl                                # the benchmark's reference download (sync over a village link)
    strace                              # the update test kills the updater (SIGKILL) at each of its renames
    systemd                             # systemd-analyze verify for the unit files
    x11-xserver-utils                   # xset in the kiosk session script
    xinit xdotool util-linux            # the deployed-session test: xinit, real X input, unshare/setpriv
    chromium                            # the browser-kiosk peer in the benchmark; the hub's pages in the tests
    chromium-driver                     # WebDriver for that Chromium (the hub's page tests, Selenium)
    postgresql                          # the hub on PostgreSQL: tests and bench start a throwaway cluster
)

. provisioning/packages.sh
install_missing "${APT_PACKAGES[@]}"

# Debian's own Python: the kiosk user of the deployed-session test (and of a
# terminal) must be able to run it, which a Python under /root is not.
if [ ! -x .venv/bin/python ] || [ "$(readlink -f .venv/bin/python)" != "$(readlink -f /usr/bin/python3)" ]; then
    rm -rf .venv
    /usr/bin/python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'

case "${1:-run}" in
    run)
        shift || true
        exec .venv/bin/village-kiosk --windowed --size 1920x1080 "$@"
        ;;
    test)
        shift || true
        exec .venv/bin/python -m pytest -q --slow "$@"
        ;;
    check)
        # Every check runs, so one pass lists all findings; any finding fails.
        status=0
        .venv/bin/ruff check kiosk screens tooling tests || status=1
        .venv/bin/ruff format --check kiosk screens tooling tests || status=1
        .venv/bin/mypy || status=1  # the packages to check are in pyproject.toml
        exit "$status"
        ;;
    *)
        echo "usage: $0 run|test|check [ARGS...]" >&2
        exit 2
        ;;
esac
