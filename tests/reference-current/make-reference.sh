#!/usr/bin/env bash
# Renders tests/reference-current/NAME.values.yaml with the official chart 0.86.0 and a real
# Helm into NAME.yaml, the way the six first references were made: release `ci`, namespace
# `gitlab`, the flags of the values file's `# helm-args:` line; the ConfigMap's scripts and the
# Deployment's checksum annotations elided (our scripts are our own, so their checksums differ).
#
# usage: tests/reference-current/make-reference.sh NAME...   (needs Helm and the chart; not run
# by cargo test, which only reads the stored renders)
# HELM (default /work/tools/helm) and CHART (default /work/tools/charts/0.86/gitlab-runner).
set -euo pipefail
cd "$(dirname "$0")"
helm=${HELM:-/work/tools/helm}
chart=${CHART:-/work/tools/charts/0.86/gitlab-runner}
for name in "$@"; do
  values=$name.values.yaml
  read -r -a args <<<"$(sed -n 's/^# helm-args: //p' "$values")"
  "$helm" template ci "$chart" -n gitlab -f "$values" "${args[@]}" | python3 -c '
import re, sys
scripts = {"entrypoint", "register-the-runner", "check-live", "set-session-server-address",
           "set-session-server-port"}
skipping = False
for line in sys.stdin:
    match = re.match(r"^  ([\w.-]+): \|", line)
    if skipping:
        if line.startswith("   ") or line.strip() == "":
            continue
        skipping = False
    if match and match.group(1) in scripts:
        print("  %s: <script elided>" % match.group(1))
        skipping = True
        continue
    line = re.sub(r"^(\s+checksum/\w+): .*", r"\1: <checksum elided>", line)
    sys.stdout.write(line)
' >"$name.yaml"
  echo "$name.yaml"
done
