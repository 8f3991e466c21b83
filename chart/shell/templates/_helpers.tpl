{#
  Names and blocks shared by the templates: the renderer imports this file once per render
  and gives it to every template as `h`.
  Maps that may be missing (a user `null` deletes a default) read as empty maps.
#}
{% set name = Values.nameOverride | default(Chart.Name) | toString %}
{% set fullname = (Values.fullnameOverride if Values.fullnameOverride else Release.Name ~ "-" ~ name) | toString | trunc(63) | trimRight("-") %}
{% set chart = (Chart.Name ~ "-" ~ Chart.Version) | replace("+", "_") | trunc(63) | trimRight("-") %}
{% set image = Values.image | default("gitlab/gitlab-runner:alpine-v" ~ Chart.AppVersion) %}
{% set metrics = Values.metrics or {} %}
{# Where config.toml lives in the container: a writable directory (an emptyDir). #}
{% set config_dir = "/etc/gitlab-runner" %}
{# The runner's working directory: $HOME of the image's gitlab-runner user; builds go to builds/ in it. #}
{% set home = "/home/gitlab-runner" %}

{# The four standard labels of every object (text computed once per render). #}
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

{#
  config.toml of one registered runner with the shell executor. Every string is a TOML basic
  string (tomlString escapes quotes, backslashes and control characters), every number is
  written by tomlValue: no value can add a key or a table.
#}
{% macro config_toml() -%}
concurrent = {{ Values.concurrent | tomlValue("concurrent") }}
check_interval = {{ Values.checkInterval | tomlValue("checkInterval") }}
log_level = {{ Values.logLevel | default("info") | tomlString }}
{% if Values.logFormat %}
log_format = {{ Values.logFormat | tomlString }}
{% endif %}
{% if metrics.enabled %}
listen_address = {{ (":" ~ (metrics.port | default(9252))) | tomlString }}
{% endif %}

[[runners]]
  name = {{ Values.runnerName | default(fullname) | tomlString }}
  url = {{ Values.gitlabUrl | required("gitlabUrl is required: the URL of the GitLab server, e.g. https://gitlab.example.com/") | tomlString }}
  token = {{ Values.runnerToken | required("runnerToken is required: the token of an already registered runner (a glrt- authentication token, or the token of a runner registered with `gitlab-runner register`); this chart does not register runners") | tomlString }}
  executor = "shell"
{% if Values.shell %}
  shell = {{ Values.shell | tomlString }}
{% endif %}
{% if Values.cloneUrl %}
  clone_url = {{ Values.cloneUrl | tomlString }}
{% endif %}
{% if Values.buildsDir %}
  builds_dir = {{ Values.buildsDir | tomlString }}
{% endif %}
{% if Values.cacheDir %}
  cache_dir = {{ Values.cacheDir | tomlString }}
{% endif %}
{%- endmacro %}
