"""The welcome message (email or printed letter) and the coordinators' daily due lists.

A welcome message starts as a draft from `email/outreach_welcome.<da|en>.txt`
with the matches the coordinator picked and the welcome events near the
household; the coordinator edits it, then sends it through the mail outbox
(queued in the same transaction, delivered after the commit) or prints it
as a letter. Both are written on the timeline.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..accounts.models import User
from ..core import audit, formatting
from ..core.errors import ValidationError
from ..core.time import utcnow
from ..events import services as events
from ..events.emails import external_url, when_text
from ..extensions import db
from ..geo.distance import distance_km
from ..mail import services as mail
from . import services, suggestions, workflow
from .labels import mail_language, status_word
from .models import Case

WELCOME_WINDOW = timedelta(days=60)
WELCOME_EVENTS = 3
MAX_SUBJECT = 200
MAX_BODY = 20_000


def absolute(url: str) -> str:
    """A link in an email: our own paths are made absolute on MAIL_BASE_URL (mail.services.base_url)."""
    if url.startswith("/"):
        return mail.base_url() + url
    return url


def welcome_events(case: Case, *, limit: int = WELCOME_EVENTS) -> list:
    """Upcoming welcome meetings for the household: its own forum's first, then others within 15 km."""
    now = utcnow()
    upcoming = [o for o in events.upcoming(limit=40, kind="welcome-meeting") if o.starts_at <= now + WELCOME_WINDOW]
    own = [o for o in upcoming if (case.forum_id is not None and o.event.forum_id == case.forum_id)
           or (case.place_id is not None and o.event.place_id == case.place_id)]
    n = case.newcomer
    near = []
    if n.lat is not None and n.lon is not None:
        near = sorted((o for o in upcoming if o not in own and distance_km(n.lat, n.lon, o.lat, o.lon) <= 15.0),
                      key=lambda o: distance_km(n.lat, n.lon, o.lat, o.lon))
    elif case.place_id is not None:
        near = [o for o in upcoming if o not in own and o.event.place_id == case.place_id]
    return (own + near)[:limit]


def _event_lines(case: Case, language: str) -> list[dict]:
    out = []
    for occurrence in welcome_events(case):
        where = ", ".join(p for p in (occurrence.address, occurrence.town) if p)
        out.append({"title": occurrence.title, "when": when_text(occurrence.starts_at, occurrence.ends_at, language),
                    "where": where, "host": occurrence.host_name or "",
                    "url": external_url("events.event_detail", event_id=occurrence.event.id)})
    return out


def _distance(km, language: str) -> str:
    """'1,2 km' / '1.2 km'; nothing for a place at the door (a rounded 0,0 km reads as an error)."""
    if not isinstance(km, (int, float)) or km < 0.05:
        return ""
    return formatting.distance_text(km, language)


def draft(case: Case, keys: list[str], *, actor) -> dict[str, Any]:
    """A new welcome message for the household, in its language, from the template."""
    services.require_staff(actor)
    n = case.newcomer
    language = n.preferred_language if n.preferred_language in ("da", "en") else "da"
    items = [{**item, "url": absolute(item.get("url") or ""), "reasons": suggestions.reasons(item, language),
              "distance": _distance(item.get("distance_km"), language)}
             for item in suggestions.chosen(case, keys)]
    chosen_urls = {item["url"] for item in items}
    events = [e for e in _event_lines(case, language) if e["url"] not in chosen_urls]  # each meeting once
    context = {"newcomer": n, "items": items, "events": events, "forum": case.forum,
               "coordinator": actor, "language": language,
               "contact": {"email": getattr(actor, "email", "") or current_app.config.get("COORDINATOR_EMAIL"),
                           "phone": current_app.config.get("COORDINATOR_PHONE") or ""}}
    module = current_app.jinja_env.get_template(f"email/outreach_welcome.{language}.txt").make_module(context)
    subject = " ".join(str(getattr(module, "subject", "")).split())
    return {"subject": subject, "body": str(module).strip() + "\n", "language": language,
            "items": [suggestions.item_key(i) for i in items]}


def _clean(subject: Any, body: Any) -> tuple[str, str]:
    errors = []
    subject = " ".join((subject if isinstance(subject, str) else "").replace("\x00", "").split())
    body = (body if isinstance(body, str) else "").replace("\x00", "").replace("\r\n", "\n").strip()
    if not subject:
        errors.append(("subject", _("Skriv et emne.")))
    elif len(subject) > MAX_SUBJECT:
        errors.append(("subject", _("Emnet er for langt (højst %(n)s tegn).", n=MAX_SUBJECT)))
    if not body:
        errors.append(("body", _("Skriv en besked.")))
    elif len(body) > MAX_BODY:
        errors.append(("body", _("Beskeden er for lang (højst %(n)s tegn).", n=MAX_BODY)))
    if errors:
        raise ValidationError(errors)
    return subject, body + "\n"


_URL = re.compile(r"https?://[^\s<>\"']+")


def paragraphs(body: str, *, inline_style: bool = True) -> list[Markup]:
    """The text as HTML paragraphs: escaped, line breaks kept, web addresses as links.

    `inline_style` colours the links for email clients; a page of ours leaves it to the
    stylesheet, since its Content-Security-Policy blocks inline styles.
    """
    style = ' style="color:#0b5d57;"' if inline_style else ""
    out = []
    for block in re.split(r"\n\s*\n", body.strip()):
        html = escape(block)
        html = Markup(_URL.sub(lambda m: f'<a href="{m.group(0)}"{style}>{m.group(0)}</a>',
                               str(html)))
        out.append(Markup("<br>\n").join(Markup(line) for line in str(html).split("\n")))
    return out


def _after_contact(case: Case, items: list[str], *, actor) -> list[str]:
    """Sending the welcome message is contact; with matches in it, the case is matched."""
    moved = []
    if case.status in (workflow.NEW, workflow.DECLINED, workflow.UNREACHABLE):
        services.transition(case, workflow.CONTACTED, actor=actor)
        moved.append(workflow.CONTACTED)
    if items and case.status == workflow.CONTACTED:
        services.transition(case, workflow.MATCHED, actor=actor)
        moved.append(workflow.MATCHED)
    return moved


def send_welcome(case: Case, subject: Any, body: Any, keys: list[str], *, actor) -> list[str]:
    """Queue the (edited) welcome email; write it on the timeline. Return the statuses the case moved to.

    :raises ValidationError: no email address, or an empty or too long subject or text.
    """
    services.require_staff(actor)
    services.require_contactable(case)
    n = case.newcomer
    if not n.email:
        raise ValidationError(_("Tilflytteren har ingen e-mailadresse. Udskriv beskeden som brev i stedet."),
                              field="body")
    subject, body = _clean(subject, body)
    language = n.preferred_language if n.preferred_language in ("da", "en") else "da"
    items = suggestions.chosen(case, keys)
    html = render_template(f"email/outreach_message.{language}.html", subject=subject, language=language,
                           paragraphs=paragraphs(body))
    message = mail.queue(n.email, subject, body, html, kind="outreach_welcome", language=language)
    case.welcome_draft = None
    services.add_timeline_entry(case, "email", subject, actor=actor, data={
        "subject": subject, "body": body, "items": [i["name"] for i in items], "outbox_id": message.id,
        "language": language})
    audit.record(actor, "email", "newcomer", n.id, f"velkomstbesked (sag #{case.id})")
    return _after_contact(case, [suggestions.item_key(i) for i in items], actor=actor)


def save_letter(case: Case, subject: Any, body: Any, keys: list[str], *, actor) -> None:
    """Keep the (edited) message as the letter to print, and write it on the timeline."""
    services.require_staff(actor)
    services.require_contactable(case)
    subject, body = _clean(subject, body)
    items = suggestions.chosen(case, keys)
    case.welcome_draft = {"subject": subject, "body": body, "items": [suggestions.item_key(i) for i in items],
                          "language": case.newcomer.preferred_language, "saved_at": utcnow().isoformat()}
    services.add_timeline_entry(case, "letter", subject, actor=actor, data={"subject": subject, "body": body,
                                                               "items": [i["name"] for i in items]})
    audit.record(actor, "letter", "newcomer", case.newcomer_id, f"brev (sag #{case.id})")
    db.session.flush()


# ---------- due lists (cron: `outreach due`) ----------

def due_cases(day: date) -> list[Case]:
    """Open, contactable cases whose next action is due on or before `day`."""
    return list(db.session.scalars(
        sa.select(Case).where(Case.is_contactable.is_(True), Case.is_closed.is_(False), Case.next_action_on <= day)
        .order_by(Case.next_action_on, Case.id)
    ))


def send_due_lists(*, day: date | None = None) -> tuple[int, int]:
    """Email each coordinator the due cases assigned to them, and how many due cases have nobody.

    The emails hold case numbers, places and dates, never names. Return (emails queued, due cases).
    """
    day = day or services.today()
    due = due_cases(day)
    if not due:
        return 0, 0
    unassigned = [c for c in due if c.assigned_to_id is None]
    by_user: dict[int, list[Case]] = {}
    for case in due:
        if case.assigned_to_id is not None:
            by_user.setdefault(case.assigned_to_id, []).append(case)
    recipients = db.session.scalars(sa.select(User).where(
        User.is_active.is_(True),
        sa.or_(User.role == "coordinator", sa.and_(User.role == "admin", User.id.in_(list(by_user) or [0]))),
    ).order_by(User.id))
    queued = 0
    for user in recipients:
        mine = by_user.get(user.id, [])
        if not mine and not unassigned:
            continue
        language = mail_language(user)
        rows = [{"id": c.id, "place": c.place.name if c.place else "", "status": status_word(c.status, language),
                 "next_action_on": c.next_action_on, "overdue": c.next_action_on < day,
                 "url": external_url("cases.case_detail", case_id=c.id)} for c in mine]
        mail.queue_template(user.email, "outreach_due", language, {
            "user": user, "rows": rows, "unassigned": len(unassigned), "day": day,
            "inbox_url": external_url("cases.inbox", frist="forfaldne"),
        })
        queued += 1
    audit.record(None, "email", "cases", None, f"forfaldne sager: {len(due)} sager, {queued} e-mails")
    db.session.flush()
    return queued, len(due)
