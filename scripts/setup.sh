#!/usr/bin/env bash
# Set up grader on this machine, idempotently:
#   1. a virtual environment .venv with grader (and its test tools) installed;
#   2. a running Docker engine (installed with apt-get when run as root and missing);
#   3. the sandbox image, built from python:3.11-slim, or from a Debian base image
#      made locally with debootstrap when no registry can be reached.
# Without Docker (not root, no apt-get), grader still works with --sandbox local.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'setup: %s\n' "$*" >&2; }

if [ ! -x .venv/bin/python ]; then
  log "creating .venv"
  python3 -m venv .venv
fi
installed='import importlib.util as u, sys
sys.exit(any(u.find_spec(m) is None for m in ("grader", "jsonschema", "ruff", "sklearn", "tensorflow")))'
if ! .venv/bin/python -c "$installed" >/dev/null 2>&1 \
   || [ pyproject.toml -nt .venv/.grader-installed ]; then
  log "installing grader into .venv"
  .venv/bin/pip install --quiet --disable-pip-version-check -e '.[dev,ml]'
  touch .venv/.grader-installed
fi
# Bytecode for grader's own modules, as a regular install would have: an editable install has
# none, and where PYTHONDONTWRITEBYTECODE is set every command would compile them again.
# Forced: compileall keeps bytecode whose source has the same modification second, and a file
# edited twice within one second would then be compiled anew by every command.
.venv/bin/python -m compileall -q -f grader >/dev/null

docker_up() { docker info >/dev/null 2>&1; }

if ! docker_up; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    if ! command -v dockerd >/dev/null; then
      log "installing the Docker engine (docker.io)"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
    fi
    log "starting dockerd"
    (setsid dockerd >/var/log/grader-dockerd.log 2>&1 &)
    for _ in $(seq 1 60); do docker_up && break; sleep 1; done
  fi
fi
if ! docker_up; then
  log "no Docker daemon: grader will fall back to --sandbox local (unconfined)"
  exit 0
fi

base="${GRADER_BASE_IMAGE:-}"
if [ -z "$base" ]; then
  if docker image inspect python:3.11-slim >/dev/null 2>&1 \
     || timeout 120 docker pull -q python:3.11-slim >/dev/null 2>&1; then
    base=python:3.11-slim
  else
    log "no registry reachable: making a Debian base image with debootstrap"
    bash scripts/make-base-image.sh grader-base:bookworm
    base=grader-base:bookworm
  fi
fi
.venv/bin/grader image build --base "$base" >/dev/null
log "ready: sandbox image built from $base"
