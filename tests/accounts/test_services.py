"""Accounts: create_user and authenticate (fællesskab.accounts.services)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from fællesskab.accounts.models import User
from fællesskab.accounts.services import MIN_PASSWORD_LENGTH, authenticate, create_user, find_by_email
from fællesskab.core.errors import ValidationError

PASSWORD = "en lang nok adgangskode"


def count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def test_create_user(db):
    user = create_user("Koordinator@Kolding.DK", "coordinator", PASSWORD, name="  Kim Koordinator ")
    db.session.commit()
    assert user.id is not None
    assert user.email == "koordinator@kolding.dk"
    assert user.role == "coordinator"
    assert user.name == "Kim Koordinator"
    assert user.is_active is True
    assert user.forum is None
    assert user.password_hash != PASSWORD
    assert user.check_password(PASSWORD)
    assert not user.check_password(PASSWORD + "x")


def test_email_is_unique_case_insensitively(db):
    create_user("anna@example.org", "coordinator", PASSWORD)
    db.session.commit()
    with pytest.raises(ValidationError) as exc:
        create_user("ANNA@Example.ORG", "admin", PASSWORD)
    assert exc.value.field == "email"
    db.session.rollback()
    assert count(db) == 1


def test_find_by_email_ignores_case_and_spaces(db):
    user = create_user("bo@example.org", "newcomer", PASSWORD)
    assert find_by_email("  BO@example.org ") is user


@pytest.mark.parametrize("email", ["", "   ", "ikke-en-mail", "a@b", "a b@example.org"])
def test_bad_email_is_refused(db, email):
    with pytest.raises(ValidationError) as exc:
        create_user(email, "coordinator", PASSWORD)
    assert exc.value.field == "email"
    assert count(db) == 0


@pytest.mark.parametrize("role", ["superuser", "Admin", "", "forening"])
def test_unknown_role_is_refused(db, role):
    with pytest.raises(ValidationError) as exc:
        create_user("x@example.org", role, PASSWORD)
    assert exc.value.field == "role"
    assert count(db) == 0


def test_short_password_is_refused(db):
    with pytest.raises(ValidationError) as exc:
        create_user("x@example.org", "admin", "k" * (MIN_PASSWORD_LENGTH - 1))
    assert exc.value.field == "password"
    assert count(db) == 0


def test_password_of_minimum_length_is_accepted(db):
    assert MIN_PASSWORD_LENGTH == 12
    password = "kanal-bro-72"  # 12 characters, not a common one
    assert len(password) == MIN_PASSWORD_LENGTH
    user = create_user("x@example.org", "admin", password)
    assert user.check_password(password)


def test_forum_account_belongs_to_its_forum(db, make_forum):
    forum = make_forum(slug="almind-lokalraad", name="Almind Lokalråd")
    user = create_user("forum@example.org", "forum", PASSWORD, forum_slug="almind-lokalraad")
    db.session.commit()
    assert user.forum_id == forum.id


def test_forum_account_needs_a_forum(db):
    with pytest.raises(ValidationError) as exc:
        create_user("forum@example.org", "forum", PASSWORD)
    assert exc.value.field == "forum"
    assert count(db) == 0


def test_forum_account_needs_a_known_forum(db, make_forum):
    make_forum(slug="almind-lokalraad")
    with pytest.raises(ValidationError) as exc:
        create_user("forum@example.org", "forum", PASSWORD, forum_slug="findes-ikke")
    assert exc.value.field == "forum"
    assert "findes-ikke" in exc.value.message
    assert count(db) == 0


def test_only_forum_accounts_belong_to_a_forum(db, make_forum):
    make_forum(slug="almind-lokalraad")
    with pytest.raises(ValidationError) as exc:
        create_user("k@example.org", "coordinator", PASSWORD, forum_slug="almind-lokalraad")
    assert exc.value.field == "forum"


def test_authenticate_with_the_right_password(db):
    user = create_user("kim@example.org", "coordinator", PASSWORD)
    db.session.commit()
    assert user.last_login_at is None
    assert authenticate("kim@example.org", PASSWORD) is user
    assert user.last_login_at is not None


def test_authenticate_ignores_the_case_of_the_email(db):
    user = create_user("kim@example.org", "coordinator", PASSWORD)
    assert authenticate(" KIM@Example.org", PASSWORD) is user


@pytest.mark.parametrize("password", [PASSWORD + " ", PASSWORD.upper(), "", None])
def test_authenticate_with_a_wrong_password(db, password):
    create_user("kim@example.org", "coordinator", PASSWORD)
    db.session.commit()
    assert authenticate("kim@example.org", password) is None


def test_authenticate_unknown_email(db):
    assert authenticate("ingen@example.org", PASSWORD) is None
    assert authenticate("", PASSWORD) is None
    assert authenticate(None, PASSWORD) is None


def test_authenticate_inactive_user(db):
    user = create_user("kim@example.org", "coordinator", PASSWORD)
    user.is_active = False
    db.session.commit()
    assert authenticate("kim@example.org", PASSWORD) is None
    assert user.last_login_at is None


def test_database_refuses_a_duplicate_email_in_other_case(db):
    """The model lowercases, so the unique constraint catches case variants too."""
    create_user("dup@example.org", "admin", PASSWORD)
    db.session.commit()
    db.session.add(User(email="DUP@EXAMPLE.ORG", role="admin", password_hash="x"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
