"""(d) Dates, numbers and distances per locale, in Copenhagen time."""
from __future__ import annotations

from datetime import UTC, date, datetime

from fællesskab.core import formatting
from fællesskab.matching.ranking import Reason
from fællesskab.matching.reasons import format_reason

# 18:30 UTC on a summer day is 20:30 in Copenhagen (CEST)
SUMMER = datetime(2027, 6, 11, 18, 30, tzinfo=UTC)
WINTER = datetime(2027, 1, 8, 17, 0, tzinfo=UTC)  # 18:00 CET


def test_dates_in_both_languages_in_copenhagen_time():
    assert formatting.datetime_text(SUMMER, locale="da") == "fredag 11. juni 2027 kl. 20:30"
    assert formatting.datetime_text(SUMMER, locale="en") == "Friday 11 June 2027 at 20:30"
    assert formatting.datetime_text(WINTER, "short", "da") == "8. jan. 18:00"
    assert formatting.datetime_text(WINTER, "short", "en") == "8 Jan 18:00"
    assert formatting.date_text(date(2027, 3, 1), locale="da") == "1. marts 2027"
    assert formatting.date_text(date(2027, 3, 1), locale="en") == "1 March 2027"
    assert formatting.date_text(SUMMER, "month", "en") == "June 2027"
    assert formatting.time_text(WINTER, "en") == "18:00"
    assert formatting.datetime_text(None) == "" and formatting.date_text(None) == ""


def test_numbers_and_distances_in_both_languages():
    assert formatting.number_text(1234.5, "da") == "1.234,5"
    assert formatting.number_text(1234.5, "en") == "1,234.5"
    assert formatting.distance_text(1.24, "da") == "1,2\u00a0km"
    assert formatting.distance_text(1.24, "en") == "1.2\u00a0km"
    assert formatting.distance_number(12.6, "da") == "13"
    assert formatting.distance_number(0.04, "en") == "0.0"


def test_the_templates_and_reasons_use_the_request_language(app):
    render = app.jinja_env.from_string("{{ when|local_datetime }} · {{ when|local_date }} · {{ n|number }} · "
                                       "{{ km|distance }}")
    with app.test_request_context("/?lang=en"):
        assert render.render(when=SUMMER, n=2500, km=3.25) == \
            "Friday 11 June 2027 at 20:30 · 11 June 2027 · 2,500 · 3.2\u00a0km"
    with app.test_request_context("/"):
        assert render.render(when=SUMMER, n=2500, km=3.25) == \
            "fredag 11. juni 2027 kl. 20:30 · 11. juni 2027 · 2.500 · 3,2\u00a0km"
    with app.app_context():
        reason = Reason("distance", {"km": 1.26})
        assert (format_reason(reason, "da"), format_reason(reason, "en")) == ("1,3 km fra dig", "1.3 km away")
        event = Reason("event", {"kind": "welcome-meeting", "starts_at": WINTER})
        assert format_reason(event, "da") == "velkomstmøde 8. januar kl. 18"
        assert format_reason(event, "en") == "welcome meeting 8 January at 18:00"
