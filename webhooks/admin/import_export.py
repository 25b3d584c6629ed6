"""Admin: export resources as JSON or CSV, import them back (every export is audited)."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from webhooks.admin import bp
from webhooks.extensions import db
from webhooks.services import audit, resource_editing, resource_exchange
from webhooks.staff.access import admin_required, current_staff

MAX_UPLOAD = 2 * 1024 * 1024


@bp.get("/resources/export.<any(json, csv):fmt>")
@admin_required
def export_resources(fmt: str) -> ResponseReturnValue:
    body = resource_exchange.export_json() if fmt == "json" else resource_exchange.export_csv()
    audit.record(current_staff().actor, "resources_exported", format=fmt)
    db.session.commit()
    return Response(
        body,
        mimetype="application/json" if fmt == "json" else "text/csv",
        headers={"Content-Disposition": f"attachment; filename=resources.{fmt}"},
    )


@bp.route("/resources/import", methods=["GET", "POST"])
@admin_required
def import_resources() -> ResponseReturnValue:
    if request.method == "GET":
        return render_template("admin/import.html", columns=resource_exchange.csv_columns())
    upload = request.files.get("file")
    text = upload.read(MAX_UPLOAD + 1) if upload else b""
    if not text or len(text) > MAX_UPLOAD:
        flash("Choose a JSON or CSV file (2 MB at most).", "error")
        return render_template("admin/import.html", columns=resource_exchange.csv_columns()), 400
    name = (upload.filename or "").lower() if upload else ""
    try:
        decoded = text.decode("utf-8")
        is_json = name.endswith(".json") or decoded.lstrip().startswith("[")
        entries = (
            resource_exchange.parse_json(decoded)
            if is_json
            else resource_exchange.parse_csv(decoded)
        )
        user = current_staff()
        created, updated = resource_exchange.import_entries(entries, user.id)
    except UnicodeDecodeError:
        flash("The file is not UTF-8 text.", "error")
        return render_template("admin/import.html", columns=resource_exchange.csv_columns()), 400
    except resource_editing.ResourceError as exc:
        db.session.rollback()
        for error in exc.errors[:50]:
            flash(error, "error")
        flash("Nothing was imported.", "error")
        return render_template("admin/import.html", columns=resource_exchange.csv_columns()), 400
    audit.record(user.actor, "resources_imported", created=created, updated=updated)
    db.session.commit()
    flash(f"Imported: {created} new, {updated} updated.", "info")
    return redirect(url_for("admin.resources"))
