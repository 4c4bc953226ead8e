"""Import an official Danish address list (DAWA/DAR CSV export) into `addresses`.

Streams the file (memory stays flat whatever its size), validates every row,
and upserts by (postcode, street, house number) in batches through Core
statements, all in the caller's transaction: the CLI commits once, and only
when no row had a problem. Unit rows of the `adresser` export (one per floor
and door) collapse into their access address.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

import sqlalchemy as sa

from ..core.csvio import Problem
from ..extensions import db
from ..places.models import Postcode
from .addresses import name_key
from .distance import in_denmark, utm32_to_wgs84
from .index import KOLDING_MUNICIPALITY_CODE, invalidate
from .models import Address

REQUIRED = ("vejnavn", "husnr", "postnr")
# Coordinates, in order of preference: WGS84 columns, `struktur=mini` x/y, ETRS89 UTM32N.
COORDINATE_COLUMNS = (
    ("wgs84koordinat_bredde", "wgs84koordinat_længde", "wgs84"),
    ("y", "x", "wgs84"),
    ("etrs89koordinat_nord", "etrs89koordinat_øst", "utm32"),
)
BATCH_SIZE = 1000
MAX_PROBLEMS_KEPT = 500
_HOUSE_NUMBER = re.compile(r"(\d{1,4})\s*([A-ZÆØÅ]?)")


@dataclass
class AddressImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_other_municipality: int = 0
    merged: int = 0  # rows of an access address (one per floor/door) after its first row
    rows: int = 0
    problem_count: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, line: int, field_name: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(Problem(line, field_name, message))

    def summary(self) -> str:
        text = (f"{self.rows} rækker: {self.created} adresser oprettet, {self.updated} opdateret, "
                f"{self.unchanged} uændret")
        if self.merged:
            text += f", {self.merged} med samme adgangsadresse (etage/dør) lagt sammen"
        if self.skipped_other_municipality:
            text += f", {self.skipped_other_municipality} i andre kommuner sprunget over"
        return text


def _number(text: str, *, minimum: float, maximum: float) -> float | None:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return value if minimum <= value <= maximum else None


class _Row:
    __slots__ = ("line", "values")

    def __init__(self, line: int, values: dict):
        self.line, self.values = line, values


@dataclass(frozen=True)
class _Layout:
    """What the header and the database say about every row of one file."""

    columns: dict[str, int]  # header name -> position
    coords: tuple[str, str, str]  # (latitude column, longitude column, "wgs84" or "utm32")
    districts: dict[str, str]  # postcode -> postal district, for rows that leave it out
    municipality_code: str  # rows of other municipalities are skipped ("" keeps all)

    def cell(self, values: list[str], name: str) -> str:
        i = self.columns.get(name)
        return values[i].strip() if i is not None else ""


def import_addresses(stream: IO[bytes], *, progress: Callable[[int], None] | None = None,
                     batch_size: int = BATCH_SIZE, municipality_code: str = KOLDING_MUNICIPALITY_CODE
                     ) -> AddressImportReport:
    """Validate and upsert every row of a DAWA/DAR address CSV; flush, never commit.

    :param stream: the file opened in binary mode (UTF-8, with or without BOM).
    :param progress: called now and then with the number of bytes read so far.
    :returns: a report; when `report.ok` is False the caller must roll back.
    """
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        return _import(text, stream, progress=progress, batch_size=batch_size,
                       municipality_code=municipality_code)
    finally:
        text.detach()  # leave the caller's stream open


def _import(text: IO[str], stream: IO[bytes], *, progress: Callable[[int], None] | None, batch_size: int,
            municipality_code: str) -> AddressImportReport:
    report = AddressImportReport()
    try:
        first = text.readline()
    except UnicodeDecodeError:
        report.add(1, "", "filen er ikke UTF-8 (gem den som 'CSV UTF-8').")
        return report
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        header = [h.strip().lower() for h in next(csv.reader([first], delimiter=delimiter), [])]
    except csv.Error as exc:  # e.g. a runaway header cell
        report.add(1, "", f"overskriftslinjen kan ikke læses ({exc}).")
        return report
    if not header:
        report.add(1, "", "filen er tom; den skal have en overskriftslinje.")
        return report
    missing = [c for c in REQUIRED if c not in header]
    coords = next(((lat, lon, kind) for lat, lon, kind in COORDINATE_COLUMNS if lat in header and lon in header), None)
    if coords is None:
        missing.append("wgs84koordinat_bredde og wgs84koordinat_længde (eller etrs89koordinat_nord/øst)")
    if missing:
        report.add(1, "", f"mangler kolonne(r): {', '.join(missing)}.")
        return report
    layout = _Layout(columns={name: header.index(name) for name in header}, coords=coords,
                     districts=dict(db.session.execute(sa.select(Postcode.code, Postcode.name)).all()),
                     municipality_code=municipality_code)
    reader = csv.reader(text, delimiter=delimiter)
    batch: dict[tuple[str, str, str], _Row] = {}
    previous: set[tuple[str, str, str]] = set()  # the last batch's keys: unit rows may straddle a batch
    line = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except UnicodeDecodeError:
            report.add(line + 1, "", "filen er ikke UTF-8 herfra (gem den som 'CSV UTF-8').")
            break
        except csv.Error as exc:
            report.add(line + 1, "", f"linjen kan ikke læses som CSV ({exc}).")
            break
        line += 1
        if not any(v.strip() for v in values):
            continue
        report.rows += 1
        if len(values) != len(header):
            report.add(line, "", f"har {len(values)} felter, men overskriften har {len(header)}.")
            continue
        row = _clean_row(line, values, layout, report)
        if row is None:
            continue
        v = row.values
        key = (v["postcode"], v["street"], v["house_number"])
        if key in batch or key in previous:
            report.merged += 1  # the first row of an access address counts
            continue
        batch[key] = row
        if len(batch) >= batch_size:
            _flush(batch, report)
            previous, batch = set(batch), {}
            if progress:
                progress(stream.tell())
    _flush(batch, report)
    if progress:
        progress(stream.tell())
    if report.ok:
        invalidate()
    return report


def _clean_row(line: int, values: list[str], layout: _Layout, report: AddressImportReport) -> _Row | None:
    """The row's address, or None when it is skipped or has problems (added to `report`)."""
    def cell(name: str) -> str:
        return layout.cell(values, name)

    municipality_code = layout.municipality_code
    kommune = cell("kommunekode")
    if kommune and municipality_code and kommune.lstrip("0") != municipality_code.lstrip("0"):
        report.skipped_other_municipality += 1
        return None
    problems_before = report.problem_count
    street = cell("vejnavn")
    if not street:
        report.add(line, "vejnavn", "mangler.")
    elif len(street) > 120:
        report.add(line, "vejnavn", "er for langt (højst 120 tegn).")
    number = _HOUSE_NUMBER.fullmatch(cell("husnr").upper())
    if not number:
        report.add(line, "husnr", f"skal være et husnummer som 12 eller 12A, ikke {cell('husnr')[:20]!r}.")
    postcode = cell("postnr")
    if not re.fullmatch(r"\d{4}", postcode):
        report.add(line, "postnr", f"skal være fire cifre, ikke {postcode[:20]!r}.")
    lat_name, lon_name, kind = layout.coords
    if kind == "utm32":
        north = _number(cell(lat_name), minimum=6_000_000, maximum=6_450_000)
        east = _number(cell(lon_name), minimum=400_000, maximum=900_000)
        lat, lon = utm32_to_wgs84(east, north) if north is not None and east is not None else (None, None)
    else:
        lat = _number(cell(lat_name), minimum=-90, maximum=90)
        lon = _number(cell(lon_name), minimum=-180, maximum=180)
    if lat is None or lon is None or not in_denmark(lat, lon):
        report.add(line, lat_name, f"koordinaterne ({cell(lat_name)[:20]!r}, {cell(lon_name)[:20]!r}) "
                                   "ligger ikke i Danmark.")
    district = cell("postnrnavn") or layout.districts.get(postcode, "")
    town = cell("supplerendebynavn") or None
    if len(district) > 80 or (town and len(town) > 80):
        report.add(line, "postnrnavn", "er for langt (højst 80 tegn).")
    if report.problem_count > problems_before:
        return None
    house_number = str(int(number.group(1))) + number.group(2)
    return _Row(line, {
        "dawa_id": (cell("adgangsadresseid") or cell("id"))[:40] or None,
        "street": street, "street_key": name_key(street), "house_number": house_number,
        "postcode": postcode, "postal_district": district, "supplementary_town": town,
        "lat": round(lat, 7), "lon": round(lon, 7),
    })


_FIELDS = ("dawa_id", "street_key", "postal_district", "supplementary_town", "lat", "lon")


def _flush(batch: dict[tuple[str, str, str], _Row], report: AddressImportReport) -> None:
    """Upsert one batch (skipped once any row had a problem: the whole import will roll back)."""
    if not batch or not report.ok:
        return
    table = Address.__table__
    keys = list(batch)
    existing = {}
    for row in db.session.execute(
            sa.select(table.c.id, table.c.postcode, table.c.street, table.c.house_number,
                      *[table.c[f] for f in _FIELDS])
            .where(sa.tuple_(table.c.postcode, table.c.street, table.c.house_number).in_(keys))):
        existing[(row.postcode, row.street, row.house_number)] = row
    inserts, updates = [], []
    for key, item in batch.items():
        old = existing.get(key)
        if old is None:
            inserts.append(item.values)
        elif any(getattr(old, f) != item.values[f] for f in _FIELDS):
            updates.append({"id": old.id, **{f: item.values[f] for f in _FIELDS}})
        else:
            report.unchanged += 1
    if inserts:
        db.session.execute(sa.insert(table), inserts)
        report.created += len(inserts)
    if updates:
        db.session.execute(sa.update(Address), updates)
        report.updated += len(updates)
