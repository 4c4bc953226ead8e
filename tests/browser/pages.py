"""The page types the accessibility checks visit; `{name}` parts come from the `ids` fixture."""

PUBLIC_PAGES = {
    "front": "/",
    "search-results": "/soeg?q=fodbold",
    "search-empty": "/soeg?q=xylofonqwz",
    "directory": "/foreninger",
    "association": "/foreninger/{association}",
    "association-danish-only": "/foreninger/{association_danish}",  # "Only in Danish" on English pages
    "association-correct": "/foreninger/{association}/ret",
    "association-correct-sent": "/foreninger/{association}/ret/sendt",
    "association-correct-form": "/foreninger/{association}/ret/{listing_token}",
    "events": "/arrangementer",
    "event": "/arrangementer/{event}",
    "event-danish-only": "/arrangementer/{event_danish}",
    "places": "/steder",
    "place": "/steder/{place}",
    "newcomer-form": "/ny-i-kolding",
    "contact-me": "/kontakt-mig",
    "contact-me-thanks": "/kontakt-mig/tak",
    "survey-newcomer": "/spoergeskema/aaben/tilflytter",
    "survey-leaver": "/spoergeskema/aaben/fraflytter",
    "survey-thanks": "/spoergeskema/tak",
    "my-data-request": "/privatliv/mine-data/",
    "my-data-deleted": "/privatliv/mine-data/slettet",
    "login": "/login",
    "forgot-password": "/login/glemt",
    "privacy": "/privatliv",
    "accessibility": "/tilgaengelighed",
    "not-found": "/findes-ikke",
}
# Pages for other websites' iframes: their language comes from ?lang=, not the reader's cookie.
EMBED_PAGES = {
    "embed-place": "/indlejr/steder/{place}",
    "embed-events": "/indlejr/arrangementer",
    "embed-events-filtered": "/indlejr/arrangementer?sted={place}&kategori=welcome-meeting",
    "embed-bad-filter": "/indlejr/arrangementer?kategori=fest",
}
COORDINATOR_PAGES = {
    "coordinator-dashboard": "/koordinator/",
    "coordinator-inbox": "/koordinator/tilflyttere/",
    "coordinator-case": "/koordinator/tilflyttere/{case}",
    "coordinator-compose": "/koordinator/tilflyttere/{case}/velkomst",
    "coordinator-handover": "/koordinator/tilflyttere/{case}/overdrag",
    "coordinator-moderation": "/koordinator/godkendelse",
    "coordinator-letter": "/koordinator/tilflyttere/{case}/brev",
    "coordinator-profile": "/koordinator/tilflyttere/{case}/oplysninger",
    "coordinator-forums": "/koordinator/lokalraad",
    "coordinator-directory": "/koordinator/foreninger/",
    "coordinator-directory-unverified": "/koordinator/foreninger/?vis=unverified",
    "coordinator-association-new": "/koordinator/foreninger/ny",
    "coordinator-association-edit": "/koordinator/foreninger/{association_id}",
    "coordinator-association-merge": "/koordinator/foreninger/{association_id}/flet",
    "coordinator-kpi": "/koordinator/maal/",
    "coordinator-posters": "/koordinator/maal/plakater",
    "account": "/konto",
    "change-password": "/konto/adgangskode",
    "mfa-enrol": "/konto/tofaktor",
}
FORUM_PAGES = {
    "forum-dashboard": "/forum/",
    "forum-event-form": "/forum/arrangementer/nyt",
    "forum-event-edit": "/forum/arrangementer/{forum_event}/rediger",
    "forum-signups": "/forum/arrangementer/{forum_event}/tilmeldinger",
    "forum-cases": "/forum/tilflyttere/",
}
ADMIN_PAGES = {
    "admin-audit-log": "/admin/log",
    "admin-two-factor-reset": "/admin/tofaktor",
}
