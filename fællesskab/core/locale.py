"""Which UI language a request gets, and remembering the reader's choice.

Pages: `?lang=` (the header's language links) → the `lang` cookie → the
Accept-Language header → Danish. A `?lang=` choice is stored in the cookie for
a year, so the next page and the next visit keep it; the switch needs no
JavaScript. The JSON API takes no cookies: `?lang=` → Accept-Language → Danish.
"""
from __future__ import annotations

from flask import Flask, Response, request, session

LANGUAGES = ("da", "en")
DEFAULT = "da"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def select_locale() -> str:
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if not request.path.startswith("/api/"):
        for remembered in (request.cookies.get(COOKIE), session.get("lang")):
            if remembered in LANGUAGES:
                return remembered
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT


def remember(response: Response, lang: str) -> Response:
    """Store the reader's language choice in the `lang` cookie."""
    response.set_cookie(COOKIE, lang, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True,
                        secure=request.is_secure)
    return response


def init_app(app: Flask) -> None:
    @app.after_request
    def remember_chosen_language(response: Response) -> Response:
        chosen = request.args.get("lang")
        if chosen in LANGUAGES and not request.path.startswith("/api/") and request.cookies.get(COOKIE) != chosen:
            remember(response, chosen)
        # the same URL answers in Danish or English depending on these headers
        response.vary.update(("Accept-Language", "Cookie"))
        return response
