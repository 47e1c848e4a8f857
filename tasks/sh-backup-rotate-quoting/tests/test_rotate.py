from conftest import listing, run_tool

STAMPS = ["20240101-020000", "20240102-020000", "20240103-020000", "20240104-020000"]


def test_label_with_spaces_keeps_newest(tmp_path, make_backups):
    d = make_backups(tmp_path / "backups", [f"Sales Ledger-{s}.tar.gz" for s in STAMPS])
    res = run_tool("rotate-backups", "-k", "2", d)
    assert res.returncode == 0, res.stderr
    assert listing(d) == ["Sales Ledger-20240103-020000.tar.gz", "Sales Ledger-20240104-020000.tar.gz"]
    assert res.stdout.splitlines() == [
        f"deleted: {d}/Sales Ledger-20240102-020000.tar.gz",
        f"deleted: {d}/Sales Ledger-20240101-020000.tar.gz",
    ]


def test_directory_with_spaces(tmp_path, make_backups):
    d = make_backups(tmp_path / "nightly copies" / "db 1", [f"db-{s}.tar.gz" for s in STAMPS])
    res = run_tool("rotate-backups", "-k", "1", d)
    assert res.returncode == 0, res.stderr
    assert listing(d) == ["db-20240104-020000.tar.gz"]


def test_unrelated_file_named_like_a_word_is_untouched(tmp_path, make_backups):
    names = [f"Sales Ledger-{s}.tar.gz" for s in STAMPS] + ["Sales", "Ledger-20240101-020000.tar.gz.bak"]
    d = make_backups(tmp_path / "b", names)
    res = run_tool("rotate-backups", "-k", "3", d)
    assert res.returncode == 0, res.stderr
    assert listing(d) == [
        "Ledger-20240101-020000.tar.gz.bak",
        "Sales",
        "Sales Ledger-20240102-020000.tar.gz",
        "Sales Ledger-20240103-020000.tar.gz",
        "Sales Ledger-20240104-020000.tar.gz",
    ]


def test_dry_run_with_spaces_lists_exact_paths(tmp_path, make_backups):
    d = make_backups(tmp_path / "my backups", [f"web  front-{s}.tar.gz" for s in STAMPS[:3]])
    res = run_tool("rotate-backups", "-n", "-k", "1", d)
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines() == [
        f"would delete: {d}/web  front-20240102-020000.tar.gz",
        f"would delete: {d}/web  front-20240101-020000.tar.gz",
    ]
    assert len(listing(d)) == 3


def test_only_label_with_spaces(tmp_path, make_backups):
    names = [f"Sales Ledger-{s}.tar.gz" for s in STAMPS] + [f"Sales-{s}.tar.gz" for s in STAMPS]
    d = make_backups(tmp_path / "b", names)
    res = run_tool("rotate-backups", "-k", "1", "-l", "Sales Ledger", d)
    assert res.returncode == 0, res.stderr
    assert listing(d) == ["Sales Ledger-20240104-020000.tar.gz"] + [f"Sales-{s}.tar.gz" for s in STAMPS]


def test_glob_characters_in_names_are_literal(tmp_path, make_backups):
    names = [f"db [eu]-{s}.tar.gz" for s in STAMPS[:2]] + ["db e-20240101-020000.tar.gz"]
    d = make_backups(tmp_path / "b", names)
    res = run_tool("rotate-backups", "-k", "1", d)
    assert res.returncode == 0, res.stderr
    assert listing(d) == ["db [eu]-20240102-020000.tar.gz", "db e-20240101-020000.tar.gz"]


def test_report_with_spaces(tmp_path, make_backups):
    names = [f"Sales Ledger-{s}.tar.gz" for s in STAMPS[:3]] + ["api-20240105-010000.tar.gz"]
    d = make_backups(tmp_path / "all backups", names)
    res = run_tool("backup-report", d)
    assert res.returncode == 0, res.stderr
    assert res.stdout == "Sales Ledger\t3\t20240103-020000\napi\t1\t20240105-010000\n"


def test_simple_names_rotation_per_label(tmp_path, make_backups):
    names = [f"db-{s}.tar.gz" for s in STAMPS] + [f"web-{s}.tar.gz" for s in STAMPS[:2]] + ["notes.txt"]
    d = make_backups(tmp_path / "b", names)
    res = run_tool("rotate-backups", "-k", "2", d)
    assert res.returncode == 0, res.stderr
    assert listing(d) == [
        "db-20240103-020000.tar.gz",
        "db-20240104-020000.tar.gz",
        "notes.txt",
        "web-20240101-020000.tar.gz",
        "web-20240102-020000.tar.gz",
    ]


def test_default_keep_is_seven(tmp_path, make_backups):
    d = make_backups(tmp_path / "b", [f"db-202401{day:02d}-020000.tar.gz" for day in range(1, 10)])
    res = run_tool("rotate-backups", d)
    assert res.returncode == 0, res.stderr
    assert listing(d) == [f"db-202401{day:02d}-020000.tar.gz" for day in range(3, 10)]


def test_dry_run_simple_names(tmp_path, make_backups):
    d = make_backups(tmp_path / "b", [f"db-{s}.tar.gz" for s in STAMPS])
    res = run_tool("rotate-backups", "-n", "-k", "3", d)
    assert res.stdout == f"would delete: {d}/db-20240101-020000.tar.gz\n"
    assert len(listing(d)) == 4


def test_usage_errors(tmp_path):
    assert run_tool("rotate-backups").returncode == 2
    assert run_tool("rotate-backups", "-k", "x", tmp_path).returncode == 2
    assert run_tool("rotate-backups", tmp_path / "missing").returncode == 2
    assert run_tool("backup-report").returncode == 2


def test_report_simple_names(tmp_path, make_backups):
    d = make_backups(tmp_path / "b", ["web-20240101-030000.tar.gz", "db-20240102-020000.tar.gz", "db-20240101-020000.tar.gz"])
    res = run_tool("backup-report", d)
    assert res.stdout == "db\t2\t20240102-020000\nweb\t1\t20240101-030000\n"
