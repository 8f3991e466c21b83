{#
  Names and blocks shared by the templates. The renderer imports this file once per render
  and gives it to every template as `h`: h.fullname, h.labels, h.env(), ...
  Maps that may be missing (a user `null` deletes a default) read as empty maps.
#}
{% set runners = Values.runners or {} %}
{% set rbac = Values.rbac or {} %}
{% set cache = runners.cache or {} %}
{% set name = Values.nameOverride | default(Chart.Name) | toString %}
{# The object name; the values check renders this line too (schema/check.rs, seed_names), so the rule is written only here. #}
{% set fullname = (Values.fullnameOverride if Values.fullnameOverride else Release.Name ~ "-" ~ name) | toString | trunc(63) | trimRight("-") %}
{% set chart = (Chart.Name ~ "-" ~ Chart.Version) | replace("+", "_") | trunc(63) | trimRight("-") %}
{% set secret_name = runners.secret | default(fullname) | toString %}
{# The runner Secret exists when the chart renders it (a token is set) or runners.secret names one. #}
{% set runner_secret_exists = Values.runnerRegistrationToken or Values.runnerToken or runners.secret %}
{#
  Hosts entries of job pods: runners.hostAliases, then (with runners.hostAliasesFromManager)
  the manager pod's hostAliases. Entries with the same ip are merged into the first one; an ip
  and a hostname of an ip appear once, in the order of their first appearance.
#}
{% set job_host_aliases_given = (runners.hostAliases or []) | list + ((Values.hostAliases or []) | list if runners.hostAliasesFromManager else []) %}
{% set image = Values.image | default("gitlab/gitlab-runner:" ~ ("alpine-bleeding" if Chart.AppVersion == "bleeding" else "alpine-v" ~ Chart.AppVersion)) %}

{# The four standard labels of every object but the HPA (text computed once per render). #}
{% set labels -%}
app: {{ fullname | quote }}
chart: {{ chart | quote }}
release: {{ Release.Name | quote }}
heritage: {{ Release.Service | quote }}
{%- endset %}

{# One `name: value` line per entry of a map of strings (labels, annotations), keys sorted. #}
{% macro string_map(map) -%}
{% for key, value in map | items %}
{{ key | quote }}: {{ value | quote }}
{% endfor %}
{%- endmacro %}

{# A list of strings in flow style: ["a", "b"]. #}
{% macro flow_list(items) -%}
[{% for item in items %}{{ item | quote }}{% if not loop.last %}, {% endif %}{% endfor %}]
{%- endmacro %}

{# The environment of both containers of the pod: what `gitlab-runner register` reads. The
   four resource settings of each kind of job container (builds, services, helpers; an empty
   one, 0 or "", is not set) come from one loop (a macro called three times cost more), with
   the service account after the builds'. #}
{% macro env() -%}
- name: CI_SERVER_URL
  value: {{ Values.gitlabUrl | quote }}
- name: CLONE_URL
  value: {{ runners.cloneUrl | quote }}
- name: RUNNER_REQUEST_CONCURRENCY
  value: {{ runners.requestConcurrency | default(1) | quote }}
- name: RUNNER_EXECUTOR
  value: "kubernetes"
- name: REGISTER_LOCKED
  value: {{ ("false" if (runners | hasKey("locked")) and not runners.locked else "true") | quote }}
- name: RUNNER_TAG_LIST
  value: {{ runners.tags | quote }}
- name: RUNNER_OUTPUT_LIMIT
  value: {{ runners.outputLimit | default("") | quote }}
- name: KUBERNETES_IMAGE
  value: {{ runners.image | quote }}
{% if runners.privileged %}
- name: KUBERNETES_PRIVILEGED
  value: "true"
{% endif %}
- name: KUBERNETES_NAMESPACE
  value: {{ runners.namespace | default(Release.Namespace) | quote }}
- name: KUBERNETES_POLL_TIMEOUT
  value: {{ runners.pollTimeout | default("") | quote }}
{% for prefix, settings in [("KUBERNETES_", runners.builds), ("KUBERNETES_SERVICE_", runners.services), ("KUBERNETES_HELPER_", runners.helpers)] %}
{% set settings = settings or {} %}
- name: {{ prefix }}CPU_LIMIT
  value: {{ settings.cpuLimit | default("") | quote }}
- name: {{ prefix }}MEMORY_LIMIT
  value: {{ settings.memoryLimit | default("") | quote }}
- name: {{ prefix }}CPU_REQUEST
  value: {{ settings.cpuRequests | default("") | quote }}
- name: {{ prefix }}MEMORY_REQUEST
  value: {{ settings.memoryRequests | default("") | quote }}
{% if loop.first %}
- name: KUBERNETES_SERVICE_ACCOUNT
  value: {{ runners.serviceAccountName | quote }}
{% endif %}
{% endfor %}
- name: KUBERNETES_HELPER_IMAGE
  value: {{ (runners.helpers or {}).image | quote }}
- name: KUBERNETES_PULL_POLICY
  value: {{ runners.imagePullPolicy | quote }}
{% if cache.cacheType %}
- name: CACHE_TYPE
  value: {{ cache.cacheType | quote }}
- name: CACHE_PATH
  value: {{ coalesce(cache.cachePath, cache.s3CachePath) | quote }}
{% if cache.cacheShared %}
- name: CACHE_SHARED
  value: "true"
{% endif %}
{% if cache.cacheType == "s3" %}
- name: CACHE_S3_SERVER_ADDRESS
  value: {{ cache.s3ServerAddress | quote }}
- name: CACHE_S3_BUCKET_NAME
  value: {{ cache.s3BucketName | quote }}
- name: CACHE_S3_BUCKET_LOCATION
  value: {{ cache.s3BucketLocation | quote }}
{% if cache.s3CacheInsecure %}
- name: CACHE_S3_INSECURE
  value: "true"
{% endif %}
{% elif cache.cacheType == "gcs" %}
- name: CACHE_GCS_BUCKET_NAME
  value: {{ cache.gcsBucketName | quote }}
{% endif %}
{% endif %}
{% for item in Values.envVars or [] %}
- name: {{ item.name | quote }}
  value: {{ item.value | quote }}
{% endfor %}
{%- endmacro %}
