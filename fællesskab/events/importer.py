"""`import events FILE.csv`: upsert events by external_id.

The optional columns `name_en` (the English title) and `description_en` carry
English text; a file without them leaves an event's English text as it was.
`summary_en` is accepted in the header (one template for both files) but must
be empty, since an event has no summary.
"""
from __future__ import annotations

from typing import IO

import sqlalchemy as sa

from ..core.csvio import ImportReport, UniqueIds, clean_rows, upsert_rows
from ..directory.models import Association
from ..extensions import db
from ..geo.gazetteer import PlaceIndex
from . import services
from .models import Event

COLUMNS = (
    "external_id", "association_external_id", "title", "description", "kind", "starts_at",
    "ends_at", "address", "postcode", "town", "lat", "lon", "capacity", "registration_required",
    # optional English text; the same column names as the associations file (an event's name is its title)
    "name_en", "summary_en", "description_en",
)
REQUIRED = ("external_id", "title", "kind", "starts_at")


def import_events(stream: IO[bytes], *, actor=None) -> ImportReport:
    """Validate the whole file first; write only when every row is good.

    Imported events come from the municipality's own lists and are approved.
    The caller commits when `report.ok`, and rolls back otherwise.
    """
    report = ImportReport()
    index = PlaceIndex()
    associations = dict(db.session.execute(sa.select(Association.external_id, Association.id)).all())
    ids = UniqueIds(report)

    def clean(line: int, row: dict[str, str]) -> dict | None:
        if (row.get("summary_en") or "").strip():
            # An event has no summary (Danish or English): refuse rather than drop the text unseen.
            report.add(line, "summary_en", "et arrangement har intet resumé; skriv teksten i description_en.")
            return None
        if "name_en" in row:
            row["title_en"] = row.pop("name_en")
        values = services.clean_event(row, index=index, associations=associations)
        return values if ids.check(line, values["external_id"]) else None

    cleaned = clean_rows(stream, report, clean, columns=COLUMNS, required=REQUIRED)
    if not report.ok:
        return report
    upsert_rows(report, Event, cleaned,
                create=lambda values: services.create_event(values, actor=actor, flush=False),
                update=lambda event, values: services.update_event(event, values, actor=actor))
    return report
