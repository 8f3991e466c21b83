#!/bin/bash
# Puts the session server's address into config.toml (advertise_address): SESSION_SERVER_ADDRESS
# when the pod has it (sessionServer.publicIP, the Service's cluster DNS name, or the node's IP),
# else the external address of the LoadBalancer Service, asked from the Kubernetes API until it
# has one.
set -eo pipefail
config=${CONFIG_PATH_FOR_INIT:-/home/gitlab-runner/.gitlab-runner}/config.toml
service={{ (h.fullname() ~ "-session-server") | shquote }}
address=${SESSION_SERVER_ADDRESS:-}

if [[ -z $address ]]; then
  account=/var/run/secrets/kubernetes.io/serviceaccount
  api="https://${KUBERNETES_SERVICE_HOST:-kubernetes.default.svc}:${KUBERNETES_SERVICE_PORT:-443}"
  url="$api/api/v1/namespaces/$(<"$account/namespace")/services/$service"
  while [[ -z $address ]]; do
    status=$(curl --silent --cacert "$account/ca.crt" \
      --header "Authorization: Bearer $(<"$account/token")" "$url" 2>/dev/null || true)
    # a load balancer has a hostname (AWS) or an ip
    address=$(sed -n 's/^ *"hostname": *"\([^"]*\)".*/\1/p' <<<"$status" | head -n 1)
    if [[ -z $address ]]; then
      address=$(sed -n 's/^ *"ip": *"\([^"]*\)".*/\1/p' <<<"$status" | head -n 1)
    fi
    if [[ -z $address ]]; then
      echo "set-session-server-address: Service $service has no external address yet"
      sleep 5
    fi
  done
fi

# the address goes into a TOML string: escape its backslashes and quotes
address=${address//\\/\\\\}
address=${address//\"/\\\"}
content=$(<"$config")
printf '%s\n' "${content//SESSION_SERVER_ADDRESS/$address}" >"$config"
