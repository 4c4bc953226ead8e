"""`outreach import-newcomers FILE.csv`: upsert the arrivals list by external_id.

The whole file is validated first; nothing is written unless every row is
good (the caller commits or rolls back). Someone whose consent_contact is
not true is kept for statistics only — without name, contact details or
street address — and gets no case. A row whose consent changed from true
to false erases what we held about that person.
"""
from __future__ import annotations

from typing import IO

import sqlalchemy as sa

from ..core.csvio import CSVFormatError, ImportReport, read_rows
from ..core.errors import ValidationError
from ..extensions import db
from ..geo.gazetteer import PlaceIndex
from . import consent, services
from .cleaning import clean_newcomer
from .models import Newcomer

COLUMNS = ("external_id", "name", "email", "phone", "address", "postcode", "town", "move_in_date", "adults",
           "children_ages", "languages", "interests", "consent_contact")
REQUIRED = ("external_id", "consent_contact")


def import_newcomers(stream: IO[bytes], *, actor=None) -> ImportReport:
    """Validate the whole file first; write only when every row is good."""
    report = ImportReport()
    index = PlaceIndex()
    postcodes = set(index.postcodes)
    cleaned: list[dict] = []
    seen: dict[str, int] = {}
    try:
        for line, row in read_rows(stream, columns=COLUMNS, required=REQUIRED):
            if "__error__" in row:
                report.add(line, "", row["__error__"])
                continue
            ext = (row.get("external_id") or "").strip()
            if not ext:
                report.add(line, "external_id", "external_id skal udfyldes.")
            elif ext in seen:
                report.add(line, "external_id", f"{ext} står også på linje {seen[ext]}.")
            else:
                seen[ext] = line
            try:
                values = clean_newcomer(row, locate=index.locate, kolding_postcodes=postcodes)
            except ValidationError as exc:
                for field_name, message in exc.errors:
                    report.add(line, field_name, message)
                continue
            cleaned.append(values)
    except CSVFormatError as exc:
        report.problems.extend(exc.problems)
    if not report.ok:
        return report

    existing: dict[str, Newcomer] = {}
    ids = [v["external_id"] for v in cleaned]
    for start in range(0, len(ids), 500):
        for newcomer in db.session.scalars(sa.select(Newcomer).where(Newcomer.external_id.in_(ids[start:start + 500]))):
            existing[newcomer.external_id] = newcomer
    cache: dict = {}
    for values in cleaned:
        newcomer = existing.get(values["external_id"])
        if newcomer is None:
            services.register_newcomer(
                values, source="import", actor=actor, route_cache=cache, consent_source="import",
                consents=[(consent.CONTACT, values["consent_contact"], consent.ARRIVALS_LIST)],
                note="Fra tilflytterlisten.")
            report.created += 1
        elif _upsert(newcomer, values, actor=actor, cache=cache):
            report.updated += 1
        else:
            report.unchanged += 1
    db.session.flush()
    return report


def _upsert(newcomer: Newcomer, values: dict, *, actor, cache: dict) -> bool:
    was, now = newcomer.consent_contact, values["consent_contact"]
    if was and not now:
        services.withdraw_contact(newcomer, actor=actor, source="import")
        services.update_newcomer(newcomer, values, actor=actor, source="import", route_cache=cache)
        return True
    if now and not was:
        services.add_consent(newcomer, consent.CONTACT, True, version=consent.ARRIVALS_LIST, source="import",
                             actor=actor)
        newcomer.erased_at = None
        services.update_newcomer(newcomer, values, actor=actor, source="import", route_cache=cache)
        services.open_case(newcomer, actor=actor, route_cache=cache, note="Samtykke givet på tilflytterlisten.")
        return True
    return bool(services.update_newcomer(newcomer, values, actor=actor, source="import", route_cache=cache))
