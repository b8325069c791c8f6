#!/usr/bin/env bash
# Build the terminal's Debian package from this checkout:
#   provisioning/build-deb.sh [--out DIR] [--fast]   -> dist/village-kiosk_<version>_<arch>.deb
# Installs what the build needs (Debian's Python with venv, ICU's headers and a
# compiler for PyICU, the libraries the wheels link against), then runs
# tooling/debian.py with Debian's own Python. Install the result on a terminal
# with: apt-get install ./village-kiosk_<version>_<arch>.deb
set -euo pipefail
cd "$(dirname "$0")/.."
. provisioning/packages.sh

install_missing python3.11 python3.11-venv python3-dev libicu-dev pkg-config g++ git \
    libgl1 libx11-6 libxrender1 libmtdev1
exec /usr/bin/python3.11 -m tooling.debian "$@"
