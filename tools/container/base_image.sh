#!/usr/bin/env bash
# Builds a local stand-in for the official denoland/deno:<version> image (the Debian one), for
# machines that cannot pull from Docker Hub: a minimal Debian root from debootstrap, the Deno
# binary from npm (@deno/linux-<arch>-glibc), and what the official debian.dockerfile sets up
# (github.com/denoland/deno_docker): user deno (uid/gid 1993), /deno-dir owned by it,
# DENO_DIR=/deno-dir/, DENO_INSTALL_ROOT=/usr/local, DENO_USE_CGROUPS=1, DENO_VERSION, /tini and
# docker-entrypoint.sh as the entrypoint (`docker run IMAGE run main.ts` runs deno, any other
# command runs as is), and no USER (root, as there).
#
# One addition: certificate authorities this machine added to its own trust (the *.crt files in
# /usr/local/share/ca-certificates, e.g. a TLS-inspecting egress proxy's) are copied in and named
# by DENO_CERT, or `deno install` in a build cannot reach npm from here. A machine with none
# gets an image set up exactly like the official one. EXTRA_CA_CERTS=none leaves them out;
# EXTRA_CA_CERTS=/path/to/bundle.pem names other ones.
#
# Idempotent: does nothing when the tag already exists (pass --force to rebuild). Needs root,
# docker, debootstrap and npm; reaches only the Debian mirror and the npm registry.
#
# Usage: tools/container/base_image.sh [--force]
# Environment: DENO_VERSION (2.9.6), BASE_TAG (denoland/deno:$DENO_VERSION), DEBIAN_SUITE
# (bookworm), DEBIAN_MIRROR (http://deb.debian.org/debian), BASE_WORK_DIR
# (/var/tmp/web-oscilloscope-base: the debootstrapped root and the npm tarball, reused),
# EXTRA_CA_CERTS (auto).
set -euo pipefail

DENO_VERSION=${DENO_VERSION:-2.9.6}
TAG=${BASE_TAG:-denoland/deno:$DENO_VERSION}
SUITE=${DEBIAN_SUITE:-bookworm}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
WORK=${BASE_WORK_DIR:-/var/tmp/web-oscilloscope-base}
EXTRA_CA=${EXTRA_CA_CERTS:-auto}
force=0
[ "${1:-}" = "--force" ] && force=1

say() { echo "base_image: $*" >&2; }
die() {
  say "$*"
  exit 1
}

have_image() { docker image inspect "$TAG" >/dev/null 2>&1; }

command -v docker >/dev/null || die "docker is missing (apt-get install -y docker.io)"
docker info >/dev/null 2>&1 || die "no Docker engine answers (start dockerd)"
if [ "$force" = 0 ] && have_image; then
  say "$TAG exists; nothing to do"
  exit 0
fi
[ "$(id -u)" = 0 ] || die "debootstrap needs root"
command -v debootstrap >/dev/null || die "debootstrap is missing (apt-get install -y debootstrap)"
command -v npm >/dev/null || die "npm is missing (apt-get install -y npm)"

mkdir -p "$WORK"
# one builder at a time (two test runs starting together)
exec 9>"$WORK/.lock"
flock 9
if [ "$force" = 0 ] && have_image; then
  say "$TAG appeared while waiting; nothing to do"
  exit 0
fi

debarch=$(dpkg --print-architecture 2>/dev/null || uname -m)
case "$debarch" in
  amd64 | x86_64) npmarch=x64 ;;
  arm64 | aarch64) npmarch=arm64 ;;
  *) die "no Deno build on npm for $debarch" ;;
esac

# 1. the Debian root (kept: later runs and other Deno versions reuse it)
base="$WORK/$SUITE-$debarch-minbase"
if [ ! -e "$base/.complete" ]; then
  say "debootstrap --variant=minbase $SUITE from $MIRROR into $base"
  rm -rf "$base.tmp"
  if ! debootstrap --variant=minbase --include=tini "$SUITE" "$base.tmp" "$MIRROR" \
    >"$WORK/debootstrap.log" 2>&1; then
    tail -n 20 "$WORK/debootstrap.log" >&2
    die "debootstrap failed (the whole log: $WORK/debootstrap.log)"
  fi
  # as slim as debian:*-slim: no documentation, manuals or translations, no apt lists
  rm -rf "$base.tmp"/usr/share/doc/* "$base.tmp"/usr/share/man/* \
    "$base.tmp"/usr/share/info/* "$base.tmp"/usr/share/locale/* \
    "$base.tmp"/var/lib/apt/lists/* "$base.tmp"/var/cache/apt/*.bin \
    "$base.tmp"/var/cache/apt/archives/*.deb "$base.tmp"/var/log/*.log \
    "$base.tmp"/var/log/apt/* "$base.tmp"/tmp/* "$base.tmp"/var/tmp/*
  touch "$base.tmp/.complete"
  mv "$base.tmp" "$base"
fi

# 2. Deno from npm: the same binary the `deno` npm package installs
tarball="$WORK/deno-linux-$npmarch-glibc-$DENO_VERSION.tgz"
if [ ! -s "$tarball" ]; then
  say "npm pack @deno/linux-$npmarch-glibc@$DENO_VERSION"
  dl=$(mktemp -d)
  (cd "$dl" && npm pack --silent "@deno/linux-$npmarch-glibc@$DENO_VERSION" >/dev/null)
  mv "$dl"/*.tgz "$tarball"
  rm -rf "$dl"
fi

# 3. the image's root: a copy of the Debian root with Deno, the user and the entrypoint
root="$WORK/rootfs-deno-$DENO_VERSION"
rm -rf "$root"
cp -a "$base" "$root"
rm -f "$root/.complete"
tar -xzf "$tarball" -C "$root/usr/bin" --strip-components=1 package/deno
chown 0:0 "$root/usr/bin/deno"
chmod 755 "$root/usr/bin/deno"
chroot "$root" groupadd --gid 1993 deno
chroot "$root" useradd --uid 1993 --gid 1993 --no-create-home deno
mkdir -p "$root/deno-dir"
chown 1993:1993 "$root/deno-dir"
ln -sf /usr/bin/tini "$root/tini"
cat >"$root/usr/local/bin/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
# as denoland/deno's _entry.sh: an option or a deno subcommand first runs deno, else the command
set -e
case "$1" in
  -*) exec deno "$@" ;;
  add | bench | bundle | cache | compile | completions | coverage | doc | eval | fmt | help | init | info | install | jupyter | lint | lsp | publish | remove | repl | run | serve | task | test | types | uninstall | upgrade | vendor)
    exec deno "$@" ;;
esac
exec "$@"
EOF
chmod 755 "$root/usr/local/bin/docker-entrypoint.sh"
cas=()
case "$EXTRA_CA" in
  none) ;;
  auto) for f in /usr/local/share/ca-certificates/*.crt; do [ -f "$f" ] && cas+=("$f"); done ;;
  *) cas=("$EXTRA_CA") ;;
esac
ca_env=()
if [ "${#cas[@]}" -gt 0 ]; then
  say "trusting this machine's extra certificate authorities: ${cas[*]}"
  mkdir -p "$root/usr/local/share/ca-certificates"
  cat "${cas[@]}" >"$root/usr/local/share/ca-certificates/stand-in-extra.crt"
  ca_env=(--change 'ENV DENO_CERT=/usr/local/share/ca-certificates/stand-in-extra.crt')
fi
got=$(chroot "$root" /usr/bin/deno --version | head -n 1)
case "$got" in
  "deno $DENO_VERSION "*) ;;
  *) die "the binary from npm says \"$got\", not deno $DENO_VERSION" ;;
esac

# 4. the image
say "importing $TAG"
tar --numeric-owner -C "$root" --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' -c . |
  docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV DENO_USE_CGROUPS=1' \
    --change 'ENV DENO_DIR=/deno-dir/' \
    --change 'ENV DENO_INSTALL_ROOT=/usr/local' \
    --change "ENV DENO_VERSION=$DENO_VERSION" \
    "${ca_env[@]}" \
    --change "LABEL org.opencontainers.image.title=Deno org.opencontainers.image.version=$DENO_VERSION org.opencontainers.image.description=\"local stand-in for denoland/deno (Debian $SUITE minbase), from tools/container/base_image.sh\"" \
    --change 'ENTRYPOINT ["/tini", "--", "docker-entrypoint.sh"]' \
    --change "CMD [\"eval\", \"console.log('Welcome to Deno!')\"]" \
    - "$TAG" >/dev/null
rm -rf "$root"

got=$(docker run --rm --network none "$TAG" --version | head -n 1)
case "$got" in
  "deno $DENO_VERSION "*) say "$TAG built: $got" ;;
  *) die "$TAG runs \"$got\"" ;;
esac
