"""Input parsers shared by forms, the API and CSV imports (fællesskab.core.fields)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fællesskab.core import fields
from fællesskab.core.fields import FieldError

# --- text and lists -------------------------------------------------------------------------


def test_text_strips_and_turns_empty_into_none():
    assert fields.text("  Vamdrup  ", max_length=20) == "Vamdrup"
    assert fields.text("   ", max_length=20) is None
    assert fields.text(None, max_length=20) is None


def test_text_required_and_max_length():
    with pytest.raises(FieldError, match="skal udfyldes"):
        fields.text("  ", max_length=20, required=True, label="Navnet")
    with pytest.raises(FieldError, match="for lang"):
        fields.text("x" * 21, max_length=20)
    assert fields.text("x" * 20, max_length=20) == "x" * 20


def test_text_refuses_non_text():
    with pytest.raises(FieldError):
        fields.text(12, max_length=20)


def test_str_list_splits_on_semicolon_strips_and_drops_repeats():
    assert fields.str_list(" fodbold ; håndbold;;fodbold ") == ["fodbold", "håndbold"]
    assert fields.str_list(["a", " b "]) == ["a", "b"]
    assert fields.str_list("") == []
    assert fields.str_list(None) == []


def test_str_list_refuses_other_types():
    with pytest.raises(FieldError):
        fields.str_list(5)
    with pytest.raises(FieldError):
        fields.str_list(["a", 5])


def test_slug_list_lowercases_and_refuses_unknown_slugs():
    allowed = ["children", "teens"]
    assert fields.slug_list("Children;TEENS", allowed, label="målgruppe") == ["children", "teens"]
    with pytest.raises(FieldError, match="toddlers"):
        fields.slug_list("children;toddlers", allowed, label="målgruppe")


# --- integers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("12", 12), (" 7 ", 7), ("+5", 5), ("-3", -3), ("0", 0), (42, 42), (6.0, 6), ("", None), ("  ", None), (None, None),
])
def test_integer_accepts(raw, expected):
    assert fields.integer(raw) == expected


@pytest.mark.parametrize("raw", ["1.5", "1,5", "ti", "12 år", "1e3", "0x10", "1234567890", True, False, 2.5, [1]])
def test_integer_refuses(raw):
    with pytest.raises(FieldError):
        fields.integer(raw)


def test_integer_bounds():
    assert fields.integer("0", minimum=0, maximum=120) == 0
    assert fields.integer("120", minimum=0, maximum=120) == 120
    with pytest.raises(FieldError, match="mindst 0"):
        fields.integer("-1", minimum=0)
    with pytest.raises(FieldError, match="højst være 120"):
        fields.integer("121", maximum=120)


def test_integer_message_names_the_field_and_the_value():
    with pytest.raises(FieldError) as exc:
        fields.integer("ti", label="age_min")
    assert "age_min" in str(exc.value) and "'ti'" in str(exc.value)


# --- decimals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("55.49", 55.49), ("55,49", 55.49), (" 9,4722 ", 9.4722), ("56", 56.0), (55, 55.0), (55.5, 55.5),
])
def test_decimal_accepts_point_and_comma(raw, expected):
    assert fields.decimal(raw, minimum=0, maximum=90, label="lat") == pytest.approx(expected)


def test_decimal_empty_is_none():
    assert fields.decimal("", minimum=0, maximum=90, label="lat") is None
    assert fields.decimal(None, minimum=0, maximum=90, label="lat") is None


@pytest.mark.parametrize("raw", ["abc", "55.4.9", "55,49,1", "1e2", "nan", "inf", "55 49", True,
                                 float("nan"), float("inf")])
def test_decimal_refuses_garbage(raw):
    with pytest.raises(FieldError):
        fields.decimal(raw, minimum=0, maximum=90, label="lat")


def test_decimal_range():
    with pytest.raises(FieldError, match="mellem"):
        fields.decimal("91", minimum=0, maximum=90, label="lat")
    with pytest.raises(FieldError, match="mellem"):
        fields.decimal("-0.5", minimum=0, maximum=90, label="lat")
    assert fields.decimal("90", minimum=0, maximum=90, label="lat") == 90.0


# --- booleans ---------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["true", "TRUE", " True ", "ja", "Ja", "yes", "1", "sand", True])
def test_boolean_true_words(raw):
    assert fields.boolean(raw) is True


@pytest.mark.parametrize("raw", ["false", "FALSE", "nej", "NEJ", "no", "0", "falsk", False])
def test_boolean_false_words(raw):
    assert fields.boolean(raw) is False


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_boolean_empty_is_none(raw):
    assert fields.boolean(raw) is None


@pytest.mark.parametrize("raw", ["måske", "y", "t", "2", "ja tak", "truee"])
def test_boolean_refuses_garbage(raw):
    with pytest.raises(FieldError, match="true eller false"):
        fields.boolean(raw, label="welcomes_newcomers")


# --- emails, urls, phones, postcodes -----------------------------------------------------------


def test_email_normalises_the_domain():
    assert fields.email(" kontakt@Vamdrup-IF.DK ") == "kontakt@vamdrup-if.dk"


def test_email_empty_is_none():
    assert fields.email("") is None
    assert fields.email(None) is None


@pytest.mark.parametrize("raw", ["ikke en mail", "a@", "@example.org", "a@@example.org", "a b@example.org",
                                 "a@example"])
def test_email_refuses_invalid(raw):
    with pytest.raises(FieldError, match="ikke gyldig"):
        fields.email(raw)


@pytest.mark.parametrize("raw", ["https://example.org", "http://vamdrup-if.dk/fodbold?hold=u9",
                                 "HTTPS://EXAMPLE.ORG"])
def test_url_accepts_http_and_https(raw):
    assert fields.url(raw) == raw


@pytest.mark.parametrize("raw", ["example.org", "www.example.org", "ftp://example.org", "javascript:alert(1)",
                                 "http://", "https:// example.org", "http://exa mple.org"])
def test_url_refuses_other_things(raw):
    with pytest.raises(FieldError, match="http"):
        fields.url(raw)


def test_url_empty_is_none():
    assert fields.url("  ") is None


@pytest.mark.parametrize("raw", ["+45 75 50 15 00", "75501500", "(+45) 75-50-15-00", "75.50.15.00"])
def test_phone_accepts(raw):
    assert fields.phone(raw) == raw


@pytest.mark.parametrize("raw", ["12345", "ring til Jens", "75 50 15 00 ext. 3", "+45 <script>"])
def test_phone_refuses(raw):
    with pytest.raises(FieldError):
        fields.phone(raw)


def test_phone_empty_is_none():
    assert fields.phone("") is None


@pytest.mark.parametrize("raw, expected", [("6000", "6000"), (" 6580 ", "6580"), (6070, "6070"), ("", None)])
def test_postcode_accepts_four_digits(raw, expected):
    assert fields.postcode(raw) == expected


@pytest.mark.parametrize("raw", ["600", "60000", "DK-6000", "6000 Kolo", "abcd", "6 000"])
def test_postcode_refuses(raw):
    with pytest.raises(FieldError, match="fire cifre"):
        fields.postcode(raw)


def test_postcode_refuses_long_text():
    with pytest.raises(FieldError):
        fields.postcode("6000 Kolding")


# --- aware datetimes --------------------------------------------------------------------------


def test_aware_datetime_keeps_the_offset():
    parsed = fields.aware_datetime("2027-03-04T19:00:00+01:00", label="starts_at")
    assert parsed.utcoffset() == timedelta(hours=1)
    assert parsed.astimezone(UTC) == datetime(2027, 3, 4, 18, 0, tzinfo=UTC)


def test_aware_datetime_accepts_z_as_utc():
    parsed = fields.aware_datetime("2027-03-04T18:00:00Z", label="starts_at")
    assert parsed == datetime(2027, 3, 4, 18, 0, tzinfo=UTC)


def test_aware_datetime_accepts_an_aware_datetime_object():
    value = datetime(2027, 3, 4, 18, 0, tzinfo=UTC)
    assert fields.aware_datetime(value, label="starts_at") == value


@pytest.mark.parametrize("raw", ["2027-03-04T19:00:00", "2027-03-04 19:00", "2027-03-04",
                                 datetime(2027, 3, 4, 19, 0)])
def test_aware_datetime_refuses_a_missing_offset(raw):
    with pytest.raises(FieldError, match="tidszone"):
        fields.aware_datetime(raw, label="starts_at")


@pytest.mark.parametrize("raw", ["i morgen kl. 19", "04-03-2027 19:00+01:00", "2027-13-01T10:00:00+01:00",
                                 "2027-03-04T25:00:00+01:00"])
def test_aware_datetime_refuses_garbage(raw):
    with pytest.raises(FieldError, match="ISO 8601"):
        fields.aware_datetime(raw, label="starts_at")


def test_aware_datetime_empty_is_none():
    assert fields.aware_datetime("", label="ends_at") is None
    assert fields.aware_datetime(None, label="ends_at") is None


# --- language codes ---------------------------------------------------------------------------


def test_language_codes_lowercase_and_split():
    assert fields.language_codes("da; EN ;uk") == ["da", "en", "uk"]
    assert fields.language_codes("") == []
    assert fields.language_codes(["DE"]) == ["de"]


@pytest.mark.parametrize("raw", ["dansk", "da;eng", "d", "da-DK", "1a"])
def test_language_codes_refuse_non_iso_639_1(raw):
    with pytest.raises(FieldError, match="ISO 639-1"):
        fields.language_codes(raw)
