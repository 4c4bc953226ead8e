"""Dashboards for the community coordinator and village forums.

The coordinator's moderation queue and forum trust are in `moderation.py`;
a forum's event tools (create, edit, cancel, duplicate, sign-ups, CSV) in `forum.py`.
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user

from ..accounts.decorators import role_required
from ..core import audit
from ..core.time import utcnow
from ..directory import revisions, stewardship
from ..directory.models import Association
from ..events import moderation, registrations
from ..events import services as events
from ..events.models import Event, EventRevision
from ..extensions import db
from ..outreach import inbox
from ..outreach import services as outreach

WELCOME_DAYS = 30  # how far ahead the front page lists welcome meetings and their sign-ups

coordinator_bp = Blueprint("coordinator", __name__, url_prefix="/koordinator")
forum_bp = Blueprint("forum", __name__, url_prefix="/forum")


@coordinator_bp.get("/")
@role_required("coordinator")
def dashboard():
    """Today's work first (new cases, follow-ups due, welcome sign-ups, approvals), then the directory's health."""
    today = outreach.today()
    work = inbox.todays_work(user=current_user, today=today)
    shown = list(dict.fromkeys(c.id for c in [*work.new.items, *work.due.items]))
    if shown:  # names of newcomers are personal data: their showing is audited like the inbox's
        audit.record(current_user, "list", "cases", None, "forsiden: sager " + ",".join(str(i) for i in shown))
    now = utcnow()
    welcome = events.upcoming(limit=10, kind="welcome-meeting", start=now, end=now + timedelta(days=WELCOME_DAYS))
    counts = dict(db.session.execute(
        sa.select(Association.status, sa.func.count()).group_by(Association.status)
    ).all())
    stale = list(db.session.scalars(
        sa.select(Association).where(Association.status == "published")
        .order_by(Association.last_verified_at.asc().nulls_first(), Association.id).limit(10)
    ))
    queue = moderation.queue()
    listing_changes = revisions.pending_count()
    html = render_template("staff/coordinator.html", counts=counts, stale=stale, pending=queue[:20],
                           queue_size=len(queue) + listing_changes, listing_changes=listing_changes,
                           unanswered=stewardship.unanswered(), upcoming=events.upcoming(limit=10),
                           work=work, today=today, welcome=welcome, welcome_days=WELCOME_DAYS,
                           signups=registrations.counts([o.event.id for o in welcome]))
    db.session.commit()  # the audit row
    return html


@forum_bp.get("/")
@role_required("forum")
def dashboard():
    forum = current_user.forum
    now = utcnow()
    own = list(db.session.scalars(
        sa.select(Event).where(Event.forum_id == forum.id).order_by(Event.starts_at, Event.id)
    ))
    upcoming = [e for e in own if e.last_starts_at >= now - events.RECENT]
    past = sorted((e for e in own if e.last_starts_at < now - events.RECENT),
                  key=lambda e: e.starts_at, reverse=True)[:30]
    revisions = {}
    for revision in db.session.scalars(
        sa.select(EventRevision).where(EventRevision.event_id.in_([e.id for e in upcoming]))
        .order_by(EventRevision.id)
    ):
        revisions[revision.event_id] = revision  # the latest per event
    return render_template(
        "staff/forum.html", forum=forum, events=upcoming, past=past, revisions=revisions,
        counts=registrations.counts([e.id for e in upcoming]),
        next_dates={e.id: events.next_occurrence(e, now - events.RECENT) for e in upcoming},
    )


from . import forum as _forum_routes  # noqa: E402,F401  (registers the forum's event tools)
from . import moderation as _moderation_routes  # noqa: E402,F401  (registers the queue)
from . import directory as _directory_routes  # noqa: E402,F401  (registers the directory editor)
