"""`import associations FILE.csv`: upsert associations by external_id."""
from __future__ import annotations

from typing import IO

import sqlalchemy as sa

from ..core import audit
from ..core.csvio import CSVFormatError, ImportReport, read_rows
from ..core.errors import ValidationError
from ..extensions import db
from ..geo.gazetteer import PlaceIndex
from . import services
from .models import Association

COLUMNS = (
    "external_id", "name", "summary", "description", "category", "tags", "target_groups",
    "age_min", "age_max", "languages", "address", "postcode", "town", "lat", "lon", "email",
    "phone", "website", "meeting_times", "price_dkk_per_year", "welcomes_newcomers",
    "name_en", "summary_en", "description_en",  # optional; absent columns leave the English text as it was
)
REQUIRED = ("external_id", "name", "category")


def import_associations(stream: IO[bytes], *, actor=None) -> ImportReport:
    """Validate the whole file first; write only when every row is good.

    The caller commits when `report.ok`, and rolls back otherwise.
    """
    report = ImportReport()
    index = PlaceIndex()
    cleaned: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    try:
        for line, row in read_rows(stream, columns=COLUMNS, required=REQUIRED):
            if "__error__" in row:
                report.add(line, "", row["__error__"])
                continue
            try:
                values = services.clean_association(row, index=index)
            except ValidationError as exc:
                for field_name, message in exc.errors:
                    report.add(line, field_name, message)
                continue
            if not values["external_id"]:
                report.add(line, "external_id", "external_id skal udfyldes.")
                continue
            if values["external_id"] in seen:
                report.add(line, "external_id",
                           f"{values['external_id']} står også på linje {seen[values['external_id']]}.")
                continue
            seen[values["external_id"]] = line
            cleaned.append((line, values))
    except CSVFormatError as exc:
        report.problems.extend(exc.problems)
    if not report.ok:
        return report

    existing = existing_by_external_id([v["external_id"] for _l, v in cleaned])
    slugs = set(db.session.scalars(sa.select(Association.slug)))
    for _line, values in cleaned:
        assoc = existing.get(values["external_id"])
        if assoc is None:
            services.create_association(values, actor=actor, slugs=slugs, flush=False, source="import")
            report.created += 1
        elif services.update_association(assoc, values, actor=actor, source="import"):
            report.updated += 1
        else:
            report.unchanged += 1
    db.session.flush()
    # One audit row for the file; each listing's own revision says what changed in it.
    audit.record(actor, "import", "associations", None,
                 f"CSV: {report.created} oprettet, {report.updated} opdateret, {report.unchanged} uændret")
    return report


def existing_by_external_id(ids: list[str]) -> dict[str, Association]:
    found: dict[str, Association] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for assoc in db.session.scalars(sa.select(Association).where(Association.external_id.in_(chunk))):
            found[assoc.external_id] = assoc
    return found
