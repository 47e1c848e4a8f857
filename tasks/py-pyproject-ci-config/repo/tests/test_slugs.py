from mdlinks import heading_anchors, slugify


def test_slugify():
    assert slugify("Install & Run (v2)") == "install--run-v2"
    assert slugify("The `config.toml` file") == "the-configtoml-file"


def test_duplicates_and_fences():
    md = "# Setup\n\n## Setup\n\n```\n# not a heading\n```\n### Setup ###\n"
    assert heading_anchors(md) == {"setup", "setup-1", "setup-2"}
