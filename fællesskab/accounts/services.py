"""Create accounts and check passwords."""
from __future__ import annotations

import sqlalchemy as sa

from ..core import fields
from ..core.errors import ValidationError
from ..core.time import utcnow
from ..extensions import db
from ..places.models import Forum
from .models import ROLES, User

MIN_PASSWORD_LENGTH = 12
# Spend the same time on an unknown email as on a wrong password, so timing
# does not reveal which emails have accounts.
_DUMMY_HASH = None


def create_user(
    email: str, role: str, password: str, *, forum_slug: str | None = None, name: str = "", actor=None
) -> User:
    """Create an account.

    :raises ValidationError: bad email, unknown role, a forum account without a
        known forum, a taken email, or a password shorter than 12 characters.
    """
    try:
        clean_email = fields.email(email)
    except fields.FieldError as exc:
        raise ValidationError(str(exc), field="email") from None
    if not clean_email:
        raise ValidationError("E-mail skal udfyldes.", field="email")
    if role not in ROLES:
        raise ValidationError(f"Ukendt rolle {role!r} (gyldige: {', '.join(ROLES)}).", field="role")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"Adgangskoden skal være mindst {MIN_PASSWORD_LENGTH} tegn.", field="password")
    forum = None
    if role == "forum":
        if not forum_slug:
            raise ValidationError("En forum-konto skal høre til et forum (--forum SLUG).", field="forum")
        forum = db.session.scalar(sa.select(Forum).where(Forum.slug == forum_slug))
        if forum is None:
            raise ValidationError(f"Intet forum har slug {forum_slug!r}.", field="forum")
    elif forum_slug:
        raise ValidationError("Kun forum-konti hører til et forum.", field="forum")
    if find_by_email(clean_email) is not None:
        raise ValidationError(f"Der findes allerede en konto med {clean_email}.", field="email")
    user = User(email=clean_email, role=role, forum=forum, name=name.strip())
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def find_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with this email and password, or None."""
    global _DUMMY_HASH
    user = find_by_email(email or "")
    if user is None or not user.is_active:
        if _DUMMY_HASH is None:
            probe = User(email="x@example.org", role="newcomer")
            probe.set_password("not a real password")
            _DUMMY_HASH = probe.password_hash
        from werkzeug.security import check_password_hash

        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not user.check_password(password or ""):
        return None
    user.last_login_at = utcnow()
    db.session.flush()
    return user
