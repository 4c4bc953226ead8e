"""The KPI dashboard: both KPIs against targets, suppression, the funnel from real cases, CSV exports."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from fællesskab.core.time import utcnow
from fællesskab.surveys import dashboard, kpi

NOW = utcnow()
LAST_QUARTER = NOW - timedelta(days=95)


def _seed_answers(add_answers):
    # this quarter, Almind: 6 newcomers, ease 4–5 for 3 of 6 → 50 %, recommend 9,9,9,9,7,3 → positive 5/6
    for ease, nps in ((5, 9), (4, 9), (4, 9), (2, 9), (3, 7), (1, 3)):
        add_answers("newcomer", 1, area="Almind", ease_score=ease, belonging="yes", nps_score=nps)
    # this quarter, Vamdrup: only 2 answers → suppressed everywhere it is broken down
    add_answers("newcomer", 2, area="Vamdrup", ease_score=5, belonging="no", nps_score=10, comment="Godt & let")
    # last quarter: 5 leavers, all detractors
    add_answers("leaver", 5, when=LAST_QUARTER, area="Almind", nps_score=2, move_reason="work", found_community="no")


def test_dashboard_shows_both_kpis_against_targets(app, db, client, login_as, add_answers):
    _seed_answers(add_answers)
    login_as("coordinator")
    html = client.get("/koordinator/maal/").get_data(as_text=True)
    kpis = {k.key: k for k in dashboard.headline(dashboard._answers())}
    # positive share over the last four quarters: (5 + 2 + 0) of 13 recommend answers
    assert kpis["positive"].answers == 13 and round(kpis["positive"].value) == 54
    assert kpis["positive"].target == 80.0 and kpis["positive"].status == "below"
    # ease: 8 newcomer answers, 5 of them 4–5
    assert kpis["ease"].answers == 8 and kpis["ease"].value == 62.5 and kpis["ease"].target == 75.0
    assert "Mål: 80%" in html and "Mål: 75%" in html and "ikke nået" in html
    assert "for få svar" in html
    assert "Godt &amp; let" in html  # comments, escaped, without their area
    assert 'role="img"' in html and "<title id=\"graf-let-title\">" in html and "kpi-chart__target" in html
    assert "style=" not in html and "<script>" not in html


def test_targets_and_benchmarks_come_from_config(app, db, client, login_as, add_answers, monkeypatch):
    _seed_answers(add_answers)
    monkeypatch.setitem(app.config, "SURVEY_EASE_TARGET", "60")
    monkeypatch.setitem(app.config, "SURVEY_POSITIVE_BENCHMARK", "70,5")
    rows = dashboard._answers()
    kpis = {k.key: k for k in dashboard.headline(rows)}
    assert kpis["ease"].target == 60.0 and kpis["ease"].status == "met"
    assert kpis["positive"].benchmark == 70.5 and not kpis["positive"].benchmark_is_first
    # no ease benchmark configured: the first quarter with enough answers (this one, 8 answers → 62.5)
    assert kpis["ease"].benchmark == 62.5 and kpis["ease"].benchmark_is_first


def test_breakdowns_suppress_cells_under_five_answers(db, add_answers):
    _seed_answers(add_answers)
    rows = dashboard._answers()
    areas = {r["area"]: r for r in dashboard.area_table(rows).rows}
    assert areas["Vamdrup"]["ease"].suppressed and areas["Vamdrup"]["ease"].shown is None
    assert areas["Almind"]["ease"].shown == 50.0
    recommend, ease = dashboard.quarter_tables(rows)
    by_quarter = {r["quarter"]: r for r in recommend.rows}
    this, last = kpi.quarter_of(NOW), kpi.quarter_of(LAST_QUARTER)
    assert by_quarter[last]["leaver_nps"].shown == -100.0
    assert by_quarter[this]["leaver_nps"].suppressed  # no leavers this quarter
    assert by_quarter[this]["nps"].answers == 8


def test_funnel_comes_from_the_case_timeline(db, make_case, make_user, almind_forum, add_answers):
    from fællesskab.outreach import handover, services, workflow

    actor = make_user("coordinator")
    make_case(consent_contact=False)  # an arrival without a case
    make_case()  # new
    contacted = make_case()
    services.transition(contacted, workflow.CONTACTED, actor=actor)
    handed = make_case(handover=True)
    services.transition(handed, workflow.CONTACTED, actor=actor)
    services.transition(handed, workflow.MATCHED, actor=actor)
    handover.hand_over(handed, actor=actor)
    direct = make_case()
    for status in (workflow.CONTACTED, workflow.MATCHED, workflow.FOLLOWED_UP, workflow.ANCHORED):
        services.transition(direct, status, actor=actor)
    db.session.commit()

    rows = {r["step"]: r for r in dashboard.funnel_table().rows}
    assert [rows[s]["count"] for s in kpi.FUNNEL_STEPS] == [5, 3, 2, 2, 1]
    assert rows["contacted"]["conversion"] == 60.0
    assert rows["handed_over"]["timed"] == 1  # the direct case has no hand-over date
    assert rows["contacted"]["median_days"] is not None and rows["contacted"]["median_days"] < 1


def test_welcome_meetings_families_and_searches(db, make_event, make_case, add_answers):
    from fællesskab.events.models import Registration
    from fællesskab.surveys import search_log

    event = make_event(kind="welcome-meeting")
    db.session.add_all([Registration(event_id=event.id, name="A", email="a@example.org", party_size=3,
                                     status="confirmed", token_key="k1"),
                        Registration(event_id=event.id, name="C", email="c@example.org", party_size=2,
                                     status="confirmed", token_key="k3", attended_at=event.starts_at),
                        Registration(event_id=event.id, name="B", email="b@example.org", party_size=2,
                                     status="cancelled", token_key="k2")])
    make_case(children_ages="", move_in_date="2026-02-01")
    make_case(children_ages="3", move_in_date="2026-02-10")
    db.session.commit()
    search_log.record_miss("padel")

    welcome = dashboard.welcome_table().rows
    assert [(r["events"], r["signups"], r["came"]) for r in welcome] == [(1, 5, 2)]
    families = {r["quarter"]: r for r in dashboard.families_table().rows}
    assert (families["2026-Q1"]["arrivals"], families["2026-Q1"]["families"], families["2026-Q1"]["share"]) == \
        (2, 1, 50.0)
    assert dashboard.searches_table().rows == [{"query": "padel", "count": 1, "days": 1}]


def test_csv_export_neutralises_formulas_and_says_too_few(db, client, login_as, add_answers):
    from fællesskab.surveys import search_log

    _seed_answers(add_answers)
    search_log.record_miss("=HYPERLINK(1)")
    search_log.record_miss("@sum")
    login_as("admin")
    body = client.get("/koordinator/maal/soegninger-uden-resultat.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == ["Søgning", "Antal", "Dage"]
    assert {r[0] for r in rows[1:]} == {"'=hyperlink(1)", "'@sum"}
    areas = list(csv.reader(io.StringIO(client.get("/koordinator/maal/omraader.csv").get_data(as_text=True))))
    vamdrup = next(r for r in areas if r[0] == "Vamdrup")
    assert vamdrup[1:3] == ["2", "for få svar"]
    assert client.get("/koordinator/maal/findes-ikke.csv").status_code == 404
    quarters = list(csv.reader(io.StringIO(client.get("/koordinator/maal/anbefaling-kvartal.csv")
                                           .get_data(as_text=True))))
    assert next(r for r in quarters[1:] if r[0] == kpi.quarter_of(LAST_QUARTER))[3:5] == ["5", "-100.0"]
    for name in dashboard.build()["tables"]:
        response = client.get(f"/koordinator/maal/{name}.csv")
        assert response.status_code == 200 and response.mimetype == "text/csv"


def test_csv_cells_are_formula_safe_and_numbers_stay_numbers():
    from fællesskab.core.csvio import neutralise as csv_safe

    assert [csv_safe(v) for v in ("=1+1", "+45", "-3", "@a", "\tx", "\rx", "ok", None, 12.5, -100.0)] == \
        ["'=1+1", "'+45", "'-3", "'@a", "'\tx", "'\rx", "ok", "", "12.5", "-100.0"]


def test_posters_page_shows_qr_codes(db, client, login_as, almind_forum):
    login_as("coordinator")
    html = client.get("/koordinator/maal/plakater?omraade=almind-test").get_data(as_text=True)
    assert html.count('class="qr"') == 2 and "/spoergeskema/aaben/fraflytter?omraade=almind-test" in html
    assert client.get("/koordinator/maal/plakater?omraade=nope").status_code == 404


def test_the_demo_has_answers_that_show_both_kpis(db, runner, client, login_as):
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    assert "Spørgeskemasvar:" in result.output
    again = runner.invoke(args=["seed", "demo"])
    assert "Spørgeskemasvar" not in again.output  # idempotent: only into an empty table
    rows = dashboard._answers()
    assert {r.kind for r in rows} == {"newcomer", "leaver"} and len({r.quarter for r in rows}) == 6
    kpis = {k.key: k for k in dashboard.headline(rows)}
    for key in ("positive", "ease", "nps"):
        assert kpis[key].value is not None and kpis[key].answers >= 100
    assert kpis["positive"].target == 80.0 and kpis["ease"].target == 75.0
    assert kpis["ease"].benchmark_is_first and kpis["ease"].benchmark < kpis["ease"].value
    areas = {r["area"]: r for r in dashboard.area_table(rows).rows}
    assert areas["Harte Lokalråd"]["ease"].suppressed and not areas["Almind Borgerforening"]["ease"].suppressed

    login_as("coordinator")
    html = client.get("/koordinator/maal/").get_data(as_text=True)
    assert "Mål: 80%" in html and "Mål: 75%" in html and "padel" in html and "Forankret" in html
    funnel = {r["step"]: r["count"] for r in dashboard.funnel_table().rows}
    assert funnel["arrived"] == 13 and funnel["contacted"] == 7 and funnel["handed_over"] >= 1
    assert "for få svar" in html
