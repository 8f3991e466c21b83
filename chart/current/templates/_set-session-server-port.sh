{% set node_port = h.session.serviceType == "NodePort" %}
#!/bin/bash
# Puts the session server's port into config.toml (advertise_address): the Service's port, or
# for a NodePort Service its node port ({% if node_port and not h.session.nodePort %}given by the Kubernetes API{% else %}fixed by the values{% endif %}).
set -eo pipefail
config=${CONFIG_PATH_FOR_INIT:-/home/gitlab-runner/.gitlab-runner}/config.toml
{% if node_port and not h.session.nodePort %}
service={{ (h.fullname() ~ "-session-server") | shquote }}
account=/var/run/secrets/kubernetes.io/serviceaccount
api="https://${KUBERNETES_SERVICE_HOST:-kubernetes.default.svc}:${KUBERNETES_SERVICE_PORT:-443}"
url="$api/api/v1/namespaces/$(<"$account/namespace")/services/$service"
port=""
while [[ -z $port ]]; do
  status=$(curl --silent --cacert "$account/ca.crt" \
    --header "Authorization: Bearer $(<"$account/token")" "$url" 2>/dev/null || true)
  port=$(sed -n 's/^ *"nodePort": *\([0-9]*\).*/\1/p' <<<"$status" | head -n 1)
  if [[ -z $port ]]; then
    echo "set-session-server-port: Service $service has no node port yet"
    sleep 5
  fi
done
{% else %}
port={{ (h.session.nodePort if node_port else h.session.externalPort | default(9000)) | toString | shquote }}
{% endif %}
# the port goes into a TOML string: escape its backslashes and quotes
port=${port//\\/\\\\}
port=${port//\"/\\\"}
content=$(<"$config")
printf '%s\n' "${content//SESSION_SERVER_PORT/$port}" >"$config"
