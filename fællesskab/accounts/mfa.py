"""Two-factor authentication: TOTP (RFC 6238, an authenticator app) and recovery codes.

Services only (no Flask views, no commits): enrol, confirm with a first code,
verify a code at login, disable, reset by an admin, and the ten single-use
recovery codes. OWASP ASVS 5.0 6.3.3 (multi-factor at L2) and 6.5.1–6.5.5:

- the TOTP seed is 160 random bits from `secrets` (pyotp.random_base32);
- a code is accepted for the current 30-second step and one step either side
  (clock drift), and never twice: the accepted step is stored on the user and
  only a later step passes afterwards. The check-and-store is one conditional
  UPDATE, so two requests racing with the same code cannot both win;
- recovery codes have ~50 random bits, are stored only as salted scrypt hashes
  (Werkzeug, as passwords are) and are used up atomically the same way.
"""
from __future__ import annotations

import hmac
import secrets
import time

import pyotp
import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from ..core import audit
from ..core.errors import DomainError, ValidationError
from ..core.time import utcnow
from ..extensions import db
from . import notices
from .models import RecoveryCode, User

ISSUER = "Fællesskab Kolding"
STEP_SECONDS = 30
DIGITS = 6
# Steps accepted either side of the current one: a phone clock a little off still works.
VALID_WINDOW = 1
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/i/l: the codes are read off paper and typed by hand.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 10  # 31**10 ≈ 2**49.5 (ASVS 6.5.4 asks for at least 20 bits)


# --- enrolment --------------------------------------------------------------------

def begin_enrolment(user: User) -> str:
    """Give `user` a new TOTP seed to scan, unless one is already waiting; return it.

    The seed waits on the user (not in the cookie session, which is signed but
    readable) until a first code confirms it; until then logging in does not ask
    for a code.

    :raises DomainError: two-factor authentication is already on.
    """
    if user.has_mfa:
        raise DomainError(_("Totrinsbekræftelse er allerede slået til."))
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32(32)  # 160 bits, from `secrets`
        user.totp_last_step = None
        db.session.flush()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    if not user.totp_secret:
        raise DomainError("no TOTP seed to show")
    return _totp(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def confirm_enrolment(user: User, code: str, *, for_time: float | None = None) -> list[str]:
    """Turn two-factor authentication on once `code` shows the app has the seed.

    :returns: the new recovery codes, in plain text: show them once, they are not kept.
    :raises DomainError: nothing to confirm (no seed, or already on).
    :raises ValidationError: the code is not the app's current one.
    """
    if user.has_mfa or not user.totp_secret:
        raise DomainError(_("Der er ingen tilmelding at bekræfte. Begynd forfra."))
    if not verify_totp(user, code, for_time=for_time):
        raise ValidationError(_("Koden passer ikke. Skriv den kode, appen viser lige nu."), field="code")
    user.totp_enabled_at = utcnow()
    notices.notify(user, "mfa_on")
    return new_recovery_codes(user)


# --- verifying ----------------------------------------------------------------------

def verify_totp(user: User, code: str, *, for_time: float | None = None) -> bool:
    """Return whether `code` is a valid, not yet used code from `user`'s app; remember its step.

    A code for the current step or one either side passes, once; after it, no code
    of that step or an earlier one does (ASVS 6.5.1).
    """
    code = _digits(code)
    if not user.totp_secret or code is None:
        return False
    totp = _totp(user.totp_secret)
    now_step = totp.timecode(time.time() if for_time is None else for_time)
    matched = None
    for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1):
        # compare every step (no early exit), in constant time
        if hmac.compare_digest(totp.generate_otp(step), code):
            matched = step
    if matched is None or (user.totp_last_step is not None and matched <= user.totp_last_step):
        return False
    # Check-and-set in one statement: a second request with the same code loses the race.
    result = db.session.execute(
        sa.update(User)
        .where(User.id == user.id, sa.or_(User.totp_last_step.is_(None), User.totp_last_step < matched))
        .values(totp_last_step=matched)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    # The UPDATE wrote the column; record it as loaded so a flush does not write it again.
    set_committed_value(user, "totp_last_step", matched)
    return True


def use_recovery_code(user: User, code: str) -> bool:
    """Return whether `code` is one of `user`'s unused recovery codes, and use it up."""
    clean = normalise_recovery_code(code)
    if clean is None:
        return False
    for row in unused_recovery_codes(user):
        if check_password_hash(row.code_hash, clean):
            result = db.session.execute(
                sa.update(RecoveryCode).where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
                .values(used_at=utcnow()).execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                return False  # used by a request running at the same time
            db.session.refresh(row)
            return True
    return False


def verify_second_factor(user: User, code: str) -> str | None:
    """Check a code typed at login: six digits are an app code, anything else a recovery code.

    :returns: "totp" or "recovery" for the kind that passed, None when it did not.
    """
    if not user.has_mfa:
        return None
    if _digits(code) is not None:
        return "totp" if verify_totp(user, code) else None
    return "recovery" if use_recovery_code(user, code) else None


# --- recovery codes -----------------------------------------------------------------

def new_recovery_codes(user: User) -> list[str]:
    """Replace `user`'s recovery codes with ten new ones; return them in plain text (shown once)."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.expire(user, ["recovery_codes"])
    codes = []
    for _n in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _i in range(RECOVERY_CODE_LENGTH))
        db.session.add(RecoveryCode(user_id=user.id, code_hash=generate_password_hash(
            raw, method=current_app.config["PASSWORD_HASH_METHOD"])))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    db.session.flush()
    return codes


def replace_recovery_codes(user: User) -> list[str]:
    """New recovery codes asked for by the person (the old ones stop working); they are told by email."""
    notices.notify(user, "recovery_codes")
    return new_recovery_codes(user)


def unused_recovery_codes(user: User) -> list[RecoveryCode]:
    return list(db.session.scalars(
        sa.select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        .order_by(RecoveryCode.id)
    ))


def remaining_recovery_codes(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ) or 0


def normalise_recovery_code(code: str | None) -> str | None:
    """Lowercase, without spaces and dashes; None if it cannot be a recovery code."""
    clean = "".join((code or "").split()).replace("-", "").lower()
    if len(clean) != RECOVERY_CODE_LENGTH or any(ch not in RECOVERY_ALPHABET for ch in clean):
        return None
    return clean


# --- turning it off -------------------------------------------------------------------

def disable(user: User, *, notice: bool = True) -> None:
    """Turn two-factor authentication off for `user`: forget the seed and the recovery codes.

    The person is told by email, unless `notice` is False (an admin's reset sends its own).
    """
    was_on = user.has_mfa
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.expire(user, ["recovery_codes"])
    if notice and was_on:
        notices.notify(user, "mfa_off")
    db.session.flush()


def reset(user: User, *, actor: User | None) -> bool:
    """An admin (or the CLI, `actor` None) resets a user who lost their second factor.

    Turns it off, ends the user's sessions and writes an audit row. The admin must
    have checked who is asking first (docs/operations.md); the user then logs in
    with the password and, if their role requires it, enrols again at once.

    :returns: whether anything changed (False: the user had no second factor).
    """
    had = user.has_mfa or bool(user.totp_secret)
    if not had:
        return False
    disable(user, notice=False)
    user.end_sessions()
    notices.notify(user, "mfa_reset")
    audit.record(actor, "reset-2fa", "user", user.id, f"totrinsbekræftelse nulstillet for {user.email}")
    db.session.flush()
    return True


def is_required(user: User) -> bool:
    """Whether MFA_REQUIRED_ROLES names `user`'s role; admin counts as coordinator."""
    roles = tuple(current_app.config.get("MFA_REQUIRED_ROLES") or ())
    return bool(roles) and user.has_role(*roles)


# --- helpers ---------------------------------------------------------------------------

def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)


def _digits(code: str | None) -> str | None:
    """The code without spaces if it is six digits, else None."""
    clean = "".join((code or "").split())
    return clean if len(clean) == DIGITS and clean.isascii() and clean.isdigit() else None

