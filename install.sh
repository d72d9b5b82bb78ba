#!/bin/sh
# Installs weft, the single-binary code chunker, from a GitHub release. It picks this machine's
# archive (weft-<os>-<cpu>.tar.gz), downloads it and the release's SHA256SUMS, checks the archive's
# sha256 before anything reads it, extracts the binary, runs `weft --version` from a temporary
# directory and only then puts it in PREFIX/bin.
# Any failure is one line on stderr, and nothing is installed. Run `sh install.sh --help`.
set -eu

# The release workflow fills these in when it attaches this script to a release.
REPOSITORY="@REPOSITORY@"
RELEASE="@RELEASE@"

usage() {
  cat <<'EOF'
Install weft from a GitHub release:
  curl -fsSL https://github.com/OWNER/weft/releases/latest/download/install.sh | sh
  curl -fsSL .../install.sh | sh -s -- --prefix /usr/local --version v0.1.0

  --prefix DIR     install to DIR/bin/weft (default ~/.local; or WEFT_PREFIX)
  --version TAG    a release tag such as v0.1.0 (default: this script's release, else the
                   latest; or WEFT_VERSION)
  WEFT_DOWNLOAD_URL=URL   the directory that holds the release's files (a mirror, file://...)

Needs uname, curl or wget, sha256sum, shasum or openssl, and tar with gzip.
EOF
}

die() {
  printf 'weft install: %s\n' "$*" >&2
  exit 1
}

bad_usage() {
  printf 'weft install: %s (see --help)\n' "$*" >&2
  exit 2
}

prefix="${WEFT_PREFIX:-}"
version="${WEFT_VERSION:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || bad_usage "--prefix needs a directory"; prefix="$2"; shift 2 ;;
    --prefix=*) prefix="${1#*=}"; shift ;;
    --version) [ $# -ge 2 ] || bad_usage "--version needs a release tag"; version="$2"; shift 2 ;;
    --version=*) version="${1#*=}"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) bad_usage "unknown argument '$1'" ;;
  esac
done

# The platform, named as the release names its files.
os="$(uname -s)"
arch="$(uname -m)"
case "$os" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  MINGW* | MSYS* | CYGWIN* | Windows_NT) die "on Windows, download weft-windows-x64.zip and SHA256SUMS from the release page and compare 'certutil -hashfile weft-windows-x64.zip SHA256' with its line" ;;
  *) die "no weft binary for $os $arch (releases have linux-x64, linux-arm64, darwin-arm64, darwin-x64, windows-x64)" ;;
esac
case "$arch" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) die "no weft binary for $os $arch (releases have linux-x64, linux-arm64, darwin-arm64, darwin-x64, windows-x64)" ;;
esac
# A shell under Rosetta reports x86_64 on Apple silicon: the native binary is the one to have.
if [ "$os-$arch" = darwin-x64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || true)" = 1 ]; then arch=arm64; fi
if [ "$os" = linux ] && ls /lib/ld-musl-* >/dev/null 2>&1; then
  die "no weft binary for musl libc (Alpine and the like): the linux binaries need glibc"
fi
asset="weft-$os-$arch.tar.gz"

# Where the release's files are.
[ -n "$version" ] || case "$RELEASE" in v[0-9]*) version="$RELEASE" ;; *) version=latest ;; esac
case "$version" in latest | v*) ;; *) version="v$version" ;; esac
if [ -n "${WEFT_DOWNLOAD_URL:-}" ]; then
  base="${WEFT_DOWNLOAD_URL%/}"
else
  case "$REPOSITORY" in */*) ;; *) die "this copy of install.sh names no repository: use the install.sh attached to a weft release, or set WEFT_DOWNLOAD_URL" ;; esac
  if [ "$version" = latest ]; then base="https://github.com/$REPOSITORY/releases/latest/download"; else base="https://github.com/$REPOSITORY/releases/download/$version"; fi
fi

if [ -z "$prefix" ]; then
  [ -n "${HOME:-}" ] || die "HOME is not set: give --prefix DIR"
  prefix="$HOME/.local"
fi
bindir="$prefix/bin"
# mv onto a directory (or a link to one) would put the binary inside it and report success.
not_dir() {
  if [ -d "$bindir/weft" ]; then die "$bindir/weft is a directory (or a link to one), not a file weft can replace; move it away or give another --prefix"; fi
}
not_dir

# fetch URL FILE: downloads URL to FILE, or dies naming what failed.
if command -v curl >/dev/null 2>&1; then
  fetch() {
    # Redirects (GitHub sends release files to its storage host) must stay on https.
    if code="$(curl -fsL --proto-redir =https -o "$2" -w '%{http_code}' "$1" 2>/dev/null)"; then return 0; fi
    case "$code" in 000 | "") die "could not download $1 (curl could not connect or read it)" ;; *) die "could not download $1 (HTTP $code)" ;; esac
  }
elif command -v wget >/dev/null 2>&1; then
  fetch() {
    wget -q -O "$2" "$1" 2>/dev/null || die "could not download $1 (wget failed with exit $?)"
  }
else
  die "neither curl nor wget is installed"
fi

# sha256 FILE: its sha256 in lowercase hex.
if command -v sha256sum >/dev/null 2>&1; then
  sha256() { sha256sum "$1" | awk '{ print tolower($1) }'; }
elif command -v shasum >/dev/null 2>&1; then
  sha256() { shasum -a 256 "$1" | awk '{ print tolower($1) }'; }
elif command -v openssl >/dev/null 2>&1; then
  sha256() { openssl dgst -sha256 "$1" | awk '{ print tolower($NF) }'; }
else
  die "no sha256 tool (sha256sum, shasum or openssl) to check the download with"
fi
command -v tar >/dev/null 2>&1 || die "tar is not installed (needed to extract $asset)"

tmp="$(mktemp -d 2>/dev/null || mktemp -d -t weft)" || die "cannot create a temporary directory"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "weft install: $asset ($version) from $base"
fetch "$base/SHA256SUMS" "$tmp/SHA256SUMS"
expected="$(awk -v f="$asset" '$2 == f || $2 == "*" f { print tolower($1); exit }' "$tmp/SHA256SUMS")"
[ -n "$expected" ] || die "release $version has no $asset (it is not in $base/SHA256SUMS)"
case "$expected" in *[!0-9a-f]*) die "$base/SHA256SUMS has no valid sha256 for $asset" ;; esac
[ "${#expected}" -eq 64 ] || die "$base/SHA256SUMS has no valid sha256 for $asset"

fetch "$base/$asset" "$tmp/$asset"
actual="$(sha256 "$tmp/$asset")"
[ "$actual" = "$expected" ] || die "checksum mismatch for $asset from $base: SHA256SUMS says $expected, the download is $actual; nothing was installed"

# Verified: only now is it extracted (the binary alone; LICENSE and THIRD-PARTY-NOTICES.txt beside
# it are also printed by `weft --licenses`), made executable, and run once from the temporary
# directory before it replaces anything.
mkdir "$tmp/x" || die "cannot create a temporary directory"
(cd "$tmp/x" && tar -xzf "../$asset" weft) >/dev/null 2>&1 ||
  die "$asset matches SHA256SUMS but tar could not extract weft from it; nothing was installed"
if [ ! -f "$tmp/x/weft" ] || [ -h "$tmp/x/weft" ]; then die "$asset matches SHA256SUMS but holds no weft binary; nothing was installed"; fi
mv "$tmp/x/weft" "$tmp/weft" || die "cannot move the extracted binary in $tmp"
chmod 755 "$tmp/weft"
line="$("$tmp/weft" --version 2>&1 | head -n 1)" || true
case "$line" in
  [0-9]*) ;;
  *) die "$asset matches SHA256SUMS but does not run here (${line:-no output}); nothing was installed" ;;
esac

not_dir # again: it may have appeared during the download
mkdir -p "$bindir" 2>/dev/null || die "cannot create $bindir"
cp "$tmp/weft" "$bindir/.weft.$$" 2>/dev/null || { rm -f "$bindir/.weft.$$"; die "cannot write to $bindir"; }
mv -f "$bindir/.weft.$$" "$bindir/weft" 2>/dev/null || { rm -f "$bindir/.weft.$$"; die "cannot write $bindir/weft"; }
# A directory that appeared after the check took the file inside it: take it back out, and refuse.
if [ -d "$bindir/weft" ]; then rm -f "$bindir/weft/.weft.$$"; not_dir; fi
echo "weft install: installed weft $line to $bindir/weft"
case ":${PATH:-}:" in *":$bindir:"*) ;; *) echo "weft install: $bindir is not on your PATH; add it, or run $bindir/weft" ;; esac
