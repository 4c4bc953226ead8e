"""The consent texts people agree to, by version.

A consent record stores the version of the text the person saw; a text is
never changed in place — a new wording gets a new version, so what someone
agreed to can always be shown again.
"""
from __future__ import annotations

CONTACT = "contact"
HANDOVER = "handover"
SURVEY = "survey"
# The purposes a person can consent to, each withdrawn on its own (privacy/consents.py).
PURPOSES = (CONTACT, HANDOVER, SURVEY)

TEXTS: dict[str, dict[str, str]] = {
    "contact-2025-1": {
        "da": ("Jeg giver samtykke til, at Kolding Kommunes fællesskabskoordinator gemmer de oplysninger, "
               "jeg har givet her, og kontakter mig for at hjælpe mig med at finde et fællesskab. "
               "Oplysningerne bruges kun til det, og jeg kan til enhver tid trække samtykket tilbage ved at "
               "skrive til koordinatoren."),
        "en": ("I consent to Kolding Municipality's community coordinator keeping the information I have given "
               "here and contacting me to help me find a community. The information is used for that only, and "
               "I can withdraw my consent at any time by writing to the coordinator."),
    },
    "handover-2025-1": {
        "da": ("Jeg giver samtykke til, at koordinatoren giver mit navn, mine kontaktoplysninger, min husstand "
               "og mine interesser videre til lokalrådet eller borgerforeningen, hvor jeg bor, så de kan byde "
               "mig velkommen."),
        "en": ("I consent to the coordinator passing my name, contact details, household and interests on to "
               "the village forum where I live, so they can welcome me."),
    },
    "survey-2026-1": {
        "da": ("Jeg giver samtykke til, at Kolding Kommune sender mig et kort, frivilligt spørgeskema om, hvordan "
               "det er gået med at finde et fællesskab. Mine svar bruges kun til at forbedre indsatsen."),
        "en": ("I consent to Kolding Municipality sending me a short, voluntary questionnaire about how finding a "
               "community has gone. My answers are used only to improve the service."),
    },
    # The municipality's arrivals list: consent given to the municipality, outside this service.
    "arrivals-list": {
        "da": "Samtykke givet til Kolding Kommune og overført med tilflytterlisten.",
        "en": "Consent given to Kolding Municipality and passed on with the arrivals list.",
    },
    # Told to the coordinator (by phone or in person) and written down by them.
    "oral-2025-1": {
        "da": ("Tilflytteren har over for koordinatoren mundtligt givet samtykke til, at navn, kontaktoplysninger, "
               "husstand og interesser gives videre til lokalrådet, hvor de bor."),
        "en": ("The newcomer told the coordinator that their name, contact details, household and interests may "
               "be passed on to the village forum where they live."),
    },
}

CURRENT = {CONTACT: "contact-2025-1", HANDOVER: "handover-2025-1", SURVEY: "survey-2026-1"}
ORAL_HANDOVER = "oral-2025-1"
ARRIVALS_LIST = "arrivals-list"


def text(version: str, language: str = "da") -> str:
    """The wording of consent `version` in `language` (Danish when there is no translation)."""
    texts = TEXTS.get(version) or {}
    return texts.get(language) or texts.get("da") or version
