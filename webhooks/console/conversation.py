"""A conversation for staff: transcript, screening, consent, notes, and the actions on it."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from webhooks.console import bp
from webhooks.console.canned import canned_replies
from webhooks.extensions import db
from webhooks.models import Conversation, Direction, RiskLevel, StaffRole, StaffUser
from webhooks.services import dispositions, handling, history
from webhooks.services.delivery import NOT_DELIVERED, explain_failure
from webhooks.services.outbound import silent_too_long, whatsapp_window_closed
from webhooks.services.screening import QUESTIONS, screening_summary
from webhooks.staff import accounts
from webhooks.staff.access import current_staff, role_required, staff_required, supervisor_required

# What each screening question asked, in the staff's words.
QUESTION_LABELS = {
    "can_leave": "Free to leave work or home",
    "id_taken": "ID or passport taken",
    "owes_debt": "Owes a debt to employer or recruiter",
    "threatened": "Threatened (self or family)",
    "forced_work": "Forced to work or do things",
    "pay_withheld": "Pay withheld",
    "under_18": "Under 18",
}


def _load(conversation_id: int) -> Conversation:
    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None or not handling.reached_staff(conversation):
        # A conversation that stayed with the bot does not exist for the console.
        abort(404)
    if not handling.can_view(current_staff(), conversation):
        abort(403, description="This conversation is with another staff member.")
    return conversation


def _staff_names() -> dict[int, str]:
    return accounts.staff_names()


def _transcript_context(conversation: Conversation) -> dict[str, Any]:
    undelivered = [
        (m, explain_failure(m.error_code))
        for m in conversation.messages
        if m.direction is Direction.OUTBOUND and m.status in NOT_DELIVERED
    ]
    return {
        "conversation": conversation,
        "messages": conversation.messages,
        "names": _staff_names(),
        "undelivered": undelivered,
    }


def _page(conversation: Conversation, draft: str = "", status: int = 200) -> ResponseReturnValue:
    user = current_staff()
    answers = screening_summary(conversation)
    screening = [
        {
            "label": QUESTION_LABELS.get(q, q),
            "answer": answers[q],
            "indicator": QUESTIONS.get(q) == answers[q],
        }
        for q in QUESTIONS
        if q in answers
    ]
    return render_template(
        "console/conversation.html",
        **_transcript_context(conversation),
        texter=conversation.texter,
        screening=screening,
        notes=conversation.notes,
        canned=canned_replies(conversation.language),
        dispositions=dispositions.choices(),
        disposition_labels=dispositions.labels(),
        earlier=history.earlier_conversations(user, conversation),
        flags=history.flags(conversation.texter),
        flag_labels=history.FLAGS,
        whatsapp_closed=whatsapp_window_closed(conversation),
        risk_levels=[level.value for level in RiskLevel],
        candidates=handling.transfer_candidates(user),
        silent=silent_too_long(conversation),
        mine=conversation.assigned_staff_id == user.id,
        can_act=handling.can_act(user, conversation),
        is_supervisor=user.has_role(StaffRole.SUPERVISOR),
        draft=draft,
    ), status


@bp.get("/conversations/<int:conversation_id>")
@staff_required
def conversation(conversation_id: int) -> ResponseReturnValue:
    found = _load(conversation_id)
    handling.record_view(current_staff(), found)
    db.session.commit()
    return _page(found)


@bp.get("/conversations/<int:conversation_id>/transcript")
@role_required(StaffRole.STAFF, passive=True)
def transcript(conversation_id: int) -> ResponseReturnValue:
    """The messages alone, polled by the open page: new texts and delivery statuses."""
    found = _load(conversation_id)
    handling.record_view(current_staff(), found, "transcript")
    db.session.commit()
    return render_template("console/_transcript.html", **_transcript_context(found))


def _act(conversation_id: int, action: Any, done: str | None = None) -> ResponseReturnValue:
    found = _load(conversation_id)
    try:
        action(found)
    except handling.HandlingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        if done:
            flash(done, "info")
    return redirect(url_for("console.conversation", conversation_id=conversation_id))


@bp.post("/conversations/<int:conversation_id>/claim")
@staff_required
def claim(conversation_id: int) -> ResponseReturnValue:
    return _act(conversation_id, lambda c: handling.claim(current_staff(), c))


@bp.post("/conversations/<int:conversation_id>/reply")
@staff_required
def reply(conversation_id: int) -> ResponseReturnValue:
    found = _load(conversation_id)
    body = request.form.get("body", "")
    override = request.form.get("override_silence") == "1"
    try:
        message = handling.reply(current_staff(), found, body, override_silence=override)
    except handling.HandlingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _page(db.session.get(Conversation, conversation_id), draft=body, status=409)  # type: ignore[arg-type]
    db.session.commit()
    if message.status in NOT_DELIVERED:
        flash(f"Not delivered: {explain_failure(message.error_code)}.", "error")
    return redirect(url_for("console.conversation", conversation_id=conversation_id))


@bp.post("/conversations/<int:conversation_id>/notes")
@staff_required
def add_note(conversation_id: int) -> ResponseReturnValue:
    body = request.form.get("body", "")
    return _act(conversation_id, lambda c: handling.add_note(current_staff(), c, body))


@bp.post("/conversations/<int:conversation_id>/transfer")
@staff_required
def transfer(conversation_id: int) -> ResponseReturnValue:
    to_id = request.form.get("to", type=int)
    to_user = db.session.get(StaffUser, to_id) if to_id else None
    name = to_user.username if to_user else ""
    return _act(
        conversation_id,
        lambda c: handling.transfer(current_staff(), c, to_user),
        f"Transferred to {name}.",
    )


@bp.post("/conversations/<int:conversation_id>/release")
@staff_required
def release(conversation_id: int) -> ResponseReturnValue:
    _act(conversation_id, lambda c: handling.release(current_staff(), c), "Back in the queue.")
    return redirect(url_for("console.queue"))


@bp.post("/conversations/<int:conversation_id>/close")
@staff_required
def close(conversation_id: int) -> ResponseReturnValue:
    disposition = request.form.get("disposition", "")
    found = _load(conversation_id)
    try:
        handling.close(current_staff(), found, disposition)
    except handling.HandlingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("console.conversation", conversation_id=conversation_id))
    db.session.commit()
    flash("Conversation closed; the assistant answers this texter again.", "info")
    return redirect(url_for("console.queue"))


@bp.post("/conversations/<int:conversation_id>/risk")
@staff_required
def set_risk(conversation_id: int) -> ResponseReturnValue:
    level = request.form.get("risk", "")
    return _act(
        conversation_id, lambda c: handling.set_risk(current_staff(), c, level), "Risk updated."
    )


@bp.post("/conversations/<int:conversation_id>/block")
@supervisor_required
def block(conversation_id: int) -> ResponseReturnValue:
    return _act(
        conversation_id,
        lambda c: handling.block(current_staff(), c),
        "Number blocked: nothing will be sent to it and its texts get no answer.",
    )


@bp.post("/conversations/<int:conversation_id>/unblock")
@supervisor_required
def unblock(conversation_id: int) -> ResponseReturnValue:
    return _act(
        conversation_id, lambda c: handling.unblock(current_staff(), c), "Number unblocked."
    )


@bp.post("/conversations/<int:conversation_id>/flags")
@staff_required
def set_flag(conversation_id: int) -> ResponseReturnValue:
    flag = request.form.get("flag", "")
    on = request.form.get("on") == "1"

    def action(c: Conversation) -> None:
        if not handling.can_act(current_staff(), c):
            raise handling.HandlingError("Claim the conversation before changing its flags.")
        try:
            history.set_flag(current_staff(), c, flag, on)
        except history.HistoryError as exc:
            raise handling.HandlingError(str(exc)) from exc

    return _act(conversation_id, action, "Flags updated.")


@bp.get("/conversations/<int:conversation_id>/earlier/<int:earlier_id>")
@staff_required
def earlier(conversation_id: int, earlier_id: int) -> ResponseReturnValue:
    """An earlier conversation of the same texter, read-only, from one staff may see."""
    current = _load(conversation_id)
    found = db.session.get(Conversation, earlier_id)
    if found is None:
        abort(404)
    try:
        history.open_earlier(current_staff(), current, found)
    except history.HistoryError as exc:
        abort(404, description=str(exc))
    db.session.commit()
    return render_template(
        "console/earlier.html",
        **_transcript_context(found),
        current=current,
        notes=found.notes,
        disposition_labels=dispositions.labels(),
    )
