"""Words for the dashboard: steps, reasons, column headers, and the cells as CSV values."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from . import kpi

TOO_FEW = _l("for få svar")

STEPS = {"arrived": _l("Tilflyttet"), "contacted": _l("Kontaktet"), "matched": _l("Matchet"),
         "handed_over": _l("Overdraget"), "anchored": _l("Forankret")}
REASONS = {"work": _l("Arbejde"), "study": _l("Uddannelse"), "family": _l("Familie eller kæreste"),
           "housing": _l("Bolig"), "nature": _l("Natur og omgivelser"),
           "services": _l("Skoler, dagtilbud eller andre tilbud"),
           "community": _l("Savnede fællesskab eller netværk"), "other": _l("Andet")}
KINDS = {"newcomer": _l("Tilflytterundersøgelsen"), "leaver": _l("Fraflytterundersøgelsen")}

HEADERS = {
    "quarter": _l("Kvartal"), "area": _l("Område"), "reason": _l("Vigtigste grund"),
    "newcomer_nps": _l("NPS, tilflyttere"), "leaver_nps": _l("NPS, fraflyttere"),
    "positive": _l("Andel positive (7–10)"), "nps": _l("NPS i alt"), "ease": _l("Andel 4–5 (let at finde)"),
    "belonging": _l("Andel »ja« til fællesskab"), "answers": _l("Svar"), "found": _l("Andel der fandt et fællesskab"),
    "step": _l("Trin"), "count": _l("Antal"), "conversion": _l("Videre fra forrige trin (%)"),
    "median_days": _l("Mediandage fra forrige trin"), "timed": _l("Mediantal bygger på"),
    "events": _l("Velkomstmøder"), "signups": _l("Tilmeldte personer"), "came": _l("Tilmeldte mødt op"),
    "attended": _l("Overdragne tilflyttere mødt op"),
    "arrivals": _l("Tilflyttere"), "families": _l("Med børn"), "share": _l("Andel med børn (%)"),
    "query": _l("Søgning"), "days": _l("Dage"),
}


def step(key: str) -> str:
    return str(STEPS.get(key, key))


def reason(key: str) -> str:
    return str(REASONS.get(key, key))


def area(name: str) -> str:
    return name or _("Ukendt område")


def quarter(key: str) -> str:
    """'2026-Q3' as '3. kvt. 2026' (Danish) or 'Q3 2026'."""
    year, q = key[:4], key[-1]
    return _("%(q)s. kvt. %(year)s", q=q, year=year)


def header(key: str) -> str:
    return str(HEADERS.get(key, key))


def csv_headers(table) -> list[str]:
    out = []
    for key, kind in table.columns:
        if kind == "cell" and key != "answers":
            out += [f"{header(key)} – {_('svar')}", header(key)]
        else:
            out.append(header(key))
    return out


def _number(value):
    """A number stays a number (so a negative NPS is not taken for a formula), rounded to one decimal."""
    if value is None:
        return ""
    return round(value, 1) if isinstance(value, float) else value


def text_value(key: str, value) -> str:
    if key == "step":
        return step(value)
    if key == "reason":
        return reason(value)
    if key == "area":
        return area(value)
    return str(value)


def csv_row(table, row: dict) -> list:
    out = []
    for key, kind in table.columns:
        value = row[key]
        if isinstance(value, kpi.Cell):
            shown = str(TOO_FEW) if value.suppressed else _number(value.value)
            out += [shown] if key == "answers" else [value.answers, shown]
        elif kind == "text":
            out.append(text_value(key, value))
        else:
            out.append(_number(value))
    return out
