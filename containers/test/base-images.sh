#!/usr/bin/env bash
# The test's base images, built here from Debian's packages because no image registry is
# reachable: each stands in for the official image the Dockerfiles default to.
#   localhost/hotline-base/debian:12     debootstrap bookworm  (for debian:bookworm-slim)
#   localhost/hotline-base/python:3.11   + python3 python3-venv (for python:3.11-slim)
#   localhost/hotline-base/python:3.9    debootstrap bullseye + python3 (for python:3.10-slim:
#                                        Debian 12 has no Python <= 3.10; Rasa 3.6 runs on 3.9)
# The host's CA bundle goes into each base (pip behind this network's TLS inspection needs it);
# the Dockerfiles know nothing of it. Existing base images are kept: delete them to rebuild.
set -euo pipefail
MIRROR=${DEBIAN_MIRROR:-$(awk '/^URIs:/{print $2; exit} /^deb /{print $2; exit}' \
  /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list 2>/dev/null || true)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
CA_BUNDLE=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
WORK=$(mktemp -d /tmp/hotline-base.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

exists() { podman image exists "$1"; }

bootstrap() {  # suite image packages
  local suite=$1 image=$2 include=$3 root="$WORK/$1"
  if exists "$image"; then echo "base $image: present"; return; fi
  echo "base $image: debootstrap $suite from $MIRROR"
  nice debootstrap --variant=minbase --include="$include" "$suite" "$root" "$MIRROR" >"$WORK/$suite.log" 2>&1 \
    || { tail -n 20 "$WORK/$suite.log"; exit 1; }
  # The host's bundle, where a later ca-certificates run keeps it too.
  install -m 0644 "$CA_BUNDLE" "$root/usr/local/share/ca-certificates/host-bundle.crt"
  install -m 0644 "$CA_BUNDLE" "$root/etc/ssl/certs/ca-certificates.crt"
  printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n' >"$root/etc/pip.conf"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* \
    "$root"/var/log/*.log
  tar -C "$root" -c . | podman import --quiet --change 'CMD ["/bin/bash"]' - "$image" >/dev/null
  rm -rf "$root"
}

bootstrap bookworm localhost/hotline-base/debian:12 ca-certificates
bootstrap bullseye localhost/hotline-base/python:3.9 ca-certificates,python3,python3-venv

if exists localhost/hotline-base/python:3.11; then
  echo "base localhost/hotline-base/python:3.11: present"
else
  echo "base localhost/hotline-base/python:3.11: python3 on debian:12"
  printf '%s\n' 'FROM localhost/hotline-base/debian:12' \
    'RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-venv && apt-get clean && rm -rf /var/lib/apt/lists/*' \
    >"$WORK/Containerfile"
  nice podman build --quiet -t localhost/hotline-base/python:3.11 -f "$WORK/Containerfile" "$WORK" >/dev/null
fi
podman images --filter reference='localhost/hotline-base/*' --format '{{.Repository}}:{{.Tag}} {{.Size}}'
