"""WSGI entry point for gunicorn: `gunicorn webhooks.wsgi:app`."""

from webhooks import create_app
from webhooks.services import danger_model
from webhooks.services.language import warm_up

app = create_app()
# Load the language models now (about 1 s) rather than while the first texter waits.
warm_up()
# The danger net's learned layer: a missing or broken file stops the worker here, not a texter.
danger_model.model()
