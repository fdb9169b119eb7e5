#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests (tests/browser), never a browser download.
# Installs it with apt-get when run as root on a Debian-like system; otherwise says so loudly.
# Under CI (CI=true) a browser that cannot be had is a failure, not a skip.
set -uo pipefail
CHROMIUM=${NOGO_CHROMIUM:-/usr/bin/chromium}

if [ -x "$CHROMIUM" ] && "$CHROMIUM" --version >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-browser: installing Debian's chromium for the browser tests (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq >/dev/null && apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; then
    "$CHROMIUM" --version
    exit 0
  fi
  echo "ensure-browser: apt-get could not install chromium" >&2
fi
echo "######################################################################" >&2
echo "ensure-browser: NO CHROMIUM at $CHROMIUM: the browser tests will be SKIPPED." >&2
echo "Install Debian's 'chromium' package (as root: apt-get install chromium)," >&2
echo "or point NOGO_CHROMIUM at a Chromium binary." >&2
echo "######################################################################" >&2
if [ "${CI:-}" = "true" ]; then
  echo "ensure-browser: CI=true, so a missing browser is a failure." >&2
  exit 1
fi
exit 0
