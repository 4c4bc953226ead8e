"""A small Markdown subset for user-written text, sanitised with nh3 (the `markdown` Jinja filter).

Associations and forums write descriptions; we show paragraphs, line breaks,
**bold**, *italic*, lists ("- ", "* ", "1. ") and [links](https://…) — nothing
else. The text is HTML-escaped first, so anything that looks like a tag stays
text; the few tags we make are then passed through nh3 (the Rust `ammonia`
sanitiser) with an allow-list, as a second wall: only those tags, only `href`
on links, only http(s)/mailto URLs, and rel="nofollow noopener" on every link.
A full Markdown library would parse far more than we allow (raw HTML, images,
tables), so a few lines of our own are the smaller surface.
"""
from __future__ import annotations

import re
from html import escape

import nh3
from markupsafe import Markup

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
MAX_LENGTH = 20_000  # longer text is cut, not parsed (the regexes stay linear anyway)

_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
_NUMBER = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
_LINK = re.compile(r"\[([^\]\n]{1,200})\]\(((?:https?://|mailto:)[^\s()<>]{1,500})\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![\w*])[*_](?=\S)([^*_\n]+?)(?<=\S)[*_](?![\w*])")


def _inline(text: str) -> str:
    """Bold, italic and links on already-escaped text.

    Links are set aside first, so a `_` or `*` inside a URL never becomes emphasis.
    """
    links: list[str] = []

    def keep(match: re.Match) -> str:
        links.append(f'<a href="{match.group(2)}">{match.group(1)}</a>')
        return f"\x00{len(links) - 1}\x00"

    text = _LINK.sub(keep, text.replace("\x00", ""))
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    text = _ITALIC.sub(r"<em>\1</em>", text)
    return re.sub("\x00(\\d+)\x00", lambda m: links[int(m.group(1))], text)


def _block(lines: list[str]) -> str:
    """One block (lines between blank lines): a list, or a paragraph with line breaks."""
    for pattern, tag in ((_BULLET, "ul"), (_NUMBER, "ol")):
        items = [pattern.match(line) for line in lines]
        if all(items):
            return f"<{tag}>" + "".join(f"<li>{_inline(m.group(1))}</li>" for m in items) + f"</{tag}>"
    return "<p>" + "<br>".join(_inline(line.strip()) for line in lines) + "</p>"


def render(text: str | None) -> str:
    """Markdown subset → safe HTML (a str)."""
    if not text:
        return ""
    escaped = escape(str(text)[:MAX_LENGTH].replace("\r\n", "\n").replace("\r", "\n"), quote=True)
    blocks, current = [], []
    for line in escaped.split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(_block(current))
            current = []
    if current:
        blocks.append(_block(current))
    return nh3.clean("".join(blocks), tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="nofollow noopener", strip_comments=True)


def markdown_filter(text: str | None) -> Markup:
    """The Jinja filter: `{{ assoc.description|markdown }}`."""
    # Safe: render() escapes everything first, and nh3 then enforces the allow-list.
    return Markup(render(text))  # nosec B704
