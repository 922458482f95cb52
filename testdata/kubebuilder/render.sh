#!/bin/sh
# Regenerates the kubebuilder fixtures from the kustomize trees here (tests never run it):
#   config/                        the scaffold, cert-manager enabled, replacements on
#   variants/prefix-not-replaced/  names written by hand for the un-prefixed scaffold
#   variants/secret-diverged/      namePrefix on the Certificate's secretName only
#   variants/replacements-disabled/ ../certmanager enabled, its replacements still commented out
# Needs kubectl (its built-in kustomize; the committed outputs were made with v5.5.0).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cases="$here/../cases"

render() {
    mkdir -p "$cases/$2"
    {
        echo "# Rendered by testdata/kubebuilder/render.sh: kubectl kustomize testdata/kubebuilder/$1"
        kubectl kustomize "$here/$1"
    } > "$cases/$2/input.yaml"
    echo "wrote testdata/cases/$2/input.yaml"
}

render config/default cert-manager-kubebuilder-ok
render variants/prefix-not-replaced cert-manager-kubebuilder-prefix-not-replaced
render variants/secret-diverged cert-manager-kubebuilder-secret-diverged
render variants/replacements-disabled cert-manager-kubebuilder-replacements-disabled
