#!/bin/sh
# Init container: copies the projected secrets (runner tokens, cache credentials) into the
# in-memory volume that the runner container reads them from.
# CHART_INIT_SECRETS_DIR and CHART_SECRETS_DIR exist for the chart's tests.
set -e
from=${CHART_INIT_SECRETS_DIR:-/init-secrets}
to=${CHART_SECRETS_DIR:-/secrets}
for file in "$from"/*; do
  if [ -f "$file" ]; then
    cp -L "$file" "$to/"
  fi
done
