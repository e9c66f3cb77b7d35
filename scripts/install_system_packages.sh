#!/usr/bin/env bash
# Installs the Debian packages the project uses when they are missing: chromium (browser tests),
# fonts-wqy-microhei (Chinese text in plots), nodejs and npm (the workshop hub's proxy),
# dataset-fashion-mnist and pocketsphinx-testdata (optional datasets). Needs root; otherwise it prints the command to run and carries on (browser
# and hub tests then skip with that reason).
set -euo pipefail
want=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || want+=(chromium)
[ -d /usr/share/datasets/fashion-mnist ] || want+=(dataset-fashion-mnist)
[ -d /usr/share/pocketsphinx/test/data ] || want+=(pocketsphinx-testdata)
# A font with Chinese glyphs, so plots in the Chinese edition draw Chinese (matplotlib finds it)
fc-list :lang=zh 2>/dev/null | grep -q . || want+=(fonts-wqy-microhei)
# Node.js and npm: `make hub-proxy` installs configurable-http-proxy (the hub test's proxy) with them
command -v node >/dev/null 2>&1 || want+=(nodejs)
command -v npm >/dev/null 2>&1 || want+=(npm)
[ ${#want[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Not root: skipping 'apt-get install ${want[*]}'. Run it as root for browser tests and optional data." >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
echo "Installed: ${want[*]}"
