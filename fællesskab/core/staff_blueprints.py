"""The staff areas' blueprints: the coordinator's (/koordinator) and a village forum's (/forum).

Each domain adds its own staff pages to them (events: the moderation queue and a
forum's event tools; the directory editor and the coordinator's front page in
staff/); the app factory imports those view modules and registers the blueprints,
in one place. Defined here, below every domain, so no domain imports staff/.
"""
from __future__ import annotations

from flask import Blueprint

coordinator_bp = Blueprint("coordinator", __name__, url_prefix="/koordinator")
forum_bp = Blueprint("forum", __name__, url_prefix="/forum")
