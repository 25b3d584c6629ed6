"""Staff accounts, sign-in sessions, sign-in throttling and the role decorators.

One package that the console, the admin area and the CLI all use, so none of them reaches into
another's internals: ``accounts`` (passwords, two-factor, users), ``access`` (who is signed in,
``@staff_required`` and friends), ``throttle`` (failed sign-ins).
"""
