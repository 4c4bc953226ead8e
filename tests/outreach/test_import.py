"""`outreach import-newcomers`: upsert by external_id, one transaction, errors with line numbers, consent."""
from __future__ import annotations

import io

import sqlalchemy as sa

from fællesskab.outreach.importer import import_newcomers
from fællesskab.outreach.models import Case, ConsentRecord, Newcomer, NewcomerLanguage

HEADER = ("external_id,name,email,phone,address,postcode,town,move_in_date,adults,children_ages,languages,"
          "interests,consent_contact\n")
GOOD = HEADER + (
    "A-1,Sofie Lund,Sofie@Example.org,+45 20 00 00 01,Almind Stationsvej 14,6051,Almind,2025-08-01,2,9;4,da,"
    "fodbold;Kor,true\n"
    "A-2,Olena K,,+45 20 00 00 02,Ahornvænget 7,6640,Lunderskov,1.7.2025,1,,uk;en,svømning,true\n"
    "A-3,Mette Holm,mette@example.org,+45 20 00 00 03,Almind Kirkesti 6,6051,Almind,2025-09-10,2,3,da,,false\n"
    "A-4,Ole Nej,,,,,,,,,,,\n"
)


def run(db, text: str):
    report = import_newcomers(io.BytesIO(text.encode("utf-8")))
    if report.ok:
        db.session.commit()
    else:
        db.session.rollback()
    return report


def newcomer(db, ext):
    db.session.expire_all()
    return db.session.scalar(sa.select(Newcomer).where(Newcomer.external_id == ext))


def test_a_good_file_creates_newcomers_and_cases_only_for_those_who_consent(db, almind_forum):
    report = run(db, GOOD)
    assert report.ok, report.problems
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)

    sofie = newcomer(db, "A-1")
    assert (sofie.name, sofie.email, sofie.source) == ("Sofie Lund", "sofie@example.org", "import")
    assert sofie.children_ages == [4, 9] and sofie.interests == ["fodbold", "kor"] and sofie.adults == 2
    assert sofie.place.name == "Almind" and sofie.lat is not None
    assert sofie.case.status == "new" and sofie.case.forum_id == almind_forum.id and sofie.case.has_children
    assert sofie.case.next_action_on is not None
    (record,) = sofie.consents
    assert (record.kind, record.granted, record.text_version, record.source) == (
        "contact", True, "arrivals-list", "import")

    olena = newcomer(db, "A-2")
    assert olena.move_in_date.isoformat() == "2025-07-01"
    assert olena.preferred_language == "en"  # no Danish in the household
    assert set(db.session.scalars(sa.select(NewcomerLanguage.code).where(
        NewcomerLanguage.newcomer_id == olena.id))) == {"uk", "en"}

    for ext in ("A-3", "A-4"):  # no consent: statistics only, nothing personal kept, no case
        person = newcomer(db, ext)
        assert person.case is None and person.consent_contact is False
        assert (person.name, person.email, person.phone, person.address, person.lat) == (None,) * 5
    assert newcomer(db, "A-3").place.name == "Almind"  # the place stays, for the statistics
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 2


def test_a_second_import_changes_nothing_and_a_changed_row_is_updated(db):
    assert run(db, GOOD).created == 4
    again = run(db, GOOD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    changed = run(db, GOOD.replace("+45 20 00 00 01", "+45 20 00 99 99"))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 3)
    assert newcomer(db, "A-1").phone == "+45 20 00 99 99"


def test_withdrawn_consent_erases_the_person_and_given_consent_opens_a_case(db):
    run(db, GOOD)
    case_id = newcomer(db, "A-1").case.id
    report = run(db, GOOD.replace("fodbold;Kor,true", "fodbold;Kor,false"))
    assert report.updated == 1
    sofie = newcomer(db, "A-1")
    assert (sofie.name, sofie.email, sofie.phone, sofie.address) == (None, None, None, None)
    assert sofie.erased_at is not None
    case = db.session.get(Case, case_id)
    assert case.status == "declined" and case.is_closed and not case.is_contactable

    report = run(db, GOOD.replace(",3,da,,false", ",3,da,,true"))
    assert report.ok
    mette = newcomer(db, "A-3")
    assert mette.name == "Mette Holm" and mette.case.status == "new" and mette.case.is_contactable
    kinds = [(r.kind, r.granted) for r in db.session.scalars(
        sa.select(ConsentRecord).where(ConsentRecord.newcomer_id == mette.id).order_by(ConsentRecord.id))]
    assert kinds == [("contact", False), ("contact", True)]


def test_a_bad_file_is_reported_with_line_numbers_and_changes_nothing(db):
    bad = HEADER + (
        "B-1,Anna,ikke-en-mail,,Almind Stationsvej 1,6051,Almind,2025-13-01,to,4;x,dansk,,true\n"
        "B-2,Bo,bo@example.org,,,8000,Aarhus,,1,,da,,true\n"
        "B-1,Igen,igen@example.org,,,6051,Almind,,1,,da,,true\n"
        ",Uden id,uden@example.org,,,6051,Almind,,1,,da,,true\n"
        "B-5,,,,,,,,1,,,,true\n"
        "B-6,Kim,kim@example.org,,,6051,Almind,,1,,da,,måske\n"
        "B-7,For kort\n"
        "B-8,Børn,b@example.org,,,6051,Almind,,1,1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16,da,,true\n"
    )
    report = run(db, bad)
    assert not report.ok
    problems = [(p.line, p.field) for p in report.problems]
    assert (2, "email") in problems and (2, "move_in_date") in problems and (2, "adults") in problems
    assert (2, "children_ages") in problems and (2, "languages") in problems
    assert (3, "postcode") in problems  # outside Kolding Municipality
    assert (4, "external_id") in problems  # B-1 again
    assert (5, "external_id") in problems
    assert (6, "name") in problems and (6, "email") in problems  # consents, but no name and no way to reach
    assert (7, "consent_contact") in problems
    assert (8, "") in problems  # ragged row
    assert (9, "children_ages") in problems
    assert "linje 4: external_id: B-1 står også på linje 2." in [str(p) for p in report.problems]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Newcomer)) == 0


def test_file_level_errors(db):
    assert [str(p) for p in run(db, "").problems] == ["linje 1: filen er tom; den skal have en overskriftslinje."]
    missing = run(db, "name,email\nA,a@example.org\n")
    assert "mangler kolonne(r): external_id, consent_contact" in str(missing.problems[0])
    unknown = run(db, HEADER.strip() + ",cpr\n")
    assert "ukendt(e) kolonne(r): cpr" in str(unknown.problems[0])
    latin1 = import_newcomers(io.BytesIO((HEADER + "C-1,Søren,,,,6051,Almind,,1,,da,,true\n").encode("latin-1")))
    assert "UTF-8" in str(latin1.problems[0])


def test_the_cli_imports_and_reports(runner, db, tmp_path):
    good = tmp_path / "tilflyttere.csv"
    good.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(args=["outreach", "import-newcomers", str(good)])
    assert result.exit_code == 0, result.output
    assert "4 oprettet, 0 opdateret, 0 uændret" in result.output

    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "X-1,Anna,forkert,,,6051,Almind,,1,,da,,true\n", encoding="utf-8")
    result = runner.invoke(args=["outreach", "import-newcomers", str(bad)])
    assert result.exit_code == 1
    assert "linje 2: email:" in result.output
    assert "intet er ændret" in result.output

    missing = runner.invoke(args=["outreach", "import-newcomers", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 1 and "kunne ikke åbne" in missing.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Newcomer)) == 4
