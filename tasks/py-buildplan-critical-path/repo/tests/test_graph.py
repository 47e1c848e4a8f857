import pytest

from buildplan import CycleError, Graph, GraphError, Job


def test_topological_order_breaks_ties_by_name():
    g = Graph([Job("b", 1), Job("a", 1), Job("c", 1, ("a", "b"))])
    assert g.topological_order() == ["a", "b", "c"]


def test_unknown_dependency():
    with pytest.raises(GraphError, match="unknown job 'x'"):
        Graph([Job("a", 1, ("x",))])


def test_cycle_reports_path():
    with pytest.raises(CycleError) as err:
        Graph([Job("a", 1, ("b",)), Job("b", 1, ("c",)), Job("c", 1, ("a",))])
    assert err.value.cycle == ["a", "b", "c", "a"]


def test_sources_and_sinks():
    g = Graph([Job("a", 1), Job("b", 1, ("a",)), Job("c", 1, ("a",))])
    assert g.sources() == ["a"]
    assert g.sinks() == ["b", "c"]


def test_negative_duration():
    with pytest.raises(GraphError):
        Job("a", -1)
