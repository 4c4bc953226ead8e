"""The KPI dashboard for coordinators and admins: `/koordinator/maal`, its CSV exports and the posters."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _

from ..accounts.decorators import role_required
from ..core.csvio import csv_response, csv_text
from ..core.qr import qr_svg
from ..extensions import db
from ..places.models import Forum
from . import charts, dashboard, labels
from .views import open_url

bp = Blueprint("kpi", __name__, url_prefix="/koordinator/maal")

@bp.get("/")
@role_required("coordinator")
def overview():
    data = dashboard.build()
    tables = data["tables"]
    kpis = {k.key: k for k in data["kpis"]}
    recommend, ease = tables["anbefaling-kvartal"], tables["let-at-finde-kvartal"]
    chart_positive = charts.bar_chart(
        [(labels.quarter(r["quarter"]), r["positive"].shown) for r in recommend.rows], target=kpis["positive"].target)
    chart_ease = charts.bar_chart([(labels.quarter(r["quarter"]), r["ease"].shown) for r in ease.rows],
                                  target=kpis["ease"].target)
    funnel_rows = tables["tragt"].rows
    top = max((r["count"] for r in funnel_rows), default=0) or 1
    chart_funnel = charts.bar_chart([(labels.step(r["step"]), 100.0 * r["count"] / top) for r in funnel_rows],
                                    ticks=())
    return render_template("surveys/dashboard.html", kpis=kpis, tables=tables, answers=data["answers"],
                           comments=data["comments"],
                           chart_positive=chart_positive, chart_ease=chart_ease, chart_funnel=chart_funnel,
                           labels=labels)


@bp.get("/<name>.csv")
@role_required("coordinator")
def export(name: str):
    """One dashboard table as CSV (UTF-8 with BOM for Excel; suppressed cells say so)."""
    table = dashboard.table(name) or abort(404)
    rows = (labels.csv_row(table, row) for row in table.rows)
    return csv_response(csv_text(labels.csv_headers(table), rows), f"{name}.csv")


@bp.get("/plakater")
@role_required("coordinator")
def posters():
    """The open survey links and their QR codes, for the whole municipality or one forum's area."""
    forums = list(db.session.execute(sa.select(Forum.slug, Forum.name).order_by(Forum.name)))
    slug = request.args.get("omraade") or None
    if slug is not None and slug not in {s for s, _n in forums}:
        abort(404)
    links = []
    for kind in ("newcomer", "leaver"):
        url = open_url(kind, slug)
        links.append({"kind": kind, "url": url, "qr": qr_svg(url, title=_("QR-kode til spørgeskemaet"), desc=url)})
    return render_template("surveys/posters.html", forums=forums, slug=slug, links=links, labels=labels)
