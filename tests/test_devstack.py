"""scripts/devstack.py (make run, e2e tests): every process binds to loopback."""

from __future__ import annotations

from scripts.devstack import Stack


def test_rasa_actions_and_app_bind_to_loopback(monkeypatch):
    spawned: dict[str, tuple[list[str], dict[str, str]]] = {}
    stack = Stack(app_port=1, rasa_port=2, actions_port=3, env={"HOTLINE_ENV": "testing"})
    monkeypatch.setattr(
        stack,
        "_spawn",
        lambda name, args, cwd=None: spawned.update({name: (args, stack.environment())}),
    )
    stack.start()
    rasa, _ = spawned["rasa"]
    assert rasa[rasa.index("--interface") + 1] == "127.0.0.1"
    _, actions_env = spawned["actions"]
    assert actions_env["SANIC_HOST"] == "127.0.0.1"  # rasa_sdk's bind address
    app, _ = spawned["app"]
    assert app[app.index("--host") + 1] == "127.0.0.1"


def test_an_engine_token_that_starts_with_a_dash_reaches_rasa_whole(monkeypatch):
    """Generated tokens are URL-safe base64: one in 64 starts with "-". Rasa's command line is
    argparse, which took such a token for an option and exited with 2 (a CI run lost its stack)."""
    import argparse

    spawned: dict[str, list[str]] = {}
    stack = Stack(env={"HOTLINE_ENV": "testing", "HOTLINE_ENGINE_TOKEN": "-Xk_9-token"})
    monkeypatch.setattr(stack, "_spawn", lambda name, args, cwd=None: spawned.update({name: args}))
    stack.start_rasa()
    parser = argparse.ArgumentParser(exit_on_error=False)
    parser.add_argument("-t", "--auth-token")
    known, _ = parser.parse_known_args(spawned["rasa"][2:])
    assert known.auth_token == "-Xk_9-token"
