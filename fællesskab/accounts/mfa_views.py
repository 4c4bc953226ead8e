"""Two-factor pages: the code after the password, enrolment, turning it off, new recovery
codes, the admin's reset, and the guard that sends people whose role requires a second
factor to enrolment (MFA_REQUIRED_ROLES).
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core import metrics
from ..core.errors import DomainError
from ..core.qr import qr_svg
from ..core.time import utcnow
from ..extensions import db, limiter
from ..mail import services as mail
from . import lockout, login_session, mfa, services
from .decorators import role_required
from .forms import AdminResetForm, ConfirmPasswordForm, EnrolForm, RecoveryCodeForm, TotpCodeForm
from .models import User
from .security import FORM_LIMIT, LOGIN_IP_LIMIT, password_confirmed, security_log
from .views import home_for

bp = Blueprint("mfa", __name__)

# Where a person who must enrol may still go: the enrolment itself, logging out, the
# language switch (so the enrolment can be read in English), and static files.
OPEN_WHILE_ENROLMENT_DUE = {"mfa.enrol", "accounts.logout", "accounts.logout_page", "main.set_language", "static"}


@bp.before_app_request
def _require_enrolment():
    if not current_user.is_authenticated or request.endpoint in OPEN_WHILE_ENROLMENT_DUE:
        return None
    user = current_user._get_current_object()
    if user.has_mfa or not mfa.is_required(user):
        return None
    return redirect(url_for("mfa.enrol"))


# --- the second step of logging in --------------------------------------------------------

@bp.route("/login/kode", methods=["GET", "POST"])
@limiter.limit(LOGIN_IP_LIMIT, methods=["POST"])
def login_code():
    """After the right password: the code from the app, or a recovery code, then the session starts."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    pending = login_session.pending_login()
    if pending is None:
        if login_session.pending_expired():
            flash(_("Der gik for lang tid, før koden blev skrevet. Log ind igen."), "warning")
        login_session.clear_pending()
        return redirect(url_for("accounts.login"))
    user = pending.user
    code_form, recovery_form = TotpCodeForm(), RecoveryCodeForm()
    using_recovery = "recovery_code" in request.form
    form = recovery_form if using_recovery else code_form
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        typed = form.recovery_code.data if using_recovery else form.code.data
        attempt = lockout.claim(user=user)  # before the code is checked, as for the password
        method = mfa.verify_second_factor(user, typed)
        if method is not None:
            lockout.release(attempt)
            user.last_login_at = utcnow()
            user.language = str(get_locale() or "da")  # staff e-mails follow the language they work in
            remaining = mfa.remaining_recovery_codes(user) if method == "recovery" else None
            db.session.commit()
            login_session.start_session(user, pending.remember)
            security_log.info("login: user %s from %s (second factor: %s)", user.id, request.remote_addr, method)
            flash(_("Du er logget ind."), "success")
            if remaining is not None:
                flash(_("Du brugte en gendannelseskode; du har %(n)s tilbage. Lav nye under Min konto, "
                        "hvis du er ved at løbe tør.", n=remaining), "warning")
            return redirect(pending.next_url or home_for(user))
        db.session.rollback()
        field = form.recovery_code if using_recovery else form.code
        field.errors.append(_("Koden passer ikke, eller den er brugt før.") if not using_recovery
                            else _("Gendannelseskoden passer ikke, eller den er brugt før."))
        security_log.warning("failed second factor (%s) for user %s from %s",
                             "recovery code" if using_recovery else "code", user.id, request.remote_addr)
        metrics.FAILED_LOGINS.inc()
        status = 401  # counts towards the account's lockout, as a wrong password does
    elif request.method == "POST":
        status = 400
    return render_template("accounts/login_code.html", code_form=code_form, recovery_form=recovery_form,
                           using_recovery=using_recovery), status


# --- enrolment ------------------------------------------------------------------------------

def _format_secret(secret: str) -> str:
    """The seed in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@bp.route("/konto/tofaktor", methods=["GET", "POST"])
@login_required
@limiter.limit(FORM_LIMIT, methods=["POST"])
def enrol():
    """Scan the QR code (or type the seed), then confirm with a first code and the password;
    recovery codes follow."""
    user = current_user._get_current_object()
    if user.has_mfa:
        flash(_("Totrinsbekræftelse er allerede slået til."), "info")
        return redirect(url_for("accounts.account"))
    mfa.begin_enrolment(user)
    db.session.commit()
    form = EnrolForm()
    ok, status = _reauthenticated(form, user)
    if ok:
        try:
            codes = mfa.confirm_enrolment(user, form.code.data)
        except DomainError as exc:
            db.session.rollback()
            form.code.errors.append(exc.message)
            status = 400
        else:
            login_session.keep_this_session(user)
            security_log.info("two-factor authentication turned on by user %s", user.id)
            flash(_("Totrinsbekræftelse er slået til. Næste gang du logger ind, beder vi om en kode fra appen."),
                  "success")
            return render_template("accounts/mfa_recovery_codes.html", codes=codes, first_time=True)
    uri = mfa.provisioning_uri(user)
    qr = qr_svg(uri, title=_("QR-kode til din godkendelses-app"), light="#ffffff")
    required = mfa.is_required(user)
    return render_template("accounts/mfa_enrol.html", form=form, qr=qr, secret=_format_secret(user.totp_secret),
                           issuer=mfa.ISSUER, required=required), status


# --- changes that ask for the password again --------------------------------------------------

def _reauthenticated(form: ConfirmPasswordForm | EnrolForm, user: User) -> tuple[bool, int]:
    """Check the re-entered password; return (ok, status for the page when not ok)."""
    if not form.validate_on_submit():
        return False, 400 if request.method == "POST" else 200
    if password_confirmed(user, form.password):
        return True, 200
    return False, 401  # counts towards the account's lockout


@bp.route("/konto/tofaktor/slaa-fra", methods=["GET", "POST"])
@login_required
@limiter.limit(FORM_LIMIT, methods=["POST"])
def disable():
    """Turn two-factor authentication off, after the password (a lost or new phone)."""
    user = current_user._get_current_object()
    if not user.has_mfa:
        return redirect(url_for("accounts.account"))
    form = ConfirmPasswordForm()
    ok, status = _reauthenticated(form, user)
    if ok:
        mfa.disable(user)
        login_session.keep_this_session(user)
        security_log.info("two-factor authentication turned off by user %s", user.id)
        if mfa.is_required(user):
            flash(_("Totrinsbekræftelse er slået fra. Din rolle kræver den, så tilmeld din app igen nu."),
                  "warning")
            return redirect(url_for("mfa.enrol"))
        flash(_("Totrinsbekræftelse er slået fra."), "success")
        return redirect(url_for("accounts.account"))
    return render_template("accounts/mfa_confirm_password.html", form=form, action="disable"), status


@bp.route("/konto/tofaktor/nye-koder", methods=["GET", "POST"])
@login_required
@limiter.limit(FORM_LIMIT, methods=["POST"])
def recovery_codes():
    """Make ten new recovery codes (the old ones stop working), after the password."""
    user = current_user._get_current_object()
    if not user.has_mfa:
        return redirect(url_for("accounts.account"))
    form = ConfirmPasswordForm()
    ok, status = _reauthenticated(form, user)
    if ok:
        codes = mfa.replace_recovery_codes(user)
        login_session.keep_this_session(user)
        security_log.info("new recovery codes made by user %s", user.id)
        return render_template("accounts/mfa_recovery_codes.html", codes=codes, first_time=False)
    return render_template("accounts/mfa_confirm_password.html", form=form, action="codes"), status


# --- the admin's reset ---------------------------------------------------------------------------

@bp.route("/admin/tofaktor", methods=["GET", "POST"])
@role_required("admin")
def admin_reset():
    """Reset a user's two-factor authentication (a lost phone and no recovery codes); audited."""
    form = AdminResetForm()
    status = 200
    if form.validate_on_submit():
        user = services.find_by_email(form.email.data or "")
        if user is None:
            form.email.errors.append(_("Der findes ingen konto med den e-mail."))
            status = 400
        elif not mfa.reset(user, actor=current_user):
            form.email.errors.append(_("Kontoen har ikke totrinsbekræftelse slået til."))
            status = 400
        else:
            mail.commit_and_deliver()  # the reset, and its notice to the user
            security_log.warning("two-factor authentication reset for user %s by admin %s", user.id,
                                 current_user.id)
            flash(_("Totrinsbekræftelse er nulstillet for %(email)s. Brugeren er logget ud alle steder.",
                    email=user.email), "success")
            return redirect(url_for("mfa.admin_reset"))
    elif request.method == "POST":
        status = 400
    enrolled = db.session.scalars(
        sa.select(User).where(User.totp_enabled_at.is_not(None)).order_by(User.email).limit(500)
    ).all()
    return render_template("accounts/mfa_admin_reset.html", form=form, enrolled=enrolled), status
