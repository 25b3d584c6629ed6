"""A local phone: text the bot through the same signed webhook, see replies and the outbox.

Registered only when ``SIMULATOR_ENABLED`` is switched on (never in production), and answers
only clients on this machine: it texts as any number without signing in.
"""

import ipaddress

from flask import Blueprint, abort, request

bp = Blueprint("simulator", __name__, url_prefix="/simulator")


@bp.before_request
def loopback_only() -> None:
    # A request relayed by a proxy on this machine comes from loopback too: refuse those.
    if request.headers.get("X-Forwarded-For") or request.headers.get("Forwarded"):
        abort(403, description="The simulator answers only this machine.")
    try:
        local = ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        local = False
    if not local:
        abort(403, description="The simulator answers only this machine.")


from webhooks.simulator import routes  # noqa: E402,F401
