"""Issue 22 part 1: the coordinator edits the directory in the browser (list, new, edit, archive, revisions)."""
from __future__ import annotations

import sqlalchemy as sa

from fællesskab.directory.models import Association

from ..helpers import audit_rows, revisions_of

FORM = {"name": "Vamdrup Skakklub", "category": "hobby", "summary": "Skak hver tirsdag.", "town": "Vamdrup",
        "postcode": "6580", "email": "skak@example.org", "languages": "da;en", "target_groups": ["adults", "seniors"],
        "age_min": "10", "welcomes_newcomers": "true"}


def test_the_coordinator_creates_a_listing_through_the_importer_rules(client, db, coordinator):
    response = client.post("/koordinator/foreninger/ny", data=FORM)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assoc = db.session.scalar(sa.select(Association).where(Association.name == "Vamdrup Skakklub"))
    assert assoc.category == "hobby" and assoc.target_groups == ["adults", "seniors"]
    assert assoc.languages == ["da", "en"] and assoc.age_min == 10 and assoc.place is not None
    (created,) = revisions_of(db, assoc.id)
    assert created.kind == "create" and created.actor_id == coordinator.id
    assert [row.action for row in audit_rows(db, assoc.id)] == ["create"]
    assert client.get(f"/foreninger/{assoc.slug}").status_code == 200


def test_odd_input_is_a_400_naming_the_field(client, db, coordinator):
    response = client.post("/koordinator/foreninger/ny", data={**FORM, "category": "quidditch", "postcode": "9999"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Ukendt kategori" in page and "9999" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Association)) == 0
    assert client.get("/koordinator/foreninger/?vis=alt-muligt").status_code == 400
    assert "vis" in client.get("/koordinator/foreninger/?vis=alt-muligt").get_data(as_text=True)
    assert client.get("/koordinator/foreninger/?category=quidditch").status_code == 400
    assert client.get("/koordinator/foreninger/?q=" + "x" * 300).status_code == 400


def test_an_edit_is_a_revision_shown_as_a_diff(client, db, coordinator, make_association):
    assoc = make_association(name="Almind Kor", category="music", town="Almind", email="kor@example.org")
    page = client.get(f"/koordinator/foreninger/{assoc.id}").get_data(as_text=True)
    assert 'value="Almind Kor"' in page
    form = {"name": "Almind Koret", "category": "music", "summary": assoc.summary, "town": "Almind",
            "postcode": assoc.postcode or "", "email": "kor@example.org", "languages": "da",
            "welcomes_newcomers": "true", "lat": f"{assoc.lat:.6f}", "lon": f"{assoc.lon:.6f}"}
    assert client.post(f"/koordinator/foreninger/{assoc.id}", data=form).status_code == 302
    *_, update = revisions_of(db, assoc.id)
    assert update.kind == "update" and update.changes == {"name": ["Almind Kor", "Almind Koret"]}
    assert update.actor_id == coordinator.id
    page = client.get(f"/koordinator/foreninger/{assoc.id}").get_data(as_text=True)
    assert "Almind Kor</td><td>Almind Koret" in page  # the diff: before, after
    assert "update" in [row.action for row in audit_rows(db, assoc.id)]
    # the same form again changes nothing and adds no revision
    client.post(f"/koordinator/foreninger/{assoc.id}", data=form)
    assert len(revisions_of(db, assoc.id)) == 2


def test_archive_hides_from_the_public_and_unarchive_brings_it_back(client, db, coordinator, make_association):
    assoc = make_association(name="Gammel Forening")
    slug = assoc.slug
    assert client.post(f"/koordinator/foreninger/{assoc.id}/status", data={"status": "archived"}).status_code == 302
    assert client.get(f"/foreninger/{slug}").status_code == 404
    assert "Gammel Forening" not in client.get("/foreninger").get_data(as_text=True)
    listed = client.get("/koordinator/foreninger/").get_data(as_text=True)
    assert "Gammel Forening" not in listed
    assert "Gammel Forening" in client.get("/koordinator/foreninger/?vis=archived").get_data(as_text=True)
    assert client.post(f"/koordinator/foreninger/{assoc.id}/status", data={"status": "published"}).status_code == 302
    assert client.get(f"/foreninger/{slug}").status_code == 200
    kinds = [(r.kind, r.changes) for r in revisions_of(db, assoc.id)]
    assert ("status", {"status": ["published", "archived"]}) in kinds
    assert ("status", {"status": ["archived", "published"]}) in kinds
    assert client.post(f"/koordinator/foreninger/{assoc.id}/status", data={"status": "gone"}).status_code == 400


def test_the_list_filters_and_searches(client, db, coordinator, make_association):
    from datetime import timedelta

    from fællesskab.core.time import utcnow

    stale = make_association(name="Støvet Klub", email="s@example.org", address="Vestergade 1")
    make_association(name="Frisk Klub", email="f@example.org", category="music")
    bare = make_association(name="Anonym Klub", email="", phone="", website="")
    db.session.get(Association, stale.id).last_verified_at = utcnow() - timedelta(days=400)
    db.session.commit()

    def names(query: str) -> str:
        response = client.get("/koordinator/foreninger/" + query)
        assert response.status_code == 200
        return response.get_data(as_text=True)

    page = names("?vis=unverified")
    assert "Støvet Klub" in page and "Frisk Klub" not in page
    page = names("?vis=no-contact")
    assert "Anonym Klub" in page and "Frisk Klub" not in page
    page = names("?vis=no-location")
    assert "Anonym Klub" in page and "Støvet Klub" not in page
    page = names("?category=music")
    assert "Frisk Klub" in page and "Anonym Klub" not in page
    page = names("?q=frisk")
    assert "Frisk Klub" in page and "Støvet Klub" not in page
    assert "Anonym Klub" in names("?place=vamdrup")
    assert "Anonym Klub" not in names("?q=%25")  # a wildcard typed is a character, not "everything"
    assert bare.id


def test_trusting_a_contact_is_audited_and_needs_an_email(client, db, coordinator, make_association):
    assoc = make_association(email="kontakt@example.org")
    assert client.post(f"/koordinator/foreninger/{assoc.id}/tillid", data={"trusted": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Association, assoc.id).is_contact_trusted
    assert revisions_of(db, assoc.id)[-1].kind == "trust"
    assert audit_rows(db, assoc.id)[-1].detail.startswith("trust")
    none = make_association(email="")
    assert client.post(f"/koordinator/foreninger/{none.id}/tillid", data={"trusted": "1"}).status_code == 400
    assert client.post(f"/koordinator/foreninger/{assoc.id}/tillid", data={"trusted": "ja"}).status_code == 400


def test_the_csv_importer_keeps_revisions_too(db, runner, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("external_id,name,category,town\nX-1,Importeret Klub,sport,Vamdrup\n", encoding="utf-8")
    assert runner.invoke(args=["import", "associations", str(path)]).exit_code == 0
    assoc = db.session.scalar(sa.select(Association).where(Association.external_id == "X-1"))
    assert [(r.kind, r.source) for r in revisions_of(db, assoc.id)] == [("create", "import")]
    path.write_text("external_id,name,category,town\nX-1,Importeret Klub,music,Vamdrup\n", encoding="utf-8")
    assert runner.invoke(args=["import", "associations", str(path)]).exit_code == 0
    assert revisions_of(db, assoc.id)[-1].changes == {"category": ["sport", "music"]}


def test_only_coordinators_may_change_the_directory(app, client, db, login_as, make_association):
    assoc = make_association(email="k@example.org")
    posts = [f"/koordinator/foreninger/{assoc.id}/status", f"/koordinator/foreninger/{assoc.id}/bekraeft",
             f"/koordinator/foreninger/{assoc.id}/tillid", f"/koordinator/foreninger/{assoc.id}/flet",
             f"/koordinator/foreninger/{assoc.id}", "/koordinator/foreninger/ny",
             "/koordinator/godkendelse/foreninger/1/godkend", "/koordinator/godkendelse/foreninger/1/afvis"]
    for url in posts:
        assert client.post(url, data={"status": "archived", "trusted": "1"}).status_code == 302  # to the login page
    for role in ("newcomer", "forum"):
        login_as(role)
        for url in posts:
            assert client.post(url, data={"status": "archived", "trusted": "1"}).status_code == 403, (role, url)
        client.post("/logout")
    db.session.expire_all()
    assert db.session.get(Association, assoc.id).status == "published"
    assert len(revisions_of(db, assoc.id)) == 1
