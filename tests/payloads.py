"""Hostile strings for every data field: Jinja template syntax (evaluated, broken, comments) and HTML."""

from __future__ import annotations

#: each would show as something else if it ever reached Jinja or HTML as source
JINJA = (
    "{{7*7}}",
    "{% if %}",
    "{#",
    "{{ 'x' }}",
    "{{ lipsum.__globals__.os.popen('id').read() }}",
    "{{ unclosed",
    "{% for x in %}{% endfor",
    "#}{{ config }}{%- raw -%}",
)
HTML = (
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "\"><svg onload=alert(1)>",
    "javascript:alert(1)",
)
PAYLOADS = JINJA + HTML
#: the text fields of a published project that the app shows
TEXT_FIELDS = ("name_zh", "name_en", "place_text", "quote", "status_text", "capacity_text", "timeline_text",
               "plan_title", "notes", "geocode_source", "county_zh")
