"""`import events FILE.csv`: upsert events by external_id.

The optional columns `name_en` (the English title) and `description_en` carry
English text; a file without them leaves an event's English text as it was.
`summary_en` is accepted in the header (one template for both files) but must
be empty, since an event has no summary.
"""
from __future__ import annotations

from typing import IO

import sqlalchemy as sa

from ..core.csvio import CSVFormatError, ImportReport, read_rows
from ..core.errors import ValidationError
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
    cleaned: list[dict] = []
    seen: dict[str, int] = {}
    try:
        for line, row in read_rows(stream, columns=COLUMNS, required=REQUIRED):
            if "__error__" in row:
                report.add(line, "", row["__error__"])
                continue
            if (row.get("summary_en") or "").strip():
                # An event has no summary (Danish or English): refuse rather than drop the text unseen.
                report.add(line, "summary_en", "et arrangement har intet resumé; skriv teksten i description_en.")
                continue
            if "name_en" in row:
                row["title_en"] = row.pop("name_en")
            try:
                values = services.clean_event(row, index=index, associations=associations)
            except ValidationError as exc:
                for field_name, message in exc.errors:
                    report.add(line, field_name, message)
                continue
            ext = values["external_id"]
            if not ext:
                report.add(line, "external_id", "external_id skal udfyldes.")
            elif ext in seen:
                report.add(line, "external_id", f"{ext} står også på linje {seen[ext]}.")
            else:
                seen[ext] = line
                cleaned.append(values)
    except CSVFormatError as exc:
        report.problems.extend(exc.problems)
    if not report.ok:
        return report

    existing: dict[str, Event] = {}
    ids = [v["external_id"] for v in cleaned]
    for start in range(0, len(ids), 500):
        for event in db.session.scalars(sa.select(Event).where(Event.external_id.in_(ids[start:start + 500]))):
            existing[event.external_id] = event
    for values in cleaned:
        event = existing.get(values["external_id"])
        if event is None:
            services.create_event(values, actor=actor, flush=False)
            report.created += 1
        elif services.update_event(event, values, actor=actor):
            report.updated += 1
        else:
            report.unchanged += 1
    db.session.flush()
    return report
