"""Create accounts and check passwords."""
from __future__ import annotations

import sqlalchemy as sa

from ..core import fields
from ..core.errors import ValidationError
from ..core.time import utcnow
from ..extensions import db
from ..mail import services as mail
from ..places.models import Forum
from . import notices
from .models import ROLES, User
from .passwords import MIN_LENGTH as MIN_PASSWORD_LENGTH  # noqa: F401  (kept for callers)
from .passwords import password_problem

# Spend the same time on an unknown email as on a wrong password, so timing
# does not reveal which emails have accounts.
_DUMMY_HASH = None


def create_user(
    email: str, role: str, password: str, *, forum_slug: str | None = None, name: str = "", actor=None
) -> User:
    """Create an account.

    :raises ValidationError: bad email, unknown role, a forum account without a
        known forum, a taken email, or or a password that is short or common.
    """
    try:
        clean_email = fields.email(email)
    except fields.FieldError as exc:
        raise ValidationError(str(exc), field="email") from None
    if not clean_email:
        raise ValidationError("E-mail skal udfyldes.", field="email")
    if role not in ROLES:
        raise ValidationError(f"Ukendt rolle {role!r} (gyldige: {', '.join(ROLES)}).", field="role")
    problem = password_problem(password, email=clean_email)
    if problem:
        raise ValidationError(problem, field="password")
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


# --- password reset -------------------------------------------------------

RESET_SALT = "password-reset"
RESET_MAX_AGE = 60 * 60  # one hour


def _reset_serializer():
    from flask import current_app
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _hash_fingerprint(user: User) -> str:
    """Part of the password hash: the token stops working once the password changes."""
    import hashlib

    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_reset_token(user: User) -> str:
    return _reset_serializer().dumps({"u": user.id, "h": _hash_fingerprint(user)})


def user_for_reset_token(token: str) -> User | None:
    """Return the user a valid, unexpired, unused reset token belongs to, or None."""
    from itsdangerous import BadSignature

    try:
        data = _reset_serializer().loads(token, max_age=RESET_MAX_AGE)
    except BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None or not user.is_active or data.get("h") != _hash_fingerprint(user):
        return None
    return user


def request_password_reset(email: str, *, reset_url, language: str = "da") -> bool:
    """Queue a reset e-mail if an active account has `email`; return whether one was queued.

    :param reset_url: callable turning a token into an absolute URL.
    The caller shows the same message either way, so nobody learns which
    addresses have accounts.
    """
    user = find_by_email(email or "")
    if user is None or not user.is_active:
        return False
    mail.queue_template(user.email, "password_reset", language,
                        {"user": user, "reset_url": reset_url(make_reset_token(user)),
                         "minutes": RESET_MAX_AGE // 60})
    return True


def change_password(user: User, password: str, *, actor=None) -> None:
    """Set a new password and end every existing session of the user.

    :raises ValidationError: the password breaks the rules.
    """
    problem = password_problem(password, email=user.email)
    if problem:
        raise ValidationError(problem, field="password")
    user.set_password(password)
    user.end_sessions()
    notices.notify(user, "password")
    db.session.flush()
