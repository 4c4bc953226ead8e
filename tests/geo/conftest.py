"""Fixtures for the geo tests: DAWA-format address CSV files (built by tests/helpers.py)."""
from __future__ import annotations

import pytest

from ..helpers import csv_bytes


@pytest.fixture
def write_csv(tmp_path):
    def write(rows, name="adresser.csv", **kw) -> str:
        path = tmp_path / name
        path.write_bytes(rows if isinstance(rows, bytes) else csv_bytes(rows, **kw))
        return str(path)

    return write
