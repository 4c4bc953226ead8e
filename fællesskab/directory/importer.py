"""`import associations FILE.csv`: upsert associations by external_id."""
from __future__ import annotations

from typing import IO

import sqlalchemy as sa

from ..core import audit
from ..core.csvio import ImportReport, UniqueIds, clean_rows, upsert_rows
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
    ids = UniqueIds(report)

    def clean(line: int, row: dict[str, str]) -> dict | None:
        values = services.clean_association(row, index=index)
        return values if ids.check(line, values["external_id"]) else None

    cleaned = clean_rows(stream, report, clean, columns=COLUMNS, required=REQUIRED)
    if not report.ok:
        return report
    slugs = set(db.session.scalars(sa.select(Association.slug)))
    upsert_rows(report, Association, cleaned,
                create=lambda values: services.create_association(values, actor=actor, slugs=slugs, flush=False,
                                                                  source="import"),
                update=lambda assoc, values: services.update_association(assoc, values, actor=actor,
                                                                         source="import"))
    # One audit row for the file; each listing's own revision says what changed in it.
    audit.record(actor, "import", "associations", None,
                 f"CSV: {report.created} oprettet, {report.updated} opdateret, {report.unchanged} uændret")
    return report
