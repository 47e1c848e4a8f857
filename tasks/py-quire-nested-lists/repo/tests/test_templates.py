import pytest

from quire.errors import TemplateError
from quire.templates import Template


def test_expressions_are_escaped_unless_safe():
    t = Template("{{ a }}|{{ a | safe }}|{{ b.c | upper }}")
    assert t.render({"a": "<i>", "b": {"c": "x"}}) == "&lt;i&gt;|<i>|X"


def test_loops_and_conditions():
    t = Template(
        "{% for x in xs %}{{ loop.index }}:{{ x }}"
        "{% if loop.last %}.{% else %},{% endif %}{% endfor %}"
    )
    assert t.render({"xs": ["a", "b", "c"]}) == "1:a,2:b,3:c."


def test_filters_with_arguments():
    t = Template('{{ tags | join:" / " }} {{ missing | default:"none" }} {{ tags | length }}')
    assert t.render({"tags": ["a", "b"]}) == "a / b none 2"


def test_errors_name_the_line():
    with pytest.raises(TemplateError, match=r"t:2: unknown name 'nope'"):
        Template("line one\n{{ nope }}", "t").render({})
    with pytest.raises(TemplateError, match="never closed"):
        Template("{% if a %}x")
    with pytest.raises(TemplateError, match="unknown filter"):
        Template("{{ a | shout }}").render({"a": 1})
