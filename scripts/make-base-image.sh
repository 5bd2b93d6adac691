#!/usr/bin/env bash
# Make a Debian/Python base image without a registry: debootstrap a minimal root
# filesystem and import it into Docker. Used where `docker pull` cannot reach one.
# Usage: scripts/make-base-image.sh [IMAGE_NAME]   (default grader-base:bookworm)
set -euo pipefail
name="${1:-grader-base:bookworm}"
if docker image inspect "$name" >/dev/null 2>&1; then
  echo "base image $name already present"
  exit 0
fi
command -v debootstrap >/dev/null || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
}
rootfs="$(mktemp -d /tmp/grader-rootfs.XXXXXX)"
trap 'rm -rf "$rootfs"' EXIT
echo "debootstrap of a minimal bookworm into $rootfs (about a minute)"
debootstrap --variant=minbase --include=python3,python3-venv,python3-pip \
  bookworm "$rootfs" >/tmp/grader-debootstrap.log 2>&1 || {
  tail -20 /tmp/grader-debootstrap.log >&2; exit 1; }
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
tar -C "$rootfs" -c . | docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$name" >/dev/null
echo "base image $name imported"
