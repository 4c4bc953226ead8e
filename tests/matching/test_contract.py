"""The ranking contract of docs/matching.md, one test per rule, on small fixtures
(and the first two cases under "Why" in issue 20)."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from fællesskab.matching.services import MatchRequest, match

LUNDERSKOV = (55.4838, 9.2992)
CHRISTIANSFELD = (55.3582, 9.4870)
KM_LAT, KM_LON = 1 / 111.2, 1 / 63.1  # degrees per km at 55.4° N


def _at(base, north_km=0.0, east_km=0.0) -> dict:
    return {"lat": f"{base[0] + north_km * KM_LAT:.5f}", "lon": f"{base[1] + east_km * KM_LON:.5f}"}


def _names(items) -> list[str]:
    return [i.name for i in items]


def test_named_interests_first_and_no_riding_club_within_reach_is_missed(make_association):
    """Rule 1 and the Lunderskov case: "ridning, spejder", a child of 7, 15 km."""
    for i in range(4):
        make_association(name=f"Svømmeklub {i}", tags="svømning", age_min="4", age_max="80", town="Lunderskov",
                         **_at(LUNDERSKOV, 0.1 * i))
    make_association(name="Lunderskov Borgerforening", category="local-community", tags="borgerforening",
                     town="Lunderskov", **_at(LUNDERSKOV, 0.3))
    riding = [make_association(name=f"Rideklub {km}", tags="ridning;heste", age_min="6", town="Lunderskov",
                               **_at(LUNDERSKOV, km)).name for km in (6, 11, 14.5)]
    make_association(name="Rideklub langt væk", tags="ridning", town="Lunderskov", **_at(LUNDERSKOV, 16))
    scouts = make_association(name="Lunderskov Spejdergruppe", category="nature", tags="spejder", age_min="6",
                              age_max="16", town="Lunderskov", **_at(LUNDERSKOV, 2)).name
    result = match(MatchRequest(lat=LUNDERSKOV[0], lon=LUNDERSKOV[1], interests=["ridning", "spejder"],
                                children_ages=[7], adults=2, max_km=15))
    assert set(_names(result.results)) == set(riding) | {scouts}
    assert "Rideklub langt væk" not in _names(result.results) + _names(result.others)
    assert "Svømmeklub 0" in _names(result.others)  # apart, not mixed in


def test_a_matching_club_10_to_15_km_away_beats_ten_local_clubs_that_match_nothing(make_association):
    """The Christiansfeld case: "cykling", 15 km."""
    for i, sport in enumerate(["fodbold", "badminton", "håndbold"] * 4):
        make_association(name=f"Christiansfeld {sport} {i}", tags=sport, town="Christiansfeld",
                         **_at(CHRISTIANSFELD, 0.2 * i))
    cycling = [make_association(name=f"Cykelklub {km}", tags="cykling;landevej", town="Christiansfeld",
                                **_at(CHRISTIANSFELD, 0, km)).name for km in (10, 11.5, 13, 14.8)]
    result = match(MatchRequest(lat=CHRISTIANSFELD[0], lon=CHRISTIANSFELD[1], interests=["cykling"], adults=2))
    assert _names(result.results) == cycling  # all four, nearest first
    assert len(result.others) == 5 and not set(cycling) & set(_names(result.others))


def test_a_typed_word_beats_a_ticked_category_and_more_interests_beat_fewer(make_association):
    make_association(name="Fodboldklubben", tags="fodbold", town="Lunderskov", **_at(LUNDERSKOV, 0.5))
    make_association(name="Svømmeklubben", tags="svømning", town="Lunderskov", **_at(LUNDERSKOV, 8))
    result = match(MatchRequest(lat=LUNDERSKOV[0], lon=LUNDERSKOV[1], interests=["sport", "svømning"]))
    assert _names(result.results) == ["Svømmeklubben", "Fodboldklubben"]
    make_association(name="Fodbold og håndbold", tags="fodbold;håndbold", town="Lunderskov", **_at(LUNDERSKOV, 9))
    result = match(MatchRequest(lat=LUNDERSKOV[0], lon=LUNDERSKOV[1], interests=["fodbold", "håndbold"]))
    assert _names(result.results)[:2] == ["Fodbold og håndbold", "Fodboldklubben"]


def test_every_named_interest_is_represented(make_association):
    """Rule 2: twelve football clubs next door do not push the chess clubs out."""
    for i in range(12):
        make_association(name=f"Fodbold {i}", tags="fodbold", town="Lunderskov", **_at(LUNDERSKOV, 0.2 * i))
    make_association(name="Skakklubben", category="hobby", tags="skak", town="Lunderskov", **_at(LUNDERSKOV, 10))
    result = match(MatchRequest(lat=LUNDERSKOV[0], lon=LUNDERSKOV[1], interests=["fodbold", "skak"], limit=10))
    assert len(result.results) == 10 and "Skakklubben" in _names(result.results)


def test_hard_limits(make_association):
    """Rule 3: max_km; a children's listing no child fits; the language rule."""
    make_association(name="Teenageklub", tags="fodbold", age_min="13", age_max="17", **_at(LUNDERSKOV, 1))
    make_association(name="Voksenfodbold", tags="fodbold", age_min="18", **_at(LUNDERSKOV, 1))
    make_association(name="Dansk og lukket", tags="fodbold", welcomes_newcomers="false", **_at(LUNDERSKOV, 2))
    make_association(name="Dansk og åben", tags="fodbold", welcomes_newcomers="true", **_at(LUNDERSKOV, 3))
    make_association(name="Langt væk", tags="fodbold", **_at(LUNDERSKOV, 9))
    base = dict(lat=LUNDERSKOV[0], lon=LUNDERSKOV[1], interests=["fodbold"], max_km=5)
    result = match(MatchRequest(**base, children_ages=[5], adults=2))
    shown = _names(result.results) + _names(result.others)
    assert "Teenageklub" not in shown and "Langt væk" not in shown
    assert "Voksenfodbold" in shown  # the parents can go
    english = match(MatchRequest(**base, languages=["en"]))
    assert "Dansk og lukket" not in _names(english.results) and "Dansk og åben" in _names(english.results)


def test_age_fit_then_near_beats_a_small_text_difference(make_association):
    """Rule 4."""
    make_association(name="Fodbold i navnet", tags="bold", town="Lunderskov", **_at(LUNDERSKOV, 7))
    make_association(name="Boldklubben", summary="Vi spiller fodbold hver uge.", tags="bold", town="Lunderskov",
                     **_at(LUNDERSKOV, 2))
    result = match(MatchRequest(lat=LUNDERSKOV[0], lon=LUNDERSKOV[1], interests=["fodbold"]))
    assert _names(result.results) == ["Boldklubben", "Fodbold i navnet"]
    make_association(name="Fodbold for børn", tags="fodbold", age_min="6", age_max="12", **_at(LUNDERSKOV, 9))
    family = match(MatchRequest(lat=LUNDERSKOV[0], lon=LUNDERSKOV[1], interests=["fodbold"], children_ages=[8]))
    assert _names(family.results)[0] == "Fodbold for børn"


def test_welcome_meetings_at_home_first_and_elsewhere_say_where(make_association, make_event):
    """Rules 6 and 8: no interests named."""
    for i in range(6):
        make_association(name=f"Forening {i}", category=["sport", "music"][i % 2], town="Vamdrup")
    make_event(title="Velkomst i Vamdrup", town="Vamdrup", starts_in=timedelta(days=10))
    make_event(title="Velkomst i Lunderskov", town="Lunderskov", starts_in=timedelta(days=3))
    result = match(MatchRequest(address="Vamdrup", adults=2))
    assert result.results[0].name == "Velkomst i Vamdrup"
    assert "i Vamdrup, hvor du bor" in result.results[0].reasons
    elsewhere = next(i for i in result.results if i.name == "Velkomst i Lunderskov")
    assert "i Lunderskov" in elsewhere.reasons
    counts = Counter(i.category for i in result.results if i.type == "association")
    assert max(counts.values()) <= 3  # variety across categories
    assert result.others == []


def test_the_welcome_meeting_at_home_leads_even_when_interests_are_named(make_association, make_event):
    """Rule 6 with interests: the home town's welcome meeting is not pushed among the others."""
    for i in range(4):
        make_association(name=f"Idræt {i}", category="sport", town="Vamdrup")
    make_event(title="Velkomst i Vamdrup", town="Vamdrup", starts_in=timedelta(days=10))
    make_event(title="Velkomst i Lunderskov", town="Lunderskov", starts_in=timedelta(days=3))
    result = match(MatchRequest(address="Vamdrup", adults=2, interests=["sport"]))
    assert result.results[0].name == "Velkomst i Vamdrup"
    assert "Velkomst i Lunderskov" not in [i.name for i in result.results]  # elsewhere: matches nothing named


def test_reasons_are_specific_and_stored_as_codes(make_association):
    """Rule 7."""
    from fællesskab.matching.ranking import Reason, reason_data
    from fællesskab.matching.reasons import format_stored

    make_association(name="Svømmeklubben", category="sport", tags="svømning", age_max="12", **_at(LUNDERSKOV, 2))
    result = match(MatchRequest(lat=LUNDERSKOV[0], lon=LUNDERSKOV[1], interests=["sport", "svømning"],
                                children_ages=[6]))
    reasons = result.results[0].reasons
    assert "matcher »svømning« og »Sport og motion«" in reasons and "for børn op til 12 år" in reasons
    assert not any("None" in r for r in reasons) and "Sport og motion" not in reasons
    stored = result.results[0].reason_codes
    assert format_stored(stored, "da") == reasons
    assert "2.0 km away" in format_stored(stored, "en")
    assert format_stored([reason_data(Reason("age", {"kind": "children", "min": 0, "max": None}))], "da") == \
        ["for børn"]
