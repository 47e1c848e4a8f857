from quire.markdown import render_inline, render_markdown, wiki_links


def test_headings_get_unique_ids():
    html = render_markdown("# Intro\n\n## Intro\n\ntext")
    assert html == '<h1 id="intro">Intro</h1>\n<h2 id="intro-2">Intro</h2>\n<p>text</p>\n'


def test_paragraphs_join_lines():
    assert render_markdown("one\ntwo\n\nthree") == "<p>one\ntwo</p>\n<p>three</p>\n"


def test_inline_markup():
    got = render_inline("a *b* **c** `d<e>` [f](/g) ![h](/i.png) <https://j.k>")
    assert got == (
        'a <em>b</em> <strong>c</strong> <code>d&lt;e&gt;</code> <a href="/g">f</a> '
        '<img src="/i.png" alt="h"> <a href="https://j.k">https://j.k</a>'
    )


def test_html_is_escaped_and_backslash_escapes():
    assert render_inline("<b>x</b> & \\*not em\\*") == "&lt;b&gt;x&lt;/b&gt; &amp; *not em*"


def test_fenced_code_and_quotes():
    html = render_markdown("```python\nif a < b:\n    pass\n```\n\n> quoted\n> text")
    assert html == (
        '<pre><code class="language-python">if a &lt; b:\n    pass\n</code></pre>\n'
        "<blockquote>\n<p>quoted\ntext</p>\n</blockquote>\n"
    )


def test_flat_lists():
    assert render_markdown("- a\n- b\n") == "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"
    assert render_markdown("1. x\n2. y\n") == "<ol>\n<li>x</li>\n<li>y</li>\n</ol>\n"


def test_loose_list_items_are_paragraphs():
    assert render_markdown("- a\n\n- b\n") == "<ul>\n<li><p>a</p></li>\n<li><p>b</p></li>\n</ul>\n"


def test_horizontal_rule():
    assert render_markdown("a\n\n---\n\nb") == "<p>a</p>\n<hr>\n<p>b</p>\n"


def test_wiki_links_resolve_or_are_marked_missing():
    html = render_markdown("[[Home]] and [[Gone|label]]", lambda t: "/" if t == "Home" else None)
    assert html == '<p><a href="/">Home</a> and <span class="missing-link">label</span></p>\n'
    assert wiki_links("x [[A]] y [[B|c]]") == ["A", "B"]
