from datetime import datetime, timedelta

import pytest

from auditlog import (
    AuditStore,
    event_from_json,
    event_to_json,
    export_csv,
    from_epoch,
    record,
    set_clock,
    to_epoch,
)

T0 = datetime(2026, 3, 1, 12, 0, 0, 250000)


@pytest.fixture(autouse=True)
def frozen_clock():
    set_clock(lambda: T0)
    yield
    set_clock(None)


def test_record_uses_clock():
    assert record("ana", "login", "console").at == T0


def test_json_round_trip():
    event = record("ana", "grant", "user:bo", role="admin")
    line = event_to_json(event)
    assert '"at": "2026-03-01T12:00:00.250000Z"' in line
    assert event_from_json(line) == event


def test_query_and_purge(tmp_path):
    store = AuditStore(tmp_path / "audit.jsonl")
    for days in (40, 10, 1):
        store.append(record("ana", "update", "doc", at=T0 - timedelta(days=days)))
    assert len(store.query(since=T0 - timedelta(days=15))) == 2
    assert store.purge(keep_days=30) == 1
    assert len(AuditStore(tmp_path / "audit.jsonl")) == 2


def test_epoch():
    assert to_epoch(datetime(1970, 1, 2)) == 86400
    assert from_epoch(86400.5) == datetime(1970, 1, 2, 0, 0, 0, 500000)


def test_csv():
    assert export_csv([record("ana", "export", "report")]).splitlines()[1] == (
        "1772366400.250000,ana,export,report"
    )
