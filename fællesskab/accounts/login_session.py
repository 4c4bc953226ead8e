"""Starting a login session, and the short half-way state between password and second factor.

After a right password, a user with two-factor authentication is not logged
in yet: the cookie session holds only who they are (id and session version),
"remember me", where to go next and a deadline five minutes ahead. Only a
valid code at `/login/kode` turns that into a real session (`start_session`),
which is a new session (no fixation) with the session version in its id.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from flask import session
from flask_login import login_user

from ..extensions import db
from .models import User

PENDING_KEY = "login_pending"
PENDING_SECONDS = 5 * 60


@dataclass(frozen=True)
class PendingLogin:
    user: User
    remember: bool
    next_url: str | None


def _fresh_session() -> None:
    """Empty the session, keeping only the language choice."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def start_session(user: User, remember: bool) -> None:
    """A fresh session on login (no fixation), keeping only the language choice."""
    _fresh_session()
    now = int(time.time())
    session["login_at"] = now
    session["seen_at"] = now
    session["remember_me"] = bool(remember)
    login_user(user, remember=remember)


def keep_this_session(user: User) -> None:
    """Commit a change to how `user` logs in, ending every other session and remember-me
    cookie of theirs; this one goes on (ASVS 7.4.3). The change's email notice is sent.
    """
    from ..mail import services as mail

    user.end_sessions()
    mail.commit_and_deliver()
    start_session(user, session.get("remember_me", False))


def begin_pending(user: User, *, remember: bool, next_url: str | None) -> None:
    """Remember that `user` gave the right password; the second factor is still due."""
    _fresh_session()
    session[PENDING_KEY] = {
        "user": user.id,
        "version": user.session_version,
        "remember": bool(remember),
        "next": next_url,
        "until": int(time.time()) + PENDING_SECONDS,
    }


def pending_expired() -> bool:
    """Whether a half-way login is in the session but its five minutes are over."""
    data = session.get(PENDING_KEY)
    return isinstance(data, dict) and int(data.get("until", 0)) < time.time()


def pending_login() -> PendingLogin | None:
    """The half-way login in this session, if it is still valid.

    Invalid: expired, the account deactivated, its password changed or its
    sessions ended since (session version), or its second factor turned off.
    """
    data = session.get(PENDING_KEY)
    if not isinstance(data, dict) or pending_expired():
        return None
    user_id, version = data.get("user"), data.get("version")
    if not isinstance(user_id, int) or not isinstance(version, int):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or user.session_version != version or not user.has_mfa:
        return None
    return PendingLogin(user=user, remember=bool(data.get("remember")), next_url=data.get("next") or None)


def clear_pending() -> None:
    session.pop(PENDING_KEY, None)
