#!/usr/bin/env bash
# The logic of the speclint GitHub Action (action.yml): install or build speclint, lint, and
# write the step's outputs, job summary and SARIF file. Inputs come as environment variables
# (INPUT_PATHS, INPUT_ARGS, INPUT_FORMAT, INPUT_CONFIG, INPUT_FAIL_ON, INPUT_SARIF,
# INPUT_SUMMARY, INPUT_VERSION, INPUT_BUILD, INPUT_WORKING_DIRECTORY), never as script text.
# Runs under bash 3.2 (macOS), bash 5 (Linux) and Git Bash (Windows).
set -euo pipefail

action_dir=$(cd "$(dirname "$0")/.." && pwd)

paths_input=${INPUT_PATHS-.}
args_input=${INPUT_ARGS-}
format=${INPUT_FORMAT:-github}
config=${INPUT_CONFIG-}
fail_on=${INPUT_FAIL_ON-error}
sarif=${INPUT_SARIF:-false}
summary=${INPUT_SUMMARY:-true}
version=${INPUT_VERSION-}
build=${INPUT_BUILD:-false}
working_directory=${INPUT_WORKING_DIRECTORY:-.}
action_ref=${SPECLINT_ACTION_REF:-${GITHUB_ACTION_REF:-}}
runner_temp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
# Git Bash: paths this script passes around in POSIX form, and native ones for the runner.
native() { printf '%s' "$1"; }
if command -v cygpath >/dev/null 2>&1; then
  runner_temp=$(cygpath -u "$runner_temp")
  native() { cygpath -w "$1"; }
fi

# Text for a workflow command's message: %, CR and LF escaped, so an input value cannot
# start a command of its own.
escape() {
  local s=${1//%/%25}
  s=${s//$'\r'/%0D}
  printf '%s' "${s//$'\n'/%0A}"
}
# A usage failure of the action itself: exit 2, as speclint's own.
fail() {
  printf '::error title=speclint action::%s\n' "$(escape "$*")"
  exit 2
}
output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"; fi
}

case $format in
  human | json | concise | github | junit | sarif | markdown) ;;
  *) fail "format must be human, json, concise, github, junit, sarif or markdown, not '$format'" ;;
esac
case $fail_on in
  '' | error | warning | note | never) ;;
  *) fail "fail-on must be error, warning, note or never, not '$fail_on'" ;;
esac
for pair in "sarif=$sarif" "summary=$summary" "build=$build"; do
  case ${pair#*=} in
    true | false) ;;
    *) fail "${pair%%=*} must be true or false, not '${pair#*=}'" ;;
  esac
done

# --- speclint itself --------------------------------------------------------------------

bin_dir=$runner_temp/speclint/bin
add_to_path() {
  PATH=$1:$PATH
  if [ -n "${GITHUB_PATH:-}" ]; then printf '%s\n' "$(native "$1")" >>"$GITHUB_PATH"; fi
}

if [ "$build" = true ]; then
  [ "$version" != path ] || fail "build: true and version: path exclude each other"
  command -v cargo >/dev/null 2>&1 || fail "build: true needs cargo (e.g. dtolnay/rust-toolchain before this step)"
  echo "::group::cargo install speclint from $action_dir"
  cargo install --locked --profile dist --path "$action_dir" --root "$runner_temp/speclint" ||
    fail "could not build speclint from $action_dir"
  echo "::endgroup::"
  add_to_path "$bin_dir"
elif [ "$version" = path ]; then
  command -v speclint >/dev/null 2>&1 || fail "version: path, and there is no speclint on PATH"
else
  case $version in
    '' | latest) ;;
    *[!0-9A-Za-z.+-]* | [!0-9v]*) fail "version must be X.Y.Z, latest or path, not '$version'" ;;
  esac
  if [ -z "$version" ]; then
    # The action pinned at a release tag installs that release; a branch or SHA, the latest.
    if [[ $action_ref =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; then version=${action_ref#v}; else version=latest; fi
  fi
  installed=
  if [ -x "$bin_dir/speclint" ] || [ -x "$bin_dir/speclint.exe" ]; then
    installed=$("$bin_dir/speclint" --version 2>/dev/null || true)
  fi
  # A second use of the action in the job reuses a pinned release.
  if [ "$version" != latest ] && [ "$installed" = "speclint ${version#v}" ]; then
    echo "speclint ${version#v} is installed in $bin_dir"
  else
    echo "::group::install speclint $version"
    sh "$action_dir/scripts/install.sh" --version "$version" --to "$bin_dir" || fail "could not install speclint $version"
    echo "::endgroup::"
  fi
  add_to_path "$bin_dir"
fi

# --- what to lint ------------------------------------------------------------------------

cd -- "$working_directory" 2>/dev/null || fail "working-directory '$working_directory' does not exist"

# Words as a shell splits them, quotes included, but nothing expanded or run: xargs parses,
# printf prints each word NUL-terminated. Globs reach speclint as written; it expands them.
split_words() { # TEXT FILE
  : >"$2"
  if [[ $1 =~ ^[[:space:]]*$ ]]; then return 0; fi
  printf '%s\n' "$1" | xargs printf '%s\0' >"$2" 2>"$2.err" || return 1
}
words=$(mktemp "$runner_temp/speclint-words.XXXXXX")
trap 'rm -f "$words" "$words.err"' EXIT

paths=()
split_words "$paths_input" "$words" || fail "paths: $(head -n1 "$words.err")"
while IFS= read -r -d '' word; do paths+=("$word"); done <"$words"
[ ${#paths[@]} -gt 0 ] || paths=(.)

extra=()
split_words "$args_input" "$words" || fail "args: $(head -n1 "$words.err")"
while IFS= read -r -d '' word; do extra+=("$word"); done <"$words"

common=()
if [ -n "$config" ]; then common+=(--config "$config"); fi
common+=(${extra[@]+"${extra[@]}"})
fail_args=()
case $fail_on in error | warning | note) fail_args=(--fail-on "$fail_on") ;; esac

# Annotations and SARIF name files relative to the repository root; from a working directory
# below it, relative paths would point elsewhere, so those runs get absolute ones (the runner
# and upload-sarif make them relative to the workspace again).
located=("${paths[@]}")
if [ -n "${GITHUB_WORKSPACE:-}" ] && [ "$(pwd -P)" != "$(cd "$GITHUB_WORKSPACE" 2>/dev/null && pwd -P)" ]; then
  located=()
  for p in "${paths[@]}"; do
    case $p in
      - | /* | [A-Za-z]:*) located+=("$p"); continue ;;
    esac
    # Lexically, so that globs stay globs: no ./ and leading ../ in the result.
    dir=$PWD
    while :; do
      case $p in
        . | ./) p=; break ;;
        ./*) p=${p#./} ;;
        .. | ../) dir=$(dirname "$dir"); p=; break ;;
        ../*) dir=$(dirname "$dir"); p=${p#../} ;;
        *) break ;;
      esac
    done
    located+=("${dir%/}${p:+/$p}")
  done
fi

show() { # the command line, each word quoted, on one line of the log
  printf '%s' "$1"
  shift
  printf ' %q' "$@"
  printf '\n'
}

# --- the runs ----------------------------------------------------------------------------

main_paths=("${paths[@]}")
case $format in github | sarif) main_paths=("${located[@]}") ;; esac
main=(speclint ${common[@]+"${common[@]}"} ${fail_args[@]+"${fail_args[@]}"} --format "$format" -- "${main_paths[@]}")
show "${main[@]}"
status=0
"${main[@]}" || status=$?

errors='' warnings='' notes='' sarif_file=''
if [ "$status" -le 1 ]; then
  # The outputs, from the JSON report's summary (the last key of its one object).
  report=$runner_temp/speclint-report.json
  speclint ${common[@]+"${common[@]}"} --format json -o "$report" -- "${paths[@]}" 2>/dev/null || true
  if [ -s "$report" ]; then
    counts=$(tr -d '\r\n' <"$report" | sed -n 's/.*"summary"[[:space:]]*:[[:space:]]*{\([^}]*\)}.*/\1/p')
    count() { printf '%s' "$counts" | sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\([0-9][0-9]*\).*/\1/p"; }
    errors=$(count errors)
    warnings=$(count warnings)
    notes=$(count notes)
  fi
  rm -f "$report"

  if [ "$summary" = true ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    speclint ${common[@]+"${common[@]}"} --format markdown -- "${paths[@]}" >>"$GITHUB_STEP_SUMMARY" 2>/dev/null || true
  fi

  if [ "$sarif" = true ]; then
    sarif_file=$runner_temp/speclint.sarif
    rm -f "$sarif_file"
    speclint ${common[@]+"${common[@]}"} --format sarif -o "$sarif_file" -- "${located[@]}" 2>/dev/null || true
    [ -s "$sarif_file" ] || sarif_file=
  fi
elif [ "$summary" = true ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  printf '### speclint\n\n❌ speclint could not check the manifests (exit code %s: a usage or input error); the job log says why.\n' "$status" >>"$GITHUB_STEP_SUMMARY"
fi

output errors "$errors"
output warnings "$warnings"
output notes "$notes"
output sarif "$(if [ -n "$sarif_file" ]; then native "$sarif_file"; fi)"
output exit-code "$status"

# fail-on: never passes on findings, never on a failure to check (exit 2).
if [ "$fail_on" = never ] && [ "$status" -eq 1 ]; then exit 0; fi
exit "$status"
