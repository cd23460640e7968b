"""Exports (bot/exports.EXPORTS) downloaded as CSV or XLSX."""

from __future__ import annotations

import io
import tempfile

from flask import Response, abort, g, render_template, request, send_file

from bot.core.clock import now
from bot.core.exports import EXPORTS, Filters, filter_details, write_csv, write_xlsx
from dashboard.auth import services
from dashboard.nav import NavItem
from dashboard.page import page_blueprint
from dashboard.permissions import can, require
from dashboard.trail import record
from dashboard.views.common import arg_date, export_filters

bp = page_blueprint("exports", "/exports")
NAV = NavItem(60, "exports.index", "dash.nav.exports", "exports.download",
              section="records")
FORMATS = ("csv", "xlsx")


FILTERS = ("since", "until", "province", "status", "category")


def _filters() -> Filters:
    """Days in the deployment's zone, the "until" day included, as on the other pages."""
    text = {key: request.args.get(key, "")[:64] or None for key in ("province", "status",
                                                                   "category")}
    return export_filters({"since": arg_date("since"), "until": arg_date("until"), **text})


def _chosen() -> dict:
    """The filters as given, to carry into the download links."""
    return {key: request.args[key][:64] for key in FILTERS if request.args.get(key)}


@bp.get("/")
@require("exports.download")
def index():
    shown = [e for e in EXPORTS.values() if can(g.user, e.permission)]
    return render_template("exports.html", exports=sorted(shown, key=lambda e: e.name),
                           formats=FORMATS, chosen=_chosen())


@bp.get("/<name>.<fmt>")
@require("exports.download")
def download(name: str, fmt: str):
    if name not in EXPORTS or fmt not in FORMATS:
        abort(404)
    chosen = EXPORTS[name]
    if not can(g.user, chosen.permission):
        abort(403)
    filename = f"mashwara-{name}-{now():%Y%m%d-%H%M}.{fmt}"
    with services().database.write() as db:
        record(db, "export", "export", name, {"format": fmt, **filter_details(_filters())})
    with services().database.read() as db:
        rows = chosen.rows(db, _filters())
        if fmt == "csv":
            buffer = io.StringIO()
            write_csv(buffer, chosen.columns, rows)
            return Response(buffer.getvalue().encode("utf-8"), mimetype="text/csv",
                            headers={"Content-Disposition": f'attachment; filename="{filename}"'})
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
            write_xlsx(handle.name, chosen.columns, rows, name)
            data = handle.read()
    return send_file(io.BytesIO(data), as_attachment=True, download_name=filename,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
