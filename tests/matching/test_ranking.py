"""The ranking (pure: no app, no database) and the wording of reasons."""
from __future__ import annotations

import ast
import os
from datetime import UTC, datetime

import pytest

from fællesskab.matching import ranking
from fællesskab.matching.ranking import Household, Listing, Reason
from fællesskab.matching.reasons import format_reason, format_reasons

COUPLE = Household(adults=2)
FAMILY = Household(children_ages=(4, 9), adults=2)
ENGLISH = Household(adults=2, languages=("en",))
SENIORS = Household(adults=2, seniors=True)


def test_ranking_module_is_pure():
    path = os.path.join(os.path.dirname(ranking.__file__), "ranking.py")
    with open(path, encoding="utf-8") as fh:
        tree = ast.parse(fh.read())
    imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {m for m in imported if m.split(".")[0] in ("flask", "flask_babel", "sqlalchemy", "whoosh")}
    relative = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level > 0]
    assert not relative, relative  # nothing of the app (models, extensions, services)


def test_distance_decays_smoothly_and_max_km_cuts_off():
    assert ranking.distance_fit(0) == 1.0
    assert ranking.distance_fit(ranking.HALF_KM) == pytest.approx(0.5)
    values = [ranking.distance_fit(k / 10) for k in range(0, 400)]
    assert all(a > b for a, b in zip(values, values[1:], strict=False))
    listing = Listing(category="sport")
    assert not ranking.excluded(Household(max_km=15), listing, 14.9)
    assert ranking.excluded(Household(max_km=15), listing, 15.1)
    assert ranking.excluded(Household(max_km=5), listing, 6)


def test_age_fit():
    kids_club = Listing(age_min=6, age_max=10)
    a, penalty, reason = ranking.age_fit(FAMILY, kids_club)
    assert (a, penalty) == (1.0, 1.0) and reason == Reason("age", {"kind": "children", "min": 6, "max": 10})
    # nobody of a couple fits a children's club: a strong penalty
    a, penalty, _r = ranking.age_fit(COUPLE, kids_club)
    assert a == 0 and penalty == ranking.AGE_PENALTY
    # teenagers' club for small children: no
    assert ranking.age_fit(Household(children_ages=(2,)), Listing(age_min=13, age_max=17))[1] < 1
    # an adult club fits a couple better than a family with children
    assert ranking.age_fit(COUPLE, Listing(age_min=18))[0] > ranking.age_fit(FAMILY, Listing(age_min=18))[0]
    # seniors' clubs fit those who asked for them
    assert ranking.age_fit(SENIORS, Listing(age_min=60))[0] == 1.0
    assert ranking.age_fit(COUPLE, Listing(age_min=60))[0] < 0.5
    # target groups stand in for missing ages
    assert ranking.age_range(Listing(target_groups=("children",))) == (0, 12)
    assert ranking.age_range(Listing(target_groups=("children", "adults"))) is None
    assert ranking.age_fit(FAMILY, Listing(target_groups=("families",)))[2] == Reason("age", {"kind": "family"})
    # a welcome meeting is for the whole household
    assert ranking.age_fit(COUPLE, Listing(event_kind="welcome-meeting"))[0] == 1.0


def test_language_fit():
    speaks_english = Reason("language", {"kind": "speaks", "lang": "en"})
    assert ranking.language_fit(ENGLISH, ("da", "en")) == (1.0, 1.0, speaks_english)
    value, penalty, reason = ranking.language_fit(ENGLISH, ("da",))
    assert value == 0 and penalty == ranking.LANGUAGE_PENALTY and reason.params == {"kind": "only", "lang": "da"}
    # a Danish household is not penalised for an English-only listing
    assert ranking.language_fit(COUPLE, ("en",))[:2] == (0.5, 1.0)
    # English first, Danish too: Danish-only listings are fine, English ones better
    both = Household(languages=("en", "da"))
    assert ranking.language_fit(both, ("da",))[:2] == (0.8, 1.0)
    assert ranking.language_fit(both, ("en",))[0] == 1.0


def test_welcome_and_interest_parts():
    assert ranking.welcome_fit(Listing(welcomes_newcomers=True)) == 1.0
    assert ranking.welcome_fit(Listing(welcomes_newcomers=None)) == 0.5
    assert ranking.welcome_fit(Listing(welcomes_newcomers=False)) < 0.5
    assert ranking.welcome_fit(Listing(target_groups=("newcomers",))) == 1.0
    assert ranking.welcome_fit(Listing(event_kind="welcome-meeting")) == 1.0
    # interest matters: a match beats a non-match at the same place
    h = Household(has_interests=True)
    assert ranking.rank_score(h, Listing(), 1, typed=1, strength=1.0) > ranking.rank_score(h, Listing(), 1)


def test_sort_key_breaks_ties_deterministically():
    keys = [ranking.sort_key(0.5, 2.0, "event", "B", 1), ranking.sort_key(0.5, 2.0, "association", "b", 9),
            ranking.sort_key(0.5, 2.0, "association", "a", 9), ranking.sort_key(0.5, 1.0, "event", "z", 5),
            ranking.sort_key(0.7, 9.0, "event", "z", 5), ranking.sort_key(0.5, 2.0, "association", "a", 3)]
    assert sorted(keys) == [keys[4], keys[3], keys[5], keys[2], keys[1], keys[0]]


def _items(cats: str) -> list[tuple[int, str]]:
    return list(enumerate(cats))


def test_diversity_at_most_three_of_a_category_in_the_top_ten():
    items = _items("aaaaaabbbbbccccd")
    picked = ranking.select_diverse(items, 10, lambda x: x[1])
    assert [c for _i, c in picked] == list("aaabbbcccd")
    assert [i for i, _c in picked] == sorted(i for i, _c in picked)  # still best first


def test_diversity_fills_up_when_too_few_categories():
    picked = ranking.select_diverse(_items("aaaaaaab"), 6, lambda x: x[1])
    assert [i for i, _c in picked] == [0, 1, 2, 3, 4, 7]  # the best skipped fill the list, in order


def test_diversity_exempts_the_one_category_asked_for():
    picked = ranking.select_diverse(_items("aaaaaabbbbbcc"), 10, lambda x: x[1], exempt={"a"})
    assert [c for _i, c in picked] == list("aaaaaabbbc")


def test_diversity_applies_to_each_run_of_ten():
    picked = ranking.select_diverse(_items("a" * 12 + "bcdefghijklmnop"), 20, lambda x: x[1])
    first, second = [c for _i, c in picked[:10]], [c for _i, c in picked[10:]]
    assert first.count("a") == 3 and second.count("a") == 3


def test_reasons_are_two_to_four_and_most_telling_first():
    listing = Listing(category="sport", age_min=6, age_max=10, languages=("da", "en"), welcomes_newcomers=True)
    why = ranking.reasons(Household(children_ages=(8,), languages=("en",), has_interests=True), listing, 1.23,
                          matched=["fodbold"])
    assert [r.code for r in why] == ["distance", "interest", "age", "language"]
    minimal = ranking.reasons(COUPLE, Listing(category="hobby", welcomes_newcomers=False), 3.0)
    assert [r.code for r in minimal] == ["distance"]  # never a bare category
    starts = datetime(2027, 3, 12, 18, 0, tzinfo=UTC)
    event = ranking.reasons(COUPLE, Listing(category="local-community", event_kind="welcome-meeting"), 0.5,
                            starts_at=starts, village="Ødis")
    assert [r.code for r in event] == ["distance", "event", "village"]


@pytest.mark.parametrize("reason,danish,english", [
    (Reason("distance", {"km": 1.234}), "1,2 km fra dig", "1.2 km away"),
    (Reason("distance", {"km": 12.4}), "12 km fra dig", "12 km away"),
    (Reason("event", {"kind": "welcome-meeting", "starts_at": datetime(2027, 3, 12, 18, 0, tzinfo=UTC)}),
     "velkomstmøde 12. marts kl. 19", "welcome meeting 12 March at 19:00"),
    (Reason("event", {"kind": "open-house", "starts_at": datetime(2027, 7, 1, 17, 30, tzinfo=UTC)}),
     "åbent hus 1. juli kl. 19:30", "open house 1 July at 19:30"),
    (Reason("age", {"kind": "children", "min": 6, "max": 10}), "for børn 6–10 år", "for children aged 6–10"),
    (Reason("age", {"kind": "children", "min": 5, "max": None}), "for børn fra 5 år", "for children from age 5"),
    (Reason("age", {"kind": "seniors", "min": 60, "max": None}), "for seniorer fra 60 år", "for seniors from age 60"),
    (Reason("age", {"kind": "family"}), "for hele familien", "for the whole family"),
    (Reason("language", {"kind": "speaks", "lang": "en"}), "taler engelsk", "English spoken"),
    (Reason("language", {"kind": "only", "lang": "da"}), "foregår på dansk", "in Danish"),
    (Reason("interest", {"words": ["fodbold", "kor"]}), "matcher »fodbold« og »kor«", "matches “fodbold” and “kor”"),
    (Reason("interest", {"words": ["sport"]}), "matcher »Sport og motion«", "matches “Sport and exercise”"),
    (Reason("village", {"place": "Ødis"}), "i Ødis, hvor du bor", "in Ødis, where you live"),
    (Reason("newcomers"), "nye er velkomne", "newcomers welcome"),
    (Reason("age", {"kind": "children", "min": None, "max": 12}), "for børn op til 12 år", "for children up to age 12"),
    (Reason("where", {"place": "Vamdrup"}), "i Vamdrup", "in Vamdrup"),
])
def test_reasons_in_danish_and_english(app, reason, danish, english):
    with app.app_context():  # the translations are Flask-Babel's
        assert format_reason(reason, "da") == danish
        assert format_reason(reason, "en") == english
        assert format_reason(reason, "en_GB") == english
        assert format_reasons([reason], "fr") == [danish]  # anything else: Danish
