"""Issue survey links, send the newcomer survey, record answers, erase and purge tokens.

Services flush and never commit (DESIGN.md). An answer is stored without the
token, the case or a timestamp (only the quarter), so the dashboard can never
tie it to a named person; the token's link to its newcomer is cleared when used.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from ..core import audit
from ..core.errors import DomainError, NotFound
from ..core.time import utcnow
from ..events.emails import external_url
from ..extensions import db
from ..mail import services as mail
from ..outreach import workflow
from ..outreach.models import Case, CaseNote, Newcomer
from ..outreach.services import add_timeline_entry
from . import kpi, settings, tokens
from .models import KINDS, SearchMiss, SurveyResponse, SurveyToken

# The zero-result search log holds no personal data; two years covers year-on-year comparison.
SEARCH_LOG_RETENTION = timedelta(days=2 * 365)
# Free text on an answer may name someone despite the hint: it is cleared after two years (the scores stay).
FREE_TEXT_RETENTION = timedelta(days=2 * 365)
SENT_NOTE = "newcomer-survey"


class AlreadyAnswered(DomainError):
    """The single-use link was used before."""

    code = "already_answered"
    status = 409


@dataclass
class SendReport:
    queued: int = 0
    without_email: int = 0


@dataclass
class PurgeReport:
    tokens: int = 0
    search_days: int = 0
    comments: int = 0


def case_area(case: Case) -> str | None:
    """The area an answer is counted under: the case's forum, else its locality."""
    if case.forum is not None:
        return case.forum.name
    if case.place is not None:
        return case.place.name
    return None


def issue_token(kind: str, *, language: str = "da", area: str | None = None, newcomer_id: int | None = None,
                now: datetime | None = None) -> tuple[str, SurveyToken]:
    """Create a single-use link token; return (the token for the link, its row)."""
    if kind not in KINDS:
        raise ValueError(kind)
    now = now or utcnow()
    raw, digest = tokens.new_token()
    token = SurveyToken(token_hash=digest, kind=kind, language=language if language in ("da", "en") else "da",
                        area=(area or None) and area[:120], newcomer_id=newcomer_id, is_used=False,
                        created_at=now, expires_at=now + timedelta(days=settings.token_days()))
    db.session.add(token)
    return raw, token


def survey_url(raw: str, language: str = "da") -> str:
    """The absolute link for an email or a mail merge (built on MAIL_BASE_URL), in the person's language."""
    if language == "en":
        return external_url("surveys.answer", token=raw, lang="en")
    return external_url("surveys.answer", token=raw)


def first_contacts(case_ids: list[int]) -> dict[int, datetime]:
    """The first time each case was marked as contacted, from its timeline."""
    out: dict[int, datetime] = {}
    to = CaseNote.data["to"].as_string()
    for start in range(0, len(case_ids), 500):
        out.update(db.session.execute(
            sa.select(CaseNote.case_id, sa.func.min(CaseNote.created_at))
            .where(CaseNote.kind == "status", to == workflow.CONTACTED,
                   CaseNote.case_id.in_(case_ids[start:start + 500]))
            .group_by(CaseNote.case_id)
        ).all())
    return out


def _already_sent(case_ids: list[int]) -> set[int]:
    sent = set()
    survey = CaseNote.data["survey"].as_string()
    for start in range(0, len(case_ids), 500):
        sent.update(db.session.scalars(sa.select(CaseNote.case_id).where(
            CaseNote.kind == "email", survey == SENT_NOTE, CaseNote.case_id.in_(case_ids[start:start + 500]))))
    return sent


def due_for_survey(after_weeks: int, *, now: datetime | None = None) -> list[Case]:
    """Contactable cases first contacted at least `after_weeks` weeks ago that have not had the survey."""
    now = now or utcnow()
    cutoff = now - timedelta(weeks=after_weeks)
    candidates = list(db.session.scalars(
        sa.select(Case).join(Newcomer, Newcomer.id == Case.newcomer_id)
        # not before first contact, not to someone who said no thanks, and only with survey consent (GDPR purpose)
        .where(Case.is_contactable.is_(True), Newcomer.consent_contact.is_(True), Newcomer.consent_survey.is_(True),
               Case.status.not_in((workflow.NEW, workflow.DECLINED)))
        .order_by(Case.id)
    ))
    ids = [c.id for c in candidates]
    contacted = first_contacts(ids)
    sent = _already_sent(ids)
    with_token = set(db.session.scalars(sa.select(SurveyToken.newcomer_id).where(
        SurveyToken.kind == "newcomer", SurveyToken.newcomer_id.is_not(None))))
    return [c for c in candidates
            if c.id in contacted and contacted[c.id] <= cutoff and c.id not in sent
            and c.newcomer_id not in with_token]


def send_newcomer_surveys(after_weeks: int, *, now: datetime | None = None) -> SendReport:
    """Queue the newcomer survey once to each case `after_weeks` weeks after first contact.

    A case without an email address is marked as handled too (with a note), so
    it is not looked at again every night; the coordinator can hand it out.
    """
    if after_weeks < 0:
        raise ValueError("after_weeks")
    report = SendReport()
    for case in due_for_survey(after_weeks, now=now):
        newcomer = case.newcomer
        if not newcomer.email:
            add_timeline_entry(case, "email", "Spørgeskemaet blev ikke sendt: ingen e-mailadresse.",
                               data={"survey": SENT_NOTE, "sent": False})
            report.without_email += 1
            continue
        language = newcomer.preferred_language if newcomer.preferred_language in ("da", "en") else "da"
        raw, _token = issue_token("newcomer", language=language, area=case_area(case), newcomer_id=newcomer.id,
                                  now=now)
        mail.queue_template(newcomer.email, "survey_newcomer", language, {
            "newcomer": newcomer, "url": survey_url(raw, language), "days": settings.token_days()})
        add_timeline_entry(case, "email", "Spørgeskema om at finde fællesskaber sendt.",
                           data={"survey": SENT_NOTE, "sent": True})
        audit.record(None, "update", "newcomer", newcomer.id, f"spørgeskema sendt (sag #{case.id})")
        report.queued += 1
    db.session.flush()
    return report


def leaver_batch(count: int, *, language: str = "da", area: str | None = None) -> list[tuple[str, str]]:
    """`count` fresh leaver-survey links for a mail merge: (token, url) pairs."""
    if not 1 <= count <= 10_000:
        raise DomainError("Antallet skal være mellem 1 og 10.000.")
    out = []
    for _ in range(count):
        raw, _token = issue_token("leaver", language=language, area=area)
        out.append((raw, survey_url(raw, language)))
    db.session.flush()
    return out


def find_token(raw: str | None, *, now: datetime | None = None) -> SurveyToken:
    """The token behind a link.

    :raises NotFound: no such token, or it has expired.
    :raises AlreadyAnswered: the link was used.
    """
    token = None
    if tokens.looks_valid(raw):
        token = db.session.scalar(sa.select(SurveyToken).where(SurveyToken.token_hash == tokens.hash_token(raw)))
    if token is None or token.expires_at < (now or utcnow()):
        raise NotFound("Linket findes ikke eller er udløbet.")
    if token.is_used:
        raise AlreadyAnswered("Der er allerede svaret via dette link.")
    return token


def _use(token: SurveyToken) -> None:
    # One conditional UPDATE, so two answers sent at the same moment cannot both use the link.
    result = db.session.execute(
        sa.update(SurveyToken).where(SurveyToken.id == token.id, SurveyToken.is_used.is_(False))
        .values(is_used=True, newcomer_id=None).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise AlreadyAnswered("Der er allerede svaret via dette link.")
    db.session.expire(token)


ANSWER_FIELDS = ("ease_score", "belonging", "nps_score", "move_reason", "move_reason_other", "found_community",
                 "comment")


def record_answer(kind: str, values: dict[str, Any], *, language: str, area: str | None = None,
                  token: SurveyToken | None = None, now: datetime | None = None) -> SurveyResponse:
    """Store one anonymous answer (already validated by the form); use the token if there is one.

    :raises AlreadyAnswered: the token was used in the meantime.
    """
    if kind not in KINDS or (token is not None and token.kind != kind):
        raise ValueError(kind)
    if token is not None:
        area, language = token.area, token.language
        _use(token)
    response = SurveyResponse(
        kind=kind, channel="invited" if token is not None else "open", quarter=kpi.quarter_of(now or utcnow()),
        area=(area or None) and area[:120], language=language if language in ("da", "en") else "da",
        **{k: values.get(k) for k in ANSWER_FIELDS},
    )
    db.session.add(response)
    db.session.flush()
    return response


def erase_for_newcomer(newcomer_id: int) -> int:
    """Delete every survey token of this person (erasure); return how many. Answers are anonymous and stay."""
    result = db.session.execute(sa.delete(SurveyToken).where(SurveyToken.newcomer_id == newcomer_id)
                                .execution_options(synchronize_session=False))
    return result.rowcount or 0


def purge_expired(now: datetime | None = None) -> PurgeReport:
    """Delete expired survey links and zero-result search rows older than two years; clear old free text."""
    now = now or utcnow()
    report = PurgeReport()
    report.tokens = db.session.execute(
        sa.delete(SurveyToken).where(SurveyToken.expires_at < now).execution_options(synchronize_session=False)
    ).rowcount or 0
    cutoff = (now - SEARCH_LOG_RETENTION).date()
    report.search_days = db.session.execute(
        sa.delete(SearchMiss).where(SearchMiss.day < cutoff).execution_options(synchronize_session=False)
    ).rowcount or 0
    old_quarter = kpi.quarter_of(now - FREE_TEXT_RETENTION)
    report.comments = db.session.execute(
        sa.update(SurveyResponse).where(
            SurveyResponse.quarter < old_quarter,
            sa.or_(SurveyResponse.comment.is_not(None), SurveyResponse.move_reason_other.is_not(None)))
        .values(comment=None, move_reason_other=None).execution_options(synchronize_session=False)
    ).rowcount or 0
    return report
