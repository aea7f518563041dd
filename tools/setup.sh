#!/usr/bin/env bash
# Installs everything Natter needs on a fresh Debian (bookworm) machine, and
# does nothing when it is all there already. Called by npm start/test/build.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: compilers and test tools, Emscripten, the browser for
# end-to-end tests and a fixed font for its screenshots, binaryen (wasm-opt,
# wasm-split: tools/bundle/split-core.mjs runs them itself), zopfli (the
# shipped files' .gz siblings: tools/bundle/precompress.mjs), speech/audio tools
# (espeak-ng, sox, pocketsphinx with its en-us model for the voice agent, and
# libpocketsphinx-dev: the gateway compiles its resident recogniser against it),
# real reverse proxies and a CDN stand-in for tests, openssl for their throwaway CA,
# coturn (a TURN relay on loopback for the WebRTC voice tests; its service is not used),
# postgresql (the record's database for several instances; tests initdb a throwaway
# cluster of their own, tools/postgres/postgres-server.mjs; its service is not used),
# systemd for systemd-analyze (verifies examples/deploy/natter-gateway.service; not run as PID 1).
APT_PACKAGES=(
  cmake g++ clang libclang-rt-14-dev libgtest-dev nlohmann-json3-dev
  emscripten binaryen zopfli chromium fonts-dejavu-core espeak-ng sox nginx-light haproxy openssl redis-server
  firefox-esr libwebkit2gtk-4.1-0 webkit2gtk-driver xvfb
  pocketsphinx pocketsphinx-en-us libpocketsphinx-dev coturn ccache prometheus postgresql systemd
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "[setup] installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# JS packages, exactly as pinned in package-lock.json. Re-run only when the
# lock file changed since the last install.
stamp=node_modules/.natter-lock-sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "[setup] npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

# libopus source, pinned and verified (cached outside git).
bash tools/fetch-opus.sh >/dev/null
