{{- define "gitlab-runner.fullname" -}}
{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end -}}
{{- define "gitlab-runner.secret" -}}
{{ default (include "gitlab-runner.fullname" .) .Values.runners.secret }}
{{- end -}}
