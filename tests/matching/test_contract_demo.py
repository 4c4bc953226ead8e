"""Issue 20's cases under "Why" on the demo data: the Kolding family that ticks a category and types a word,
and reasons that are true (no "None", no bare category, the event's own ages)."""
from __future__ import annotations

from fællesskab.matching.reasons import CATEGORIES
from tests.helpers import ids, post_match

JERNBANEGADE = {"address": "Jernbanegade 10, 6000 Kolding", "children_ages": [4, 9], "adults": 2}


def test_a_typed_word_is_not_drowned_by_the_ticked_category(demo):
    with_category = post_match(demo, {**JERNBANEGADE, "interests": ["sport", "svømning"]})
    assert "A-184" in ids(with_category, 3)  # Kolding Svømmeklub
    assert "others" in with_category and not {r["id"] for r in with_category["others"]} & \
        {r["id"] for r in with_category["results"] if r["type"] == "association"}


def test_reasons_are_true_and_specific(demo):
    bodies = [{**JERNBANEGADE, "interests": i} for i in (["sport", "svømning"], ["hobby"], [], ["fodbold"])]
    bodies += [{"address": "Vamdrup", "children_ages": [10], "interests": ["fodbold"]}]
    labels = set(CATEGORIES.values())
    seen = []
    for body in bodies:
        for lang in ("da", "en"):
            r = post_match(demo, body, lang)
            for item in r["results"] + r["others"]:
                for reason in item["reasons"]:
                    assert "None" not in reason and reason not in labels, (item["name"], reason)
                seen.append(item)
    trial = [i for i in seen if i["external_id"] == "DEMO-E-049"]  # Prøvetræning for piger U9–U12
    assert trial and all("8–11" in " ".join(i["reasons"]) for i in trial), [i["reasons"] for i in trial]
