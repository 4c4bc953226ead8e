"""The community coordinator's front page: today's work first, then the directory's health.

The coordinator's other pages sit with their domains, on the same blueprint
(`core.staff_blueprints`): the moderation queue and forum trust in
`events/moderation_views.py`, the directory editor in `staff/directory.py`; a
forum's pages in `events/forum_views.py`.
"""
from __future__ import annotations

from datetime import timedelta

from flask import render_template
from flask_login import current_user

from ..accounts.decorators import role_required
from ..core import audit
from ..core.staff_blueprints import coordinator_bp
from ..core.time import utcnow
from ..directory import revisions, stewardship
from ..directory import services as directory
from ..events import moderation, registrations
from ..events import services as events
from ..extensions import db
from ..outreach import inbox
from ..outreach import services as outreach

WELCOME_DAYS = 30  # how far ahead the front page lists welcome meetings and their sign-ups


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
    queue = moderation.queue()
    listing_changes = revisions.pending_count()
    html = render_template("staff/coordinator.html", counts=directory.status_counts(),
                           stale=directory.least_recently_verified(10), pending=queue[:20],
                           queue_size=len(queue) + listing_changes, listing_changes=listing_changes,
                           unanswered=stewardship.unanswered(), upcoming=events.upcoming(limit=10),
                           work=work, today=today, welcome=welcome, welcome_days=WELCOME_DAYS,
                           signups=registrations.counts([o.event.id for o in welcome]))
    db.session.commit()  # the audit row
    return html
