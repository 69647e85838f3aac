#!/usr/bin/env bash
# Make sure the tests' system packages are installed: PostgreSQL's server, Debian's Chromium
# and ChromeDriver, gettext (msgfmt), npm (axe-core), Redis (the shared-cache tests) and CJK
# fonts (Chinese screenshots).
# As root, install what is missing from Debian's packages; otherwise fail with the reason.
set -euo pipefail

missing=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v msgfmt >/dev/null || missing+=(gettext)
command -v npm >/dev/null || missing+=(npm)
command -v redis-server >/dev/null || missing+=(redis-server)
# Chinese glyphs for the browser tests' screenshots of /zh-hant/ pages.
[ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "error: the tests need ${missing[*]}, which are not installed, and installing them" >&2
  echo "       needs root. Run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing from Debian's packages: ${missing[*]} ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
