"""The inbox's numbers (with and without consent, anchored) are kept a short while
(core/counts.py) and follow this process's own changes at once."""
from __future__ import annotations

import sqlalchemy as sa

from fællesskab.outreach import inbox


def test_statistics_follow_newcomers_registered_here(db, make_case):
    make_case()
    assert inbox.statistics()["consenting"] == 1
    make_case()
    make_case(consent_contact=False)
    stats = inbox.statistics()
    assert (stats["consenting"], stats["without_consent"], stats["total"]) == (2, 1, 3)


def test_statistics_kept_against_changes_unseen(db, make_case):
    make_case()
    assert inbox.statistics()["total"] == 1
    db.session.execute(sa.text("UPDATE newcomers SET consent_contact = false"))
    db.session.commit()
    assert inbox.statistics()["consenting"] == 1  # kept: raw SQL is not seen
    make_case()
    assert inbox.statistics()["consenting"] == 1 and inbox.statistics()["without_consent"] == 1
