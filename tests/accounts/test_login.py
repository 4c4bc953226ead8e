"""Login, logout and the session."""
from __future__ import annotations

from tests.helpers import PASSWORD


def test_login_with_right_password_goes_to_role_home(client, make_user):
    user = make_user("coordinator", email="Koordinator@Example.org")
    response = client.post("/login", data={"email": "KOORDINATOR@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/koordinator/")
    assert client.get("/koordinator/").status_code == 200
    assert user.email == "koordinator@example.org"


def test_forum_user_lands_on_forum_dashboard(client, make_user):
    make_user("forum", email="lokalraad@example.org")
    response = client.post("/login", data={"email": "lokalraad@example.org", "password": PASSWORD})
    assert response.headers["Location"].endswith("/forum/")


def test_wrong_password_is_refused_with_a_message(client, make_user):
    make_user("coordinator", email="k@example.org")
    response = client.post("/login", data={"email": "k@example.org", "password": "wrong password!!"})
    assert response.status_code == 401
    assert "Forkert e-mail eller adgangskode" in response.get_data(as_text=True)
    assert client.get("/koordinator/").status_code == 302


def test_unknown_email_gets_the_same_message(client):
    response = client.post("/login", data={"email": "nobody@example.org", "password": "whatever12345"})
    assert response.status_code == 401
    assert "Forkert e-mail eller adgangskode" in response.get_data(as_text=True)


def test_inactive_user_cannot_log_in(client, db, make_user):
    user = make_user("coordinator", email="gone@example.org")
    user.is_active = False
    db.session.commit()
    response = client.post("/login", data={"email": "gone@example.org", "password": PASSWORD})
    assert response.status_code == 401


def test_next_parameter_is_followed_only_on_this_site(client, make_user):
    make_user("coordinator", email="n@example.org")
    response = client.post("/login?next=https://evil.example.com/", data={"email": "n@example.org",
                                                                          "password": PASSWORD})
    assert response.headers["Location"].endswith("/koordinator/")
    client.post("/logout")
    response = client.post("/login?next=/foreninger", data={"email": "n@example.org", "password": PASSWORD})
    assert response.headers["Location"].endswith("/foreninger")


def test_logout_ends_the_session(client, login_as):
    login_as("coordinator")
    assert client.get("/koordinator/").status_code == 200
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/koordinator/").status_code == 302


def test_login_records_last_login(client, db, make_user):
    user = make_user("coordinator", email="t@example.org")
    assert user.last_login_at is None
    client.post("/login", data={"email": "t@example.org", "password": PASSWORD})
    db.session.refresh(user)
    assert user.last_login_at is not None


def test_csrf_is_enforced_on_forms(app, db, make_user):
    """With CSRF on (as in production), a login POST without the token is refused."""
    make_user("coordinator", email="c@example.org")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = app.test_client().post("/login", data={"email": "c@example.org", "password": PASSWORD})
        assert response.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
