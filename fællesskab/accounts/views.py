"""Login and logout for staff and village forums."""
from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db
from . import services
from .forms import LoginForm

bp = Blueprint("accounts", __name__)


def home_for(user) -> str:
    if user.role in ("admin", "coordinator"):
        return url_for("coordinator.dashboard")
    if user.role == "forum":
        return url_for("forum.dashboard")
    return url_for("main.index")


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            db.session.commit()
            lang = session.get("lang")
            session.clear()  # a fresh session on login
            if lang:
                session["lang"] = lang
            login_user(user, remember=form.remember.data)
            flash(_("Du er logget ind."), "success")
            return redirect(_safe_next(request.args.get("next")) or home_for(user))
        form.password.errors.append(_("Forkert e-mail eller adgangskode."))
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
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
