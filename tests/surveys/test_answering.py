"""Answering: single-use links, the anonymous open link, accessible forms, erasure and purge."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from fællesskab.core.time import utcnow
from fællesskab.surveys import kpi, services
from fællesskab.surveys.models import SurveyResponse, SurveyToken

NEWCOMER_ANSWER = {"ease_score": "4", "belonging": "on_way", "nps_score": "9", "comment": "Godt med velkomstmødet"}


def _responses(db):
    db.session.expire_all()
    return list(db.session.scalars(sa.select(SurveyResponse).order_by(SurveyResponse.id)))


def test_a_link_answers_once_and_the_answer_is_not_linked_to_the_person(db, client, make_case, almind_forum):
    case = make_case()
    raw, token = services.issue_token("newcomer", area=services.case_area(case), newcomer_id=case.newcomer_id)
    db.session.commit()

    page = client.get(f"/spoergeskema/{raw}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<legend>Hvor let har det været at finde information om fællesskaber" in html
    assert 'type="radio"' in html and 'name="nps_score"' in html

    response = client.post(f"/spoergeskema/{raw}", data=NEWCOMER_ANSWER)
    assert response.status_code == 302 and response.headers["Location"].endswith("/spoergeskema/tak")
    [answer] = _responses(db)
    assert (answer.kind, answer.channel, answer.ease_score, answer.belonging, answer.nps_score) == \
        ("newcomer", "invited", 4, "on_way", 9)
    assert answer.area == "Almind Testforum"
    assert answer.quarter == kpi.quarter_of(utcnow())
    # nothing on the answer points back: no token, case or newcomer column, and the token forgot the person
    assert not {"token_id", "case_id", "newcomer_id", "answered_at", "created_at"} & set(
        SurveyResponse.__table__.columns.keys())
    db.session.refresh(token)
    assert token.is_used and token.newcomer_id is None

    again = client.get(f"/spoergeskema/{raw}")
    assert again.status_code == 200 and "Du har allerede svaret" in again.get_data(as_text=True)
    twice = client.post(f"/spoergeskema/{raw}", data=NEWCOMER_ANSWER)
    assert "Du har allerede svaret" in twice.get_data(as_text=True)
    assert len(_responses(db)) == 1


def test_a_token_used_in_the_meantime_is_refused(db):
    raw, token = services.issue_token("leaver")
    db.session.commit()
    found = services.find_token(raw)  # this request read the token while it was unused …
    # … and another request used it before this one wrote its answer
    db.session.execute(sa.update(SurveyToken).where(SurveyToken.id == token.id).values(is_used=True))
    with pytest.raises(services.AlreadyAnswered):
        services.record_answer("leaver", {"nps_score": 3, "move_reason": "work", "found_community": "no"},
                               language="da", token=found)
    db.session.rollback()
    assert _responses(db) == []


def test_unknown_and_expired_links_get_a_clear_404(db, client):
    raw, token = services.issue_token("newcomer", now=utcnow() - timedelta(days=400))
    db.session.commit()
    for url in (f"/spoergeskema/{raw}", "/spoergeskema/" + "x" * 43, "/spoergeskema/%3Cscript%3E"):
        page = client.get(url)
        assert page.status_code == 404 and "Linket virker ikke" in page.get_data(as_text=True)


def test_errors_are_shown_and_linked_to_their_question(db, client):
    response = client.post("/spoergeskema/aaben/fraflytter", data={"nps_score": "11", "move_reason": "other"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#found_community"' in html and 'id="found_community-error"' in html
    assert 'aria-describedby="found_community-error"' in html
    assert "Skriv kort, hvad grunden er." in html and "Vælg et af svarene." in html
    assert "Not a valid" not in html and "coerce" not in html
    assert _responses(db) == []


def test_the_open_link_records_an_anonymous_answer_for_an_area(db, client, almind_forum):
    response = client.post("/spoergeskema/aaben/fraflytter?omraade=almind-test",
                           data={"nps_score": "6", "move_reason": "other", "move_reason_other": "Tættere på børnebørn",
                                 "found_community": "yes"})
    assert response.status_code == 302
    [answer] = _responses(db)
    assert (answer.kind, answer.channel, answer.area, answer.move_reason_other) == \
        ("leaver", "open", "Almind Testforum", "Tættere på børnebørn")
    # an unknown area is not an error, it just counts as unknown
    client.post("/spoergeskema/aaben/tilflytter?omraade=findes-ikke", data=NEWCOMER_ANSWER)
    assert _responses(db)[-1].area is None
    assert client.get("/spoergeskema/aaben/andet").status_code == 404


def test_english_survey_page(db, client):
    html = client.get("/spoergeskema/aaben/tilflytter?lang=en").get_data(as_text=True)
    assert 'lang="en"' in html


def test_the_open_link_is_rate_limited(app, db, client):
    from fællesskab.extensions import limiter

    limiter.reset()
    app.config["RATELIMITS_ON"] = True
    try:
        codes = [client.post("/spoergeskema/aaben/tilflytter", data=NEWCOMER_ANSWER).status_code for _ in range(12)]
    finally:
        app.config["RATELIMITS_ON"] = False
        limiter.reset()
    assert codes[:10] == [302] * 10 and codes[10:] == [429, 429]
    assert len(_responses(db)) == 10


def test_qr_code_is_an_accessible_svg(db, client, almind_forum):
    response = client.get("/spoergeskema/aaben/tilflytter/qr.svg?omraade=almind-test")
    svg = response.get_data(as_text=True)
    assert response.mimetype == "image/svg+xml"
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title>" in svg and "style=" not in svg
    assert "/spoergeskema/aaben/tilflytter?omraade=almind-test" in svg  # the link itself, in <desc>
    assert client.get("/spoergeskema/aaben/tilflytter/qr.svg?omraade=nope").status_code == 404


def test_erase_for_newcomer_deletes_their_tokens_only(db, make_case):
    mine, other = make_case(), make_case()
    services.issue_token("newcomer", newcomer_id=mine.newcomer_id)
    services.issue_token("newcomer", newcomer_id=other.newcomer_id)
    services.issue_token("leaver")
    db.session.commit()
    assert services.erase_for_newcomer(mine.newcomer_id) == 1
    db.session.commit()
    left = list(db.session.scalars(sa.select(SurveyToken.newcomer_id)))
    assert sorted(left, key=lambda v: v or 0) == [None, other.newcomer_id]


def test_purge_expired_removes_old_tokens_and_search_rows(db):
    from fællesskab.surveys.models import SearchMiss

    now = datetime(2026, 6, 1, tzinfo=UTC)
    services.issue_token("leaver", now=now - timedelta(days=90))  # expired (60 days)
    _raw, fresh = services.issue_token("leaver", now=now - timedelta(days=10))
    db.session.add_all([SearchMiss(day=(now - timedelta(days=800)).date(), query="gammel", count=2),
                        SearchMiss(day=(now - timedelta(days=10)).date(), query="ny", count=1)])
    db.session.commit()
    services.record_answer("newcomer", {"ease_score": 4, "comment": "Hej, jeg hedder Ida"}, language="da",
                           now=now - timedelta(days=800))
    services.record_answer("newcomer", {"ease_score": 2, "comment": "Ny kommentar"}, language="da", now=now)
    db.session.commit()
    report = services.purge_expired(now)
    db.session.commit()
    assert (report.tokens, report.search_days, report.comments) == (1, 1, 1)
    assert [(r.ease_score, r.comment) for r in _responses(db)] == [(4, None), (2, "Ny kommentar")]
    assert list(db.session.scalars(sa.select(SurveyToken.id))) == [fresh.id]
    assert list(db.session.scalars(sa.select(SearchMiss.query))) == ["ny"]
