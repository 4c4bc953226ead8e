"""The inbox: filters, counts per status, search, sorting, pagination, bulk actions, CSV export."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import sqlalchemy as sa

from fællesskab.core.audit import AuditEntry
from fællesskab.outreach import services
from fællesskab.outreach.models import Case

INBOX = "/koordinator/tilflyttere/"


def rows(html: str) -> int:
    return html.count('name="sag"')


def test_the_inbox_lists_cases_with_counts_and_never_shows_people_without_consent(client, db, coordinator, make_case):
    make_case(name="Sofie Lund")
    make_case(name="Hemmelig Person", consent_contact=False)
    contacted = make_case(name="Bo Berg", address="Ahornvej 22", postcode="6580", town="Vamdrup")
    services.transition(contacted, "contacted", actor=coordinator)
    db.session.commit()
    html = client.get(INBOX).get_data(as_text=True)
    assert "Sofie Lund" in html and "Bo Berg" in html
    assert "Hemmelig" not in html
    assert "Åbne <span class=\"status-tabs__count\">(2)" in html
    assert "Kontaktet <span class=\"status-tabs__count\">(1)" in html
    assert "3 tilflyttere kendt; 2 med samtykke til kontakt, 1 uden" in html
    contacted_only = client.get(INBOX + "?status=contacted").get_data(as_text=True)
    assert "Bo Berg" in contacted_only and "Sofie Lund" not in contacted_only


def test_filters_search_and_sorting(client, db, coordinator, make_case, almind_forum, make_user):
    other = make_user("coordinator", name="Anden Koordinator")
    a = make_case(name="Anna Almind", languages="en;uk", children_ages="")
    b = make_case(name="Bente Vamdrup", address="Ahornvej 22", postcode="6580", town="Vamdrup", languages="da")
    c = make_case(name="Carl Almind", children_ages="3")
    services.assign(a, coordinator, actor=coordinator)
    services.assign(b, other, actor=coordinator)
    c.next_action_on = services.today() - timedelta(days=2)  # overdue
    b.next_action_on = services.today()
    db.session.commit()

    def names(query: str) -> list[str]:
        html = client.get(INBOX + query).get_data(as_text=True)
        return [n for n in ("Anna Almind", "Bente Vamdrup", "Carl Almind") if n in html]

    assert names("?sted=almind") == ["Anna Almind", "Carl Almind"]
    assert names(f"?forum={almind_forum.slug}") == ["Anna Almind", "Carl Almind"]
    assert names("?boern=1") == ["Bente Vamdrup", "Carl Almind"]
    assert names("?sprog=uk") == ["Anna Almind"]
    assert names("?mine=1") == ["Anna Almind"]
    assert names("?frist=forfaldne") == ["Bente Vamdrup", "Carl Almind"]
    assert names("?frist=overskredne") == ["Carl Almind"]
    assert names("?q=almind") == ["Anna Almind", "Carl Almind"]
    assert names("?q=BENTE") == ["Bente Vamdrup"]
    assert names("?q=%25") == []  # LIKE wildcards are searched literally
    html = client.get(INBOX + "?frist=overskredne").get_data(as_text=True)
    assert "Overskredet" in html and "row--overdue" in html

    def order(query):
        html = client.get(INBOX + query).get_data(as_text=True)
        return sorted(("Anna Almind", "Bente Vamdrup", "Carl Almind"), key=html.index)

    assert order("") == ["Carl Almind", "Bente Vamdrup", "Anna Almind"]  # next action first
    assert order("?sortering=nyeste") == ["Carl Almind", "Bente Vamdrup", "Anna Almind"]
    assert order("?sortering=navn") == ["Anna Almind", "Bente Vamdrup", "Carl Almind"]


def test_pagination_holds_the_filters(client, db, coordinator, make_case):
    for i in range(55):
        make_case(name=f"Person {i:02d}")
    first = client.get(INBOX).get_data(as_text=True)
    assert rows(first) == 50 and "55 sager" in first and "Side 1 af 2" in first
    second = client.get(INBOX + "?page=2").get_data(as_text=True)
    assert rows(second) == 5
    beyond = client.get(INBOX + "?page=999")
    assert beyond.status_code == 200 and rows(beyond.get_data(as_text=True)) == 5  # the last page
    assert rows(client.get(INBOX + "?page=2&per_page=100").get_data(as_text=True)) == 55  # one page of 100
    filtered = client.get(INBOX + "?q=person&sortering=navn").get_data(as_text=True)
    assert 'href="/koordinator/tilflyttere/?q=person&amp;sortering=navn&amp;page=2"' in filtered


def test_bad_query_arguments_never_give_a_server_error(client, coordinator, make_case):
    make_case(name="Sofie Lund")
    for query in ("?status=nonsense", "?sted=findes-ikke", "?forum=%00x", "?sprog=dansk", "?frist=igaar",
                  "?sortering=drop+table", "?page=-5", "?page=abc&per_page=1e9", "?q=" + "x" * 5000,
                  "?mine=maybe&boern=2", "?sprog=%C3%A6%C3%B8"):
        response = client.get(INBOX + query)
        assert response.status_code in (200, 400), (query, response.status_code)
    html = client.get(INBOX + "?status=nonsense&sted=findes-ikke").get_data(as_text=True)
    assert "sprunget over: status, sted" in html and "Sofie Lund" in html


def test_bulk_mark_contacted_and_assign(client, db, coordinator, make_case, make_user):
    other = make_user("coordinator", name="Anden Koordinator")
    a, b = make_case(name="Anna"), make_case(name="Bo")
    services.transition(b, "contacted", actor=coordinator)
    db.session.commit()
    response = client.post(INBOX + "handling", data={"sag": [str(a.id), str(b.id), "999999"],
                                                     "handling": "kontaktet", "tilbage": "status=new&evil=1"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/koordinator/tilflyttere/?status=new")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 sag(er) markeret som kontaktet. 1 var ikke nye og blev ikke ændret." in page
    db.session.expire_all()
    assert db.session.get(Case, a.id).status == "contacted"

    client.post(INBOX + "handling", data={"sag": [str(a.id), str(b.id)], "handling": f"tildel-{other.id}"})
    db.session.expire_all()
    assert {db.session.get(Case, i).assigned_to_id for i in (a.id, b.id)} == {other.id}
    client.post(INBOX + "handling", data={"sag": [str(a.id)], "handling": "tildel-mig"})
    client.post(INBOX + "handling", data={"sag": [str(b.id)], "handling": "tildel-ingen"})
    db.session.expire_all()
    assert db.session.get(Case, a.id).assigned_to_id == coordinator.id
    assert db.session.get(Case, b.id).assigned_to_id is None

    for data in ({"handling": "kontaktet"}, {"sag": [str(a.id)], "handling": "slet-alt"},
                 {"sag": [str(a.id)], "handling": "tildel-99999999"}):
        response = client.post(INBOX + "handling", data=data)
        assert response.status_code == 302, data
    # ids that are no ids (a tampered form) are a 400 naming the field (issue 18)
    for data, field in (({"sag": [str(a.id), "x"], "handling": "kontaktet"}, "sag"),
                        ({"sag": [str(a.id)], "handling": "tildel-x"}, "handling")):
        response = client.post(INBOX + "handling", data=data)
        assert response.status_code == 400 and f"«{field}»" in response.get_data(as_text=True), data
    newcomer_login = make_user("newcomer")
    client.post("/logout")
    client.post("/login", data={"email": newcomer_login.email, "password": "correct horse battery staple"})
    assert client.post(INBOX + "handling", data={"sag": [str(a.id)], "handling": "kontaktet"}).status_code == 403


def test_the_csv_export_has_no_personal_data_unless_an_admin_asks(client, db, make_case, login_as, login,
                                                                   make_user):
    make_case(name="Sofie Lund", email="sofie@example.org", phone="+45 20 00 00 01")
    make_case(name="Uden Samtykke", consent_contact=False)
    coordinator = login_as("coordinator")
    response = client.get(INBOX + "eksport.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    body = response.get_data(as_text=True)
    assert "Sofie" not in body and "sofie@example.org" not in body and "Almind Stationsvej" not in body
    table = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert table[0][:3] == ["sag", "status", "sted"] and len(table) == 2
    assert table[1][2] == "Almind" and "navn" not in table[0]
    assert client.get(INBOX + "eksport.csv?personoplysninger=1").status_code == 403

    admin = make_user("admin")
    login(admin)
    body = client.get(INBOX + "eksport.csv?personoplysninger=1").get_data(as_text=True)
    table = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert "navn" in table[0] and table[1][table[0].index("navn")] == "Sofie Lund"
    assert "Uden Samtykke" not in body
    exports = list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "export")
                                      .order_by(AuditEntry.id)))
    assert [(e.actor_id, "med personoplysninger" in e.detail) for e in exports] == [
        (coordinator.id, False), (admin.id, True)]


def test_listing_the_inbox_is_audited(client, db, coordinator, make_case, audit_rows):
    case = make_case(name="Sofie Lund")
    client.get(INBOX)
    (entry,) = audit_rows(action="list")
    assert entry.actor_id == coordinator.id and str(case.id) in entry.detail


def test_pages_past_the_middle_read_from_the_other_end_in_the_same_order(db, coordinator, make_case):
    """Every sort, paged two at a time, gives the same sequence as one page of all: the
    pages past the middle are read in reverse order and turned round (inbox_page)."""
    from fællesskab.core.time import utcnow
    from fællesskab.outreach import inbox

    # ties on every sort key but the id: equal names, equal and missing move-in dates
    for name, moved in [("Ida Holm", "2026-03-01"), ("Bo Berg", ""), ("Ida Holm", "2026-03-01"),
                        ("Åse Ørn", "2026-05-10"), ("Bo Berg", "2025-12-24"), ("Carl Dam", ""),
                        ("Ida Holm", "2026-05-10")]:
        make_case(name=name, move_in_date=moved)
    today = utcnow().date()
    for sort in ("", "navn", "indflytning", "nyeste"):
        f = inbox.parse_filters({"sortering": sort, "status": "alle"})
        whole, _ = inbox.inbox_page(f, user=coordinator, today=today, page=1, per_page=100)
        assert whole.total == 7
        paged = []
        for page in range(1, 5):
            part, _ = inbox.inbox_page(f, user=coordinator, today=today, page=page, per_page=2)
            paged += part.items
        assert [c.id for c in paged] == [c.id for c in whole.items], sort
