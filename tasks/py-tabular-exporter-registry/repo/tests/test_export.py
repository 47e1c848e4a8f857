import io
import json

from tabular import export


def render(table, fmt, **kw):
    buf = io.StringIO()
    export(table, fmt, buf, **kw)
    return buf.getvalue()


def test_csv(table):
    assert render(table, "csv", null="NA") == (
        "region,total,units,active,note\nnorth,1200.5,10,true,big | deal\nsouth,980,NA,false,NA\n"
    )


def test_json(table):
    assert json.loads(render(table, "json")) == [
        {"region": "north", "total": 1200.5, "units": 10, "active": True, "note": "big | deal"},
        {"region": "south", "total": 980, "units": None, "active": False, "note": None},
    ]


def test_markdown(table):
    assert render(table, "markdown", columns=["region", "total", "note"]).splitlines() == [
        "| region | total | note |",
        "| --- | ---: | --- |",
        "| north | 1200.5 | big \\| deal |",
        "| south | 980 |  |",
    ]


def test_html_escapes(table):
    out = render(table, "html", columns=["region", "units"])
    assert '<td class="num">10</td>' in out
    assert out.startswith("<table>\n  <thead>\n    <tr><th>region</th><th>units</th></tr>")
