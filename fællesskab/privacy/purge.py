"""`privacy purge`: every retention rule of the service, in one transaction.

Each step is an existing purge function of its own package; the periods are
in core/retention.py (RETENTION_*_DAYS). A dry run does all the work inside
the transaction, counts, and rolls it back, so its numbers are exactly what
a real run would delete.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..core.time import utcnow
from ..extensions import db


@dataclass
class PurgeResult:
    counts: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False


# name -> the Danish phrase the CLI prints before the number
LABELS = {
    "closed_cases": "afsluttede sager slettet for personoplysninger",
    "statistics_rows": "statistikrækker uden samtykke slettet",
    "registrations": "tilmeldinger slettet",
    "unsent_mail": "aldrig afsendte e-mails slettet",
    "sent_mail": "afsendte e-mails slettet",
    "geocode_cache": "udløbne adresseopslag slettet",
    "audit_rows": "gamle logrækker slettet",
    "survey_tokens": "udløbne spørgeskemalinks slettet",
    "survey_search_days": "gamle dage i loggen over søgninger uden resultat slettet",
    "survey_comments": "gamle fritekstsvar ryddet",
    "directory_emails": "e-mails på gamle rettelser af foreninger ryddet",
    "directory_links": "brugte eller udløbne links til at rette foreninger slettet",
}


def _outreach(now, counts) -> None:
    from ..outreach.retention import purge_expired

    report = purge_expired(now=now, include_audit=False)
    counts["closed_cases"], counts["statistics_rows"] = report.erased, report.deleted


def _registrations(now, counts) -> None:
    from ..events.registrations import purge_expired

    counts["registrations"] = purge_expired(now=now)


def _mail(now, counts) -> None:
    from ..mail.services import purge_sent, purge_unsent

    counts["unsent_mail"] = purge_unsent(now=now)
    counts["sent_mail"] = purge_sent(now=now)


def _geocode_cache(now, counts) -> None:
    from ..geo.cache import purge_expired

    counts["geocode_cache"] = purge_expired(now=now)


def _audit(now, counts) -> None:
    from ..core.audit import purge_expired

    counts["audit_rows"] = purge_expired(now=now)


def _surveys(now, counts) -> None:
    from ..surveys.services import purge_expired

    report = purge_expired(now)
    counts["survey_tokens"], counts["survey_search_days"] = report.tokens, report.search_days
    counts["survey_comments"] = report.comments


def _directory(now, counts) -> None:
    from ..directory.retention import purge_expired

    report = purge_expired(now=now)
    counts["directory_emails"], counts["directory_links"] = report.emails, report.links


STEPS = {"outreach": _outreach, "surveys": _surveys, "registrations": _registrations, "mail": _mail,
         "geocode_cache": _geocode_cache,
         "audit": _audit, "directory": _directory}


def purge(*, now: datetime | None = None, dry_run: bool = False, only: tuple[str, ...] | None = None) -> PurgeResult:
    """Apply the retention rules and commit once, or roll back for a dry run.

    :param only: names of STEPS to run (default all); `outreach purge` runs ("outreach", "audit").
    :raises: whatever a step raises — after a rollback, so nothing is half-deleted.
    """
    now = now or utcnow()
    result = PurgeResult(dry_run=dry_run)
    try:
        for name, step in STEPS.items():
            if only is None or name in only:
                step(now, result.counts)
        db.session.flush()
    except Exception:
        db.session.rollback()
        raise
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return result
