#!/usr/bin/env bash
# Build pinned pairs of nearby published versions of the same code, for the edit-stability
# benchmark (`bun run bench -- --sections stability`): real edits between two releases.
#
#   bash tests/bench/pairs/build-pairs.sh [CACHE_DIR]        (default CACHE_DIR=/tmp/weft-pairs)
#
# Fetched the way ../shared/corpus/build-corpus.sh fetches the corpus: Debian's archive
# (apt-get download + dpkg -x) and the npm registry (npm pack), exact versions, nothing third-party
# stored in this repository. Idempotent: downloads are cached in CACHE_DIR/downloads and each pair
# is extracted only when its stamp is missing (delete CACHE_DIR/.stamp-<pair> to force it).
#
# Layout produced (each pair: old/ and new/ hold the same relative paths where the file survived):
#   CACHE_DIR/pairs/python-stdlib/{old,new}/...   *.py  libpython3.11-minimal + -stdlib, Debian 12: 3.11.2-6+deb12u8 -> deb12u9
#   CACHE_DIR/pairs/python-keystone/{old,new}/... *.py  python3-keystone 2:22.0.2-0+deb12u3 -> deb12u6
#   CACHE_DIR/pairs/go-git-lfs/{old,new}/...      *.go  golang-github-git-lfs-git-lfs-dev 3.3.0-1+deb12u1 -> deb12u2
#   CACHE_DIR/pairs/ts-effect/{old,new}/...       *.ts  effect 3.19.11 -> 3.19.12 (src/)
#   CACHE_DIR/pairs/ts-rxjs/{old,new}/...         *.ts  rxjs 7.8.1 -> 7.8.2 (src/)
#   CACHE_DIR/MANIFEST.tsv                        kind, name, version, sha256 of every artifact
#
# The registries reachable here are npm and Debian only (no crates.io), so Rust is not among them.
# Debian keeps a package's previous revision only while it sits in another suite (bookworm vs
# bookworm-security): when a pin disappears the script fails and names it (pick the next pair).
set -euo pipefail

ROOT="${1:-/tmp/weft-pairs}"
DL="$ROOT/downloads"
PAIRS="$ROOT/pairs"
MANIFEST="$ROOT/MANIFEST.tsv"
mkdir -p "$DL" "$PAIRS"

# ---- pins: pair name, then old and new ------------------------------------------------------------
PY_OLD="3.11.2-6+deb12u8"
PY_NEW="3.11.2-6+deb12u9"
KS_PKG="python3-keystone"
KS_OLD="2:22.0.2-0+deb12u3"
KS_NEW="2:22.0.2-0+deb12u6"
# (containerd's deb12u2 -> deb12u3 changed no .go file, so it is not used)
GO_PKG="golang-github-git-lfs-git-lfs-dev"
GO_OLD="3.3.0-1+deb12u1"
GO_NEW="3.3.0-1+deb12u2"
EFFECT_OLD="effect@3.19.11"
EFFECT_NEW="effect@3.19.12"
RXJS_OLD="rxjs@7.8.1"
RXJS_NEW="rxjs@7.8.2"

log() { printf '[pairs] %s\n' "$*" >&2; }
need() { command -v "$1" >/dev/null 2>&1 || { log "missing tool: $1"; exit 1; }; }
need apt-get; need dpkg; need npm; need sha256sum

: > "$MANIFEST.tmp"
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$MANIFEST.tmp"; }

APT_UPDATED=0
apt_update_once() {
  if [ "$APT_UPDATED" = 0 ]; then
    log "apt-get update"
    apt-get update -qq >/dev/null 2>&1 || apt-get update >&2
    APT_UPDATED=1
  fi
}

# deb_fetch NAME VERSION -> path of the .deb in $DL (exactly that version, or fail)
deb_fetch() {
  local name="$1" ver="$2" f
  f=$(ls "$DL"/"${name}_${ver//:/%3a}"_*.deb 2>/dev/null | head -n1 || true)
  if [ -z "$f" ]; then
    (cd "$DL" && { apt-get download -qq "$name=$ver" >/dev/null 2>&1 \
        || { apt_update_once; apt-get download -qq "$name=$ver" >/dev/null 2>&1; }; }) \
      || { log "pinned $name=$ver is not in the archive (any more): choose another pair"; exit 1; }
    f=$(ls "$DL"/"${name}_${ver//:/%3a}"_*.deb 2>/dev/null | head -n1 || true)
    # apt-get names the file with the version as the archive spells it (~ and + kept, : as %3a)
    [ -n "$f" ] || f=$(ls -t "$DL"/"${name}"_*.deb | head -n1)
  fi
  local got; got=$(dpkg-deb -f "$f" Version)
  [ "$got" = "$ver" ] || { log "$f is $name $got, pinned $ver"; exit 1; }
  record deb "$name" "$got" "$(sha256sum "$f" | cut -d' ' -f1)"
  printf '%s\n' "$f"
}

# npm_fetch PKG@VER -> path of the .tgz in $DL
npm_fetch() {
  local spec="$1" f
  local base="${spec%@*}"; base="${base#@}"; base="${base//\//-}"
  f="$DL/${base}-${spec##*@}.tgz"
  if [ ! -s "$f" ]; then
    (cd "$DL" && npm pack --silent "$spec" >/dev/null) || { log "npm pack $spec failed"; exit 1; }
  fi
  [ -s "$f" ] || { log "expected $f after npm pack"; exit 1; }
  record npm "${spec%@*}" "${spec##*@}" "$(sha256sum "$f" | cut -d' ' -f1)"
  printf '%s\n' "$f"
}

# copy_tree FROM TO 'find-expression...'  (keeps relative paths)
copy_tree() {
  local from="$1" to="$2"; shift 2
  mkdir -p "$to"
  (cd "$from" && find . "$@" -type f -print0) | (cd "$from" && xargs -0 -r cp --parents -t "$to")
}

stamp_ok() { [ -f "$ROOT/.stamp-$1" ] && [ -d "$PAIRS/$1/old" ] && [ -d "$PAIRS/$1/new" ]; }
stamp_set() { touch "$ROOT/.stamp-$1"; }

TMP=$(mktemp -d /tmp/weft_pairs.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

log "fetching pinned artifacts into $DL"
PY_MIN_OLD=$(deb_fetch libpython3.11-minimal "$PY_OLD")
PY_STD_OLD=$(deb_fetch libpython3.11-stdlib "$PY_OLD")
PY_MIN_NEW=$(deb_fetch libpython3.11-minimal "$PY_NEW")
PY_STD_NEW=$(deb_fetch libpython3.11-stdlib "$PY_NEW")
KS_D_OLD=$(deb_fetch "$KS_PKG" "$KS_OLD")
KS_D_NEW=$(deb_fetch "$KS_PKG" "$KS_NEW")
GO_D_OLD=$(deb_fetch "$GO_PKG" "$GO_OLD")
GO_D_NEW=$(deb_fetch "$GO_PKG" "$GO_NEW")
T_EFFECT_OLD=$(npm_fetch "$EFFECT_OLD")
T_EFFECT_NEW=$(npm_fetch "$EFFECT_NEW")
T_RXJS_OLD=$(npm_fetch "$RXJS_OLD")
T_RXJS_NEW=$(npm_fetch "$RXJS_NEW")

# ---- python: the standard library of two Debian revisions -----------------------------------------
if ! stamp_ok python-stdlib; then
  log "python-stdlib: extracting"
  rm -rf "$PAIRS/python-stdlib"
  for side in old new; do
    rm -rf "$TMP/py"; mkdir -p "$TMP/py"
    if [ "$side" = old ]; then dpkg -x "$PY_MIN_OLD" "$TMP/py"; dpkg -x "$PY_STD_OLD" "$TMP/py"
    else dpkg -x "$PY_MIN_NEW" "$TMP/py"; dpkg -x "$PY_STD_NEW" "$TMP/py"; fi
    copy_tree "$TMP/py/usr/lib/python3.11" "$PAIRS/python-stdlib/$side" -name '*.py'
  done
  stamp_set python-stdlib
fi

# deb_pair PAIR OLD.deb NEW.deb DIR-IN-PACKAGE EXT: the files *.EXT under DIR of each package
deb_pair() {
  local pair="$1" old="$2" new="$3" dir="$4" ext="$5"
  if stamp_ok "$pair"; then return; fi
  log "$pair: extracting"
  rm -rf "$PAIRS/$pair"
  for side in old new; do
    rm -rf "$TMP/deb"; mkdir -p "$TMP/deb"
    if [ "$side" = old ]; then dpkg -x "$old" "$TMP/deb"; else dpkg -x "$new" "$TMP/deb"; fi
    copy_tree "$TMP/deb/$dir" "$PAIRS/$pair/$side" -name "*.$ext"
  done
  stamp_set "$pair"
}
deb_pair python-keystone "$KS_D_OLD" "$KS_D_NEW" usr/lib/python3/dist-packages/keystone py
# git-lfs's sources as Debian ships them for building other packages
deb_pair go-git-lfs "$GO_D_OLD" "$GO_D_NEW" usr/share/gocode/src go

# ---- typescript: the published src/ of two releases ------------------------------------------------
npm_pair() {
  local pair="$1" old="$2" new="$3"
  if stamp_ok "$pair"; then return; fi
  log "$pair: extracting"
  rm -rf "$PAIRS/$pair"
  for side in old new; do
    rm -rf "$TMP/npm"; mkdir -p "$TMP/npm"
    if [ "$side" = old ]; then tar xzf "$old" -C "$TMP/npm"; else tar xzf "$new" -C "$TMP/npm"; fi
    copy_tree "$TMP/npm/package/src" "$PAIRS/$pair/$side" -name '*.ts'
  done
  stamp_set "$pair"
}
npm_pair ts-effect "$T_EFFECT_OLD" "$T_EFFECT_NEW"
npm_pair ts-rxjs "$T_RXJS_OLD" "$T_RXJS_NEW"

mv "$MANIFEST.tmp" "$MANIFEST"

# ---- summary: files in both versions whose bytes differ -------------------------------------------
for d in "$PAIRS"/*/; do
  p=$(basename "$d")
  changed=$( (cd "$d/old" && find . -type f) | while read -r f; do
      if [ -f "$d/new/$f" ] && ! cmp -s "$d/old/$f" "$d/new/$f"; then echo "$f"; fi; done | wc -l)
  log "$p: $(cd "$d/old" && find . -type f | wc -l) files old, $(cd "$d/new" && find . -type f | wc -l) new, $changed changed"
done
