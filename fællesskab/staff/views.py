"""Dashboards for the community coordinator and village forums.

The coordinator's inbox and a forum's event tools build on these pages.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user

from ..accounts.decorators import role_required
from ..directory.models import Association
from ..events import services as events
from ..events.models import Event
from ..extensions import db

coordinator_bp = Blueprint("coordinator", __name__, url_prefix="/koordinator")
forum_bp = Blueprint("forum", __name__, url_prefix="/forum")


@coordinator_bp.get("/")
@role_required("coordinator")
def dashboard():
    counts = dict(db.session.execute(
        sa.select(Association.status, sa.func.count()).group_by(Association.status)
    ).all())
    stale = list(db.session.scalars(
        sa.select(Association).where(Association.status == "published")
        .order_by(Association.last_verified_at.asc().nulls_first(), Association.id).limit(10)
    ))
    pending = list(db.session.scalars(
        sa.select(Event).where(Event.status == "pending").order_by(Event.starts_at).limit(20)
    ))
    return render_template("staff/coordinator.html", counts=counts, stale=stale, pending=pending,
                           upcoming=events.upcoming(limit=10))


@forum_bp.get("/")
@role_required("forum")
def dashboard():
    forum = current_user.forum
    own = list(db.session.scalars(
        sa.select(Event).where(Event.forum_id == forum.id).order_by(Event.starts_at.desc()).limit(50)
    ))
    return render_template("staff/forum.html", forum=forum, events=own)
