#!/bin/bash
# Liveness probe: the runner is alive while it is being registered or while gitlab-runner runs.
if pgrep -f 'register-the-runner' >/dev/null || pgrep -x 'gitlab-runner' >/dev/null; then
  exit 0
fi
exit 1
