import pytest

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
"""


@pytest.fixture
def plan_file(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(PLAN, encoding="utf-8")
    return path
