"""Admin: list, create, edit, delete resources; SMS preview; change history."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from webhooks.admin import bp
from webhooks.extensions import db
from webhooks.i18n import supported_languages
from webhooks.models import Resource, ResourceCategory, ResourceChange
from webhooks.services import audit, resource_editing
from webhooks.staff import accounts
from webhooks.staff.access import admin_required, current_staff


def _load(resource_id: int) -> Resource:
    resource = db.session.get(Resource, resource_id)
    if resource is None:
        abort(404)
    return resource


def _form_page(resource: Resource | None, values: dict[str, Any], status: int = 200) -> Any:
    preview = None
    try:
        preview = resource_editing.previews(
            resource_editing.transient(resource_editing.clean(values))
        )
    except resource_editing.ResourceError:
        preview = resource_editing.previews(resource) if resource is not None else None
    return render_template(
        "admin/resource_form.html",
        resource=resource,
        values=values,
        categories=[c.value for c in ResourceCategory],
        languages=supported_languages(),
        previews=preview,
    ), status


def _values(resource: Resource) -> dict[str, Any]:
    values = resource_editing.snapshot(resource)
    values["description"] = {t.language: t.description for t in resource.translations}
    return values


@bp.get("/resources")
@admin_required
def resources() -> ResponseReturnValue:
    query = select(Resource).order_by(Resource.category, Resource.priority, Resource.name)
    category = request.args.get("category", "")
    if category in {c.value for c in ResourceCategory}:
        query = query.where(Resource.category == ResourceCategory(category))
    rows = db.session.scalars(query).all()
    return render_template(
        "admin/resources.html",
        resources=rows,
        languages=supported_languages(),
        categories=[c.value for c in ResourceCategory],
        category=category,
    )


@bp.route("/resources/new", methods=["GET", "POST"])
@admin_required
def new_resource() -> ResponseReturnValue:
    if request.method == "GET":
        return _form_page(None, {"active": True, "priority": 100, "region": "national"})
    data = resource_editing.from_form(request.form)
    try:
        values = resource_editing.clean(data)
    except resource_editing.ResourceError as exc:
        for error in exc.errors:
            flash(error, "error")
        return _form_page(None, data, 400)
    resource = Resource()
    resource.translations = []
    resource_editing.apply(resource, values)
    db.session.add(resource)
    db.session.flush()
    user = current_staff()
    resource_editing.record_change(
        resource, user.id, "created", resource_editing.diff({}, resource_editing.snapshot(resource))
    )
    audit.record(user.actor, "resource_created", resource_id=resource.id)
    db.session.commit()
    flash(f"Added {resource.name}.", "info")
    return redirect(url_for("admin.edit_resource", resource_id=resource.id))


@bp.route("/resources/<int:resource_id>", methods=["GET", "POST"])
@admin_required
def edit_resource(resource_id: int) -> ResponseReturnValue:
    resource = _load(resource_id)
    if request.method == "GET":
        return _form_page(resource, _values(resource))
    data = resource_editing.from_form(request.form)
    try:
        values = resource_editing.clean(data)
    except resource_editing.ResourceError as exc:
        for error in exc.errors:
            flash(error, "error")
        return _form_page(resource, data, 400)
    before = resource_editing.snapshot(resource)
    resource_editing.apply(resource, values)
    changes = resource_editing.diff(before, resource_editing.snapshot(resource))
    if changes:
        user = current_staff()
        resource_editing.record_change(resource, user.id, "updated", changes)
        audit.record(user.actor, "resource_updated", resource_id=resource.id, fields=len(changes))
        db.session.commit()
        flash("Saved.", "info")
    else:
        flash("Nothing changed.", "info")
    return redirect(url_for("admin.edit_resource", resource_id=resource.id))


@bp.post("/resources/<int:resource_id>/delete")
@admin_required
def delete_resource(resource_id: int) -> ResponseReturnValue:
    resource = _load(resource_id)
    user = current_staff()
    resource_editing.record_change(
        resource, user.id, "deleted", resource_editing.diff(resource_editing.snapshot(resource), {})
    )
    audit.record(user.actor, "resource_deleted", resource_id=resource.id)
    db.session.delete(resource)
    db.session.commit()
    flash(f"Deleted {resource.name}. Its history is kept.", "info")
    return redirect(url_for("admin.resources"))


@bp.post("/resources/preview")
@admin_required
def preview() -> ResponseReturnValue:
    """Live preview while editing: the SMS in every language, its segments and encoding."""
    try:
        values = resource_editing.clean(resource_editing.from_form(request.form))
    except resource_editing.ResourceError as exc:
        return render_template("admin/_preview.html", previews=None, errors=exc.errors)
    return render_template(
        "admin/_preview.html",
        previews=resource_editing.previews(resource_editing.transient(values)),
        errors=[],
    )


def _history(*where: Any) -> list[ResourceChange]:
    return list(
        db.session.scalars(
            select(ResourceChange).where(*where).order_by(ResourceChange.id.desc()).limit(500)
        )
    )


def _names() -> dict[int, str]:
    return accounts.staff_names()


@bp.get("/resources/<int:resource_id>/history")
@admin_required
def resource_history(resource_id: int) -> ResponseReturnValue:
    changes = _history(ResourceChange.resource_id == resource_id)
    if not changes and db.session.get(Resource, resource_id) is None:
        abort(404)
    return render_template(
        "admin/history.html", changes=changes, names=_names(), resource_id=resource_id
    )


@bp.get("/history")
@admin_required
def history() -> ResponseReturnValue:
    return render_template(
        "admin/history.html", changes=_history(), names=_names(), resource_id=None
    )
