#!/bin/bash
# Registers the runner with GitLab (up to 30 attempts, 5 seconds apart).
#
# The URL, executor, tags and job-pod settings reach `gitlab-runner register` through the
# container's environment (CI_SERVER_URL, RUNNER_TAG_LIST, KUBERNETES_*); the flags below come
# from values that have no environment variable. Every value is shell-quoted.
#
# The tokens reach gitlab-runner through the environment only, never as arguments: any
# process of the node can read a command line.
# - runnerToken (CI_SERVER_TOKEN): an authentication token (glrt-...) or the token of an
#   already registered runner. Tags, locking, access level, run-untagged, maximum timeout,
#   paused and maintenance note belong to the runner in GitLab then, and gitlab-runner
#   refuses them: they are left out (the chart warns at render time).
# - runnerRegistrationToken (REGISTRATION_TOKEN): the legacy registration flow.
#
# A TERM (or INT, QUIT, HUP) ends the running `gitlab-runner register` or the wait between
# attempts, and the script: both run in the background so that the trap runs at once.
#
# CHART_RUNNER_ENTRYPOINT, CHART_SCRIPTS_DIR, CHART_REGISTER_ATTEMPTS and CHART_REGISTER_DELAY
# exist for the chart's tests; in the pod they are unset and the defaults apply.
set -o pipefail

stop() {
  local child=$!
  trap - TERM INT QUIT HUP
  if [[ -n $child ]]; then
    kill -TERM "$child" 2>/dev/null
    wait "$child" 2>/dev/null
  fi
  exit "$1"
}
trap 'stop 143' TERM
trap 'stop 130' INT
trap 'stop 131' QUIT
trap 'stop 129' HUP

runner=${CHART_RUNNER_ENTRYPOINT:-/entrypoint}
if [[ ! -x $runner ]]; then
  runner=gitlab-runner
fi
scripts_dir=${CHART_SCRIPTS_DIR:-/scripts}
attempts=${CHART_REGISTER_ATTEMPTS:-30}
delay=${CHART_REGISTER_DELAY:-5}

args=(register --non-interactive)
{% for secret in h.runners.imagePullSecrets or [] %}
args+=(--kubernetes-image-pull-secrets {{ secret | shquote }})
{% endfor %}
{% for key, value in (h.runners.nodeSelector or {}) | items %}
args+=(--kubernetes-node-selector {{ (key ~ ":" ~ (value | toString)) | shquote }})
{% endfor %}
{% for key, value in (h.runners.podLabels or {}) | items %}
args+=(--kubernetes-pod-labels {{ (key ~ ":" ~ (value | toString)) | shquote }})
{% endfor %}
{% for key, value in (h.runners.podAnnotations or {}) | items %}
args+=(--kubernetes-pod-annotations {{ (key ~ ":" ~ (value | toString)) | shquote }})
{% endfor %}
{% for key, value in (h.runners.env or {}) | items %}
args+=(--env {{ (key ~ "=" ~ (value | toString)) | shquote }})
{% endfor %}
{% if h.job_host_aliases_given %}
args+=(--template-config "$scripts_dir/config.template.toml")
{% endif %}

if [[ -n ${CI_SERVER_TOKEN:-} ]]; then
  unset REGISTRATION_TOKEN RUNNER_TAG_LIST REGISTER_LOCKED REGISTER_RUN_UNTAGGED \
    REGISTER_ACCESS_LEVEL REGISTER_MAXIMUM_TIMEOUT REGISTER_PAUSED REGISTER_MAINTENANCE_NOTE
  : # gitlab-runner reads CI_SERVER_TOKEN from the environment
elif [[ -n ${REGISTRATION_TOKEN:-} ]]; then
{% if h.runners.runUntagged %}
  args+=(--run-untagged=true)
{% endif %}
{% if h.runners.protected %}
  args+=(--access-level=ref_protected)
{% endif %}
  : # gitlab-runner reads REGISTRATION_TOKEN from the environment
else
  echo "register-the-runner: no runner token and no registration token: set runnerToken or runnerRegistrationToken (or runners.secret)" >&2
  exit 1
fi

for ((attempt = 1; attempt <= attempts; attempt++)); do
  "$runner" "${args[@]}" &
  if wait "$!"; then
    exit 0
  fi
  echo "register-the-runner: attempt $attempt of $attempts failed" >&2
  if ((attempt < attempts)); then
    sleep "$delay" &
    wait "$!"
  fi
done
exit 1
