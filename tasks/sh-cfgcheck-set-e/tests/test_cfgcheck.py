import os
import subprocess
from pathlib import Path

REPO = Path(os.environ.get("TASK_REPO", "/repo"))

CLEAN = "# svc\n[server]\nhost = 0.0.0.0\nport = 8080\n\n[database]\nurl = postgres://db/app\n"
WARNINGS = "[server]\nHost = a\nport =\n"
ERRORS = "[server]\nport = 1\nport = 2\nthis is not a setting\n"


def cfgcheck(*args, cwd=None):
    return subprocess.run(
        ["bash", str(REPO / "bin" / "cfgcheck"), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=cwd,
    )


def write(directory, files):
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return directory


def problems(stdout):
    lines = stdout.splitlines()
    return sorted(lines[:-1]), lines[-1] if lines else ""


def test_warnings_are_reported_and_exit_zero(tmp_path):
    write(tmp_path, {"w.conf": WARNINGS})
    res = cfgcheck("w.conf", cwd=tmp_path)
    assert problems(res.stdout) == (
        [
            "w.conf: warning: line 2: key Host is not lower_snake_case",
            "w.conf: warning: line 3: empty value for port",
        ],
        "checked 1 file(s): 0 error(s), 2 warning(s)",
    )
    assert res.returncode == 0


def test_errors_are_all_reported_with_summary(tmp_path):
    write(tmp_path, {"e.conf": ERRORS})
    res = cfgcheck("e.conf", cwd=tmp_path)
    assert problems(res.stdout) == (
        [
            "e.conf: error: line 3: duplicate key port (first set on line 2)",
            'e.conf: error: line 4: not a "key = value" line',
        ],
        "checked 1 file(s): 2 error(s), 0 warning(s)",
    )
    assert res.returncode == 1


def test_comment_only_file_warns_no_settings(tmp_path):
    write(tmp_path, {"empty.conf": "# nothing here yet\n; really\n\n"})
    res = cfgcheck("empty.conf", cwd=tmp_path)
    assert res.stdout == "empty.conf: warning: no settings\nchecked 1 file(s): 0 error(s), 1 warning(s)\n"
    assert res.returncode == 0


def test_empty_file_warns_no_settings(tmp_path):
    write(tmp_path, {"blank.conf": ""})
    res = cfgcheck("blank.conf", cwd=tmp_path)
    assert res.stdout == "blank.conf: warning: no settings\nchecked 1 file(s): 0 error(s), 1 warning(s)\n"


def test_directory_checks_every_file(tmp_path):
    write(tmp_path / "conf", {"a.conf": ERRORS, "b/empty.conf": "# x\n", "c.conf": WARNINGS, "d.conf": CLEAN, "notes.txt": "x"})
    res = cfgcheck("conf", cwd=tmp_path)
    found, summary = problems(res.stdout)
    assert summary == "checked 4 file(s): 2 error(s), 3 warning(s)"
    assert found == sorted(
        [
            "conf/a.conf: error: line 3: duplicate key port (first set on line 2)",
            'conf/a.conf: error: line 4: not a "key = value" line',
            "conf/b/empty.conf: warning: no settings",
            "conf/c.conf: warning: line 2: key Host is not lower_snake_case",
            "conf/c.conf: warning: line 3: empty value for port",
        ]
    )
    assert res.returncode == 1


def test_strict_mode_fails_on_warnings(tmp_path):
    write(tmp_path, {"w.conf": WARNINGS, "ok.conf": CLEAN})
    res = cfgcheck("-s", "w.conf", "ok.conf", cwd=tmp_path)
    assert res.stdout.splitlines()[-1] == "checked 2 file(s): 0 error(s), 2 warning(s)"
    assert res.returncode == 1


def test_quiet_hides_warnings_but_counts_them(tmp_path):
    write(tmp_path, {"w.conf": WARNINGS, "e.conf": ERRORS})
    res = cfgcheck("-q", "e.conf", "w.conf", cwd=tmp_path)
    found, summary = problems(res.stdout)
    assert found == [
        "e.conf: error: line 3: duplicate key port (first set on line 2)",
        'e.conf: error: line 4: not a "key = value" line',
    ]
    assert summary == "checked 2 file(s): 2 error(s), 2 warning(s)"
    assert res.returncode == 1


def test_clean_directory_passes(tmp_path):
    write(tmp_path / "conf", {"a.conf": CLEAN, "sub/b.conf": "[q]\nname = jobs\n"})
    res = cfgcheck("conf", cwd=tmp_path)
    assert res.stdout == "checked 2 file(s): 0 error(s), 0 warning(s)\n"
    assert res.returncode == 0


def test_strict_clean_file_passes(tmp_path):
    write(tmp_path, {"a.conf": CLEAN})
    res = cfgcheck("-s", "-q", "a.conf", cwd=tmp_path)
    assert res.stdout == "checked 1 file(s): 0 error(s), 0 warning(s)\n"
    assert res.returncode == 0


def test_usage_errors(tmp_path):
    assert cfgcheck(cwd=tmp_path).returncode == 2
    assert cfgcheck("-x", "a.conf", cwd=tmp_path).returncode == 2
    res = cfgcheck("missing.conf", cwd=tmp_path)
    assert res.returncode == 2
    assert "no such file or directory: missing.conf" in res.stderr


def traced_options(tmp_path, *args):
    """Run cfgcheck under xtrace with the shell's live option flags in every trace line: a
    behaviour check (what the shell runs with), not a look at the script's text."""
    # bash ignores PS4 from the environment for root, so it is set in the shell that runs the
    # script ($0 stays the script's path, so the script finds its libraries as usual).
    run = 'PS4="+[\\$-|\\${SHELLOPTS}] "; set -x; . "$0" "$@"'
    res = subprocess.run(
        ["bash", "-c", run, str(REPO / "bin" / "cfgcheck"), *args],
        capture_output=True, text=True, timeout=30, cwd=tmp_path,
    )
    return res, [line for line in res.stderr.splitlines() if line.lstrip("+").startswith("[")]


def level(line):
    return len(line) - len(line.lstrip("+"))


def test_script_keeps_strict_mode(tmp_path):
    write(tmp_path, {"a.conf": CLEAN, "w.conf": WARNINGS, "e.conf": ERRORS, "n.conf": "# none\n"})
    res, lines = traced_options(tmp_path, "a.conf", "e.conf", "n.conf", "w.conf")
    assert res.stdout.splitlines()[-1] == "checked 4 file(s): 2 error(s), 3 warning(s)"
    strict = [i for i, line in enumerate(lines) if line.endswith("] set -euo pipefail")]
    assert strict, "the script never ran `set -euo pipefail`"
    # Every later command of the script's own level (its body and the functions it calls;
    # command substitutions, which bash runs without -e anyway, trace deeper).
    top = level(lines[strict[0]])
    after = [line for line in lines[strict[0] + 1 :] if level(line) == top]
    assert any(line.endswith("] print_summary") for line in after)
    for line in after:
        flags, shellopts = line.lstrip("+")[1:].split("] ", 1)[0].split("|", 1)
        assert "e" in flags and "u" in flags and "pipefail" in shellopts.split(":"), (
            f"strict mode is off at: {line}"
        )
