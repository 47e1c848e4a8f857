"""tabular: typed tables and their text formats."""

from tabular.export import export
from tabular.table import Column, Table, read_csv

__all__ = ["Column", "Table", "export", "read_csv"]
