"""Load the demo data in seed/demo through the same services as every other writer."""
from __future__ import annotations

import csv
import os
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from .accounts import services as accounts
from .accounts.models import User
from .core.errors import ValidationError
from .core.time import COPENHAGEN
from .directory.importer import import_associations
from .directory.models import Association
from .events import services as events
from .events.models import Event
from .extensions import db
from .geo.gazetteer import PlaceIndex
from .places.models import Forum
from .places.services import upsert_forum

DEMO_ACCOUNTS = (
    ("admin@example.org", "admin", None, "Demo Administrator"),
    ("koordinator@example.org", "coordinator", None, "Demo Koordinator"),
    ("forum@example.org", "forum", "almind-borgerforening", "Demo Almind Borgerforening"),
    ("tilflytter@example.org", "newcomer", None, "Demo Tilflytter"),
)


@dataclass
class DemoReport:
    forums_changed: int = 0
    associations: str = ""
    events_created: int = 0
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # email, role, password
    newcomers: str = ""
    survey_answers: int = 0
    search_misses: int = 0
    directory: str = ""


def demo_password(role: str) -> str:
    """The well-known development password of a demo account (never used in production)."""
    return f"{role}-demo-kolding"


def load_demo(seed_dir: str, *, today: datetime | None = None, production: bool = False) -> DemoReport:
    """Create or update demo forums, associations, events and accounts.

    Events are dated relative to `today` when first created and left alone
    afterwards, so a second run changes nothing.

    :raises ValidationError: a demo file does not pass validation (a bug in seed/).
    """
    base = os.path.join(seed_dir, "demo")
    report = DemoReport()
    for row in _rows(os.path.join(base, "forums.csv")):
        _forum, changed = upsert_forum({
            **row,
            "is_trusted": row.get("is_trusted", "").strip().lower() == "true",
            "places": row.get("places", "").split(";"),
        })
        report.forums_changed += int(changed)

    with open(os.path.join(base, "associations.csv"), "rb") as fh:
        imported = import_associations(fh)
    if not imported.ok:
        raise ValidationError([("associations.csv", str(p)) for p in imported.problems[:10]])
    report.associations = imported.summary()

    report.events_created = _load_events(os.path.join(base, "events.csv"), today=today)
    report.accounts = _ensure_accounts(production=production)
    if not production:  # fictional people never go into a real inbox
        report.newcomers = _load_newcomers(os.path.join(base, "newcomers.csv"))
        # anonymous survey answers and zero-result searches, so the KPI dashboard has something to show
        from .surveys import demo as survey_demo

        day = (today or datetime.now(COPENHAGEN)).astimezone(COPENHAGEN).date()
        report.survey_answers = survey_demo.load_answers(os.path.join(base, "survey_answers.csv"), today=day)
        report.search_misses = survey_demo.load_search_misses(os.path.join(base, "search_misses.csv"), today=day)
        survey_demo.advance_demo_cases(now=(today or datetime.now(COPENHAGEN)).astimezone(COPENHAGEN))
        report.directory = _directory_demo()
    return report


# A few listings nobody has confirmed for over a year (one of them past both reminders), and one
# contact's correction waiting in the approval queue: the directory's stewardship has something to show.
DEMO_STALE = {"DEMO-A-003": 0, "DEMO-A-004": 0, "DEMO-A-005": 1, "DEMO-A-006": 2}
DEMO_CORRECTION = ("DEMO-A-001", {"meeting_times": "Torsdag kl. 10–12 og tirsdag kl. 19–21"})


def _directory_demo() -> str:
    """Age the demo's stale listings and queue its correction, once (a listing a person has touched is left)."""
    from .core.time import utcnow
    from .directory import revisions, stewardship
    from .directory.models import AssociationRevision

    now = utcnow()
    aged = 0
    for external_id, reminders in DEMO_STALE.items():
        assoc = db.session.scalar(sa.select(Association).where(Association.external_id == external_id))
        if assoc is None or len(revisions.history(assoc, limit=2)) > 1:
            continue
        if assoc.last_verified_at and assoc.last_verified_at > now - timedelta(days=stewardship.STALE_DAYS):
            assoc.last_verified_at = now - timedelta(days=400 + 20 * reminders)
            assoc.reminders_sent = reminders
            assoc.reminded_at = now - timedelta(days=35 * reminders) if reminders else None
            aged += 1
    external_id, proposed = DEMO_CORRECTION
    assoc = db.session.scalar(sa.select(Association).where(Association.external_id == external_id))
    queued = 0
    if assoc is not None and not db.session.scalar(sa.select(AssociationRevision.id).where(
            AssociationRevision.association_id == assoc.id, AssociationRevision.kind == "correction")):
        changes = revisions.diff(assoc, proposed, proposed)
        if changes:
            revisions.record(assoc, "correction", changes, source="contact", status="pending", email=assoc.email)
            queued = 1
    db.session.flush()
    return f"{aged} forældede foreninger, {queued} rettelse til godkendelse"


def _load_newcomers(path: str) -> str:
    """The demo arrivals list, through the same importer as the real one (idempotent)."""
    from .outreach.importer import import_newcomers

    with open(path, "rb") as fh:
        imported = import_newcomers(fh)
    if not imported.ok:
        raise ValidationError([("newcomers.csv", str(p)) for p in imported.problems[:10]])
    return imported.summary()


def _rows(path: str) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# Days nobody holds a fair or a welcome meeting: Christmas Eve to Boxing Day, New Year's Eve and Day.
HOLIDAYS = {(12, 24), (12, 25), (12, 26), (12, 31), (1, 1)}


def careful_day(day: date) -> date:
    """The demo's day for an event, a week later while it falls on a holiday (the weekday stays)."""
    while (day.month, day.day) in HOLIDAYS:
        day += timedelta(days=7)
    return day


def _load_events(path: str, *, today: datetime | None) -> int:
    today_local = (today or datetime.now(COPENHAGEN)).astimezone(COPENHAGEN).date()
    existing = set(db.session.scalars(sa.select(Event.external_id)))
    forums = dict(db.session.execute(sa.select(Forum.slug, Forum.id)).all())
    associations = dict(db.session.execute(sa.select(Association.external_id, Association.id)).all())
    index = PlaceIndex()
    created = 0
    for line, row in enumerate(_rows(path), start=2):
        if row["external_id"] in existing:
            continue
        hour, minute = (int(x) for x in row["start_time"].split(":"))
        day = careful_day(today_local + timedelta(days=int(row["days_from_today"])))
        starts = datetime(day.year, day.month, day.day, hour, minute, tzinfo=COPENHAGEN)
        ends = starts + timedelta(minutes=int(row["duration_minutes"] or 120))
        raw = {**row, "starts_at": starts.isoformat(), "ends_at": ends.isoformat()}
        if row.get("forum_slug"):
            raw["forum_id"] = forums.get(row["forum_slug"])
            if raw["forum_id"] is None:
                raise ValidationError([("forum_slug", f"events.csv line {line}: unknown forum {row['forum_slug']}")])
        try:
            values = events.clean_event(raw, index=index, associations=associations)
        except ValidationError as exc:
            raise ValidationError([(f, f"events.csv line {line}: {m}") for f, m in exc.errors]) from None
        events.create_event(values, status="approved")
        created += 1
    return created


def _ensure_accounts(*, production: bool) -> list[tuple[str, str, str]]:
    """Create the missing demo accounts; return (email, role, password) for each.

    In development the passwords are well known so the demo can be tried; in
    production they are random and never shown (use a password reset).
    """
    out = []
    for email, role, forum_slug, name in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(18) if production else demo_password(role)
        if not db.session.scalar(sa.select(User.id).where(User.email == email)):
            accounts.create_user(email, role, password, forum_slug=forum_slug, name=name)
        out.append((email, role, password))
    return out
