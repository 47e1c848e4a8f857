import pytest

from tabular.table import read_csv_text

CSV = 'region,total,units,active,note\nnorth,1200.5,10,true,"big | deal"\nsouth,980,,false,\n'


@pytest.fixture
def table():
    return read_csv_text(CSV)


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "sales.csv"
    path.write_text(CSV, encoding="utf-8")
    return path
