"""Hidden tests: Graph.critical_path() and `buildplan critical`."""

import random

import pytest

from buildplan import Graph, Job, schedule
from buildplan.cli import main

PLAN = """
[jobs.checkout]
duration = 5

[jobs.build]
duration = 40
needs = ["checkout"]

[jobs.lint]
duration = 15
needs = ["checkout"]

[jobs.test-unit]
duration = 30
needs = ["build"]

[jobs.docs]
duration = 12.5
"""


def write(tmp_path, text):
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    return path


def brute_force(graph):
    """Every maximal path (source to sink), longest first, then by name sequence."""
    paths = []

    def walk(path):
        nexts = graph.dependents(path[-1])
        if not nexts:
            paths.append((sum(graph.jobs[n].duration for n in path), path))
        for n in nexts:
            walk([*path, n])

    for source in graph.sources():
        walk([source])
    if not paths:
        return 0.0, []
    best = max(d for d, _ in paths)
    return best, min(p for d, p in paths if d == best)


def test_sample_plan():
    from buildplan import parse_plan

    import tomllib

    graph = parse_plan(tomllib.loads(PLAN))
    result = graph.critical_path()
    assert result.duration == 75.0
    assert result.jobs == ["checkout", "build", "test-unit"]


def test_result_type_is_exported():
    from buildplan import CriticalPath

    result = Graph([Job("a", 2)]).critical_path()
    assert isinstance(result, CriticalPath)
    assert (result.duration, result.jobs) == (2.0, ["a"])
    assert isinstance(result.duration, float)


def test_empty_graph():
    result = Graph([]).critical_path()
    assert (result.duration, result.jobs) == (0.0, [])


def test_ties_go_to_the_smallest_name_sequence():
    g = Graph([Job("b", 1), Job("a", 1), Job("c", 1, ("a", "b"))])
    assert g.critical_path().jobs == ["a", "c"]


def test_ties_between_paths_of_different_lengths():
    g = Graph([Job("x", 0), Job("y", 5, ("x",)), Job("z", 5)])
    result = g.critical_path()
    assert (result.duration, result.jobs) == (5.0, ["x", "y"])


def test_longest_by_duration_not_by_job_count():
    g = Graph([Job("a", 1), Job("b", 1, ("a",)), Job("c", 1, ("b",)), Job("slow", 10)])
    assert g.critical_path().jobs == ["slow"]


@pytest.mark.parametrize("seed", range(8))
def test_matches_brute_force_on_random_graphs(seed):
    rng = random.Random(seed)
    names = [f"j{i:02d}" for i in range(rng.randrange(2, 12))]
    jobs = []
    for i, name in enumerate(names):
        needs = tuple(sorted(rng.sample(names[:i], k=min(i, rng.randrange(0, 3)))))
        jobs.append(Job(name, float(rng.choice([0, 1, 2, 3, 5, 8])), needs))
    rng.shuffle(jobs)
    graph = Graph(jobs)
    result = graph.critical_path()
    assert (result.duration, result.jobs) == brute_force(graph)


def test_critical_path_equals_makespan_with_unlimited_workers():
    import tomllib

    from buildplan import parse_plan

    graph = parse_plan(tomllib.loads(PLAN))
    assert graph.critical_path().duration == schedule(graph, len(graph)).makespan


def test_cli_critical(tmp_path, capsys):
    assert main(["critical", str(write(tmp_path, PLAN))]) == 0
    assert capsys.readouterr().out == "critical path 75s: checkout -> build -> test-unit\n"


def test_cli_critical_decimal_and_empty(tmp_path, capsys):
    assert main(["critical", str(write(tmp_path, "[jobs.a]\nduration = 12.5\n"))]) == 0
    assert capsys.readouterr().out == "critical path 12.5s: a\n"
    assert main(["critical", str(write(tmp_path, "[jobs]\n"))]) == 0
    assert capsys.readouterr().out == "critical path 0s: (no jobs)\n"


def test_cli_critical_cycle_exits_2(tmp_path, capsys):
    text = '[jobs.a]\nduration = 1\nneeds = ["b"]\n[jobs.b]\nduration = 1\nneeds = ["a"]\n'
    assert main(["critical", str(write(tmp_path, text))]) == 2
    assert capsys.readouterr().err.strip() == "buildplan: cycle: a -> b -> a"


# ----------------------------------------------------------------- regression guards


def test_order_unchanged(tmp_path, capsys):
    assert main(["order", str(write(tmp_path, PLAN))]) == 0
    assert capsys.readouterr().out.split() == ["checkout", "build", "docs", "lint", "test-unit"]


def test_schedule_unchanged(tmp_path, capsys):
    assert main(["schedule", str(write(tmp_path, PLAN)), "--workers", "2"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "worker 1  checkout 0-5  build 5-45  test-unit 45-75",
        "worker 2  docs 0-12.5  lint 12.5-27.5",
        "makespan 75s",
    ]


def test_unknown_dependency_still_rejected(tmp_path, capsys):
    assert main(["order", str(write(tmp_path, '[jobs.a]\nduration = 1\nneeds = ["x"]\n'))]) == 2
    assert "unknown job 'x'" in capsys.readouterr().err


def test_readme_has_a_critical_path_section():
    from pathlib import Path

    import buildplan

    readme = (Path(buildplan.__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "buildplan critical" in readme
