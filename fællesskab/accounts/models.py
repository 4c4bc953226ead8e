"""The User model."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.time import UTCDateTime, utcnow
from ..extensions import db
from ..places.models import Forum

ROLES = ("admin", "coordinator", "forum", "newcomer")


class User(UserMixin, db.Model):
    """A person who logs in: staff, a village forum's contact, or a newcomer."""

    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("role IN ('admin', 'coordinator', 'forum', 'newcomer')", name="role"),
        sa.CheckConstraint("role <> 'forum' OR forum_id IS NOT NULL", name="forum_has_forum"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lowercased, so the unique constraint is case-insensitive.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(16), index=True)
    forum_id: Mapped[int | None] = mapped_column(sa.ForeignKey("forums.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of the login cookie's id: raising it makes every earlier session
    # and remember-me cookie of this user useless (logout, password change).
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The UI language of the person's last login ("da" | "en"): the e-mails the
    # service sends them (due cases, hand-overs) are written in it.
    language: Mapped[str] = mapped_column(sa.String(5), default="da", server_default="da")
    # Two-factor authentication (accounts/mfa.py): the TOTP seed (base32), set while
    # enrolling and kept once confirmed; `totp_enabled_at` says the second factor is on;
    # `totp_last_step` is the last 30-second step a code was accepted for, so no code
    # (and no earlier one) is accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(sa.Integer)
    # The per-account lockout (accounts/lockout.py): attempts claimed in the current
    # 15-minute window that have not proved to be right, and when the window began.
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    failure_window_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    forum: Mapped[Forum | None] = relationship()
    # The ORM deletes them with the user (SQLite does not enforce ON DELETE CASCADE here).
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @validates("email")
    def _normalise_email(self, _key: str, value: str) -> str:
        return value.strip().lower()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """Make every session and remember-me cookie issued so far invalid."""
        self.session_version = (self.session_version or 1) + 1

    @property
    def has_mfa(self) -> bool:
        """Whether logging in asks for a code from the authenticator app after the password."""
        return self.totp_enabled_at is not None and bool(self.totp_secret)

    def has_role(self, *roles: str) -> bool:
        # admin may do everything staff may do
        return self.role in roles or (self.role == "admin" and "coordinator" in roles)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class RecoveryCode(db.Model):
    """A single-use code that stands in for the authenticator app (a lost phone).

    Only a salted, slow hash (Werkzeug scrypt) is stored; the codes are shown once.
    """

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(255))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="recovery_codes")

    def __repr__(self) -> str:
        return f"<RecoveryCode {self.id} of user {self.user_id}{' used' if self.used_at else ''}>"
