#!/usr/bin/env bash
# Fetches the pinned libopus release through Debian's source archive,
# verifies its sha256, and unpacks it into the cache. Prints the source dir.
# Never committed: the cache lives outside git ($NATTER_CACHE or ~/.cache).
set -euo pipefail
OPUS_VERSION=1.3.1
DEBIAN_VERSION=1.3.1-3
SHA256=65b58e1e25b2a114157014736a3d9dfeaad8d41be1c8179866f144a2fb44ff9d
TARBALL="opus_${OPUS_VERSION}.orig.tar.gz"

cache="${NATTER_CACHE:-$HOME/.cache/natter}"
src="$cache/opus-$OPUS_VERSION"
if [ -f "$src/.verified" ]; then echo "$src"; exit 0; fi
mkdir -p "$cache"

if [ ! -f "$cache/$TARBALL" ]; then
  # apt only fetches sources from deb-src entries: add one for bookworm main.
  list=/etc/apt/sources.list.d/natter-src.sources
  if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' | $SUDO tee "$list" >/dev/null
    $SUDO apt-get update -qq
  fi
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get source --download-only -qq "opus=$DEBIAN_VERSION" >/dev/null 2>&1) || {
    echo "fetch-opus: could not download opus=$DEBIAN_VERSION source through apt" >&2; exit 1; }
  mv "$tmp/$TARBALL" "$cache/$TARBALL"
  rm -rf "$tmp"
fi

echo "$SHA256  $cache/$TARBALL" | sha256sum -c --quiet - || {
  echo "fetch-opus: sha256 mismatch for $TARBALL; refusing to build it" >&2
  rm -f "$cache/$TARBALL"; exit 1; }

rm -rf "$src" && mkdir -p "$src"
tar -xzf "$cache/$TARBALL" -C "$src" --strip-components=1
touch "$src/.verified"
echo "$src"
