#!/bin/bash
# Starts the runner in the manager pod: installs the configuration, exports the cache and
# runner credentials found in the secrets volume, registers the runner, then runs it.
#
# Signals: this script is the container's PID 1 until it execs the runner, and PID 1 gets no
# signal it has no handler for. So TERM (kubectl delete pod), INT, QUIT and HUP are trapped:
# the registration runs in the background (bash runs a trap only after a foreground command
# ends, and `wait` returns at once), gets a TERM, and the script exits. Once it runs,
# gitlab-runner is PID 1 and handles signals itself.
#
# CHART_SCRIPTS_DIR, CHART_SECRETS_DIR, CHART_CONFIG_DIR and CHART_RUNNER_ENTRYPOINT exist for
# the chart's tests; in the pod they are unset and the paths below apply.
set -eo pipefail

stop() {
  local child=$!
  trap - TERM INT QUIT HUP
  if [[ -n $child ]]; then
    kill -TERM "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
  exit "$1"
}
trap 'stop 143' TERM
trap 'stop 130' INT
trap 'stop 131' QUIT
trap 'stop 129' HUP

scripts_dir=${CHART_SCRIPTS_DIR:-/scripts}
secrets_dir=${CHART_SECRETS_DIR:-/secrets}
config_dir=${CHART_CONFIG_DIR:-/home/gitlab-runner/.gitlab-runner}
runner=${CHART_RUNNER_ENTRYPOINT:-/entrypoint}
if [[ ! -x $runner ]]; then
  runner=gitlab-runner
fi

mkdir -p "$config_dir/"
cp "$scripts_dir/config.toml" "$config_dir/"

# Distributed cache credentials, when a cache secret is projected into the secrets volume.
if [[ -f $secrets_dir/accesskey && -f $secrets_dir/secretkey ]]; then
  CACHE_S3_ACCESS_KEY=$(<"$secrets_dir/accesskey")
  CACHE_S3_SECRET_KEY=$(<"$secrets_dir/secretkey")
  export CACHE_S3_ACCESS_KEY CACHE_S3_SECRET_KEY
fi
if [[ -f $secrets_dir/gcs-application-credentials-file ]]; then
  export GOOGLE_APPLICATION_CREDENTIALS=$secrets_dir/gcs-application-credentials-file
elif [[ -f $secrets_dir/gcs-applicaton-credentials-file ]]; then
  # the key name older versions of the chart documented (sic)
  export GOOGLE_APPLICATION_CREDENTIALS=$secrets_dir/gcs-applicaton-credentials-file
elif [[ -f $secrets_dir/gcs-access-id && -f $secrets_dir/gcs-private-key ]]; then
  CACHE_GCS_ACCESS_ID=$(<"$secrets_dir/gcs-access-id")
  # the private key is usually stored with literal "\n"; gitlab-runner needs real newlines
  private_key=$(<"$secrets_dir/gcs-private-key")
  CACHE_GCS_PRIVATE_KEY=${private_key//\\n/$'\n'}
  export CACHE_GCS_ACCESS_ID CACHE_GCS_PRIVATE_KEY
fi

# Runner credentials (the chart's Secret, or the one named by runners.secret).
if [[ -s $secrets_dir/runner-registration-token ]]; then
  REGISTRATION_TOKEN=$(<"$secrets_dir/runner-registration-token")
  export REGISTRATION_TOKEN
fi
if [[ -s $secrets_dir/runner-token ]]; then
  CI_SERVER_TOKEN=$(<"$secrets_dir/runner-token")
  export CI_SERVER_TOKEN
fi

bash "$scripts_dir/register-the-runner" &
if ! wait "$!"; then
  exit 1
fi

# The runner's token is in config.toml now: the tokens leave the environment.
unset REGISTRATION_TOKEN CI_SERVER_TOKEN
exec "$runner" run --user=gitlab-runner --working-directory=/home/gitlab-runner
