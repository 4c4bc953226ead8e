"""Read UTF-8 CSV files strictly, with line numbers for every problem; write safe CSV exports.

Shared by every importer so that a municipal employee gets the same kind of
report whichever list they load, and by every export so that no cell is ever
run as a formula when the file is opened in a spreadsheet.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

import sqlalchemy as sa

from ..extensions import db
from .errors import ValidationError

T = TypeVar("T")
# Large enough for long descriptions, small enough to stop a runaway cell.
MAX_FIELD_SIZE = 100_000
# A whole file is read into memory (one transaction); far above any municipal list.
MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass
class Problem:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"linje {self.line}" if self.line else "filen"
        return f"{where}: {self.field + ': ' if self.field else ''}{self.message}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, line: int, field_name: str, message: str) -> None:
        self.problems.append(Problem(line, field_name, message))

    def summary(self) -> str:
        return f"{self.created} oprettet, {self.updated} opdateret, {self.unchanged} uændret"


class CSVFormatError(Exception):
    """The file cannot be read as CSV at all (encoding, header)."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def read_rows(
    stream: IO[bytes], *, columns: tuple[str, ...], required: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) for each data row of a UTF-8 CSV with a header.

    Missing required or unknown columns and a wrong encoding raise CSVFormatError;
    a ragged row is yielded with the key '__ragged__' so the caller can report it.
    """
    raw = stream.read(MAX_FILE_BYTES + 1)
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > MAX_FILE_BYTES:
        raise CSVFormatError([Problem(0, "", f"filen er for stor (højst {MAX_FILE_BYTES // 1024 // 1024} MB); "
                                             "del den i flere filer.")])
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CSVFormatError([Problem(line, "", "filen er ikke UTF-8 (gem den som 'CSV UTF-8').")]) from None
    if "\x00" in content:
        raise CSVFormatError([Problem(0, "", "filen indeholder binære data (NUL-tegn); er det en CSV-fil?")])
    csv.field_size_limit(MAX_FIELD_SIZE)
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise CSVFormatError([Problem(1, "", "filen er tom; den skal have en overskriftslinje.")]) from None
    except csv.Error as exc:
        raise CSVFormatError([Problem(1, "", f"overskriftslinjen kan ikke læses ({exc}).")]) from None
    header = [h.strip() for h in header]
    problems = []
    missing = [c for c in required if c not in header]
    if missing:
        problems.append(Problem(1, "", f"mangler kolonne(r): {', '.join(missing)}."))
    unknown = [c for c in header if c not in columns]
    if unknown:
        problems.append(Problem(1, "", f"ukendt(e) kolonne(r): {', '.join(unknown)} (tilladt: {', '.join(columns)})."))
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        problems.append(Problem(1, "", f"kolonne(r) står mere end én gang: {', '.join(dupes)}."))
    if problems:
        raise CSVFormatError(problems)
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield line, {"__error__": f"linjen kan ikke læses som CSV ({exc})."}
            return
        if not any(v.strip() for v in values):
            continue  # blank line
        if len(values) != len(header):
            yield line, {"__error__": f"har {len(values)} felter, men overskriften har {len(header)}."}
            continue
        yield line, dict(zip(header, values, strict=True))



# ---------- importing (the row loop every importer shares) ----------


def clean_rows(stream: IO[bytes], report: ImportReport, clean: Callable[[int, dict[str, str]], T | None], *,
               columns: tuple[str, ...], required: tuple[str, ...]) -> list[T]:
    """Read a whole CSV file and clean each row with `clean(line, row)`, reporting every problem.

    `clean` returns the row's values, or None when it has reported the row's problems itself;
    a ValidationError it raises is reported field by field. A file that cannot be read as CSV
    (encoding, header) and a row that cannot be split into fields are reported too.
    """
    cleaned: list[T] = []
    try:
        for line, row in read_rows(stream, columns=columns, required=required):
            if "__error__" in row:
                report.add(line, "", row["__error__"])
                continue
            try:
                values = clean(line, row)
            except ValidationError as exc:
                for field_name, message in exc.errors:
                    report.add(line, field_name, message)
                continue
            if values is not None:
                cleaned.append(values)
    except CSVFormatError as exc:
        report.problems.extend(exc.problems)
    return cleaned


class UniqueIds:
    """Each external_id given, and once per file (reported on the line that repeats it)."""

    def __init__(self, report: ImportReport):
        self.report = report
        self.first_line: dict[str, int] = {}

    def check(self, line: int, external_id: str | None) -> bool:
        """True when `external_id` is given and new in this file; otherwise report why not."""
        if not external_id:
            self.report.add(line, "external_id", "external_id skal udfyldes.")
            return False
        if external_id in self.first_line:
            self.report.add(line, "external_id", f"{external_id} står også på linje {self.first_line[external_id]}.")
            return False
        self.first_line[external_id] = line
        return True


def by_external_id(model, ids: list[str]) -> dict[str, Any]:
    """The rows of `model` with these external_ids (asked 500 at a time), by external_id."""
    found: dict[str, Any] = {}
    for start in range(0, len(ids), 500):
        for row in db.session.scalars(sa.select(model).where(model.external_id.in_(ids[start:start + 500]))):
            found[row.external_id] = row
    return found


def upsert_rows(report: ImportReport, model, rows: list[dict], *, create: Callable[[dict], Any],
                update: Callable[[Any, dict], bool]) -> None:
    """Create the rows whose external_id is new and update the others, counting each in `report`.

    `update` answers whether it changed anything. Flushes; the caller commits.
    """
    existing = by_external_id(model, [values["external_id"] for values in rows])
    for values in rows:
        row = existing.get(values["external_id"])
        if row is None:
            create(values)
            report.created += 1
        elif update(row, values):
            report.updated += 1
        else:
            report.unchanged += 1
    db.session.flush()


# ---------- writing (exports) ----------

# A cell that starts like this is run as a formula by spreadsheet programs (CSV
# injection, e.g. `=cmd|' /C calc'!A0`); full-width forms too, as Excel folds them.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "＝", "＋", "－", "＠")
BOM = "\ufeff"  # lets Excel recognise UTF-8


def neutralise(value: Any) -> str:
    """Make a cell safe to open in a spreadsheet: text that looks like a formula gets a leading '.

    Numbers stay as they are: a negative NPS is data, not a formula.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    if text.lstrip(" ").startswith(FORMULA_START):
        return "'" + text
    return text


def csv_lines(header: Iterable[Any], rows: Iterable[Iterable[Any]], *, delimiter: str = ",",
              chunk_rows: int = 500) -> Iterator[str]:
    """Yield a CSV file (BOM, header, rows) in chunks, every cell neutralised.

    Chunks keep a long export streaming without holding it all in memory.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([neutralise(v) for v in header])
    yield BOM + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for n, row in enumerate(rows, 1):
        writer.writerow([neutralise(v) for v in row])
        if n % chunk_rows == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def csv_text(header: Iterable[Any], rows: Iterable[Iterable[Any]], *, delimiter: str = ",") -> str:
    """The whole CSV file as one string (small exports)."""
    return "".join(csv_lines(header, rows, delimiter=delimiter))


def csv_response(body: str | Iterable[str], filename: str, *, stream: bool = False):
    """A download response for a CSV export: UTF-8, attachment, never cached (personal data).

    :param body: the text from `csv_text`, or the chunks from `csv_lines`.
    :param stream: stream `body` inside the request context (long exports).
    """
    from flask import Response, stream_with_context

    if stream and not isinstance(body, str):
        body = stream_with_context(body)
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
