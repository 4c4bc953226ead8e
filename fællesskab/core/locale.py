"""Which UI language a request gets, and remembering the reader's choice.

`?lang=` (the header's language links) → the `lang` cookie → the
Accept-Language header → Danish. A `?lang=` choice on a page is stored in the
cookie for a year, so the next page and the next visit keep it; the switch
needs no JavaScript. The JSON API reads the same order but never sets the
cookie: the site's own scripts get the chosen language, other clients (no
cookie) get their Accept-Language.
"""
from __future__ import annotations

import flask_babel
from flask import Flask, Response, current_app, has_request_context, request, session

LANGUAGES = ("da", "en")
DEFAULT = "da"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
EMBED_PREFIX = "/indlejr/"  # pages inside other websites' iframes (embed/views.py)


def select_locale() -> str:
    if not has_request_context():  # services called from the CLI or a job: Danish
        return DEFAULT
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if request.path.startswith(EMBED_PREFIX):  # the host website's URL decides, not the visitor's cookie
        return DEFAULT
    for remembered in (request.cookies.get(COOKIE), session.get("lang")):
        if remembered in LANGUAGES:
            return remembered
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT


def remember(response: Response, lang: str) -> Response:
    """Store the reader's language choice in the `lang` cookie (no script reads it: HttpOnly).

    Secure whenever the session cookie is (production), also when a TLS proxy in front
    makes the request look like plain http to the app.
    """
    secure = request.is_secure or bool(current_app.config.get("SESSION_COOKIE_SECURE"))
    response.set_cookie(COOKIE, lang, max_age=COOKIE_MAX_AGE, path="/", samesite="Lax", httponly=True,
                        secure=secure)
    return response


def init_app(app: Flask) -> None:
    @app.before_request
    def choose_language_afresh() -> None:
        # Flask-Babel caches the locale on `g`, which outlives a request when an
        # app context was already pushed (CLI, tests); each request decides anew.
        flask_babel.refresh()

    @app.after_request
    def remember_chosen_language(response: Response) -> Response:
        chosen = request.args.get("lang")
        if (chosen in LANGUAGES and not request.path.startswith(("/api/", EMBED_PREFIX))
                and request.cookies.get(COOKIE) != chosen):
            remember(response, chosen)
        # the same URL answers in Danish or English depending on these headers
        response.vary.update(("Accept-Language", "Cookie"))
        return response
