"""Erasure against the production tracker store: a real Rasa server on
bot/endpoints.production.yml, the machine's Redis (db 3), the app deleting the tracker key.

Also shows why the app deletes the key itself: Rasa's Redis store merges a replacement
(``PUT /tracker/events`` with nothing) into what it holds, and keeps the texter's words.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import redis
import requests
from sqlalchemy import update

from scripts.devstack import MODEL, Stack, free_port, isolated_environment
from tests.e2e.conftest import AUTH_TOKEN, Texter
from webhooks import create_app
from webhooks.config import REPO_ROOT
from webhooks.extensions import db
from webhooks.models import Message
from webhooks.models.base import utcnow

REDIS_DB = "3"  # this project's test db on the shared Redis
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
PREFIX = "hotline"


@pytest.fixture(scope="module")
def redis_client() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError:
        pytest.fail("Redis does not answer on 127.0.0.1:6379")
    yield client
    for key in client.scan_iter(f"{PREFIX}:*"):
        client.delete(key)
    client.close()


@pytest.fixture(scope="module")
def redis_stack(tmp_path_factory: pytest.TempPathFactory, redis_client) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does)")
    work = tmp_path_factory.mktemp("redis-stack")
    env = {
        **isolated_environment(work, AUTH_TOKEN),
        # The engine's store (bot/endpoints.production.yml) and the app's view of it.
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": "6379",
        "REDIS_DB": REDIS_DB,
        "RASA_TRACKER_STORE_URL": REDIS_URL,
        "REDIS_KEY_PREFIX": PREFIX,
        "RASA_TRACKER_KEY_PREFIX": PREFIX,
    }
    stack = Stack(
        app_port=free_port(),
        rasa_port=free_port(),
        actions_port=free_port(),
        env=env,
        log_dir=work / "logs",
        endpoints="bot/endpoints.production.yml",
    )
    stack.migrate()
    stack.inspector = create_app(  # type: ignore[attr-defined]
        {
            "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
            "HOTLINE_ENCRYPTION_KEYS": env["HOTLINE_ENCRYPTION_KEYS"],
            "HOTLINE_HASH_KEY": env["HOTLINE_HASH_KEY"],
            "HOTLINE_ENGINE_TOKEN": env["HOTLINE_ENGINE_TOKEN"],
            "RASA_URL": stack.rasa_url,
        }
    )
    stack.start()
    try:
        stack.wait_healthy(timeout=300)
        yield stack
    finally:
        stack.stop()


def _flask() -> list[str]:
    return [str(Path(sys.executable).parent / "flask"), "--app", "webhooks"]


def _key(engine_id: str) -> str:
    return f"{PREFIX}:tracker:{engine_id}"


def _gone(client: redis.Redis, key: str, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not client.exists(key):
            return True
        time.sleep(0.2)
    return False


def test_the_tracker_lives_in_redis_with_an_expiry(redis_stack, redis_client):
    texter = Texter(redis_stack, "+15556660001")
    assert texter.send("hi")
    key = _key(texter.conversation()["engine_id"])
    assert redis_client.exists(key)
    assert 0 < redis_client.ttl(key) <= 604800


def test_rasas_own_replacement_keeps_the_words_so_the_app_deletes_the_key(
    redis_stack, redis_client
):
    texter = Texter(redis_stack, "+15556660002")
    texter.send("my boss took my passport")
    engine_id = texter.conversation()["engine_id"]
    token = redis_stack.environment()["HOTLINE_ENGINE_TOKEN"]
    requests.put(
        f"{redis_stack.rasa_url}/conversations/{engine_id}/tracker/events",
        params={"token": token},
        json=[],
        timeout=30,
    ).raise_for_status()
    assert b"passport" in redis_client.get(_key(engine_id))  # Rasa merged, kept everything


def test_delete_removes_the_tracker_key_from_redis(redis_stack, redis_client):
    texter = Texter(redis_stack, "+15556660003")
    texter.send("hello")
    texter.send("my boss took my passport")
    key = _key(texter.conversation()["engine_id"])
    assert b"passport" in redis_client.get(key)
    replies = texter.send("DELETE")
    assert "erased" in replies[0]
    assert _gone(redis_client, key), "the tracker is still in Redis after DELETE"
    assert texter.conversation() == {}


def test_purge_removes_the_tracker_key_from_redis(redis_stack, redis_client):
    texter = Texter(redis_stack, "+15556660004")
    texter.send("hello")
    key = _key(texter.conversation()["engine_id"])
    assert redis_client.exists(key)
    app = redis_stack.inspector  # type: ignore[attr-defined]
    with app.app_context():
        conversation = texter.conversation()["conversation"]
        old = utcnow() - timedelta(days=365)
        db.session.execute(
            update(Message).where(Message.conversation_id == conversation.id).values(created_at=old)
        )
        db.session.commit()
        db.session.remove()
    env = redis_stack.environment()
    for command in (["purge"], ["erase-pending"]):
        done = subprocess.run(
            _flask() + command, env=env, cwd=REPO_ROOT, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
    assert "0 pending" in done.stdout
    assert not redis_client.exists(key)
