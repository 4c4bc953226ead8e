"""Erase one person everywhere, in one transaction (GDPR art. 17).

A person is named by their email address and/or a newcomer record. The work
is a list of steps (STEPS), run in order; each takes the Subject and returns
how many rows it removed. Another package plugs in its own data with
`register_step()` — e.g. surveys:

    register_step("survey_tokens", per_newcomer(surveys.erase_for_newcomer))

Steps added that way run before the outreach rows are deleted, so a table
that points at a newcomer or case is emptied first.

What stays: an audit row per erasure naming a pseudonym ("person #…", an
HMAC of the email under SECRET_KEY, so two erasures of one person match
without the log holding who it was), and older audit rows whose detail
named the person are rewritten to the pseudonym. No personal data is in the
search index (it holds associations and events only), so there is no index step.
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app

from ..core import audit
from ..core.audit import AuditEntry
from ..extensions import db

Step = Callable[["Subject"], int]


@dataclass
class Subject:
    """Who is being erased: their (lowercased) email and newcomer ids, and their pseudonym."""

    email: str | None
    newcomer_ids: list[int]
    names: list[str] = field(default_factory=list)

    @property
    def pseudonym(self) -> str:
        return pseudonym(self.email, self.newcomer_ids)


def pseudonym(email: str | None, newcomer_ids: list[int] | tuple[int, ...] = ()) -> str:
    """A stable stand-in for a person in the audit log: 'person #' and 10 hex digits of an HMAC."""
    key = current_app.config["SECRET_KEY"].encode()
    basis = f"email:{email}" if email else "newcomer:" + ",".join(str(i) for i in sorted(newcomer_ids))
    return "person #" + hmac.new(key, basis.encode(), hashlib.sha256).hexdigest()[:10]


def per_newcomer(func: Callable[[int], int | None]) -> Step:
    """Adapt `func(newcomer_id) -> count` (as surveys.erase_for_newcomer) to a Step."""

    def step(subject: Subject) -> int:
        return sum(int(func(newcomer_id) or 0) for newcomer_id in subject.newcomer_ids)

    step.__name__ = getattr(func, "__name__", "per_newcomer")
    return step


# ---------- the built-in steps ----------

def _case_ids(subject: Subject):
    from ..outreach.models import Case

    return sa.select(Case.id).where(Case.newcomer_id.in_(subject.newcomer_ids))


def _delete(stmt) -> int:
    return db.session.execute(stmt).rowcount or 0


def erase_handovers(subject: Subject) -> int:
    from ..outreach.models import HandOver

    return _delete(sa.delete(HandOver).where(HandOver.case_id.in_(_case_ids(subject)))) if subject.newcomer_ids else 0


def erase_case_notes(subject: Subject) -> int:
    from ..outreach.models import CaseNote

    return _delete(sa.delete(CaseNote).where(CaseNote.case_id.in_(_case_ids(subject)))) if subject.newcomer_ids else 0


def erase_cases(subject: Subject) -> int:
    from ..outreach.models import Case

    return _delete(sa.delete(Case).where(Case.newcomer_id.in_(subject.newcomer_ids))) if subject.newcomer_ids else 0


def erase_consents(subject: Subject) -> int:
    from ..outreach.models import ConsentRecord

    if not subject.newcomer_ids:
        return 0
    return _delete(sa.delete(ConsentRecord).where(ConsentRecord.newcomer_id.in_(subject.newcomer_ids)))


def erase_newcomers(subject: Subject) -> int:
    from ..outreach.models import Newcomer, NewcomerLanguage

    if not subject.newcomer_ids:
        return 0
    _delete(sa.delete(NewcomerLanguage).where(NewcomerLanguage.newcomer_id.in_(subject.newcomer_ids)))
    return _delete(sa.delete(Newcomer).where(Newcomer.id.in_(subject.newcomer_ids)))


def erase_registrations(subject: Subject) -> int:
    """Delete the person's sign-ups; freed places go to the waiting list (who are emailed)."""
    from ..events.locking import lock
    from ..events.models import Event, Registration
    from ..events.registrations import promote_and_notify

    if not subject.email:
        return 0
    rows = db.session.execute(sa.select(Registration.id, Registration.event_id, Registration.status)
                              .where(sa.func.lower(Registration.email) == subject.email)).all()
    if not rows:
        return 0
    freed = sorted({event_id for _id, event_id, status in rows if status == "confirmed"})
    count = _delete(sa.delete(Registration).where(Registration.id.in_([r[0] for r in rows])))
    for event_id in freed:
        event = lock(Event, event_id)
        if event is not None and event.status == "approved":
            promote_and_notify(event)
    return count


def erase_outbox(subject: Subject) -> int:
    """Delete every email to the person, sent or waiting (the outbox keeps whole messages)."""
    from ..mail.models import OutboxMessage

    if not subject.email:
        return 0
    return _delete(sa.delete(OutboxMessage).where(sa.func.lower(OutboxMessage.to_address) == subject.email))


def scrub_audit(subject: Subject) -> int:
    """Rewrite older audit rows whose detail names the person (name or email) to the pseudonym."""
    needles = [n for n in {subject.email, *subject.names} if n and len(n) >= 3]
    if not needles:
        return 0
    conditions = [AuditEntry.detail.ilike("%" + n.replace("%", "").replace("_", "") + "%") for n in needles]
    changed = 0
    for entry in db.session.scalars(sa.select(AuditEntry).where(sa.or_(*conditions))):
        detail = entry.detail
        for needle in sorted(needles, key=len, reverse=True):
            detail = _replace_folded(detail, needle, subject.pseudonym)
        if detail != entry.detail:
            entry.detail = detail
            changed += 1
    return changed


def _replace_folded(text: str, needle: str, replacement: str) -> str:
    lowered, folded = text.lower(), needle.lower()
    out, start = [], 0
    while (found := lowered.find(folded, start)) >= 0:
        out.append(text[start:found] + replacement)
        start = found + len(needle)
    return "".join(out) + text[start:]


def erase_survey_tokens(subject: Subject) -> int:
    """The person's unanswered survey links (answers are anonymous and stay)."""
    from ..surveys.services import erase_for_newcomer

    return per_newcomer(erase_for_newcomer)(subject)


def erase_directory_emails(subject: Subject) -> int:
    """The person's address on listings' revisions (a correction or request they sent) and their links."""
    from ..directory.retention import erase_email

    return erase_email(subject.email) if subject.email else 0


# The order matters: what points at a row goes before the row.
STEPS: list[tuple[str, Step]] = [
    ("survey_tokens", erase_survey_tokens),
    ("handovers", erase_handovers),
    ("case_notes", erase_case_notes),
    ("cases", erase_cases),
    ("consents", erase_consents),
    ("newcomers", erase_newcomers),
    ("registrations", erase_registrations),
    ("outbox", erase_outbox),
    ("directory_emails", erase_directory_emails),
    ("audit_scrubbed", scrub_audit),
]


def register_step(name: str, step: Step, *, before: str = "handovers") -> None:
    """Add `step` to the erasure, before the step called `before` (default: before the outreach rows)."""
    if any(existing == name for existing, _s in STEPS):
        raise ValueError(f"erasure step {name!r} is already registered")
    position = next((i for i, (existing, _s) in enumerate(STEPS) if existing == before), len(STEPS))
    STEPS.insert(position, (name, step))


def subject_for(*, email: str | None = None, newcomer=None) -> Subject:
    """Everything the service holds under this email (and this newcomer, whose email counts too)."""
    from ..outreach.models import Newcomer

    email = (email or getattr(newcomer, "email", None) or "").strip().lower() or None
    newcomers = {newcomer.id: newcomer} if newcomer is not None else {}
    if email:
        for found in db.session.scalars(sa.select(Newcomer).where(sa.func.lower(Newcomer.email) == email)):
            newcomers[found.id] = found
    names = [n.name for n in newcomers.values() if n.name]
    return Subject(email=email, newcomer_ids=sorted(newcomers), names=names)


def erase_person(*, actor, reason: str, email: str | None = None, newcomer=None) -> dict[str, int]:
    """Erase everything about one person (flushes; the caller commits once).

    :param actor: the coordinator/admin, or None for the person themselves (self-service).
    :returns: rows removed or rewritten per step.
    """
    subject = subject_for(email=email, newcomer=newcomer)
    db.session.flush()  # pending changes first; the bulk deletes then drop the loaded objects
    counts = {name: step(subject) for name, step in STEPS}
    summary = ", ".join(f"{name}: {n}" for name, n in counts.items() if n)
    detail = f"{subject.pseudonym} slettet ({reason}){'; ' + summary if summary else ''}"
    if subject.newcomer_ids:
        for newcomer_id in subject.newcomer_ids:
            audit.record(actor, "erase", "newcomer", newcomer_id, detail)
    else:
        audit.record(actor, "erase", "person", None, detail)
    db.session.flush()
    return counts
