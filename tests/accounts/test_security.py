"""Login defences: lockout, rate limits, password rules and reset, session lifetime, headers."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from fællesskab import create_app
from fællesskab.accounts.models import User
from fællesskab.accounts.passwords import password_problem
from fællesskab.mail.models import OutboxMessage
from tests.helpers import PASSWORD, TEST_HASH_METHOD


def login(client, email, password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


# --- lockout and rate limits -------------------------------------------------

def test_account_is_locked_for_a_while_after_five_failures(client, make_user, limits_on):
    make_user("coordinator", email="target@example.org")
    make_user("coordinator", email="other@example.org")
    for _ in range(5):
        assert login(client, "target@example.org", "wrong password 123").status_code == 401
    # even the right password is refused while the lock lasts
    locked = login(client, "target@example.org")
    assert locked.status_code == 429
    assert "For mange" in locked.get_data(as_text=True)
    # another account from the same place is not locked
    assert login(client, "other@example.org").status_code == 302


def test_successful_logins_do_not_count_towards_the_lockout(client, make_user, limits_on):
    make_user("coordinator", email="often@example.org")
    for _ in range(7):
        assert login(client, "often@example.org").status_code == 302
        client.post("/logout")


def test_many_login_attempts_from_one_address_are_throttled(client, limits_on):
    statuses = [login(client, f"user{i}@example.org", "wrong password 123").status_code for i in range(22)]
    assert statuses[:20] == [401] * 20
    assert statuses[20:] == [429, 429]


def test_limits_are_off_in_other_tests(client, make_user):
    make_user("coordinator", email="free@example.org")
    assert [login(client, "free@example.org", "nope nope nope").status_code for _ in range(8)] == [401] * 8


# --- password rules ------------------------------------------------------------

@pytest.mark.parametrize("password", [
    "short", "password1234", "iloveyou2024!", "qwertyqwerty", "aaaaaaaaaaaa", "abababababab",
    "123456789012", "x" * 201,
])
def test_weak_passwords_are_refused(password):
    assert password_problem(password) is not None


@pytest.mark.parametrize("password", [PASSWORD, "Sommer i Kolding 2026", "kanal-bro-72", "fjord&bøgeskov"])
def test_good_passwords_pass(password):
    assert password_problem(password, email="anna@example.org") is None


def test_password_built_on_the_email_is_refused():
    assert password_problem("annasorensen1", email="annasorensen@example.org") is not None


# --- password reset ------------------------------------------------------------

def reset_link(db, email) -> str:
    message = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.to_address == email).order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None, "no reset e-mail was queued"
    return re.search(r"https?://\S+/login/nulstil/\S+", message.text_body).group(0)


def test_password_reset_by_emailed_single_use_link(client, db, make_user):
    user = make_user("coordinator", email="glemsom@example.org")
    response = client.post("/login/glemt", data={"email": "Glemsom@example.org"})
    assert response.status_code == 302
    link = reset_link(db, "glemsom@example.org")
    path = link.split("localhost", 1)[-1]
    assert client.get(path).status_code == 200
    new = "ny og lang adgangssætning"
    response = client.post(path, data={"password": new, "confirm": new})
    assert response.status_code == 302
    assert login(client, "glemsom@example.org", PASSWORD).status_code == 401
    assert login(client, "glemsom@example.org", new).status_code == 302
    client.post("/logout")
    # the same link cannot be used twice
    again = client.post(path, data={"password": "endnu en ny sætning", "confirm": "endnu en ny sætning"})
    assert again.status_code == 400 and "Linket virker ikke" in again.get_data(as_text=True)
    db.session.refresh(user)
    assert user.check_password(new)


def test_reset_for_unknown_email_says_the_same_and_sends_nothing(client, db):
    response = client.post("/login/glemt", data={"email": "ingen@example.org"}, follow_redirects=True)
    assert "Hvis der findes en konto" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_reset_refuses_a_weak_password_and_keeps_the_old(client, db, make_user):
    make_user("coordinator", email="svag@example.org")
    client.post("/login/glemt", data={"email": "svag@example.org"})
    path = reset_link(db, "svag@example.org").split("localhost", 1)[-1]
    response = client.post(path, data={"password": "password1234", "confirm": "password1234"})
    assert response.status_code == 400 and "almindelig" in response.get_data(as_text=True)
    assert login(client, "svag@example.org").status_code == 302


def test_forged_and_expired_reset_tokens_are_refused(app, client, db, make_user):
    from itsdangerous import URLSafeTimedSerializer

    user = make_user("coordinator", email="token@example.org")
    forged = URLSafeTimedSerializer("another secret", salt="password-reset").dumps({"u": user.id, "h": "x"})
    assert client.get(f"/login/nulstil/{forged}").status_code == 400
    with app.test_request_context():
        from fællesskab.accounts import services

        token = services.make_reset_token(user)
        assert services.user_for_reset_token(token) == user
        original = services.RESET_MAX_AGE
        services.RESET_MAX_AGE = -1  # every token is now too old
        try:
            assert services.user_for_reset_token(token) is None
        finally:
            services.RESET_MAX_AGE = original


# --- sessions -----------------------------------------------------------------

def test_logout_makes_the_old_session_cookie_useless(app, client, make_user):
    make_user("coordinator", email="cookie@example.org")
    login(client, "cookie@example.org")
    stolen = client.get_cookie("session").value
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/koordinator/").status_code == 302  # back to the login page


def test_password_change_ends_other_sessions(app, client, db, make_user):
    from fællesskab.accounts.services import change_password

    user = make_user("coordinator", email="other-device@example.org")
    login(client, "other-device@example.org")
    assert client.get("/koordinator/").status_code == 200
    change_password(user, "helt ny adgangssætning")
    db.session.commit()
    # The test shares one app context across requests, so Flask-Login's per-request
    # cache (g._login_user) must be dropped as a new request in production would.
    from flask import g

    g.pop("_login_user", None)
    assert client.get("/koordinator/").status_code == 302


def test_idle_and_absolute_session_lifetimes(client, make_user):
    make_user("coordinator", email="idle@example.org")
    login(client, "idle@example.org")
    with client.session_transaction() as session:
        session["seen_at"] -= 31 * 60
    assert client.get("/koordinator/").status_code == 302
    login(client, "idle@example.org")
    with client.session_transaction() as session:
        session["login_at"] -= 13 * 3600
    assert client.get("/koordinator/").status_code == 302


def test_session_cookie_is_not_rewritten_by_every_request(client, make_user):
    """A page and its favicon load side by side; if both re-sent the session cookie,
    the one answered last could drop the CSRF token the page had just stored."""
    make_user("coordinator", email="race@example.org")
    login(client, "race@example.org")
    assert client.get("/koordinator/").status_code == 200  # stores the CSRF token
    static = client.get("/static/favicon.svg")
    assert static.status_code == 200
    assert "Set-Cookie" not in static.headers
    again = client.get("/koordinator/")
    assert again.status_code == 200 and "Set-Cookie" not in again.headers
    with client.session_transaction() as session:
        session["seen_at"] -= 120
    later = client.get("/koordinator/")
    assert "session=" in later.headers.get("Set-Cookie", "")  # idle clock moves on


def test_login_gives_a_new_session(client, make_user):
    make_user("coordinator", email="fixation@example.org")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client, "fixation@example.org")
    with client.session_transaction() as session:
        assert "planted" not in session


def test_security_events_are_logged(client, make_user, caplog):
    make_user("coordinator", email="logged@example.org")
    with caplog.at_level("INFO", logger="fællesskab.security"):
        login(client, "logged@example.org", "wrong password 123")
        login(client, "logged@example.org")
        client.get("/forum/")
    text = caplog.text
    assert "failed login" in text and "login: user" in text and "access denied" in text


# --- headers --------------------------------------------------------------------

def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    for part in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
                 "base-uri 'none'", "frame-ancestors 'none'"):
        assert part in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # only in production


def test_pages_seen_when_logged_in_are_not_cached(client, login_as):
    assert client.get("/").headers.get("Cache-Control") != "no-store"
    login_as("coordinator")
    assert client.get("/koordinator/").headers["Cache-Control"] == "no-store"


def test_production_sends_hsts_and_secure_cookies(monkeypatch, tmp_path):
    from fællesskab import create_app

    monkeypatch.setenv("FAELLESSKAB_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a production secret")
    monkeypatch.setenv("MAIL_BASE_URL", "https://faellesskab.example.org")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db", "SEARCH_INDEX_DIR": str(tmp_path / "i")})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    response = app.test_client().get("/privatliv")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_production_cookies_carry_the_host_prefix(monkeypatch, tmp_path):
    """ASVS 3.3.3: __Host- cookies are Secure, for path / and bound to the host (no Domain)."""
    from fællesskab import create_app

    monkeypatch.setenv("FAELLESSKAB_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a production secret")
    monkeypatch.setenv("MAIL_BASE_URL", "https://faellesskab.example.org")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db", "SEARCH_INDEX_DIR": str(tmp_path / "i"),
                      "WTF_CSRF_ENABLED": False})
    assert app.config["REMEMBER_COOKIE_NAME"] == "__Host-remember_token"
    assert app.config["REMEMBER_COOKIE_PATH"] == "/" and not app.config.get("REMEMBER_COOKIE_DOMAIN")
    response = app.test_client().post("/sprog", data={"lang": "en", "next": "/"}, base_url="https://localhost")
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("__Host-session=")]
    assert len(cookies) == 1, response.headers.getlist("Set-Cookie")
    attributes = {part.strip().split("=")[0].lower() for part in cookies[0].split(";")[1:]}
    assert {"secure", "httponly", "path", "samesite"} <= attributes and "domain" not in attributes
    assert "Path=/;" in cookies[0] + ";"


def lang_cookie(response) -> dict[str, str]:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("lang=")]
    assert len(cookies) == 1, response.headers.getlist("Set-Cookie")
    parts = [part.strip() for part in cookies[0].split(";")]
    return {name.lower(): value for name, _eq, value in (part.partition("=") for part in parts[1:])}


def test_production_language_cookie_is_secure_also_behind_a_proxy(monkeypatch, tmp_path):
    """Issue 18, finding 7: behind a TLS proxy the app may see plain http; the cookie is Secure anyway."""
    from fællesskab import create_app

    monkeypatch.setenv("FAELLESSKAB_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a production secret")
    monkeypatch.setenv("MAIL_BASE_URL", "https://faellesskab.example.org")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db", "SEARCH_INDEX_DIR": str(tmp_path / "i"),
                      "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    plain = {"base_url": "http://localhost"}  # Flask's test client would otherwise use https here
    for response in (client.post("/sprog", data={"lang": "en", "next": "/"}, **plain),
                     client.get("/privatliv?lang=da", **plain)):
        attributes = lang_cookie(response)
        assert {"secure", "httponly"} <= attributes.keys()
        assert attributes["samesite"] == "Lax" and attributes["path"] == "/"


def test_development_language_cookie_works_over_plain_http(client):
    attributes = lang_cookie(client.post("/sprog", data={"lang": "en", "next": "/"}))
    assert "secure" not in attributes and "httponly" in attributes


def test_no_page_template_loads_anything_from_another_host():
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2] / "fællesskab" / "templates"
    pattern = re.compile(r"""<(script|link|img|iframe|source|video|audio)\b[^>]*\b(src|href)=["']\s*(https?:)?//""",
                         re.I)
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.html")
                 if p.parts[-2] != "email" and pattern.search(p.read_text(encoding="utf-8"))]
    assert not offenders, offenders


def test_the_api_is_rate_limited_per_address(client, limits_on):
    from fællesskab.accounts.security import API_LIMIT

    allowed = int(API_LIMIT.split()[0])
    statuses = [client.get("/api/v1/places").status_code for _ in range(allowed + 1)]
    assert statuses[:allowed] == [200] * allowed
    assert statuses[-1] == 429
    body = client.get("/api/v1/places").get_json()
    assert body["error"]["code"] == "too_many_requests"


def test_anonymous_sign_up_form_is_rate_limited(client, make_event, limits_on):
    from fællesskab.accounts.security import FORM_LIMIT

    event = make_event(capacity="500", registration_required="true")
    allowed = int(FORM_LIMIT.split()[0])
    statuses = [client.post(f"/arrangementer/{event.id}/tilmelding",
                            data={"name": "x", "email": f"p{i}@example.org", "party_size": "1"}).status_code
                for i in range(allowed + 1)]
    assert 429 not in statuses[:allowed]
    assert statuses[-1] == 429



def test_the_product_hashes_passwords_with_scrypt_at_full_cost(tmp_path):
    """The tests lower the cost (tests/helpers.TEST_HASH_METHOD); a real app keeps Werkzeug's
    scrypt at N=2**15, and a hash made at either cost verifies."""
    product = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
                          "SECRET_KEY": "x", "SEARCH_INDEX_DIR": str(tmp_path / "index")})
    assert product.config["PASSWORD_HASH_METHOD"] == "scrypt"
    with product.app_context():
        user = User(email="a@example.org", role="coordinator")
        user.set_password(PASSWORD)
    assert user.password_hash.startswith("scrypt:32768:8:1$") and user.check_password(PASSWORD)
    assert check_password_hash(generate_password_hash(PASSWORD, method=TEST_HASH_METHOD), PASSWORD)
