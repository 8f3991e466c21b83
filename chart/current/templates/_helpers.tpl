{#
  Names and blocks shared by the templates of the current chart (the values schema of the
  official chart 0.86.0). The renderer imports this file once per render and gives it to
  every template as `h`; `tpl("path")` reaches these macros through `include`.

  The macros named like the official chart's named templates (fullname, name, chart, secret,
  namespace, image, serviceAccountName) are also what a value run through `tpl` reaches with
  `include "gitlab-runner.<name>" .`: keep their names and their output (a bare string).
  The chart's own templates read the values behind them where there is one (`h.full_name`,
  `h.service_account_name`, `h.standard_labels`): a lookup costs less than a macro call.

  Maps that may be missing (a user `null` deletes a default) read as empty maps.
#}
{% set runners = Values.runners or {} %}
{% set rbac = Values.rbac or {} %}
{% set service_account = Values.serviceAccount or {} %}
{% set session = Values.sessionServer or {} %}
{% set metrics = Values.metrics or {} %}
{% set name_value = Values.nameOverride | default(Chart.Name) | toString | trunc(63) | trimSuffix("-") %}
{% set full_name = (Values.fullnameOverride | toString if Values.fullnameOverride else (Release.Name if Release.Name[:name_value | length] == name_value else Release.Name ~ "-" ~ name_value)) | trunc(63) | trimSuffix("-") %}
{% set chart_label = (Chart.Name ~ "-" ~ Chart.Version) | replace("+", "_") | trunc(63) | trimSuffix("-") %}
{% set namespace_value = Values.namespace | default(Release.Namespace) | toString %}
{# Job pods (and the runner's Role) live in runners.jobNamespace, else with the runner. #}
{% set job_namespace = runners.jobNamespace | default(namespace_value) | toString %}
{# The ServiceAccount is the chart's when serviceAccount.create says so, else when rbac.create. #}
{% set creates_service_account = service_account.create if (service_account.create is defined and service_account.create is not none) else rbac.create %}
{# Its name: serviceAccount.name; else the full name when serviceAccount.create; else with
   rbac.create rbac.generatedServiceAccountName or the full name; else rbac.serviceAccountName. #}
{% set service_account_name = (service_account.name | toString) if service_account.name else (full_name if service_account.create else ((rbac.generatedServiceAccountName | default(full_name) | toString) if rbac.create else (rbac.serviceAccountName | default("") | toString))) %}
{# A token given in the values: the chart renders the runner's Secret. #}
{% set renders_secret = Values.runnerRegistrationToken or Values.runnerToken %}
{# The Secret the pod reads the tokens from: the chart's, or the one runners.secret names. #}
{% set mounts_runner_secret = renders_secret or runners.secret %}
{# The configuration template from runners.config, or a file given by runners.configPath. #}
{% set has_config = runners.config is string and runners.config != "" %}
{% set template_config_path = "/configmaps/config.template.toml" if has_config else runners.configPath | default("") | toString %}
{% set probe_timeout = Values.probeTimeoutSeconds | default(4) %}

{% macro name() %}{{ name_value }}{% endmacro %}
{% macro fullname() %}{{ full_name }}{% endmacro %}
{% macro chart() %}{{ chart_label }}{% endmacro %}
{% macro serviceAccountName() %}{{ service_account_name }}{% endmacro %}

{#- The runner Secret's name: runners.secret (a template, through tpl), else the full name. #}
{% macro secret() %}
{{ (runners.secret | toString | tpl("runners.secret")) if runners.secret else full_name }}
{%- endmacro %}

{#- The image: registry/image:tag (tag default alpine-v{appVersion}), through tpl. #}
{% macro image() %}
{%- set settings = Values.image or {} -%}
{%- set tag = settings.tag | default("alpine-v" ~ Chart.AppVersion) | toString -%}
{%- set repository = settings.image | default("") | toString -%}
{%- set text = (settings.registry | toString ~ "/" if settings.registry else "") ~ repository ~ ":" ~ tag -%}
{{ text | tpl("image") }}
{%- endmacro %}

{#
  `key: value` lines: the standard labels, then `extra` (keys and string values through tpl,
  with `path` naming the values key in errors). An extra key replaces a standard label of the
  same name (Helm would print the key twice). Values that are not strings keep their type.
#}
{% macro labels(extra=none, path="", templated=false) -%}
{%- set given = namespace(keys=[], lines=[]) -%}
{%- for key, value in (extra or {}) | items -%}
{%- set key_text = (key | toString | tpl(path)) if templated else key | toString -%}
{%- set value_text = (value | tpl(path) | quote) if (templated and value is string) else (value | quote if value is string else value | toYaml | trim) -%}
{%- set given.keys = given.keys + [key_text] -%}
{%- set given.lines = given.lines + [(key_text | quote) ~ ": " ~ value_text] -%}
{%- endfor -%}
{%- for key, value in [("app", full_name), ("chart", chart_label), ("release", Release.Name), ("heritage", Release.Service)] if key not in given.keys %}
{{ key }}: {{ value | quote }}
{% endfor -%}
{%- for line in given.lines %}
{{ line }}
{% endfor -%}
{%- endmacro %}
{#- The standard labels alone, as labels() writes them: computed once per render. #}
{% set standard_labels = labels() %}

{# `key: "value"` lines of a map of annotations (values printed as text, keys sorted). #}
{% macro string_map(map) -%}
{% for key, value in (map or {}) | items %}
{{ key | quote }}: {{ value | quote }}
{% endfor %}
{%- endmacro %}

{# A list of strings in flow style: ["a", "b"]. #}
{% macro flow_list(items) -%}
[{% for item in items %}{{ item | quote }}{% if not loop.last %}, {% endif %}{% endfor %}]
{%- endmacro %}

{# The value of a map key when it is set and not null; `fallback` otherwise (or when empty). #}
{% macro or_default(value, fallback) -%}
{{ value | default(fallback) }}
{%- endmacro %}

{#
  A value as a YAML block in which every string, keys included, went through tpl (`path`
  names the values key in errors) and is printed quoted: a templated string stays one string,
  whatever it renders to. Other scalars keep their type. `h` is this module.
#}
{% macro tpl_yaml(h, value, path) -%}
{%- if value is mapping and value | length > 0 -%}
{%- for key, item in value | items -%}
{{ "\n" if not loop.first else "" }}{{ key | toString | tpl(path) | quote }}:
{%- if (item is mapping or (item is sequence and item is not string)) and item | length > 0 -%}
{{ "\n" }}{{ tpl_yaml(h, item, path) | indent(2) }}
{%- else -%}
{{ " " }}{{ tpl_yaml(h, item, path) }}
{%- endif -%}
{%- endfor -%}
{%- elif value is sequence and value is not string and value | length > 0 -%}
{%- for item in value -%}
{{ "\n" if not loop.first else "" }}- {{ (tpl_yaml(h, item, path) | indent(2))[2:] }}
{%- endfor -%}
{%- elif value is string -%}
{{ value | tpl(path) | quote }}
{%- else -%}
{{ value | toYaml }}
{%- endif -%}
{%- endmacro %}
