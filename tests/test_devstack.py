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
