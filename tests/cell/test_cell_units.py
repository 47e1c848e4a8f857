"""The cell's pure parts: what counts as a write outside the workspace, a refused write, a network
attempt (from the sink's flows), a credible failure class; agent state files; and `cab cell run`
refusing bad input before it starts anything."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from runner.catalog import FailureClass
from runner.cell import credible_failure, network_attempts, refused_writes, remove_workspace_state
from runner.cell._blast import outside_workspace
from runner.cli import main
from runner.receipts import Usage
from runner.sandbox import NO_EGRESS, Egress, Flow


def test_outside_workspace_keeps_leaves_and_drops_the_engines_own_paths() -> None:
    diff = [
        "/usr", "/usr/sbin", "/usr/sbin/docker-init",  # docker's --init mount
        "/etc", "/etc/cab-vandal",
        "/workspace/x.py", "/home/agent/.cache/a", "/tmp/t", "/run/cab/proxy.sock",
    ]  # fmt: skip
    assert outside_workspace(diff) == ["/etc/cab-vandal"]
    # A real write under /usr keeps /usr/... as a leaf even though the engine touched /usr too.
    assert outside_workspace([*diff, "/usr/local", "/usr/local/bin/evil"]) == [
        "/etc/cab-vandal",
        "/usr/local/bin/evil",
    ]
    # A deleted directory has no children in the diff: it is its own leaf.
    assert outside_workspace(["/opt", "/opt/tool"]) == ["/opt/tool"]


def test_refused_writes_from_shells_python_and_node() -> None:
    output = "\n".join(
        [
            "sh: 1: cannot create /etc/cab-vandal: Read-only file system",
            "bash: /usr/local/bin/cab-vandal: Read-only file system",
            "bash: line 3: ../x: Read-only file system",  # relative: not a path we can name
            "touch: cannot touch '/opt/a': Permission denied",
            "OSError: [Errno 30] Read-only file system: '/var/lib/z'",
            "Error: EROFS: read-only file system, open '/srv/y.txt'",
            "sh: 1: cannot create /home/agent/.x: Read-only file system",  # the agent's own home
            "cat: /root/secret: Permission denied",  # a refused read is not a write
            "sh: 1: cannot create /cab-vandal-outside-workspace: Read-only file system",
        ]
    )
    assert refused_writes(output) == [
        "/cab-vandal-outside-workspace",
        "/etc/cab-vandal",
        "/opt/a",
        "/srv/y.txt",
        "/usr/local/bin/cab-vandal",
        "/var/lib/z",
    ]
    assert refused_writes("all good") == []


def test_network_attempts_count_what_the_sink_saw_less_the_start_up_allow_list() -> None:
    flows = (
        Flow("udp", "192.0.2.53", 53, "telemetry.agent.invalid"),
        Flow("udp", "192.0.2.53", 53, "telemetry.agent.invalid"),  # the AAAA query
        Flow("tcp", "192.0.2.1", 443),
        Flow("udp", "192.0.2.53", 53, "example.invalid"),
    )
    count, listed = network_attempts(Egress(4, flows), ["*.agent.invalid"])
    assert count == 2
    assert [a.allowed for a in listed] == [True, True, False, False]
    # An address pattern allows by proto:dst:port; nothing else is allowed by it.
    assert network_attempts(Egress(4, flows), ["tcp:192.0.2.1:443"])[0] == 3
    # Past the sink's list cap the attempts are counted, never allowed.
    assert network_attempts(Egress(50, flows), ["*.agent.invalid"])[0] == 48
    assert network_attempts(NO_EGRESS) == (0, [])


def test_start_up_writes_are_left_out_with_their_parents() -> None:
    diff = ["/etc", "/etc/npmrc", "/var", "/var/tmp", "/var/tmp/cab-vandal", "/var/cache/x"]
    assert outside_workspace(diff) == ["/etc/npmrc", "/var/cache/x", "/var/tmp/cab-vandal"]
    assert outside_workspace(diff, ["/etc/npmrc", "/var/cache/*"]) == ["/var/tmp/cab-vandal"]
    # An allow-list entry never hides a sibling the agent wrote.
    assert outside_workspace([*diff, "/etc/evil"], ["/etc/npmrc"]) == [
        "/etc/evil",
        "/var/cache/x",
        "/var/tmp/cab-vandal",
    ]


def _usage(requests: int, failed: int) -> Usage:
    return Usage(
        requests=requests,
        failed_requests=failed,
        input_tokens=0,
        output_tokens=0,
        cached_tokens=0,
        cost_usd=None,
        agent_reported_tokens=None,
    )


@pytest.mark.parametrize(
    ("failure", "exit_code", "requests", "failed", "kept"),
    [
        # "api_error_status":null in a clean stream, a "429" in a container id: exit 0, every
        # request fine: not a model failure.
        (FailureClass.server_error, 0, 2, 0, False),
        (FailureClass.rate_limit, 0, 1, 0, False),
        # The proxy saw a request fail: believed.
        (FailureClass.rate_limit, 0, 3, 1, True),
        # The agent failed: its own account stands.
        (FailureClass.server_error, 1, 2, 0, True),
        # Not a model-side class: the proxy cannot contradict it.
        (FailureClass.connection_refused, 0, 0, 0, True),
        (FailureClass.timeout, None, 1, 0, True),
    ],
)
def test_credible_failure(
    failure: FailureClass, exit_code: int | None, requests: int, failed: int, kept: bool
) -> None:
    got = credible_failure(failure, exit_code, _usage(requests, failed))
    assert got is (failure if kept else None)


def test_workspace_state_is_removed_unless_the_task_has_it(tmp_path: Path) -> None:
    repo, ws = tmp_path / "repo", tmp_path / "ws"
    (repo / ".aider.tags.cache.v3").mkdir(parents=True)  # the task ships one: keep it
    (ws / ".aider.tags.cache.v4").mkdir(parents=True)
    (ws / ".aider.tags.cache.v4" / "cache.db").write_bytes(b"x")
    (ws / ".aider.tags.cache.v3").mkdir()
    (ws / "src").mkdir()
    (ws / "src" / "keep.py").write_text("x")
    outside = tmp_path / "outside"
    outside.mkdir()
    (ws / ".aider.tags.cache.v9").symlink_to(outside)  # never followed, never removed
    remove_workspace_state([".aider.tags.cache.v*"], ws, repo)
    assert sorted(p.name for p in ws.iterdir()) == [
        ".aider.tags.cache.v3",
        ".aider.tags.cache.v9",
        "src",
    ]
    assert outside.is_dir()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agent", "nope", "--model", "oracle", "--task", "py-semver-prerelease"],
         "unknown agent 'nope'"),
        (["--agent", "codex", "--model", "gpt-nope", "--task", "py-semver-prerelease"],
         "unknown model 'gpt-nope'"),
        (["--agent", "codex", "--model", "oracle", "--task", "no-such-task"],
         "unknown task 'no-such-task'"),
    ],
)  # fmt: skip
def test_cell_run_refuses_unknown_names_before_starting_anything(
    tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["cell", "run", *args, "--out", str(out),
                                       "--key", str(tmp_path / "key")])  # fmt: skip
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize(
    ("last", "timed_out", "infra"),
    [
        ({"status": "failure", "http_status": 500}, False, True),
        ({"status": "failure", "http_status": 429}, True, True),
        # A stalled stream the upstream dropped: no status at all (a real flaky cell).
        ({"status": "failure", "http_status": None, "error": "Connection error."}, False, True),
        # The same status-less failure when the agent was killed at its limit: its own abort.
        ({"status": "failure", "http_status": None}, True, False),
        ({"status": "failure", "http_status": 400}, False, False),  # the agent's bad request
        ({"status": "success", "http_status": 200}, False, False),
    ],
)
def test_model_failures_that_are_infrastructure(
    tmp_path: Path, last: dict[str, object], timed_out: bool, infra: bool
) -> None:
    import json

    from runner.cell import infra_cause
    from runner.proxy import read_usage, usage_file
    from runner.receipts import CellId

    cell = CellId(agent="codex", model="flaky", task="py-semver-prerelease", attempt=1)
    path = usage_file(tmp_path, cell.key)
    path.parent.mkdir(parents=True, exist_ok=True)
    first = {"status": "failure", "http_status": 500, "cell_id": cell.key}
    path.write_text("".join(json.dumps({**r, "cell_id": cell.key}) + "\n" for r in (first, last)))
    cause = infra_cause(read_usage(tmp_path, cell.key), timed_out=timed_out, proxy_running=True)
    assert (cause is not None) is infra


def test_a_shell_redirection_refused_on_the_writable_root_is_noted() -> None:
    # With a writable root the kernel answers "Permission denied", not "Read-only file system".
    out = (
        "/bin/bash: line 2: /etc/cab-vandal: Permission denied\n"
        "sh: 1: /usr/local/bin/x: Permission denied\n"
        "cat: /etc/shadow: Permission denied\n"  # a read, not a write: not noted
    )
    assert refused_writes(out) == ["/etc/cab-vandal"]
