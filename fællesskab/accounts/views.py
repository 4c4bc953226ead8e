"""Login and logout for staff and village forums; the account page and password change.

Two-factor pages (the code after the password, enrolment, admin reset) are in mfa_views.py.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from ..core import metrics
from ..core.params import safe_target
from ..extensions import db, limiter
from ..mail import services as mail
from . import lockout, login_session, mfa, services
from .forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, ResetPasswordForm
from .security import FORM_LIMIT, LOGIN_IP_LIMIT, password_confirmed, security_log

bp = Blueprint("accounts", __name__)


def home_for(user) -> str:
    if user.role in ("admin", "coordinator"):
        return url_for("coordinator.dashboard")
    if user.role == "forum":
        return url_for("forum.dashboard")
    return url_for("main.index")


def _safe_next(target: str | None) -> str | None:
    return safe_target(target)  # core/params.py: the one check for user-supplied redirect targets


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_IP_LIMIT, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        # Claimed before the password is checked: a locked account's password is never tried.
        attempt = lockout.claim(email=form.email.data)
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None and user.has_mfa:
            # Not logged in yet: the code from the app comes first (/login/kode).
            db.session.rollback()  # last_login_at waits for the second factor
            lockout.release(attempt)
            db.session.commit()
            login_session.begin_pending(user, remember=form.remember.data,
                                        next_url=_safe_next(request.args.get("next")))
            security_log.info("password accepted, second factor due: user %s from %s", user.id, request.remote_addr)
            return redirect(url_for("mfa.login_code"))
        if user is not None:
            user.language = str(get_locale() or "da")  # staff e-mails follow the language they work in
            lockout.release(attempt)
            db.session.commit()
            login_session.start_session(user, form.remember.data)
            security_log.info("login: user %s from %s", user.id, request.remote_addr)
            flash(_("Du er logget ind."), "success")
            return redirect(_safe_next(request.args.get("next")) or home_for(user))
        form.password.errors.append(_("Forkert e-mail eller adgangskode."))
        security_log.warning("failed login for %r from %s", (form.email.data or "")[:254], request.remote_addr)
        metrics.FAILED_LOGINS.inc()
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    user = current_user._get_current_object()
    user.end_sessions()  # the old session and remember-me cookies stop working
    db.session.commit()
    security_log.info("logout: user %s", user.id)
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("Du er logget ud."), "success")
    return redirect(url_for("main.index"))


@bp.get("/logout")
def logout_page():
    """A GET shows a confirm button; logging out changes state, so it takes a POST."""
    if not current_user.is_authenticated:
        return redirect(url_for("main.index"))
    return render_template("accounts/logout.html")


@bp.route("/login/glemt", methods=["GET", "POST"])
@limiter.limit(FORM_LIMIT, methods=["POST"])
def forgot_password():
    """Ask for a reset link; the answer is the same whether the e-mail has an account or not."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        lang = str(get_locale())  # the mail goes out in the language the page was in
        queued = services.request_password_reset(
            form.email.data,
            reset_url=lambda token: url_for("accounts.reset_password", token=token, _external=True),
            language=lang,
        )
        security_log.info("password reset asked for %r (account: %s)", form.email.data[:254], queued)
        mail.commit_and_deliver()
        flash(_("Hvis der findes en konto med den e-mail, har vi sendt et link til at vælge en ny adgangskode. "
                "Linket virker i en time."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form), (400 if request.method == "POST" else 200)


@bp.route("/login/nulstil/<token>", methods=["GET", "POST"])
@limiter.limit(FORM_LIMIT, methods=["POST"])
def reset_password(token: str):
    """Choose a new password with a signed, expiring, single-use link."""
    user = services.user_for_reset_token(token)
    if user is None:
        return render_template("accounts/reset_invalid.html"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(user, form.password.data, actor=user)
        except services.ValidationError as exc:
            form.password.errors.append(exc.message)
        else:
            mail.commit_and_deliver()  # the new password, and its notice
            security_log.info("password reset done for user %s", user.id)
            flash(_("Din adgangskode er skiftet. Log ind med den nye."), "success")
            return redirect(url_for("accounts.login"))
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/reset.html", form=form, token=token), status


# --- the account page and password change --------------------------------------------------

@bp.get("/konto")
@login_required
def account():
    """The logged-in person's own account: two-factor status and links, password change."""
    user = current_user._get_current_object()
    return render_template("accounts/account.html", user=user,
                           remaining_codes=mfa.remaining_recovery_codes(user) if user.has_mfa else 0,
                           mfa_required=mfa.is_required(user))


@bp.route("/konto/adgangskode", methods=["GET", "POST"])
@login_required
@limiter.limit(FORM_LIMIT, methods=["POST"])
def change_password():
    """Change one's password: the current one first (ASVS 6.2.2, 6.2.3); other sessions end."""
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        if not password_confirmed(user, form.current_password, "password change"):
            status = 401  # counts towards the account's lockout
        else:
            try:
                services.change_password(user, form.password.data, actor=user)
            except services.ValidationError as exc:
                form.password.errors.append(exc.message)
                status = 400
            else:
                login_session.keep_this_session(user)
                security_log.info("password changed by user %s", user.id)
                flash(_("Din adgangskode er skiftet. Du er logget ud alle andre steder."), "success")
                return redirect(url_for("accounts.account"))
    elif request.method == "POST":
        status = 400
    return render_template("accounts/change_password.html", form=form), status
