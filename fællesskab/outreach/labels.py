"""Words for statuses, sources and timeline entries, in the UI language (Danish first)."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core import formatting
from . import workflow

STATUS_LABELS = {
    workflow.NEW: _l("Ny"),
    workflow.CONTACTED: _l("Kontaktet"),
    workflow.MATCHED: _l("Matchet"),
    workflow.HANDED_OVER: _l("Overdraget"),
    workflow.FOLLOWED_UP: _l("Fulgt op"),
    workflow.ANCHORED: _l("Forankret"),
    workflow.DECLINED: _l("Takket nej"),
    workflow.UNREACHABLE: _l("Ikke truffet"),
}

# What the button says when moving a case to a status.
ACTION_LABELS = {
    workflow.CONTACTED: _l("Markér som kontaktet"),
    workflow.MATCHED: _l("Markér som matchet"),
    workflow.HANDED_OVER: _l("Overdrag til lokalråd"),
    workflow.FOLLOWED_UP: _l("Markér som fulgt op"),
    workflow.ANCHORED: _l("Forankret i et fællesskab"),
    workflow.DECLINED: _l("Takket nej"),
    workflow.UNREACHABLE: _l("Kan ikke træffes"),
}

SOURCE_LABELS = {
    "import": _l("Tilflytterlisten"),
    "journey": _l("Ny i Kolding (bad om hjælp)"),
    "self": _l("Jeg vil gerne kontaktes"),
    "coordinator": _l("Registreret af koordinatoren"),
    "self-service": _l("Selvbetjening (Mine data)"),
}

NOTE_LABELS = {
    "created": _l("Sag oprettet"),
    "note": _l("Note"),
    "status": _l("Status ændret"),
    "assignment": _l("Tildelt"),
    "next_action": _l("Næste handling"),
    "email": _l("E-mail sendt"),
    "letter": _l("Brev udskrevet"),
    "handover": _l("Overdraget til lokalråd"),
    "forum_contacted": _l("Lokalrådet har kontaktet tilflytteren"),
    "forum_attended": _l("Kom til et velkomstarrangement"),
    "consent": _l("Samtykke"),
    "profile": _l("Oplysninger ændret"),
    "request": _l("Ny henvendelse"),
}

FIELD_LABELS = {
    "name": _l("Navn"), "email": _l("E-mail"), "phone": _l("Telefon"), "address": _l("Adresse"),
    "adults": _l("Voksne"), "children_ages": _l("Børnenes alder"), "languages": _l("Sprog"),
    "interests": _l("Interesser"), "preferred_language": _l("Skriftsprog"), "move_in_date": _l("Indflytning"),
}

# Danish words for emails and CSV, outside any request.
STATUS_WORDS_DA = {
    workflow.NEW: "ny", workflow.CONTACTED: "kontaktet", workflow.MATCHED: "matchet",
    workflow.HANDED_OVER: "overdraget", workflow.FOLLOWED_UP: "fulgt op", workflow.ANCHORED: "forankret",
    workflow.DECLINED: "takket nej", workflow.UNREACHABLE: "ikke truffet",
}
STATUS_WORDS_EN = {
    workflow.NEW: "new", workflow.CONTACTED: "contacted", workflow.MATCHED: "matched",
    workflow.HANDED_OVER: "handed over", workflow.FOLLOWED_UP: "followed up", workflow.ANCHORED: "anchored",
    workflow.DECLINED: "declined", workflow.UNREACHABLE: "unreachable",
}


def status_word(status: str, language: str) -> str:
    """A status in an e-mail to staff, in the recipient's language (outside any request)."""
    words = STATUS_WORDS_EN if language == "en" else STATUS_WORDS_DA
    return words.get(status, status)


def mail_language(user) -> str:
    """The language of e-mails to a staff account: the one of their last login, else Danish."""
    return user.language if getattr(user, "language", None) in ("da", "en") else "da"


ROLE_WORDS = {"coordinator": _l("koordinator"), "forum": _l("lokalråd"), "admin": _l("administrator"),
              "newcomer": _l("tilflytter")}
AUDIT_VERBS = {
    "view": _l("så"), "list": _l("så listen"), "update": _l("ændrede"), "create": _l("oprettede sagen"),
    "export": _l("hentede"), "email": _l("sendte e-mail:"), "letter": _l("udskrev brev:"),
    "handover": _l("overdrog:"), "erase": _l("slettede:"), "request": _l("bad om:"),
}
_ACTOR = re.compile(r"^(?P<who>[^()]*?) \((?P<role>[a-z]+)(?P<forum>, [^)]*)?\)$")
_ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_SOURCE = re.compile(r"^kilde: (\S+)$")


def audit_sentence(entry) -> str:
    """An audit row as a sentence: "koordinator@… (koordinator) så sag #10" rather than codes."""
    if entry.actor_id is None and entry.actor_label in ("", "system"):
        who = _("Systemet")
    else:
        match = _ACTOR.match(entry.actor_label or "")
        who = entry.actor_label
        if match:
            role = str(ROLE_WORDS.get(match["role"], match["role"]))
            who = f"{match['who']} ({role}{match['forum'] or ''})"
    detail = entry.detail or ""
    source = _SOURCE.match(detail)
    if source:
        detail = _("kilde: %(source)s", source=SOURCE_LABELS.get(source[1], source[1]))
    detail = _ISO_DAY.sub(lambda m: iso_day(m.group(0)), detail)
    verb = AUDIT_VERBS.get(entry.action, entry.action)
    return " ".join(p for p in (who, str(verb), detail) if p)


def iso_day(value) -> str:
    """A day stored as ISO text ('2026-12-10') as people write it; anything else as it is."""
    try:
        return formatting.date_text(date.fromisoformat(value)) if isinstance(value, str) else (value or "")
    except ValueError:
        return value


def register(app) -> None:
    """Make the labels available to every template."""
    app.jinja_env.globals.update(audit_sentence=audit_sentence, iso_day=iso_day,OUTREACH_STATUS_LABELS=STATUS_LABELS,
                                 OUTREACH_SOURCE_LABELS=SOURCE_LABELS,
                                 OUTREACH_NOTE_LABELS=NOTE_LABELS, OUTREACH_ACTION_LABELS=ACTION_LABELS,
                                 OUTREACH_FIELD_LABELS=FIELD_LABELS)
