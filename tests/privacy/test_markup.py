"""The Markdown subset for descriptions: what it renders, and that nothing else gets through."""
from __future__ import annotations

import pytest

from fællesskab.core.markup import render


def test_the_subset():
    html = render("Hej **alle** og *velkommen*\nkl. 19\n\n- fodbold\n- kor\n\n1. mød op\n2. spil\n\n"
                  "Se [vores side](https://example.org/om?a=1&b=2).")
    assert html == ('<p>Hej <strong>alle</strong> og <em>velkommen</em><br>kl. 19</p>'
                    '<ul><li>fodbold</li><li>kor</li></ul><ol><li>mød op</li><li>spil</li></ol>'
                    '<p>Se <a href="https://example.org/om?a=1&amp;b=2" rel="nofollow noopener">vores side</a>.</p>')


@pytest.mark.parametrize("attack", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[klik](javascript:alert(1))",
    "[klik](https://x.dk/\" onmouseover=\"alert(1))",
    '<a href="https://x.dk" onclick="alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    "**<b onmouseover=alert(1)>fed</b>**",
    "[a](data:text/html;base64,PHNjcmlwdD4=)",
])
def test_nothing_outside_the_subset_becomes_markup(attack):
    html = render(attack)
    tags = _tags(html)
    assert {name for name, _attrs in tags} <= {"p", "br", "strong", "em", "ul", "ol", "li", "a"}, html
    for name, attrs in tags:
        allowed = {"href", "rel"} if name == "a" else set()
        assert set(attrs) <= allowed, html
        if name == "a":
            assert attrs["href"].startswith(("https://", "http://", "mailto:")) and attrs["rel"] == "nofollow noopener"


def _tags(html: str) -> list[tuple[str, dict]]:
    from html.parser import HTMLParser

    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collect().feed(html)
    return found


def test_underscores_in_urls_and_words_stay_put():
    assert render("snake_case_name [her](https://x.dk/_a_b_/)") == (
        '<p>snake_case_name <a href="https://x.dk/_a_b_/" rel="nofollow noopener">her</a></p>')


def test_empty_and_huge_text():
    assert render(None) == render("") == ""
    assert len(render("a" * 100_000)) < 21_000


def test_association_page_uses_the_filter(client, db, make_association):
    assoc = make_association(description="Vi spiller **fodbold**.\n\n<script>alert(1)</script>")
    html = client.get(f"/foreninger/{assoc.slug}").get_data(as_text=True)
    assert "<strong>fodbold</strong>" in html and "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_event_page_uses_the_filter(client, db, make_event):
    event = make_event(description="- Kaffe\n- [Kort](https://example.org/kort)")
    html = client.get(f"/arrangementer/{event.id}").get_data(as_text=True)
    assert '<ul><li>Kaffe</li><li><a href="https://example.org/kort" rel="nofollow noopener">Kort</a></li></ul>' in html
