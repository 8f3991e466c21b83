#!/bin/bash
# Registers the runner with GitLab: up to 30 attempts, 5 seconds apart.
#
# `gitlab-runner register` reads the URL (CI_SERVER_URL), the executor and the tags from the
# container's environment, and the token from CI_SERVER_TOKEN or REGISTRATION_TOKEN; the flags
# below come from values that have no environment variable, each one shell-quoted.
# - An authentication token (glrt-...): the runner's tags, locking, run-untagged and access
#   level are set in GitLab, and gitlab-runner refuses them here: they are left out.
# - A registration token (the legacy flow): runners.runUntagged and runners.protected apply.
set -o pipefail

child=""
on_signal() {
  if [[ -n $child ]]; then
    kill -TERM "$child" 2>/dev/null
  fi
  exit 143
}
trap on_signal TERM QUIT INT

args=(register --non-interactive)
{% if h.runners.name %}
args+=(--name {{ h.runners.name | toString | shquote }})
{% endif %}
{% if h.template_config_path %}
args+=(--template-config {{ h.template_config_path | shquote }})
{% endif %}

if [[ -n ${CI_SERVER_TOKEN:-} ]]; then
  unset REGISTRATION_TOKEN REGISTER_LOCKED RUNNER_TAG_LIST
elif [[ -n ${REGISTRATION_TOKEN:-} ]]; then
{% if h.runners.runUntagged %}
  args+=(--run-untagged=true)
{% endif %}
{% if h.runners.protected %}
  args+=(--access-level=ref_protected)
{% endif %}
  : # gitlab-runner reads REGISTRATION_TOKEN from the environment
else
  echo "register-the-runner: no token in /secrets: set runnerToken (or runnerRegistrationToken) or runners.secret" >&2
  exit 1
fi

attempts=30
for ((attempt = 1; attempt <= attempts; attempt++)); do
  echo "register-the-runner: attempt $attempt of $attempts"
  /entrypoint "${args[@]}" &
  child=$!
  if wait "$child"; then
    exit 0
  fi
  child=""
  if ((attempt < attempts)); then
    sleep 5 &
    child=$!
    wait "$child"
    child=""
  fi
done
echo "register-the-runner: the runner could not be registered" >&2
exit 1
