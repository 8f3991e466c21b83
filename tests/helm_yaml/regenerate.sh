#!/usr/bin/env bash
# Regenerates tests/helm_yaml/expected/ from REAL Helm: for every
# tests/helm_yaml/corpus/NAME.yaml, runs `helm template` of a throwaway chart
# (empty values.yaml, one template printing `# {{ toJson .Values | b64enc }}`:
# base64, so that no character of the values can break the comment line) with
# `-f NAME.yaml`, and writes what Helm saw:
#   expected/NAME.json   the values as JSON (Helm's toJson, one line), or
#   expected/NAME.error  Helm's error text, less "Error: failed to parse PATH: ".
# Usage: HELM=/path/to/helm tests/helm_yaml/regenerate.sh
# cargo test never runs this; it only reads the files it writes.
set -euo pipefail
: "${HELM:?set HELM to a helm 3.16 binary}"
here="$(cd "$(dirname "$0")" && pwd)"
chart="$(mktemp -d)"
trap 'rm -rf "$chart"' EXIT
mkdir -p "$chart/templates"
printf 'apiVersion: v2\nname: probe\nversion: 0.1.0\n' >"$chart/Chart.yaml"
: >"$chart/values.yaml"
printf '# {{ toJson .Values | b64enc }}\n' >"$chart/templates/out.yaml"
rm -rf "$here/expected"
mkdir -p "$here/expected"
for f in "$here"/corpus/*.yaml; do
  name="$(basename "$f" .yaml)"
  if out="$("$HELM" template x "$chart" -f "$f" 2>"$chart/stderr")"; then
    line="$(printf '%s\n' "$out" | sed -n 's/^# \([A-Za-z0-9+/=]\{1,\}\)$/\1/p' | base64 -d)"
    if [ -z "$line" ]; then
      echo "no values line for $name:" >&2
      printf '%s\n' "$out" >&2
      exit 1
    fi
    printf '%s\n' "$line" >"$here/expected/$name.json"
  else
    err="$(cat "$chart/stderr")"
    prefix="Error: failed to parse $f: "
    case "$err" in
      "$prefix"*) printf '%s\n' "${err#"$prefix"}" >"$here/expected/$name.error" ;;
      *)
        echo "unexpected helm failure for $name:" >&2
        printf '%s\n' "$err" >&2
        exit 1
        ;;
    esac
  fi
done
echo "wrote $(ls "$here/expected" | wc -l) files to $here/expected"
