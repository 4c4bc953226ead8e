"""(a) Every msgid in the code and templates has a finished English translation.

The extraction runs here with Babel's API (the same babel.cfg and keywords as
`make translations`) into a temporary .pot, so a string added anywhere without
a translation fails this test, which names it.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "fællesskab" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "_l": None}  # as BABEL_KEYWORDS in the Makefile


def _searched(dirpath: str) -> bool:
    """As BABEL_IGNORE_DIRS: Babel's default would also skip `_macros/`."""
    name = os.path.basename(dirpath)
    return not name.startswith(".") and name != "__pycache__"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Catalog:
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    catalog = Catalog(project="Fællesskab")
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True,
            directory_filter=_searched):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    with open(pot, "wb") as out:
        write_po(out, catalog)
    with open(pot, "rb") as back:
        return read_po(back)


@pytest.fixture(scope="module")
def english() -> Catalog:
    with open(PO, "rb") as po:
        return read_po(po, locale="en")


def _texts(value) -> list[str]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def test_the_extraction_finds_the_ui(extracted):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in extracted if m.id}
    assert len(ids) > 800
    # one from each kind of source: a template, a macro in _macros/, a form label (_l), a reason phrase (N_),
    # a service error
    assert {"Spring til indhold", "Ingen forslag.", "Adgangskode", "%(km)s km fra dig", "Sagen findes ikke."} <= ids


def test_every_msgid_has_a_finished_english_translation(extracted, english):
    problems = []
    for message in extracted:
        if not message.id:
            continue
        where = ", ".join(f"{f}:{n}" for f, n in message.locations[:2])
        found = english.get(message.id)
        if found is None or not all(s.strip() for s in _texts(found.string)):
            problems.append(f"missing  {message.id!r}  ({where})")
        elif found.fuzzy:
            problems.append(f"fuzzy    {message.id!r}  ({where})")
    assert not problems, (
        f"{len(problems)} msgid(s) without a finished English translation; run `make translations`, "
        "translate them in fællesskab/translations/en/LC_MESSAGES/messages.po and remove any fuzzy flags:\n  "
        + "\n  ".join(problems))


def test_translations_keep_their_placeholders(english):
    wrong = []
    for message in english:
        if not message.id or not message.string:
            continue
        wanted = set(PLACEHOLDER.findall(" ".join(_texts(message.id))))
        for text in _texts(message.string):
            if set(PLACEHOLDER.findall(text)) != wanted:
                wrong.append(f"{message.id!r} → {text!r}")
    assert not wrong, "placeholders differ:\n  " + "\n  ".join(wrong)


def test_the_catalogue_is_compiled_and_used(app):
    from flask_babel import force_locale, gettext, ngettext

    assert MO.exists(), "run `make compile-translations` (make install and make test do it)"
    with app.test_request_context("/"):
        with force_locale("en"):
            assert gettext("Spring til indhold") == "Skip to content"
            assert ngettext("%(num)s forening", "%(num)s foreninger", 2) == "2 associations"
        assert gettext("Spring til indhold") == "Spring til indhold"  # Danish needs no catalogue
