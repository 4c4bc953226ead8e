"""Strict UTF-8 CSV reading with line numbers (fællesskab.core.csvio)."""
from __future__ import annotations

import io

import pytest

from fællesskab.core.csvio import CSVFormatError, ImportReport, Problem, read_rows

COLUMNS = ("external_id", "name", "town")
REQUIRED = ("external_id", "name")


def rows(data: bytes | str):
    stream = io.BytesIO(data) if isinstance(data, bytes) else io.StringIO(data)
    return list(read_rows(stream, columns=COLUMNS, required=REQUIRED))


def format_problems(data: bytes) -> list[Problem]:
    with pytest.raises(CSVFormatError) as exc:
        rows(data)
    return exc.value.problems


def test_reads_rows_with_their_line_numbers():
    data = "external_id,name,town\nA-1,Vamdrup IF,Vamdrup\nA-2,Sønder Bjert Kor,Sønder Bjert\n".encode()
    assert rows(data) == [
        (2, {"external_id": "A-1", "name": "Vamdrup IF", "town": "Vamdrup"}),
        (3, {"external_id": "A-2", "name": "Sønder Bjert Kor", "town": "Sønder Bjert"}),
    ]


def test_header_names_are_stripped_and_columns_may_come_in_any_order():
    data = b" town , external_id,name\nVamdrup,A-1,Vamdrup IF\n"
    assert rows(data) == [(2, {"town": "Vamdrup", "external_id": "A-1", "name": "Vamdrup IF"})]


def test_optional_columns_may_be_left_out():
    assert rows(b"external_id,name\nA-1,X\n") == [(2, {"external_id": "A-1", "name": "X"})]


def test_utf8_bom_is_accepted():
    data = "\ufeffexternal_id,name,town\nA-1,Ødis Gymnastik,Ødis\n".encode("utf-8")
    assert rows(data) == [(2, {"external_id": "A-1", "name": "Ødis Gymnastik", "town": "Ødis"})]


def test_crlf_line_endings():
    data = b"external_id,name,town\r\nA-1,X,Y\r\nA-2,Z,W\r\n"
    assert [line for line, _row in rows(data)] == [2, 3]


def test_a_text_stream_is_accepted():
    assert rows("external_id,name\nA-1,Æblehaven\n") == [(2, {"external_id": "A-1", "name": "Æblehaven"})]


def test_latin1_is_refused_with_the_line_of_the_bad_byte():
    text = "external_id,name,town\nA-1,Vamdrup IF,Vamdrup\nA-2,Sønder Bjert Kor,Sønder Bjert\n"
    problems = format_problems(text.encode("latin-1"))
    assert len(problems) == 1
    assert problems[0].line == 3
    assert "UTF-8" in problems[0].message
    assert str(problems[0]).startswith("linje 3:")


def test_latin1_in_the_header_is_line_1():
    problems = format_problems("external_id,name,bynavn_ø\n".encode("latin-1"))
    assert problems[0].line == 1


def test_latin1_after_a_multiline_cell_counts_physical_lines():
    text = 'external_id,name,town\nA-1,"two\nlines",Vamdrup\nA-2,Æbleby,X\n'
    problems = format_problems(text.encode("latin-1"))
    assert problems[0].line == 4


def test_missing_required_column():
    problems = format_problems(b"external_id,town\nA-1,Vamdrup\n")
    assert [p.line for p in problems] == [1]
    assert "mangler" in problems[0].message and "name" in problems[0].message


def test_unknown_column():
    problems = format_problems(b"external_id,name,colour\nA-1,X,blue\n")
    assert [p.line for p in problems] == [1]
    assert "ukendt" in problems[0].message and "colour" in problems[0].message


def test_duplicate_column():
    problems = format_problems(b"external_id,name,name\nA-1,X,Y\n")
    assert [p.line for p in problems] == [1]
    assert "mere end én gang" in problems[0].message and "name" in problems[0].message


def test_every_header_problem_is_reported_at_once():
    problems = format_problems(b"external_id,town,town,colour\n")
    messages = " | ".join(p.message for p in problems)
    assert len(problems) == 3
    assert "mangler" in messages and "ukendt" in messages and "mere end én gang" in messages


def test_ragged_rows_are_reported_with_their_line_and_reading_goes_on():
    data = b"external_id,name,town\nA-1,X,Y\nA-2,only two\nA-3,X,Y,extra\nA-4,X,Y\n"
    result = rows(data)
    assert [line for line, _row in result] == [2, 3, 4, 5]
    assert "__error__" in result[1][1] and "2 felter" in result[1][1]["__error__"]
    assert "__error__" in result[2][1] and "4 felter" in result[2][1]["__error__"]
    assert result[3] == (5, {"external_id": "A-4", "name": "X", "town": "Y"})


def test_blank_lines_are_skipped_and_do_not_shift_line_numbers():
    data = b"external_id,name,town\n\nA-1,X,Y\n   \n,,\n\nA-2,X,Y\n\n"
    assert [line for line, _row in rows(data)] == [3, 7]


def test_quoted_multiline_cell_keeps_the_next_rows_line_number():
    data = b'external_id,name,town\nA-1,"Kor\n\nfor alle",Vamdrup\nA-2,X\nA-3,X,Y\n'
    result = rows(data)
    assert result[0] == (2, {"external_id": "A-1", "name": "Kor\n\nfor alle", "town": "Vamdrup"})
    assert result[1][0] == 5 and "__error__" in result[1][1]
    assert result[2][0] == 6


def test_quoted_cells_keep_commas_and_quotes():
    data = b'external_id,name,town\nA-1,"Kor, sang ""og"" musik",Vamdrup\n'
    assert rows(data)[0][1]["name"] == 'Kor, sang "og" musik'


def test_broken_quoting_is_reported_with_its_line():
    data = b'external_id,name,town\nA-1,X,Y\nA-2,"X"Y,Z\n'
    result = rows(data)
    assert result[0][0] == 2
    assert result[1][0] == 3 and "__error__" in result[1][1]


def test_nul_byte_is_refused():
    problems = format_problems(b"external_id,name,town\nA-1,X\x00,Y\n")
    assert len(problems) == 1
    assert "NUL" in problems[0].message


def test_empty_file():
    problems = format_problems(b"")
    assert [p.line for p in problems] == [1]
    assert "tom" in problems[0].message


def test_header_only_gives_no_rows():
    assert rows(b"external_id,name,town\n") == []


def test_a_runaway_cell_is_reported_not_crashed_on():
    data = b'external_id,name,town\nA-1,"' + b"x" * 200_000 + b'",Y\n'
    result = rows(data)
    assert result[0][0] == 2 and "__error__" in result[0][1]


def test_problem_text_and_report_summary():
    assert str(Problem(4, "lat", "skal være et tal.")) == "linje 4: lat: skal være et tal."
    assert str(Problem(0, "", "filen er tom.")) == "filen: filen er tom."
    report = ImportReport(created=2, updated=1, unchanged=5)
    assert report.ok
    assert report.summary() == "2 oprettet, 1 opdateret, 5 uændret"
    report.add(3, "name", "mangler")
    assert not report.ok
