"""Read values from a request one way everywhere: ids, JSON bodies, redirect targets.

Odd input (digits `int()` refuses such as '²', numbers past the id columns,
JSON nested a thousand deep, a line break in a redirect target) becomes a
ValidationError naming the field — a 400 — or the safe default, never a 500.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import request
from flask_babel import gettext as _

from .errors import ValidationError
from .http_errors import MAX_DB_ID

MAX_ID = MAX_DB_ID  # every id column is an INTEGER (PostgreSQL: at most 2**31 - 1)
_ID = re.compile(r"[0-9]{1,10}")  # ASCII digits only: str.isdigit() also takes '²' and '٣'

MAX_JSON_DEPTH = 20  # our bodies are a flat object holding lists
MAX_JSON_BYTES = 64 * 1024
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_JSON_BRACKET = re.compile(r"[\[\]{}]")

MAX_TARGET_LENGTH = 2000


def valid_id(value: Any) -> bool:
    """Whether `value` is an int an id column can hold."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def parse_id(raw: Any, *, field: str, required: bool = False) -> int | None:
    """Turn an id from a form or query string into an int (None when empty and not required).

    :raises ValidationError: not ASCII digits, or outside 1..MAX_ID (field named).
    """
    value = raw.strip() if isinstance(raw, str) else raw
    if value is None or value == "":
        if required:
            raise ValidationError(_("Feltet «%(field)s» skal udfyldes.", field=field), field=field)
        return None
    if isinstance(value, str) and _ID.fullmatch(value) and valid_id(int(value)):
        return int(value)
    raise ValidationError(_("Feltet «%(field)s» skal være et id: et helt tal fra 1 til %(max)s.",
                            field=field, max=MAX_ID), field=field)


def id_from(values: Mapping[str, Any], name: str, *, required: bool = False) -> int | None:
    """The id in `values[name]` (request.args or request.form); see parse_id."""
    return parse_id(values.get(name), field=name, required=required)


def ids_from(values, name: str, *, limit: int) -> list[int]:
    """All ids given as `name` (a checkbox list), at most `limit` of them; one bad value is a 400."""
    return [parse_id(raw, field=name, required=True) for raw in values.getlist(name)[:limit]]


def _depth(text: str) -> int:
    """How deeply arrays and objects nest in JSON `text`, counted without parsing (no recursion)."""
    depth = deepest = 0
    for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def json_body(*, force: bool = False) -> Any | None:
    """The request's JSON body, or None when there is none or it is not valid JSON.

    :param force: read the body as JSON whatever its Content-Type says.
    :raises ValidationError: the body is too large or nested too deeply (field "body").
    """
    if not (force or request.is_json):
        return None
    data = request.get_data(cache=True)
    if not data:
        return None
    if len(data) > MAX_JSON_BYTES:
        raise ValidationError(_("Indholdet er for stort (højst %(n)s kB).", n=MAX_JSON_BYTES // 1024), field="body")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if _depth(text) > MAX_JSON_DEPTH:
        raise ValidationError(_("Indholdet er indlejret for dybt (højst %(n)s niveauer).", n=MAX_JSON_DEPTH),
                              field="body")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def safe_target(target: Any) -> str | None:
    """`target` when it is a path on this site that is safe to redirect to, else None.

    Refused: other hosts (a scheme, `//host`, `/\\host`), backslashes, and control
    or line-separator characters, which would also break the Location header.
    """
    if not isinstance(target, str) or not target.startswith("/") or len(target) > MAX_TARGET_LENGTH:
        return None
    if target.startswith("//") or "\\" in target:
        return None
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
