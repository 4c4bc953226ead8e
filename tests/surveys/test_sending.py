"""Sending the newcomer survey N weeks after first contact, and the leaver links for a mail merge."""
from __future__ import annotations

import csv
import io
import re

import sqlalchemy as sa

from fællesskab.outreach.models import CaseNote
from fællesskab.surveys import services, tokens
from fællesskab.surveys.models import SurveyToken


def _link(text: str) -> str:
    return re.search(r"https://faellesskab\.example\.org/spoergeskema/\S+", text).group(0)


def test_send_once_to_each_case_after_n_weeks(db, runner, contacted_case, make_case, outbox, mail_folder):
    due = contacted_case(weeks_ago=5, name="Ida Due")
    contacted_case(weeks_ago=2, name="Ole Recent")  # contacted too recently
    make_case(name="Nina New")  # never contacted
    make_case(name="Per Private", consent_contact=False)  # no consent, no case
    contacted_case(weeks_ago=6, name="Sune Silent", survey_consent=False)  # no consent to surveys
    declined = contacted_case(weeks_ago=9, name="Dorte Declined")
    from fællesskab.accounts.models import User
    from fællesskab.outreach import services as outreach
    from fællesskab.outreach import workflow

    outreach.transition(declined, workflow.DECLINED, actor=db.session.scalar(sa.select(User)))
    db.session.commit()

    result = runner.invoke(args=["surveys", "send", "--after-weeks", "4"])
    assert result.exit_code == 0, result.output
    assert "1 lagt i udbakken, 1 sendt" in result.output
    messages = outbox(kind="survey_newcomer")
    assert [m.to_address for m in messages] == [due.newcomer.email]
    assert messages[0].subject == "Hvordan har det været at flytte til Kolding Kommune?"
    assert "Ida" in messages[0].text_body

    # the link works, and only its hash is stored
    raw = _link(messages[0].text_body).rsplit("/", 1)[1]
    token = db.session.scalar(sa.select(SurveyToken))
    assert token.token_hash == tokens.hash_token(raw) and raw not in token.token_hash
    assert token.newcomer_id == due.newcomer_id and token.kind == "newcomer"
    # written on the case's timeline
    notes = db.session.scalars(sa.select(CaseNote).where(CaseNote.case_id == due.id, CaseNote.kind == "email"))
    assert [n.data["survey"] for n in notes] == ["newcomer-survey"]

    again = runner.invoke(args=["surveys", "send", "--after-weeks", "4"])
    assert "0 lagt i udbakken" in again.output
    assert len(outbox(kind="survey_newcomer")) == 1


def test_english_newcomers_get_the_english_survey(db, contacted_case, outbox, mail_folder):
    from fællesskab.mail import services as mail

    case = contacted_case(weeks_ago=8, preferred_language="en")
    case.newcomer.preferred_language = "en"
    db.session.commit()
    report = services.send_newcomer_surveys(4)
    mail.commit_and_deliver()
    assert report.queued == 1
    message = outbox(kind="survey_newcomer")[0]
    assert message.language == "en" and message.subject.startswith("How has it been")
    assert "lang=en" in _link(message.text_body)


def test_case_without_email_is_noted_not_sent(db, contacted_case, outbox, mail_folder):
    case = contacted_case(weeks_ago=8, email="", phone="+45 20 00 99 99")
    report = services.send_newcomer_surveys(4)
    db.session.commit()
    assert (report.queued, report.without_email) == (0, 1)
    assert outbox(kind="survey_newcomer") == []
    assert services.send_newcomer_surveys(4).without_email == 0  # not looked at again
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyToken)) == 0
    assert case.id


def test_leaver_tokens_csv_for_a_mail_merge(db, runner, tmp_path, mail_folder, client):
    out = tmp_path / "fraflyttere.csv"
    result = runner.invoke(args=["surveys", "leaver-tokens", "--count", "3", "--language", "en",
                                 "--area", "Almind", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 3 and {r["language"] for r in rows} == {"en"}
    assert len({r["token"] for r in rows}) == 3
    assert all(r["url"].endswith(f"/spoergeskema/{r['token']}?lang=en") for r in rows)
    stored = list(db.session.scalars(sa.select(SurveyToken)))
    assert {t.kind for t in stored} == {"leaver"} and {t.area for t in stored} == {"Almind"}
    assert all(t.newcomer_id is None for t in stored)
    page = client.get(f"/spoergeskema/{rows[0]['token']}")
    assert page.status_code == 200 and "move_reason" in page.get_data(as_text=True)


def test_leaver_tokens_rejects_a_bad_count(db, runner):
    result = runner.invoke(args=["surveys", "leaver-tokens", "--count", "0"])
    assert result.exit_code == 1 and "Fejl:" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyToken)) == 0
