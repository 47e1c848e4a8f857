from quire.markdown import render_markdown
from quire.site import Site


def test_three_levels_of_bullets():
    got = render_markdown("* fruit\n  * apple\n    * green\n  * pear\n* veg\n")
    assert got == (
        "<ul>\n<li>fruit\n<ul>\n<li>apple\n<ul>\n<li>green</li>\n</ul></li>\n"
        "<li>pear</li>\n</ul></li>\n<li>veg</li>\n</ul>\n"
    )


def test_bullets_inside_numbers_and_numbers_inside_numbers():
    got = render_markdown("1. Prepare\n   - flour\n   - eggs\n2. Bake\n   1) preheat\n   2) wait\n")
    assert got == (
        "<ol>\n<li>Prepare\n<ul>\n<li>flour</li>\n<li>eggs</li>\n</ul></li>\n"
        "<li>Bake\n<ol>\n<li>preheat</li>\n<li>wait</li>\n</ol></li>\n</ol>\n"
    )


def test_numbers_inside_bullets_do_not_split_the_outer_list():
    got = render_markdown("- Setup\n  1. clone\n  2. install\n- Run\n")
    assert got == (
        "<ul>\n<li>Setup\n<ol>\n<li>clone</li>\n<li>install</li>\n</ol></li>\n"
        "<li>Run</li>\n</ul>\n"
    )


def test_nested_numbered_list_keeps_its_start():
    got = render_markdown("3. x\n   5. y\n   6. z\n4. w\n")
    assert got == (
        '<ol start="3">\n<li>x\n<ol start="5">\n<li>y</li>\n<li>z</li>\n</ol></li>\n'
        "<li>w</li>\n</ol>\n"
    )


def test_content_indent_follows_the_marker_width():
    got = render_markdown("10. ten\n    - under ten\n11. eleven\n")
    assert got == (
        '<ol start="10">\n<li>ten\n<ul>\n<li>under ten</li>\n</ul></li>\n'
        "<li>eleven</li>\n</ol>\n"
    )
    short = render_markdown("10. ten\n  - not indented enough\n")
    assert short == (
        '<ol start="10">\n<li>ten</li>\n</ol>\n<ul>\n<li>not indented enough</li>\n</ul>\n'
    )
    wide = render_markdown("+ one\n    + four-space nested\n+ two\n")
    assert wide == "<ul>\n<li>one\n<ul>\n<li>four-space nested</li>\n</ul></li>\n<li>two</li>\n</ul>\n"


def test_loose_outer_list_with_nested_list():
    got = render_markdown("- a\n\n  more about a\n\n  - a1\n\n- b\n")
    assert got == (
        "<ul>\n<li><p>a</p>\n<p>more about a</p>\n<ul>\n<li>a1</li>\n</ul></li>\n"
        "<li><p>b</p></li>\n</ul>\n"
    )


def test_back_to_the_outer_level_after_deep_nesting():
    text = "- l1\n  - l2\n    - l3\n      - l4\n- top again\n  - second\n"
    assert render_markdown(text) == (
        "<ul>\n<li>l1\n<ul>\n<li>l2\n<ul>\n<li>l3\n<ul>\n<li>l4</li>\n</ul></li>\n</ul></li>\n"
        "</ul></li>\n<li>top again\n<ul>\n<li>second</li>\n</ul></li>\n</ul>\n"
    )


def test_code_block_inside_a_list_item():
    got = render_markdown("- code:\n\n  ```\n  x < 1\n  ```\n- after\n")
    assert got == (
        "<ul>\n<li><p>code:</p>\n<pre><code>x &lt; 1\n</code></pre></li>\n"
        "<li><p>after</p></li>\n</ul>\n"
    )


def test_nested_list_in_a_built_page():
    from datetime import UTC, datetime

    from quire.config import SiteConfig

    config = SiteConfig(title="T", base_url="https://x.example", now=datetime(2025, 1, 1, tzinfo=UTC))
    files = Site(config, {"kit.md": "---\ntitle: Kit\n---\n- Tent\n  - pegs\n- Stove\n"}).build().files
    assert "<li>Tent\n<ul>\n<li>pegs</li>\n</ul></li>" in files["kit/index.html"]


def test_flat_and_loose_lists_unchanged():
    assert render_markdown("- a\n- b\n") == "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"
    assert render_markdown("7. s\n8. t\n") == '<ol start="7">\n<li>s</li>\n<li>t</li>\n</ol>\n'
    assert render_markdown("- a\n\n- b\n") == "<ul>\n<li><p>a</p></li>\n<li><p>b</p></li>\n</ul>\n"
    assert render_markdown("- a\n- b\n\n1. c\n") == (
        "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol>\n<li>c</li>\n</ol>\n"
    )


def test_item_continuation_lines_unchanged():
    assert render_markdown("- first line\n  second line\n- next\n") == (
        "<ul>\n<li>first line\nsecond line</li>\n<li>next</li>\n</ul>\n"
    )
    assert render_markdown("para\n\n- x\n\nafter\n") == (
        "<p>para</p>\n<ul>\n<li>x</li>\n</ul>\n<p>after</p>\n"
    )
