#!/usr/bin/env bash
# The Helm plugin's command (plugin.yaml):
#   helm speclint [helm template arguments] [-- speclint arguments]
# renders the chart with `helm template` and lints the render with speclint, which reads the
# `# Source:` comments of the render to name the template behind each finding (and, for a
# chart on disk, places findings on its template files in the github and sarif formats). The exit
# status is speclint's (0 no error, 1 errors found, 2 usage or I/O failure); a render that
# fails is a usage failure (2) and is not linted.
set -uo pipefail

usage() {
  cat <<'USAGE'
Lint a chart's render for webhook TLS wiring, as kube-apiserver would judge it.

Usage:
  helm speclint [NAME] CHART [helm template flags] [-- speclint flags]

Examples:
  helm speclint ./charts/my-operator
  helm speclint my-release oci://registry.example.com/charts/op --version 1.2.3 -n operators
  helm speclint ./chart -f prod-values.yaml -- --format github --fail-on warning

Everything before `--` goes to `helm template` (CRDs are included); everything after it goes
to speclint (`speclint --help`). The namespace (-n) is passed to both. Exit status is
speclint's: 0 no error, 1 errors found, 2 usage or I/O failure (a failed render included).
USAGE
}

helm_args=()
speclint_args=()
after_separator=0
for arg in "$@"; do
  if [ "$after_separator" = 0 ] && [ "$arg" = "--" ]; then
    after_separator=1
  elif [ "$after_separator" = 1 ]; then
    speclint_args+=("$arg")
  else
    helm_args+=("$arg")
  fi
done

if [ "${#helm_args[@]}" -eq 0 ]; then
  usage >&2
  exit 2
fi
case "${helm_args[0]}" in
  -h | --help | help) usage; exit 0 ;;
esac

# The namespace helm renders into is the one speclint places objects without one in: the
# flag given here, else the one helm resolved for the plugin (HELM_NAMESPACE).
namespace=${HELM_NAMESPACE:-}
previous=""
for arg in "${helm_args[@]}"; do
  case "$previous" in
    -n | --namespace) namespace=$arg ;;
  esac
  case "$arg" in
    --namespace=*) namespace=${arg#--namespace=} ;;
    -n?*) namespace=${arg#-n} ;;
  esac
  previous=$arg
done
# What the speclint flags set themselves is not set for them.
speclint_sets_namespace=0
speclint_names_chart=0
for arg in ${speclint_args[@]+"${speclint_args[@]}"}; do
  case "$arg" in
    -n | -n?* | --namespace | --namespace=*) speclint_sets_namespace=1 ;;
    --stdin-chart | --stdin-chart=*) speclint_names_chart=1 ;;
  esac
done
namespace_args=()
if [ -n "$namespace" ] && [ "$speclint_sets_namespace" = 0 ]; then
  namespace_args=(--namespace "$namespace")
fi

# A chart on disk (a directory with a Chart.yaml among helm's arguments): speclint names the
# render after it, and its github and sarif reports place findings on the template files.
chart_args=()
if [ "$speclint_names_chart" = 0 ]; then
  for arg in "${helm_args[@]}"; do
    if [ -f "$arg/Chart.yaml" ]; then
      chart_args=(--stdin-chart "$arg")
      break
    fi
  done
fi

include_crds=(--include-crds)
for arg in "${helm_args[@]}"; do
  [ "$arg" = "--skip-crds" ] && include_crds=()
done

# speclint: SPECLINT_BIN, else the binary the plugin's install hook put in its bin/, else PATH.
speclint=${SPECLINT_BIN:-}
if [ -z "$speclint" ]; then
  for candidate in "${HELM_PLUGIN_DIR:-}/bin/speclint" "${HELM_PLUGIN_DIR:-}/bin/speclint.exe"; do
    if [ -n "${HELM_PLUGIN_DIR:-}" ] && [ -x "$candidate" ]; then
      speclint=$candidate
      break
    fi
  done
fi
if [ -z "$speclint" ]; then
  speclint=$(command -v speclint 2>/dev/null) || {
    echo "helm speclint: speclint is not installed: run \`helm plugin update speclint\`, or put speclint on PATH" >&2
    exit 2
  }
fi
helm=${HELM_BIN:-helm}

# The render goes to a file, not a pipe: a render that fails half-way is never linted, and
# the exit status is unambiguously helm's or speclint's.
render=$(mktemp "${TMPDIR:-/tmp}/helm-speclint.XXXXXX") || exit 2
trap 'rm -f "$render"' EXIT
"$helm" template "${helm_args[@]}" ${include_crds[@]+"${include_crds[@]}"} > "$render"
status=$?
if [ "$status" -ne 0 ]; then
  echo "helm speclint: helm template failed (exit status $status); nothing was linted" >&2
  exit 2
fi
"$speclint" ${namespace_args[@]+"${namespace_args[@]}"} ${chart_args[@]+"${chart_args[@]}"} \
  ${speclint_args[@]+"${speclint_args[@]}"} - < "$render"
exit $?
