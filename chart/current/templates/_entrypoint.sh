#!/bin/bash
# The runner container's command (under dumb-init or tini): installs config.toml, fills in the
# session server's address and port, exports the cache and runner credentials that the
# projected Secrets put in /secrets, registers the runner, runs the user's pre-entrypoint
# script, then replaces itself with `gitlab-runner run`.
set -eo pipefail

config_dir=/home/gitlab-runner/.gitlab-runner
# read by the set-session-server-* scripts
export CONFIG_PATH_FOR_INIT=$config_dir
mkdir -p "$config_dir"
cp /configmaps/config.toml "$config_dir/config.toml"

# A TERM or QUIT while a step runs in the background ends that step and this script.
step=""
on_signal() {
  if [[ -n $step ]]; then
    kill -TERM "$step" 2>/dev/null || true
  fi
  exit 143
}
trap on_signal TERM QUIT INT
run_step() {
  "$@" &
  step=$!
  wait "$step"
  step=""
}
{% if h.session.enabled %}

run_step bash /configmaps/set-session-server-address
run_step bash /configmaps/set-session-server-port
{% endif %}

# The file holds a value: print it (no trailing newline is added).
secret() {
  [[ -f /secrets/$1 ]] && printf '%s' "$(<"/secrets/$1")"
}

# Distributed cache credentials (runners.cache.secretName, projected into /secrets).
if [[ -f /secrets/accesskey && -f /secrets/secretkey ]]; then
  CACHE_S3_ACCESS_KEY=$(secret accesskey)
  CACHE_S3_SECRET_KEY=$(secret secretkey)
  export CACHE_S3_ACCESS_KEY CACHE_S3_SECRET_KEY
fi
for credentials in gcs-application-credentials-file gcs-applicaton-credentials-file; do
  if [[ -f /secrets/$credentials ]]; then
    export GOOGLE_APPLICATION_CREDENTIALS=/secrets/$credentials
    break
  fi
done
if [[ -z ${GOOGLE_APPLICATION_CREDENTIALS:-} && -f /secrets/gcs-access-id && -f /secrets/gcs-private-key ]]; then
  CACHE_GCS_ACCESS_ID=$(secret gcs-access-id)
  # a key copied from a JSON credentials file holds "\n" where it means line breaks
  key=$(secret gcs-private-key)
  CACHE_GCS_PRIVATE_KEY=${key//\\n/$'\n'}
  export CACHE_GCS_ACCESS_ID CACHE_GCS_PRIVATE_KEY
fi
if [[ -f /secrets/azure-account-name && -f /secrets/azure-account-key ]]; then
  CACHE_AZURE_ACCOUNT_NAME=$(secret azure-account-name)
  CACHE_AZURE_ACCOUNT_KEY=$(secret azure-account-key)
  export CACHE_AZURE_ACCOUNT_NAME CACHE_AZURE_ACCOUNT_KEY
fi

# The runner's tokens (the chart's Secret, or the one runners.secret names).
if [[ -s /secrets/runner-registration-token ]]; then
  REGISTRATION_TOKEN=$(secret runner-registration-token)
  export REGISTRATION_TOKEN
fi
if [[ -s /secrets/runner-token ]]; then
  CI_SERVER_TOKEN=$(secret runner-token)
  export CI_SERVER_TOKEN
fi

run_step bash /configmaps/register-the-runner
# config.toml holds the runner's token now
unset REGISTRATION_TOKEN CI_SERVER_TOKEN

run_step bash /configmaps/pre-entrypoint-script

exec /entrypoint run --user=gitlab-runner --working-directory=/home/gitlab-runner
