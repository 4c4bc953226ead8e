"""Fixtures for privacy: the outreach builders (cases), event sign-ups and the outbox."""
from __future__ import annotations

from ..events.conftest import eml_files, forum_event, mail_folder, outbox, sign_up  # noqa: F401
from ..outreach.conftest import almind_forum, coordinator, login, make_case  # noqa: F401
