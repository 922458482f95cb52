#!/bin/sh
# Installs a released speclint binary, checking its SHA-256 first.
#
#   curl -sSfL https://raw.githubusercontent.com/speclint/speclint/main/scripts/install.sh | sh
#   curl -sSfL .../install.sh | sh -s -- --version 0.1.0 --to /usr/local/bin
#   sh scripts/install.sh --to "$HELM_PLUGIN_DIR/bin" --version 0.1.0
#
# Options: --version X.Y.Z|latest (default latest), --to DIR (default $HOME/.local/bin),
# --repo OWNER/NAME (default speclint/speclint).
# Environment: SPECLINT_DOWNLOAD_BASE replaces https://github.com/OWNER/NAME/releases (a
# mirror, or file:// in tests, with the same download/vX.Y.Z/ and latest/download/ layout);
# SPECLINT_TARGET names the target instead of uname (e.g. x86_64-unknown-linux-musl).
#
# POSIX sh: runs under dash, macOS's /bin/sh and Git Bash on Windows.
set -eu

version=latest
to_dir=
repo=speclint/speclint

# One line each: a value with a line break cannot start a line (a CI log's command) of its own.
say() {
  printf 'speclint install: %s' "$*" | tr '\r\n' '  ' >&2
  echo >&2
}
die() {
  say "error: $*"
  exit 1
}
usage() {
  cat <<'EOF'
usage: install.sh [--version X.Y.Z|latest] [--to DIR] [--repo OWNER/NAME]
Downloads the speclint release for this OS and CPU, checks its SHA-256 and installs the
binary into DIR (default: $HOME/.local/bin).
EOF
}

while [ $# -gt 0 ]; do
  case $1 in
    --version) [ $# -ge 2 ] || die "--version needs a value"; version=$2; shift 2 ;;
    --version=*) version=${1#*=}; shift ;;
    --to) [ $# -ge 2 ] || die "--to needs a directory"; to_dir=$2; shift 2 ;;
    --to=*) to_dir=${1#*=}; shift ;;
    --repo) [ $# -ge 2 ] || die "--repo needs OWNER/NAME"; repo=$2; shift 2 ;;
    --repo=*) repo=${1#*=}; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

# Values end up in URLs and paths: accept only their plain forms.
case $version in
  latest) ;;
  v[0-9]*) version=${version#v} ;;
esac
case $version in
  latest) ;;
  [0-9]*.[0-9]*.[0-9]*)
    case $version in *[!0-9A-Za-z.+-]*) die "invalid version: $version" ;; esac ;;
  *) die "invalid version: $version (expected X.Y.Z or latest)" ;;
esac
case $repo in
  */*/* | /* | */ | *[!0-9A-Za-z._/-]*) die "invalid repository: $repo (expected OWNER/NAME)" ;;
  */*) ;;
  *) die "invalid repository: $repo (expected OWNER/NAME)" ;;
esac
if [ -z "$to_dir" ]; then
  [ -n "${HOME:-}" ] || die "HOME is not set; name the directory with --to DIR"
  to_dir=$HOME/.local/bin
fi

detect_target() {
  os=$(uname -s 2>/dev/null || echo unknown)
  arch=$(uname -m 2>/dev/null || echo unknown)
  case $arch in
    x86_64 | amd64) cpu=x86_64 ;;
    aarch64 | arm64) cpu=aarch64 ;;
    *) cpu= ;;
  esac
  case $os in
    Linux) [ -n "$cpu" ] && echo "$cpu-unknown-linux-musl" ;;
    Darwin) [ -n "$cpu" ] && echo "$cpu-apple-darwin" ;;
    # Windows on Arm runs the x86_64 build under emulation.
    MINGW* | MSYS* | CYGWIN* | Windows_NT) [ -n "$cpu" ] && echo "x86_64-pc-windows-msvc" ;;
  esac
  return 0
}

target=${SPECLINT_TARGET:-$(detect_target)}
case $target in
  x86_64-unknown-linux-musl | aarch64-unknown-linux-musl | x86_64-apple-darwin | aarch64-apple-darwin)
    asset=speclint-$target.tar.gz; exe=speclint ;;
  x86_64-pc-windows-msvc)
    asset=speclint-$target.zip; exe=speclint.exe ;;
  '')
    die "no prebuilt speclint for $(uname -s 2>/dev/null || echo this OS) on $(uname -m 2>/dev/null || echo this CPU); build it from source: cargo install --locked --git https://github.com/$repo speclint" ;;
  *)
    die "no prebuilt speclint for target $target (targets: x86_64/aarch64-unknown-linux-musl, x86_64/aarch64-apple-darwin, x86_64-pc-windows-msvc)" ;;
esac

base=${SPECLINT_DOWNLOAD_BASE:-https://github.com/$repo/releases}
base=${base%/}
if [ "$version" = latest ]; then
  url=$base/latest/download/$asset
else
  url=$base/download/v$version/$asset
fi

download() { # URL FILE
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 3 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1"
  else
    die "neither curl nor wget is installed"
  fi
}

sha256_of() { # FILE
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  elif command -v openssl >/dev/null 2>&1; then
    # "SHA2-256(FILE)= HEX" or "SHA256(FILE)= HEX": the last field.
    openssl dgst -sha256 "$1" | sed 's/.*= *//'
  else
    die "no SHA-256 tool (sha256sum, shasum or openssl) to check the download with"
  fi
}

tmp=$(mktemp -d 2>/dev/null || mktemp -d -t speclint)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

say "downloading $url"
download "$url" "$tmp/$asset" || die "cannot download $url"
download "$url.sha256" "$tmp/$asset.sha256" || die "cannot download $url.sha256"

# One sha256sum line: "<hex>  <asset>" (or "<hex> *<asset>").
read -r expected named <"$tmp/$asset.sha256" || true
expected=$(printf '%s' "${expected:-}" | tr 'A-F' 'a-f')
named=${named:-}
named=${named#\*}
case $expected in
  *[!0-9a-f]* | '') die "$asset.sha256 holds no SHA-256" ;;
esac
[ ${#expected} -eq 64 ] || die "$asset.sha256 holds no SHA-256"
if [ -n "$named" ] && [ "$named" != "$asset" ]; then
  die "$asset.sha256 is the checksum of $named, not of $asset"
fi
actual=$(sha256_of "$tmp/$asset")
if [ "$actual" != "$expected" ]; then
  die "checksum mismatch for $asset: expected $expected, got $actual; nothing was installed"
fi

mkdir "$tmp/x"
case $asset in
  *.zip)
    if command -v unzip >/dev/null 2>&1; then
      unzip -q "$tmp/$asset" -d "$tmp/x"
    elif command -v powershell >/dev/null 2>&1 && command -v cygpath >/dev/null 2>&1; then
      powershell -NoProfile -NonInteractive -Command \
        "Expand-Archive -LiteralPath '$(cygpath -w "$tmp/$asset")' -DestinationPath '$(cygpath -w "$tmp/x")'"
    else
      die "neither unzip nor PowerShell is available to extract $asset"
    fi ;;
  *) tar -xzf "$tmp/$asset" -C "$tmp/x" ;;
esac
binary=$tmp/x/speclint-$target/$exe
[ -f "$binary" ] || die "$asset holds no speclint-$target/$exe"

mkdir -p "$to_dir" || die "cannot create $to_dir"
# Copy beside the old binary, then rename over it: a running speclint is not disturbed.
cp "$binary" "$to_dir/.$exe.new" || die "cannot write to $to_dir"
chmod 755 "$to_dir/.$exe.new"
mv -f "$to_dir/.$exe.new" "$to_dir/$exe" || die "cannot replace $to_dir/$exe"

say "installed $to_dir/$exe"
"$to_dir/$exe" --version
case ":${PATH:-}:" in
  *":$to_dir:"*) ;;
  *) say "$to_dir is not on PATH; add it: export PATH=\"$to_dir:\$PATH\"" ;;
esac
