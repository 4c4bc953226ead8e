"""A person is told by email when the way they log in changes (accounts/notices.py):
password changed or reset, two-factor authentication on, off or reset, new recovery codes."""
from __future__ import annotations

import sqlalchemy as sa

from fællesskab.accounts import mfa, services
from fællesskab.mail.models import OutboxMessage
from tests.accounts.test_mfa import enrol, fresh, login_with_code, password_step
from tests.helpers import PASSWORD

NEW_PASSWORD = "en ny og meget lang sætning"


def notices(db, email: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.kind == "account_changed", OutboxMessage.to_address == email).order_by(OutboxMessage.id)))


def test_changing_the_password_sends_a_notice_and_no_secret(client, db, make_user):
    user = make_user("coordinator", email="notice-pw@example.org")
    password_step(client, user.email)
    done = fresh(client).post("/konto/adgangskode",
                              data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    [notice] = notices(db, user.email)
    assert notice.language == "da" and notice.subject == "Din konto på Fællesskab Kolding er ændret"
    assert "Adgangskoden til din konto blev skiftet" in notice.text_body
    assert "/login/glemt" in notice.text_body and "/login/glemt" in notice.html_body
    assert NEW_PASSWORD not in notice.text_body and NEW_PASSWORD not in notice.html_body
    assert notice.status == "sent"  # delivered by the door after its commit


def test_a_refused_change_sends_nothing(client, db, make_user):
    user = make_user("coordinator", email="notice-none@example.org")
    password_step(client, user.email)
    fresh(client).post("/konto/adgangskode",
                       data={"current_password": "not it", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    fresh(client).post("/konto/adgangskode",
                       data={"current_password": PASSWORD, "password": "password1234", "confirm": "password1234"})
    assert notices(db, user.email) == []


def test_a_password_reset_by_link_sends_a_notice(client, db, make_user):
    user = make_user("coordinator", email="notice-reset@example.org")
    token = services.make_reset_token(user)
    done = client.post(f"/login/nulstil/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert [n.kind for n in notices(db, user.email)] == ["account_changed"]


def test_two_factor_changes_each_send_one_notice_in_the_persons_language(client, db, make_user):
    user = make_user("coordinator", email="notice-2fa@example.org")
    user.language = "en"  # as the last login was (the login below, in English, keeps it)
    db.session.commit()
    enrol(db, user)  # on
    client.post("/sprog", data={"lang": "en", "next": "/"})
    login_with_code(client, user)
    assert fresh(client).post("/konto/tofaktor/nye-koder", data={"password": PASSWORD}).status_code == 200
    assert fresh(client).post("/konto/tofaktor/slaa-fra", data={"password": PASSWORD}).status_code == 302
    sent = notices(db, user.email)
    assert [n.language for n in sent] == ["en", "en", "en"]
    assert "Two-factor authentication was turned on" in sent[0].text_body
    assert "New recovery codes were made" in sent[1].text_body
    assert "Two-factor authentication was turned off" in sent[2].text_body
    assert all(n.subject == "Your account at Fællesskab Kolding has changed" for n in sent)


def test_an_admins_reset_sends_one_notice_of_the_reset(db, make_user, runner):
    user = make_user("coordinator", email="notice-admin@example.org")
    enrol(db, user)
    before = len(notices(db, user.email))
    result = runner.invoke(args=["users", "reset-2fa", user.email])
    assert result.exit_code == 0, result.output
    after = notices(db, user.email)[before:]
    assert len(after) == 1 and "En administrator nulstillede totrinsbekræftelsen" in after[0].text_body


def test_turning_off_what_was_never_on_tells_nobody(db, make_user):
    user = make_user("coordinator", email="notice-never@example.org")
    mfa.disable(user)
    db.session.commit()
    assert notices(db, user.email) == []
