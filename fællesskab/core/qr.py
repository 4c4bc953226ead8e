"""QR codes as inline SVG (segno): survey posters and the authenticator-app enrolment.

The SVG carries classes and presentation attributes only (no `style`
attributes, no script), so it passes the Content-Security-Policy when
it is put straight into a page, and a title (and optional description)
for screen readers.
"""
from __future__ import annotations

import io

import segno


def qr_svg(data: str, *, title: str, desc: str | None = None, light: str | None = None) -> str:
    """Return an accessible SVG QR code for `data` (classes only, no inline style).

    :param title: what the image is, read out by screen readers.
    :param desc: a longer description; None leaves it out (say an enrolment
        URI, which holds a secret and means nothing read aloud).
    :param light: a background colour, so the code stays readable on a dark page.
    """
    out = io.BytesIO()
    options = {"title": title, "svgclass": "qr", "lineclass": "qr__modules", "border": 2}
    if desc:
        options["desc"] = desc
    if light:
        options["light"] = light
    segno.make(data, error="m").save(out, kind="svg", xmldecl=False, svgns=True, nl=False, omitsize=True,
                                     **options)
    return out.getvalue().decode("utf-8").replace("<svg ", '<svg role="img" ', 1)
