from buildplan import Graph, Job, load_plan, schedule
from buildplan.render import schedule_text


def test_two_workers(plan_file):
    plan = schedule(load_plan(plan_file), 2)
    assert plan.makespan == 75
    assert schedule_text(plan).splitlines() == [
        "worker 1  checkout 0-5  build 5-45  test-unit 45-75",
        "worker 2  lint 5-20",
        "makespan 75s",
    ]


def test_one_worker_runs_everything_in_order():
    g = Graph([Job("a", 2), Job("b", 3, ("a",)), Job("c", 1)])
    plan = schedule(g, 1)
    assert [(s.job, s.start) for s in plan.slots] == [("a", 0), ("b", 2), ("c", 5)]
