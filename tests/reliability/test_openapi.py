"""/api/v1/openapi.json describes every /api/v1 route, and the API keeps to it under fuzzing.

schemathesis generates requests from the document (valid and invalid values,
odd Unicode, wrong types) and calls the Flask app through WSGI: no answer may
be a 5xx, and every answer must have a documented status, content type and shape.
"""
from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fællesskab.api.openapi import build_spec


def openapi_path(rule: str) -> str:
    """Flask's `/a/<int:x>` as OpenAPI's `/a/{x}`."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_every_api_route_is_documented(app):
    paths = build_spec()["paths"]
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1")]
    assert len(rules) >= 8
    for rule in rules:
        path = openapi_path(rule.rule)
        assert path in paths, f"{rule.rule} is not in openapi.json"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = paths[path].get(method.lower())
            assert operation, f"{method} {rule.rule} is not in openapi.json"
            assert {"200", "429"} <= set(operation["responses"]), f"{method} {rule.rule} lacks answers"
    documented = {(p, m) for p, ops in paths.items() for m in ops}
    routed = {(openapi_path(r.rule), m.lower()) for r in rules for m in r.methods - {"HEAD", "OPTIONS"}}
    assert documented == routed  # nothing documented that does not exist


def test_document_is_served_and_valid(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    spec = response.get_json()
    assert spec["openapi"].startswith("3.0")
    schema = schemathesis.openapi.from_dict(spec)  # parses and resolves every $ref
    assert len(list(schema.get_all_operations())) == sum(len(ops) for ops in spec["paths"].values())
    error = spec["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["required"] == ["code", "message"]


def test_errors_match_the_document(client):
    for path, status in (("/api/v1/search?q=" + "x" * 201, 400), ("/api/v1/associations/999999", 404),
                         ("/api/v1/geocode?q=", 400)):
        response = client.get(path)
        assert response.status_code == status
        body = response.get_json()
        assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"]


OPERATIONS = [(path, method, mode) for path, ops in build_spec()["paths"].items() for method, op in ops.items()
              for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
              # an operation without input has no invalid request to generate
              if mode == GenerationMode.POSITIVE or op.get("parameters") or op.get("requestBody")]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 40  # per operation and mode: ~700 requests per database, a few seconds
REQUESTS = {"made": 0}


@pytest.fixture
def api_schema(app, db, make_association, make_event):
    """The document, loaded through the app itself, over a little real data."""
    make_association(name="Vamdrup Boldklub", town="Vamdrup", tags="fodbold;håndbold")
    make_association(name="=cmd|' /C calc'!A0", town="Christiansfeld", category="music")
    make_event(title="Velkomstmøde i Almind", capacity=10, registration_required="true")
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


# schemathesis' own pytest plugin (from_fixture) does not run under pytest 9 yet, so each
# operation gets a plain hypothesis test over schemathesis' strategy for it.
@pytest.mark.parametrize(("path", "method", "mode"), OPERATIONS)
def test_api_never_fails_and_keeps_to_its_document(api_schema, path, method, mode):
    operation = api_schema[path][method]

    @settings(max_examples=EXAMPLES, derandomize=True)
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        REQUESTS["made"] += 1
        case.call_and_validate(checks=CHECKS)

    run()
