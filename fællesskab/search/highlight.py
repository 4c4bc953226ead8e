"""Highlight query terms in result texts (HTML-escaped, with <mark>)."""
from __future__ import annotations

import re

from markupsafe import Markup, escape

from .analysis import WORD_PATTERN, fold, word_terms

_WORD = re.compile(WORD_PATTERN)
SNIPPET_CHARS = 220


def _matches(text: str, terms: set[str]) -> list[tuple[int, int]]:
    if not terms:
        return []
    return [(m.start(), m.end()) for m in _WORD.finditer(text)
            if any(t in terms for t in word_terms(fold(m.group())))]


def highlight(text: str | None, terms: set[str]) -> Markup:
    """Return `text` escaped, with every word that matches the query in <mark>."""
    text = text or ""
    out, last = [], 0
    for start, end in _matches(text, terms):
        out += [escape(text[last:start]), Markup("<mark>"), escape(text[start:end]), Markup("</mark>")]
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def snippet(text: str | None, terms: set[str], size: int = SNIPPET_CHARS) -> Markup:
    """Return about `size` characters of `text` around its first match, highlighted."""
    text = " ".join((text or "").split())
    if len(text) <= size:
        return highlight(text, terms)
    spans = _matches(text, terms)
    start = 0
    if spans:
        start = max(0, spans[0][0] - size // 3)
        space = text.rfind(" ", 0, start)
        start = space + 1 if start and space != -1 else start
    end = min(len(text), start + size)
    space = text.rfind(" ", start, end) if end < len(text) else -1
    end = space if space > start else end
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return Markup(prefix) + highlight(text[start:end], terms) + Markup(suffix)
