"""`outreach import-newcomers FILE.csv`: upsert the arrivals list by external_id.

The whole file is validated first; nothing is written unless every row is
good (the caller commits or rolls back). Someone whose consent_contact is
not true is kept for statistics only — without name, contact details or
street address — and gets no case. A row whose consent changed from true
to false erases what we held about that person.
"""
from __future__ import annotations

from typing import IO

from ..core.csvio import ImportReport, UniqueIds, clean_rows, upsert_rows
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
    ids = UniqueIds(report)

    def clean(line: int, row: dict[str, str]) -> dict:
        ids.check(line, (row.get("external_id") or "").strip())  # reported with the row's other problems
        return clean_newcomer(row, locate=index.locate, kolding_postcodes=postcodes)

    cleaned = clean_rows(stream, report, clean, columns=COLUMNS, required=REQUIRED)
    if not report.ok:
        return report
    cache: dict = {}
    upsert_rows(report, Newcomer, cleaned,
                create=lambda values: services.register_newcomer(
                    values, source="import", actor=actor, route_cache=cache, consent_source="import",
                    consents=[(consent.CONTACT, values["consent_contact"], consent.ARRIVALS_LIST)],
                    note="Fra tilflytterlisten."),
                update=lambda newcomer, values: _upsert(newcomer, values, actor=actor, cache=cache))
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
