"""Pick a listing's text in the UI language: its English text on English pages when it has one.

Associations and events are written in Danish and may carry English text too
(`name_en`, `summary_en`, `description_en`; an event's `title_en`). Danish pages
always show the Danish text; English pages show the English text when present,
and otherwise the Danish text marked `lang="da"` with an "Only in Danish" note.
"""
from __future__ import annotations

from typing import Any, NamedTuple

from flask_babel import get_locale
from markupsafe import Markup


class ListingText(NamedTuple):
    """The text to show, its language, and whether an English page shows it in Danish only."""

    text: str
    lang: str  # "da" | "en"
    danish_only: bool

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)

    @property
    def lang_attr(self) -> Markup:
        """` lang="da"` for Danish text on a page in another language (WCAG 3.1.2), else nothing."""
        return Markup(' lang="da"') if self.lang == "da" and not ui_is_danish() else Markup("")


def ui_is_danish() -> bool:
    return str(get_locale() or "da").startswith("da")


def _get(obj: Any, key: str) -> Any:
    if isinstance(obj, dict):
        return obj.get(key)
    return getattr(obj, key, None)


def pick(danish: str | None, english: str | None, *, danish_ui: bool) -> ListingText:
    """The pure rule (no request needed): English text on English pages when there is any."""
    danish = danish or ""
    english = (english or "").strip()
    if danish_ui:
        return ListingText(danish, "da", False)
    if english:
        return ListingText(english, "en", False)
    return ListingText(danish, "da", bool(danish.strip()))


def listing_text(obj: Any, field: str) -> ListingText:
    """`obj.<field>` in the UI language; `obj` is a model (or a wrapper) or a search hit's stored dict."""
    return pick(_get(obj, field), _get(obj, f"{field}_en"), danish_ui=ui_is_danish())
