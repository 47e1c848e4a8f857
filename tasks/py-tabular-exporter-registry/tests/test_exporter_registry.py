"""Hidden tests: a registry of exporters, with byte-identical output for the built-in formats."""

import io

import pytest

from tabular import export
from tabular.cli import main
from tabular.table import read_csv_text

CSV = 'name,price,qty,ok,note\n"a<b & ""c""",2.50,-3,true,"x | y\\nz"\nZoë,,7,false,\n,10,,,plain\n'

# Written by the code before the refactor: the refactor must not change a byte.
GOLDEN = {
    ('csv', ''): 'name,price,qty,ok,note\n"a<b & ""c""",2.50,-3,true,x | y\\nz\nZoë,,7,false,\n,10,,,plain\n',
    ('csv', 'n/a'): 'name,price,qty,ok,note\n"a<b & ""c""",2.50,-3,true,x | y\\nz\nZoë,n/a,7,false,n/a\nn/a,10,n/a,n/a,plain\n',
    ('json', ''): '[\n  {\n    "name": "a<b & \\"c\\"",\n    "price": 2.5,\n    "qty": -3,\n    "ok": true,\n    "note": "x | y\\\\nz"\n  },\n  {\n    "name": "Zoë",\n    "price": null,\n    "qty": 7,\n    "ok": false,\n    "note": null\n  },\n  {\n    "name": null,\n    "price": 10,\n    "qty": null,\n    "ok": null,\n    "note": "plain"\n  }\n]\n',
    ('json', 'n/a'): '[\n  {\n    "name": "a<b & \\"c\\"",\n    "price": 2.5,\n    "qty": -3,\n    "ok": true,\n    "note": "x | y\\\\nz"\n  },\n  {\n    "name": "Zoë",\n    "price": "n/a",\n    "qty": 7,\n    "ok": false,\n    "note": "n/a"\n  },\n  {\n    "name": "n/a",\n    "price": 10,\n    "qty": "n/a",\n    "ok": "n/a",\n    "note": "plain"\n  }\n]\n',
    ('markdown', ''): '| name | price | qty | ok | note |\n| --- | ---: | ---: | --- | --- |\n| a<b & "c" | 2.50 | -3 | true | x \\| y\\nz |\n| Zoë |  | 7 | false |  |\n|  | 10 |  |  | plain |\n',
    ('markdown', 'n/a'): '| name | price | qty | ok | note |\n| --- | ---: | ---: | --- | --- |\n| a<b & "c" | 2.50 | -3 | true | x \\| y\\nz |\n| Zoë | n/a | 7 | false | n/a |\n| n/a | 10 | n/a | n/a | plain |\n',
    ('html', ''): '<table>\n  <thead>\n    <tr><th>name</th><th>price</th><th>qty</th><th>ok</th><th>note</th></tr>\n  </thead>\n  <tbody>\n    <tr><td>a&lt;b &amp; &quot;c&quot;</td><td class="num">2.50</td><td class="num">-3</td><td>true</td><td>x | y\\nz</td></tr>\n    <tr><td>Zoë</td><td class="num"></td><td class="num">7</td><td>false</td><td></td></tr>\n    <tr><td></td><td class="num">10</td><td class="num"></td><td></td><td>plain</td></tr>\n  </tbody>\n</table>\n',
    ('html', 'n/a'): '<table>\n  <thead>\n    <tr><th>name</th><th>price</th><th>qty</th><th>ok</th><th>note</th></tr>\n  </thead>\n  <tbody>\n    <tr><td>a&lt;b &amp; &quot;c&quot;</td><td class="num">2.50</td><td class="num">-3</td><td>true</td><td>x | y\\nz</td></tr>\n    <tr><td>Zoë</td><td class="num">n/a</td><td class="num">7</td><td>false</td><td>n/a</td></tr>\n    <tr><td>n/a</td><td class="num">10</td><td class="num">n/a</td><td>n/a</td><td>plain</td></tr>\n  </tbody>\n</table>\n',
}


@pytest.fixture
def table():
    return read_csv_text(CSV)


def tsv_exporter_class():
    from tabular.export import Exporter, format_cell

    class TsvExporter(Exporter):
        def write(self, table, stream, *, null):
            stream.write("\t".join(table.names) + "\n")
            for row in table.rows:
                stream.write("\t".join(format_cell(c, null) for c in row) + "\n")

    return TsvExporter


@pytest.fixture
def tsv():
    from tabular.export import register_exporter, unregister_exporter

    cls = register_exporter("tsv", extensions=[".tsv", ".tab"])(tsv_exporter_class())
    try:
        yield cls
    finally:
        unregister_exporter("tsv")


def run_cli(*argv):
    try:
        return main(list(argv))
    except SystemExit as exc:
        return exc.code


def test_builtin_formats_are_registered():
    from tabular.export import available_formats

    assert available_formats() == ["csv", "html", "json", "markdown"]


def test_get_exporter_returns_registered_instances():
    from tabular.export import Exporter, get_exporter

    expected = {
        "csv": (".csv",),
        "json": (".json",),
        "markdown": (".md", ".markdown"),
        "html": (".html", ".htm"),
    }
    for name, extensions in expected.items():
        exporter = get_exporter(name)
        assert isinstance(exporter, Exporter)
        assert exporter.name == name
        assert tuple(exporter.extensions) == extensions


def test_unknown_format_names_the_available_ones(table):
    from tabular.export import UnknownFormat, get_exporter

    with pytest.raises(UnknownFormat) as err:
        get_exporter("xml")
    assert str(err.value) == "unknown format 'xml' (available: csv, html, json, markdown)"
    assert isinstance(err.value, ValueError)
    with pytest.raises(UnknownFormat):
        export(table, "xml", io.StringIO())


def test_format_for_extension():
    from tabular.export import format_for_extension

    assert format_for_extension(".MD") == "markdown"
    assert format_for_extension(".htm") == "html"
    assert format_for_extension(".xyz") is None


def test_plugin_format_through_export(table, tsv):
    buf = io.StringIO()
    export(table, "tsv", buf, null="-", columns=["name", "qty"])
    assert buf.getvalue().splitlines() == ["name\tqty", 'a<b & "c"\t-3', "Zoë\t7", "-\t-"]


def test_plugin_format_through_cli(table, tsv, tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_text("a,b\n1,x\n", encoding="utf-8")
    assert run_cli("convert", str(src), "--to", "tsv") == 0
    assert capsys.readouterr().out == "a\tb\n1\tx\n"
    out = tmp_path / "out.TAB"
    assert run_cli("convert", str(src), "--output", str(out)) == 0
    assert out.read_text(encoding="utf-8") == "a\tb\n1\tx\n"


def test_unregistered_plugin_is_gone(tsv):
    from tabular.export import available_formats, register_exporter, unregister_exporter

    assert "tsv" in available_formats()
    unregister_exporter("tsv")
    assert "tsv" not in available_formats()
    # the name and the extension are free again (the fixture unregisters this one)
    register_exporter("tsv", extensions=[".tsv"])(tsv_exporter_class())


def test_duplicate_names_and_extensions_are_rejected(tsv):
    from tabular.export import Exporter, register_exporter

    class Other(Exporter):
        def write(self, table, stream, *, null):
            stream.write("")

    with pytest.raises(ValueError):
        register_exporter("tsv")(Other)
    with pytest.raises(ValueError):
        register_exporter("other", extensions=[".md"])(Other)


# ----------------------------------------------------------------- regression guards


@pytest.mark.parametrize("fmt,null", sorted(GOLDEN))
def test_builtin_output_is_unchanged(table, fmt, null):
    buf = io.StringIO()
    export(table, fmt, buf, null=null)
    assert buf.getvalue() == GOLDEN[(fmt, null)]


def test_columns_option_unchanged(table):
    buf = io.StringIO()
    export(table, "markdown", buf, columns=["qty", "name"])
    assert buf.getvalue().splitlines()[:2] == ["| qty | name |", "| ---: | --- |"]


def test_cli_extension_inference_unchanged(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(CSV, encoding="utf-8")
    for suffix, fmt in ((".md", "markdown"), (".htm", "html"), (".json", "json"), (".csv", "csv")):
        out = tmp_path / f"out{suffix}"
        assert run_cli("convert", str(src), "--output", str(out)) == 0
        assert out.read_text(encoding="utf-8") == GOLDEN[(fmt, "")]


def test_cli_errors_unchanged(tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_text(CSV, encoding="utf-8")
    assert run_cli("convert", str(src), "--output", str(tmp_path / "x.xyz")) == 2
    assert "cannot tell the format of x.xyz: use --to" in capsys.readouterr().err
    assert run_cli("convert", str(src), "--to", "xml") == 2
    assert "xml" in capsys.readouterr().err
