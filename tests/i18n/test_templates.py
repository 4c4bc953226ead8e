"""(b) No template shows text that bypasses the catalogue."""
from __future__ import annotations

from .template_scan import scan_all, untranslated


def test_templates_hold_no_untranslated_text():
    found = scan_all()
    lines = [f"{name}:{line}: {text}" for name, hits in found.items() for line, text in hits]
    assert not lines, ("user-visible text outside {{ _() }} / {% trans %} (wrap it, or add a proper noun to "
                       "ALLOWLIST in tests/i18n/template_scan.py):\n  " + "\n  ".join(lines))


def test_the_scanner_finds_bare_text_and_visible_attributes():
    assert [t for _l, t in untranslated("<p>Hej med dig</p>")] == ["Hej med dig"]
    assert [t for _l, t in untranslated('<a href="/x" title="Gå til forsiden">{{ _("x") }}</a>')] == [
        'title="Gå til forsiden"']
    assert untranslated('<input type="submit" value="Send">') and untranslated('<img src="a.png" alt="Et kort">')
    assert untranslated('<input placeholder="fx fodbold">') and untranslated('<nav aria-label="Sider">')


def test_the_scanner_accepts_translated_text_and_proper_nouns():
    source = """<h1>{{ _('Foreninger') }}</h1>
    <p>{% trans url='/x' %}Læs <a href="{{ url }}">mere</a>{% endtrans %}</p>
    <a title="{{ _('Forsiden') }}" href="/">Fællesskab Kolding</a> <span>12 · 3</span>
    {% if language == 'en' %}Hello{% else %}Hej{% endif %}
    <input type="hidden" name="next" value="/foreninger"><script>var a = "tekst";</script>"""
    assert untranslated(source) == []
