#!/bin/sh
# The Helm plugin's install and update hook (plugin.yaml): downloads the release binary of
# the plugin's version into $HELM_PLUGIN_DIR/bin with scripts/install.sh, which checks its
# checksum. Without a download (no network, an unreleased commit) a speclint on PATH will do.
set -u
dir=${HELM_PLUGIN_DIR:?HELM_PLUGIN_DIR is set by helm}
version=$(sed -n 's/^version: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' "$dir/plugin.yaml" | head -n 1)
if sh "$dir/scripts/install.sh" --version "${version:-latest}" --to "$dir/bin"; then
  exit 0
fi
if command -v speclint >/dev/null 2>&1; then
  echo "helm speclint: could not download speclint $version; using $(command -v speclint) ($(speclint --version))" >&2
  exit 0
fi
echo "helm speclint: could not download speclint $version, and none is on PATH: install it (https://github.com/speclint/speclint#install), then run helm speclint" >&2
exit 1
