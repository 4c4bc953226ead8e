"""Odd input to any endpoint is a 400 naming the field (or a safe default), never a 500 (issue 18, finding 6).

The explicit cases come from the attack report; the walker then sends odd
values to every route in the URL map, for every parameter the route reads.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl

import pytest
from werkzeug.datastructures import ImmutableMultiDict

from ..outreach.conftest import make_case  # noqa: F401
from .test_access import SKIP, sample_args  # noqa: F401  (the fixture: plausible path values)

ODD_IDS = ["²", "99999999999999999999", "٣"]
NESTED = "[" * 1000 + "]" * 1000  # 2 kB


# ---------- the cases from the report ----------

@pytest.mark.parametrize("path", ["/api/v1/match", "/api/v1/geocode", "/api/v1/geocode/autocomplete"])
def test_deeply_nested_json_is_a_400_naming_the_body(client, path):
    for body in (NESTED, '{"q": ' + NESTED + "}"):
        response = client.post(path, data=body, content_type="application/json")
        assert response.status_code == 400, response.get_data(as_text=True)[:300]
        assert response.get_json()["error"]["field"] == "body"


def test_a_json_body_past_the_limit_is_a_400(client):
    from fællesskab.core.params import MAX_JSON_BYTES

    body = '{"address": "' + "a" * MAX_JSON_BYTES + '"}'
    response = client.post("/api/v1/match", data=body, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "body"


def _assert_names(response, field):
    assert response.status_code == 400, (response.status_code, response.headers.get("Location"),
                                         response.get_data(as_text=True)[:300])
    assert f"«{field}»" in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ODD_IDS)
def test_odd_ids_in_case_forms_are_a_400_naming_the_field(client, login_as, make_case, value):  # noqa: F811
    login_as("coordinator")
    case = make_case(name="Ida Id", email="ida@example.org")
    _assert_names(client.post("/koordinator/tilflyttere/handling", data={"sag": value, "handling": "kontaktet"}),
                  "sag")
    _assert_names(client.post(f"/koordinator/tilflyttere/{case.id}/tildel", data={"koordinator": value}),
                  "koordinator")


@pytest.mark.parametrize("value", ODD_IDS)
def test_odd_ids_in_the_audit_log_filter_are_a_400_naming_the_field(client, login_as, value):
    login_as("admin")
    for path in ("/admin/log", "/admin/log.csv"):
        _assert_names(client.get(path, query_string={"subject_id": value}), "subject_id")


@pytest.mark.parametrize("value", ODD_IDS)
def test_odd_ids_in_the_self_service_consent_form_are_a_400(client, db, make_case, value):  # noqa: F811
    from ..privacy.test_self_service import _link

    make_case(name="Sara Selv", email="sara@example.org")
    client.post("/privatliv/mine-data/", data={"email": "sara@example.org"})
    link = re.search(r"/privatliv/mine-data/adgang/\S+", _link(db, "sara@example.org")[0].text_body).group(0)
    opened = client.get(link)
    assert opened.headers["Location"].endswith("/privatliv/mine-data/oversigt")
    _assert_names(client.post("/privatliv/mine-data/samtykke", data={"newcomer_id": value, "purpose": "contact"}),
                  "newcomer_id")


@pytest.mark.parametrize("target", ["/a\r\nX:y", "/a\nb", "/a\\b", "/\\evil.example", "//evil.example",
                                    "/a\x00b", "/a\u2028b", "https://evil.example/"])
def test_an_unsafe_language_switch_target_goes_to_the_front_page(client, target):
    response = client.post("/sprog", data={"lang": "en", "next": target})
    assert response.status_code == 302 or (response.status_code == 400 and "\x00" in target)
    if response.status_code == 302:
        assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/a\r\nX:y", "/a\nb", "/\\evil.example"])
def test_an_unsafe_login_target_goes_to_the_start_page(client, make_user, target):
    from tests.helpers import PASSWORD

    user = make_user("coordinator")
    response = client.post("/login", query_string={"next": target}, data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/koordinator/"


def test_a_safe_target_is_kept(client):
    response = client.post("/sprog", data={"lang": "en", "next": "/foreninger?q=kor&page=2"})
    assert response.headers["Location"] == "/foreninger?q=kor&page=2"


# ---------- every route ----------

# Digits int() refuses; past every id column; below it; a redirect target with a line break, a
# backslash, DEL and a Unicode line separator. (A NUL is refused for every route in http_errors.)
ODD_VALUES = ["²", "99999999999999999999", "-1", "/a\r\nX:y\\b\x7f\u2028"]


class _Recording(ImmutableMultiDict):
    """Query and form values that note which names the view asked for."""

    asked: set[str] = set()

    def get(self, key, default=None, type=None):  # noqa: A002
        self.asked.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        self.asked.add(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        self.asked.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.asked.add(key)
        return super().__contains__(key)


def _path_values(path_args) -> dict[str, object]:
    case_id = path_args["cases.case_detail"]["case_id"]
    event_id = path_args["events.event_detail"]["event_id"]
    return {"case_id": case_id, "event_id": event_id, "registration_id": 1, "revision_id": 1,
            "slug": path_args["events.forum_calendar_feed"]["slug"], "token": "ugyldig", "name": "tragt",
            "kind_slug": "tilflytter", "assoc_id": path_args["api.association_detail"]["assoc_id"]}


def _walk(app, client, path_args) -> list[str]:
    from flask import url_for

    defaults = _path_values(path_args)
    rules = sorted((r for r in app.url_map.iter_rules() if r.endpoint not in SKIP),
                   key=lambda r: (r.endpoint == "accounts.logout", r.rule))  # logging out comes last
    failures = []
    base: dict[str, str] = {}

    def send(method, url, values=None, **kw):
        _Recording.asked = set()
        values = {**base, **(values or {})}
        if method == "GET":
            response = client.get(url, query_string=values, **kw)
        else:
            response = client.open(url, method=method, query_string=values,
                                   **({"data": values} if "data" not in kw else {}), **kw)
        if response.status_code >= 500:
            failures.append(f"{method} {url} {values!r:.80} {kw.get('content_type', '')}: {response.status_code}")
        return set(_Recording.asked)

    for rule in rules:
        args = {**{a: defaults[a] for a in rule.arguments if a in defaults}, **path_args.get(rule.endpoint, {})}
        with app.test_request_context():
            url, _sep, query = url_for(rule.endpoint, **args).partition("?")
        base = dict(parse_qsl(query))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            todo = send(method, url)
            done: set[str] = set()
            while todo - done:
                name = min(todo - done)
                done.add(name)
                for value in ODD_VALUES:
                    todo |= send(method, url, {name: value})
            if method == "POST" and url.startswith("/api/"):
                for body in (NESTED, '{"q": ' + NESTED + "}", '{"q": "²", "limit": "99999999999999999999"}'):
                    send(method, url, data=body, content_type="application/json")
    return failures


@pytest.mark.parametrize("role", ["anonymous", "forum", "coordinator", "admin"])
def test_no_route_answers_odd_input_with_a_5xx(app, client, login_as, sample_args, monkeypatch, role):  # noqa: F811
    monkeypatch.setattr(app.request_class, "parameter_storage_class", _Recording)
    if role != "anonymous":
        login_as(role)
    failures = _walk(app, client, sample_args)
    assert not failures, "\n".join(failures)
