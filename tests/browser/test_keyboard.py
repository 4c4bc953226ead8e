"""Keyboard use (WCAG 2.1.1, 2.4.3, 2.4.7): Tab reaches every control, each one shows
where the focus is, nothing invisible takes the focus, and Tab never gets stuck."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.rendering]


PAGES = {
    None: ["/", "/ny-i-kolding", "/arrangementer/{event}", "/foreninger/{association}", "/soeg?q=fodbold",
           "/steder/{place}", "/login", "/tilgaengelighed"],
    "coordinator": ["/koordinator/", "/koordinator/tilflyttere/", "/koordinator/tilflyttere/{case}"],
    "forum": ["/forum/", "/forum/arrangementer/nyt"],
}

FOCUS_STATE = """() => {
  const a = document.activeElement;
  if (!a || a === document.body) return null;
  const s = getComputedStyle(a), r = a.getBoundingClientRect();
  const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
  const label = a.tagName.toLowerCase() + (a.id ? '#' + a.id : '') + (a.name ? '[name=' + a.name + ']' : '')
      + (a.getAttribute('href') ? '[href=' + a.getAttribute('href') + ']' : '');
  return {label, ring, shown: r.width > 0 && r.height > 0 && s.visibility !== 'hidden',
          inView: r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth};
}"""

TABBABLE_COUNT = """() => [...document.querySelectorAll(
  'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]),'
  + ' textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])')]
  .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0
                  && getComputedStyle(e).visibility !== 'hidden'; }).length"""


@pytest.mark.parametrize("role", list(PAGES))
def test_every_focus_stop_is_visible(page_factory, ids, role):
    page = page_factory(role=role)
    problems = []
    for path in PAGES[role]:
        path = path.format(**ids)
        page.goto(path)
        expected = page.evaluate(TABBABLE_COUNT)
        seen = []
        for _ in range(expected + 5):
            page.keyboard.press("Tab")
            state = page.evaluate(FOCUS_STATE)
            if state is None:  # focus left the document: the whole page was walked
                break
            if seen and state["label"] == seen[0]:
                break
            seen.append(state["label"])
            if not state["shown"]:
                problems.append(f"{path}: {state['label']} takes the focus but cannot be seen")
            elif not state["ring"]:
                problems.append(f"{path}: {state['label']} shows no focus indicator")
            elif not state["inView"]:
                problems.append(f"{path}: {state['label']} has the focus outside the viewport")
        # Radio groups take one Tab stop, so fewer stops than controls is fine; far fewer means a trap.
        assert len(seen) >= min(expected, 3), f"{path}: Tab reached {len(seen)} of {expected} controls: {seen}"
    assert not problems, "\n".join(problems)
