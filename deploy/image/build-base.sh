#!/usr/bin/env bash
# Builds the base of sluice's container image from Debian packages alone: Debian 12 (bookworm)
# with the OpenJDK 17 headless runtime, written as a `docker save` style tarball that Jib takes as
# its base (`tar://...`). It lets the image be built where no container registry can be reached,
# as in CI. Users who can pull eclipse-temurin:17-jre do not need it.
#
#   deploy/image/build-base.sh [output.tar]      default: deploy/image/target/base.tar
#
# Does nothing when the output exists (IMAGE_BASE_REBUILD=1 builds it again). Needs mmdebstrap
# (apt-get install mmdebstrap) and either root or unprivileged user namespaces.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/deploy/image/target/base.tar}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"

if [ -f "$out" ] && [ "${IMAGE_BASE_REBUILD:-0}" != "1" ]; then
  echo "base image: $out exists" >&2
  exit 0
fi
command -v mmdebstrap >/dev/null || { echo "base image: mmdebstrap missing (apt-get install mmdebstrap)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
start=$SECONDS

# essential: the Essential:yes packages (bash, coreutils, dpkg, ...) plus what the JRE needs; no
# apt. Documentation and translations are never unpacked. The JRE's postinst registers its man
# page with update-alternatives, so the man directory has to exist while it runs. No device
# nodes: the container runtime provides /dev.
# Perl arrives only through usrmerge, which has done its work once the tree is built.
mmdebstrap --quiet --variant=essential --include=openjdk-17-jre-headless \
  --aptopt='APT::Install-Recommends "false"' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --skip=output/dev \
  --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
  --customize-hook='chroot "$1" dpkg --purge --force-depends --force-remove-essential usrmerge libfile-find-rule-perl libnumber-compare-perl libtext-glob-perl perl perl-modules-5.36 libperl5.36 >/dev/null 2>&1' \
  --customize-hook='rm -rf "$1"/usr/share/man/* "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/* "$1"/var/cache/debconf/*-old "$1"/var/log/*' \
  --customize-hook='chroot "$1" java -version' \
  bookworm "$work/rootfs.tar" \
  "deb $mirror bookworm main" \
  "deb $mirror bookworm-updates main" \
  "deb $security bookworm-security main"

# One layer, gzip-compressed (Jib copies compressed base layers as they are); its diff id is the
# digest of the uncompressed tar.
mkdir "$work/image"
diff_id="sha256:$(sha256sum "$work/rootfs.tar" | cut -d' ' -f1)"
gzip -n -6 -c "$work/rootfs.tar" > "$work/image/layer.tar.gz"
arch="$(dpkg --print-architecture)"
created="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
java_home="/usr/lib/jvm/java-17-openjdk-$arch"
cat > "$work/image/config.json" <<JSON
{
  "architecture": "$arch",
  "os": "linux",
  "created": "$created",
  "config": {
    "Env": [
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "JAVA_HOME=$java_home",
      "LANG=C.UTF-8"
    ]
  },
  "rootfs": {"type": "layers", "diff_ids": ["$diff_id"]},
  "history": [{"created": "$created", "created_by": "deploy/image/build-base.sh: Debian bookworm, openjdk-17-jre-headless"}]
}
JSON
cat > "$work/image/manifest.json" <<JSON
[{"Config": "config.json", "RepoTags": ["sluice-base:bookworm-jre17"], "Layers": ["layer.tar.gz"]}]
JSON

mkdir -p "$(dirname "$out")"
tar -C "$work/image" -cf "$out.tmp" manifest.json config.json layer.tar.gz
mv "$out.tmp" "$out"
echo "base image: $out, $(du -m "$out" | cut -f1) MB compressed, $(du -m "$work/rootfs.tar" | cut -f1) MB unpacked, built in $((SECONDS - start)) s" >&2
