"""CSV exports never hand a spreadsheet a formula (fællesskab.core.csvio writers)."""
from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from fællesskab.core.csvio import FORMULA_START, csv_lines, csv_response, csv_text, neutralise

ATTACKS = ["=cmd|' /C calc'!A0", "+SUM(1+1)", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "|calc", "＝1+1",
           "  =HYPERLINK(\"http://evil\")"]


def read(text: str, delimiter: str = ",") -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=delimiter))


def test_known_attacks_are_neutralised_and_plain_text_is_kept():
    rows = read(csv_text(["navn", "note"], [[a, "Hej"] for a in ATTACKS] + [["Anna", 3]]))
    assert rows[0] == ["navn", "note"]
    assert [r[0] for r in rows[1:-1]] == ["'" + a for a in ATTACKS]
    assert rows[-1] == ["Anna", "3"]


@given(st.lists(st.lists(st.one_of(st.text(), st.integers(), st.none()), min_size=1, max_size=4), max_size=20))
def test_no_cell_of_any_export_starts_a_formula(rows):
    text = "".join(csv_lines(["a", "b", "c", "d"], rows, delimiter=";", chunk_rows=3))
    parsed = read(text, ";")
    assert len(parsed) == len(rows) + 1
    for written, original in zip(parsed[1:], rows, strict=True):
        assert len(written) == len(original)
        for cell, value in zip(written, original, strict=True):
            text = "" if value is None else str(value)
            if isinstance(value, int):  # a number stays a number: a spreadsheet reads -1 as data
                assert cell == text
                continue
            assert not cell.lstrip(" ").startswith(FORMULA_START)
            assert cell in (text, "'" + text)  # the content is kept, at most marked as text


def test_neutralise_is_idempotent_on_safe_text():
    assert neutralise("'=1") == "'=1" and neutralise(None) == "" and neutralise("-1") == "'-1"
    assert neutralise(-1) == "-1" and neutralise(-2.5) == "-2.5" and neutralise(True) == "True"


def test_csv_response_headers(app):
    with app.test_request_context():
        response = csv_response(csv_lines(["x"], [["=1"]]), "ud.csv", stream=True)
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert response.headers["Content-Disposition"] == 'attachment; filename="ud.csv"'
        assert response.headers["Cache-Control"] == "no-store"
        assert "'=1" in "".join(response.response)
