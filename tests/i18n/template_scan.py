"""Find user-visible text in templates that is not wrapped in `_()` / `{% trans %}`.

Every Jinja construct is replaced by a marker, `{% trans %}` blocks are
dropped (their text is in the catalogue), and what is left is parsed as HTML:
text nodes and the attributes people see or hear (title, aria-label, alt,
placeholder, …) must then hold no letters.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "fællesskab" / "templates"
# Per-language emails (`*.da.*`, `*.en.*`) are written out in their language on purpose.
PER_LANGUAGE = re.compile(r"\.(da|en)\.(html|txt)$")
VISIBLE_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description", "aria-roledescription",
                      "aria-valuetext", "label"}
# Proper nouns, symbols and technical words that read the same in Danish and English.
ALLOWLIST = {
    "Fællesskab Kolding", "Kolding", "CSV", "iCalendar", "OpenStreetMap", "GeoNames", "Boblberg", "E-mail",
    "ODbL", "km", "OK", "Dansk", "English", "©", "WCAG", "Digitaliseringsstyrelsen", "Datatilsynet",
    "Kolding Kommune", "www.datatilsynet.dk", "was.digst.dk", "digst.dk",
}
MARKER = "¤"  # no letters; valid where an attribute name would be
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_TRANS = re.compile(r"\{%-?\s*trans\b.*?%\}.*?\{%-?\s*endtrans\s*-?%\}", re.S)
_EMAIL = re.compile(r"\S+@\S+|https?://\S+|\b[\w.-]+\.(?:dk|org|com|eu)(?:/\S*)?")
# `{% if language == 'en' %}…{% else %}…{% endif %}`: written out per language on purpose (emails, letters).
_ATTRIBUTES_ONLY = re.compile(r'^\s*(?:[\w-]+="[^"]*"\s*)+$')
_LANGUAGE_BRANCH = re.compile(
    r"\{%-?\s*if\s+[\w.]*language\s*==\s*['\"]en['\"]\s*-?%\}.*?\{%-?\s*endif\s*-?%\}", re.S)


def _visible(text: str) -> str | None:
    """`text` with markers, e-mails/URLs and allowlisted words removed, or None when nothing readable is left."""
    text = _EMAIL.sub(" ", text.replace(MARKER, " "))
    text = " ".join(text.split())
    if text in ALLOWLIST:
        return None
    for word in sorted(ALLOWLIST, key=len, reverse=True):
        text = text.replace(word, " ")
    return text.strip() if re.search(r"[^\W\d_]{2,}", text) else None


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._skip = 0  # inside <script>/<style>

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            shown = name in VISIBLE_ATTRIBUTES or (
                name == "value" and tag == "input" and dict(attrs).get("type") in ("submit", "button"))
            if shown and value and (text := _visible(value)):
                self.found.append((self.getpos()[0], f'{name}="{text}"'))

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if _ATTRIBUTES_ONLY.match(data.replace(MARKER, " ")):  # a macro that prints attributes
            return
        if not self._skip and (text := _visible(data)):
            self.found.append((self.getpos()[0], text))


def untranslated(source: str) -> list[tuple[int, str]]:
    """(line, text) for each piece of user-visible text outside the translation calls."""
    blank = lambda m: "\n" * m.group(0).count("\n")  # noqa: E731 - keep line numbers
    source = _TRANS.sub(lambda m: MARKER + blank(m), source)
    source = _LANGUAGE_BRANCH.sub(lambda m: MARKER + blank(m), source)
    source = _JINJA.sub(lambda m: MARKER + blank(m), source)
    scanner = _Scanner()
    scanner.feed(source)
    scanner.close()
    return scanner.found


def scan_all() -> dict[str, list[tuple[int, str]]]:
    result = {}
    for path in sorted(TEMPLATES.rglob("*")):
        if (path.is_file() and path.suffix in (".html", ".txt") and not PER_LANGUAGE.search(path.name)
                and (found := untranslated(path.read_text(encoding="utf-8")))):
            result[str(path.relative_to(TEMPLATES))] = found
    return result


if __name__ == "__main__":
    for name, found in scan_all().items():
        for line, text in found:
            print(f"{name}:{line}: {text}")
