#!/usr/bin/env bash
# The wait page in a real browser, served by the real gateway: headless
# Chromium driven by Selenium (tests/browser/page_test.py). Builds the
# library and prana-gateway; installs Chromium, chromedriver, the gateway's
# build dependencies and a Python venv with Selenium (from PyPI) when
# missing; writes the screenshot docs/images/approval-page.png.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
[ -f /usr/include/sqlite3.h ] || need+=(libsqlite3-dev)
[ -f /usr/include/microhttpd.h ] || need+=(libmicrohttpd-dev)
[ -f /usr/include/postgresql/libpq-fe.h ] || need+=(libpq-dev)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get -o DPkg::Lock::Timeout=600 update
    $sudo apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${need[@]}"
fi

venv=target/browser-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -c 'import selenium' 2>/dev/null ||
    "$venv/bin/pip" install --quiet 'selenium>=4.10,<5'

cargo build --release -q -p prana-webhook-ffi
make -s -C examples-c/gateway

"$venv/bin/python" tests/browser/page_test.py
