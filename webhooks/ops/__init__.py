"""Operations endpoints: health."""

from flask import Blueprint

bp = Blueprint("ops", __name__)

from webhooks.ops import routes  # noqa: E402,F401
