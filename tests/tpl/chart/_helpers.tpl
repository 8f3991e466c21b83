{% set fullname = (Release.Name ~ "-" ~ Chart.Name) | trunc(63) | trimRight("-") %}
{% macro secret() %}{{ Values.runners.secret | default(fullname) }}{% endmacro %}
