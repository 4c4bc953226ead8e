"""Two-factor authentication (TOTP + recovery codes): enrolment, login, replay, expiry, required
roles, reset by an admin or the CLI. Codes come from pyotp, as an authenticator app makes them."""
from __future__ import annotations

import re
import time

import pyotp
import pytest
import sqlalchemy as sa
from flask import g

from fællesskab.accounts import mfa
from fællesskab.accounts.models import RecoveryCode, User
from fællesskab.core.audit import AuditEntry
from tests.helpers import PASSWORD, TEST_HASH_METHOD

CODE_RE = re.compile(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>")


def fresh(client):
    """The tests share one app context, so Flask-Login's per-request cache of the user
    (g._login_user) outlives a request; drop it, as a new request in production would."""
    g.pop("_login_user", None)
    return client


def wrong_code(secret: str) -> str:
    """Six digits that are not a valid code for any step near now."""
    totp = pyotp.TOTP(secret)
    valid = {totp.at(time.time() + d) for d in (-60, -30, 0, 30, 60)}
    code = 123456
    while f"{code:06d}" in valid:
        code += 1
    return f"{code:06d}"


def enrol(db, user) -> list[str]:
    """Turn 2FA on through the service with a code a minute old, so every code from now on is new."""
    mfa.begin_enrolment(user)
    then = time.time() - 60
    codes = mfa.confirm_enrolment(user, pyotp.TOTP(user.totp_secret).at(then), for_time=then)
    db.session.commit()
    return codes


def password_step(client, email, password=PASSWORD, next_url=None):
    return fresh(client).post("/login" + (f"?next={next_url}" if next_url else ""),
                              data={"email": email, "password": password})


def code_step(client, code=None, recovery=None):
    data = {"recovery_code": recovery} if recovery is not None else {"code": code}
    return fresh(client).post("/login/kode", data=data)


@pytest.fixture
def required_roles(app):
    """MFA_REQUIRED_ROLES for one test."""
    saved = app.config["MFA_REQUIRED_ROLES"]

    def set_roles(*roles):
        app.config["MFA_REQUIRED_ROLES"] = roles

    yield set_roles
    app.config["MFA_REQUIRED_ROLES"] = saved


# --- enrolment ---------------------------------------------------------------------------------

def test_enrol_and_confirm_with_a_real_code(client, db, make_user):
    user = make_user("coordinator", email="enrol@example.org")
    fresh(client).post("/login", data={"email": user.email, "password": PASSWORD})
    page = fresh(client).get("/konto/tofaktor")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    db.session.refresh(user)
    secret = user.totp_secret
    assert secret and len(secret) == 32 and not user.has_mfa
    # the QR code is inline SVG with a title, no style attributes (CSP), and the seed is shown as text
    svg = re.search(r"<svg[^>]*>.*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and "<title>" in svg and "style=" not in svg and "<script" not in svg
    assert " ".join(secret[i:i + 4] for i in range(0, 32, 4)) in html
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    # a second visit shows the same seed (the QR already scanned keeps working)
    fresh(client).get("/konto/tofaktor")
    db.session.refresh(user)
    assert user.totp_secret == secret
    # a wrong code does not turn it on, nor does the right code without the password (ASVS 7.5.1)
    refused = fresh(client).post("/konto/tofaktor", data={"code": wrong_code(secret), "password": PASSWORD})
    assert refused.status_code == 400 and "Koden passer ikke" in refused.get_data(as_text=True)
    no_password = fresh(client).post("/konto/tofaktor", data={"code": pyotp.TOTP(secret).now(), "password": "nope"})
    assert no_password.status_code == 401 and "Adgangskoden er forkert" in no_password.get_data(as_text=True)
    db.session.refresh(user)
    assert not user.has_mfa
    # the app's current code and the password do, and show ten recovery codes once
    done = fresh(client).post("/konto/tofaktor", data={"code": pyotp.TOTP(secret).now(), "password": PASSWORD})
    assert done.status_code == 200
    codes = CODE_RE.findall(done.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    db.session.refresh(user)
    assert user.has_mfa and user.totp_last_step is not None
    # only salted scrypt hashes are stored
    hashes = db.session.scalars(sa.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(hashes) == 10 and all(h.startswith(TEST_HASH_METHOD + "$") for h in hashes)  # the app's method
    assert not any(c.replace("-", "") in h for c in codes for h in hashes)
    # the session goes on; the account page says it is on and how many codes are left
    account = fresh(client).get("/konto")
    assert account.status_code == 200 and "10 ubrugte gendannelseskoder" in account.get_data(as_text=True)
    # once on, the enrolment page sends back to the account page
    assert fresh(client).get("/konto/tofaktor").status_code == 302


def test_enrolment_ends_other_sessions(app, client, db, make_user):
    user = make_user("coordinator", email="enrol-other@example.org")
    other = app.test_client()
    password_step(other, user.email)
    password_step(client, user.email)
    fresh(client).get("/konto/tofaktor")
    db.session.refresh(user)
    assert fresh(client).post("/konto/tofaktor", data={"code": pyotp.TOTP(user.totp_secret).now(),
                                                       "password": PASSWORD}).status_code == 200
    assert fresh(client).get("/koordinator/").status_code == 200
    assert fresh(other).get("/koordinator/").status_code == 302


# --- login with a second factor ----------------------------------------------------------------

def test_login_requires_the_code(client, db, make_user):
    user = make_user("coordinator", email="tofaktor@example.org")
    enrol(db, user)
    response = password_step(client, user.email)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/kode")
    # the right password alone does not log in
    assert fresh(client).get("/koordinator/").status_code == 302
    page = fresh(client).get("/login/kode")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html and 'for="code"' in html
    # a wrong code is refused
    refused = code_step(client, wrong_code(user.totp_secret))
    assert refused.status_code == 401 and "Koden passer ikke" in refused.get_data(as_text=True)
    assert fresh(client).get("/koordinator/").status_code == 302
    # the app's code logs in and goes to the role's start page
    done = code_step(client, pyotp.TOTP(user.totp_secret).now())
    assert done.status_code == 302 and done.headers["Location"].endswith("/koordinator/")
    assert fresh(client).get("/koordinator/").status_code == 200
    db.session.refresh(user)
    assert user.last_login_at is not None


def test_wrong_password_never_reaches_the_code_step(client, db, make_user):
    user = make_user("coordinator", email="wrongpw@example.org")
    enrol(db, user)
    assert password_step(client, user.email, "wrong password 123").status_code == 401
    assert fresh(client).get("/login/kode").status_code == 302


def test_a_code_is_accepted_only_once(client, db, make_user):
    user = make_user("coordinator", email="replay@example.org")
    enrol(db, user)
    code = pyotp.TOTP(user.totp_secret).now()
    password_step(client, user.email)
    assert code_step(client, code).status_code == 302
    fresh(client).post("/logout")
    password_step(client, user.email)
    replay = code_step(client, code)
    assert replay.status_code == 401
    assert fresh(client).get("/koordinator/").status_code == 302


def test_next_is_kept_through_the_code_step(client, db, make_user):
    user = make_user("coordinator", email="next-mfa@example.org")
    enrol(db, user)
    password_step(client, user.email, next_url="/koordinator/godkendelse")
    done = code_step(client, pyotp.TOTP(user.totp_secret).now())
    assert done.headers["Location"].endswith("/koordinator/godkendelse")


def test_a_recovery_code_works_once(client, db, make_user):
    user = make_user("coordinator", email="recover@example.org")
    codes = enrol(db, user)
    password_step(client, user.email)
    done = code_step(client, recovery=codes[3].upper().replace("-", " "))  # typed loosely
    assert done.status_code == 302
    assert "9 tilbage" in fresh(client).get("/koordinator/").get_data(as_text=True)
    assert mfa.remaining_recovery_codes(user) == 9
    fresh(client).post("/logout")
    password_step(client, user.email)
    again = code_step(client, recovery=codes[3])
    assert again.status_code == 401 and "Gendannelseskoden passer ikke" in again.get_data(as_text=True)
    assert code_step(client, recovery=codes[4]).status_code == 302


def test_the_half_way_login_expires_after_five_minutes(client, db, make_user):
    user = make_user("coordinator", email="slow@example.org")
    enrol(db, user)
    password_step(client, user.email)
    with client.session_transaction() as session:
        pending = dict(session["login_pending"])
        pending["until"] -= 5 * 60 + 1
        session["login_pending"] = pending
    response = code_step(client, pyotp.TOTP(user.totp_secret).now())
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert "for lang tid" in fresh(client).get("/login").get_data(as_text=True)
    assert fresh(client).get("/koordinator/").status_code == 302
    with client.session_transaction() as session:
        assert "login_pending" not in session


def test_the_half_way_login_ends_when_the_password_changes(client, db, make_user):
    from fællesskab.accounts.services import change_password

    user = make_user("coordinator", email="changed-meanwhile@example.org")
    enrol(db, user)
    password_step(client, user.email)
    change_password(user, "en helt anden adgangssætning")
    db.session.commit()
    assert code_step(client, pyotp.TOTP(user.totp_secret).now()).status_code == 302
    assert fresh(client).get("/koordinator/").status_code == 302


def test_failed_codes_count_towards_the_account_lockout(client, db, make_user, limits_on):
    user = make_user("coordinator", email="lockout-mfa@example.org")
    enrol(db, user)
    # two wrong passwords and three wrong codes: five failures on one account
    for _ in range(2):
        assert password_step(client, user.email, "wrong password 123").status_code == 401
    assert password_step(client, user.email).status_code == 302
    for _ in range(3):
        assert code_step(client, wrong_code(user.totp_secret)).status_code == 401
    assert code_step(client, pyotp.TOTP(user.totp_secret).now()).status_code == 429
    assert password_step(client, user.email).status_code == 429


def test_second_factor_events_are_logged(client, db, make_user, caplog):
    user = make_user("coordinator", email="mfa-log@example.org")
    enrol(db, user)
    with caplog.at_level("INFO", logger="fællesskab.security"):
        password_step(client, user.email)
        code_step(client, wrong_code(user.totp_secret))
        code_step(client, pyotp.TOTP(user.totp_secret).now())
    assert "second factor due" in caplog.text
    assert "failed second factor" in caplog.text
    assert f"login: user {user.id}" in caplog.text and "second factor: totp" in caplog.text


def test_password_reset_does_not_skip_the_second_factor(client, db, make_user):
    """ASVS 6.4.3: a reset link changes the password, and logging in still asks for the code."""
    from fællesskab.accounts.services import make_reset_token

    user = make_user("coordinator", email="reset-mfa@example.org")
    enrol(db, user)
    token = make_reset_token(user)
    new = "ny og lang adgangssætning"
    assert fresh(client).post(f"/login/nulstil/{token}", data={"password": new, "confirm": new}).status_code == 302
    response = password_step(client, user.email, new)
    assert response.headers["Location"].endswith("/login/kode")
    assert fresh(client).get("/koordinator/").status_code == 302


# --- the service -------------------------------------------------------------------------------

def test_totp_window_and_no_reuse(db, make_user):
    user = make_user("coordinator", email="window@example.org")
    mfa.begin_enrolment(user)
    totp = pyotp.TOTP(user.totp_secret)
    now = 1_900_000_000.0  # a fixed time: no step boundary can fall inside the test
    assert not mfa.verify_totp(user, totp.at(now - 60), for_time=now)  # two steps old
    assert not mfa.verify_totp(user, totp.at(now + 60), for_time=now)  # two steps ahead
    assert mfa.verify_totp(user, totp.at(now - 30), for_time=now)  # one step of drift is fine
    assert mfa.verify_totp(user, totp.at(now), for_time=now)
    assert not mfa.verify_totp(user, totp.at(now), for_time=now)  # used
    assert not mfa.verify_totp(user, totp.at(now - 30), for_time=now)  # older than the last used
    assert mfa.verify_totp(user, totp.at(now + 30), for_time=now)
    assert not mfa.verify_totp(user, "12345", for_time=now) and not mfa.verify_totp(user, "abcdef", for_time=now)


def test_two_requests_with_the_same_code_cannot_both_pass(db, make_user):
    """The step is checked and stored in one conditional UPDATE: a request holding a stale
    copy of the user (the other request has just used the code) is refused."""
    user = make_user("coordinator", email="race@example.org")
    mfa.begin_enrolment(user)
    db.session.commit()
    now = 1_900_000_000.0
    step = pyotp.TOTP(user.totp_secret).timecode(now)
    db.session.execute(sa.update(User).where(User.id == user.id).values(totp_last_step=step)
                       .execution_options(synchronize_session=False))  # the other request won
    assert user.totp_last_step is None  # this copy has not seen it
    assert not mfa.verify_totp(user, pyotp.TOTP(user.totp_secret).at(now), for_time=now)


def test_provisioning_uri_names_the_service_and_the_account(db, make_user):
    user = make_user("coordinator", email="uri@example.org")
    mfa.begin_enrolment(user)
    uri = mfa.provisioning_uri(user)
    assert uri.startswith("otpauth://totp/") and "issuer=F%C3%A6llesskab%20Kolding" in uri
    assert "uri%40example.org" in uri and f"secret={user.totp_secret}" in uri


# --- the account page: turning it off, new codes, password change ---------------------------------

def login_with_code(client, user, steps_ahead=0):
    """Log in with password and code; a second login in the same 30 seconds needs the next step's code."""
    password_step(client, user.email)
    code = pyotp.TOTP(user.totp_secret).at(time.time() + 30 * steps_ahead)
    assert code_step(client, code).status_code == 302


def test_turning_it_off_asks_for_the_password(app, client, db, make_user):
    user = make_user("coordinator", email="off@example.org")
    enrol(db, user)
    other = app.test_client()
    login_with_code(other, user)
    login_with_code(client, user, steps_ahead=1)
    assert fresh(client).get("/konto/tofaktor/slaa-fra").status_code == 200
    refused = fresh(client).post("/konto/tofaktor/slaa-fra", data={"password": "not my password"})
    assert refused.status_code == 401
    db.session.refresh(user)
    assert user.has_mfa
    assert fresh(client).post("/konto/tofaktor/slaa-fra", data={"password": PASSWORD}).status_code == 302
    db.session.refresh(user)
    assert not user.has_mfa and user.totp_secret is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.user_id == user.id)) == 0
    # this session goes on; the other one ends with the change (ASVS 7.4.3)
    assert fresh(client).get("/koordinator/").status_code == 200
    assert fresh(other).get("/koordinator/").status_code == 302
    fresh(client).post("/logout")
    assert password_step(client, user.email).headers["Location"].endswith("/koordinator/")


def test_new_recovery_codes_ask_for_the_password_and_replace_the_old(client, db, make_user):
    user = make_user("coordinator", email="newcodes@example.org")
    old = enrol(db, user)
    login_with_code(client, user)
    assert fresh(client).post("/konto/tofaktor/nye-koder", data={"password": "wrong one"}).status_code == 401
    page = fresh(client).post("/konto/tofaktor/nye-koder", data={"password": PASSWORD})
    new = CODE_RE.findall(page.get_data(as_text=True))
    assert page.status_code == 200 and len(new) == 10 and not set(new) & set(old)
    fresh(client).post("/logout")
    password_step(client, user.email)
    assert code_step(client, recovery=old[0]).status_code == 401
    assert code_step(client, recovery=new[0]).status_code == 302


def test_change_password(app, client, db, make_user):
    user = make_user("coordinator", email="change@example.org")
    other = app.test_client()
    password_step(other, user.email)
    password_step(client, user.email)
    assert fresh(client).get("/konto/adgangskode").status_code == 200
    new = "en ny og meget lang sætning"
    wrong = fresh(client).post("/konto/adgangskode",
                               data={"current_password": "not the password", "password": new, "confirm": new})
    assert wrong.status_code == 401 and "Adgangskoden er forkert" in wrong.get_data(as_text=True)
    weak = fresh(client).post("/konto/adgangskode",
                              data={"current_password": PASSWORD, "password": "password1234",
                                    "confirm": "password1234"})
    assert weak.status_code == 400 and "almindelig" in weak.get_data(as_text=True)
    db.session.refresh(user)
    assert user.check_password(PASSWORD)
    done = fresh(client).post("/konto/adgangskode", data={"current_password": PASSWORD, "password": new,
                                                          "confirm": new})
    assert done.status_code == 302 and done.headers["Location"].endswith("/konto")
    db.session.refresh(user)
    assert user.check_password(new)
    # this session goes on, the other one is over
    assert fresh(client).get("/koordinator/").status_code == 200
    assert fresh(other).get("/koordinator/").status_code == 302


def test_wrong_current_passwords_count_towards_the_lockout(client, db, make_user, limits_on):
    user = make_user("coordinator", email="change-lock@example.org")
    password_step(client, user.email)
    for _ in range(5):
        response = fresh(client).post("/konto/adgangskode", data={
            "current_password": "guess guess guess", "password": "ny lang sætning her",
            "confirm": "ny lang sætning her"})
        assert response.status_code == 401
    assert fresh(client).post("/konto/adgangskode", data={
        "current_password": PASSWORD, "password": "ny lang sætning her", "confirm": "ny lang sætning her"}
    ).status_code == 429


# --- required roles ------------------------------------------------------------------------------

def test_required_roles_are_sent_to_enrolment(client, db, make_user, required_roles):
    required_roles("coordinator")
    coordinator = make_user("coordinator", email="must@example.org")
    password_step(client, coordinator.email)
    for path in ("/koordinator/", "/konto", "/", "/foreninger"):
        response = fresh(client).get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith("/konto/tofaktor"), path
    page = fresh(client).get("/konto/tofaktor")
    assert page.status_code == 200 and "Din rolle kræver totrinsbekræftelse" in page.get_data(as_text=True)
    assert fresh(client).get("/logout").status_code == 200
    assert fresh(client).get("/static/favicon.svg").status_code == 200
    db.session.refresh(coordinator)
    assert fresh(client).post("/konto/tofaktor", data={"code": pyotp.TOTP(coordinator.totp_secret).now(),
                                                       "password": PASSWORD}).status_code == 200
    assert fresh(client).get("/koordinator/").status_code == 200


def test_required_roles_leave_other_roles_alone(client, db, make_user, required_roles):
    required_roles("coordinator")
    forum = make_user("forum", email="free-forum@example.org")
    password_step(client, forum.email)
    assert fresh(client).get("/forum/").status_code == 200
    fresh(client).post("/logout")
    admin = make_user("admin", email="must-admin@example.org")  # admin counts as coordinator
    password_step(client, admin.email)
    assert fresh(client).get("/koordinator/").headers["Location"].endswith("/konto/tofaktor")


def test_default_requires_no_role(app):
    assert app.config["MFA_REQUIRED_ROLES"] == ()


def test_required_roles_setting_is_checked():
    from fællesskab.config import Config, ConfigError

    assert Config.from_env("/tmp", {"MFA_REQUIRED_ROLES": " coordinator, admin ,"})["MFA_REQUIRED_ROLES"] == (
        "coordinator", "admin")
    with pytest.raises(ConfigError, match="koordinator"):
        Config.from_env("/tmp", {"MFA_REQUIRED_ROLES": "koordinator"})


# --- reset by an admin or the command line ---------------------------------------------------------

def test_admin_resets_a_users_second_factor(app, client, db, make_user):
    user = make_user("coordinator", email="lost-phone@example.org")
    enrol(db, user)
    users_client = app.test_client()
    login_with_code(users_client, user)
    admin = make_user("admin", email="admin-reset@example.org")
    password_step(client, admin.email)
    page = fresh(client).get("/admin/tofaktor")
    assert page.status_code == 200 and "lost-phone@example.org" in page.get_data(as_text=True)
    # the identity check must be ticked; an unknown e-mail is said so
    assert fresh(client).post("/admin/tofaktor", data={"email": user.email}).status_code == 400
    unknown = fresh(client).post("/admin/tofaktor", data={"email": "nobody@example.org", "identity_checked": "y"})
    assert unknown.status_code == 400 and "ingen konto" in unknown.get_data(as_text=True)
    done = fresh(client).post("/admin/tofaktor", data={"email": "Lost-Phone@example.org", "identity_checked": "y"})
    assert done.status_code == 302
    db.session.refresh(user)
    assert not user.has_mfa and user.totp_secret is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.user_id == user.id)) == 0
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "reset-2fa")).one()
    assert entry.actor_id == admin.id and entry.subject_type == "user" and entry.subject_id == user.id
    # the user's sessions are over; the password alone now logs in
    assert fresh(users_client).get("/koordinator/").status_code == 302
    assert password_step(users_client, user.email).headers["Location"].endswith("/koordinator/")
    # a second reset has nothing to do
    again = fresh(client).post("/admin/tofaktor", data={"email": user.email, "identity_checked": "y"})
    assert again.status_code == 400


def test_only_admins_may_reset(client, db, make_user):
    user = make_user("coordinator", email="keep-mfa@example.org")
    enrol(db, user)
    make_user("coordinator", email="not-admin@example.org")
    password_step(client, "not-admin@example.org")
    response = fresh(client).post("/admin/tofaktor", data={"email": user.email, "identity_checked": "y"})
    assert response.status_code == 403
    db.session.refresh(user)
    assert user.has_mfa


def test_cli_reset_2fa(runner, db, make_user):
    user = make_user("coordinator", email="cli-reset@example.org")
    enrol(db, user)
    result = runner.invoke(args=["users", "reset-2fa", "CLI-Reset@example.org"])
    assert result.exit_code == 0, result.output
    assert "nulstillet" in result.output
    db.session.refresh(user)
    assert not user.has_mfa
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "reset-2fa")).one()
    assert entry.actor_id is None and entry.actor_label == "system" and entry.subject_id == user.id
    nothing = runner.invoke(args=["users", "reset-2fa", "cli-reset@example.org"])
    assert nothing.exit_code == 0 and "intet er ændret" in nothing.output
    unknown = runner.invoke(args=["users", "reset-2fa", "nobody@example.org"])
    assert unknown.exit_code == 1 and "Fejl:" in unknown.output


def test_deleting_a_user_deletes_their_recovery_codes(db, make_user):
    user = make_user("coordinator", email="gone-codes@example.org")
    enrol(db, user)
    db.session.delete(user)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 0
