"""The production topology (deploy/: supervisord, HAProxy, two app instances, two Rasa replicas
with Redis tracker and lock stores, two action servers) on free ports: a Rasa replica killed
mid-conversation, and the next reply continues the same conversation on the other one."""

from __future__ import annotations

import os
import secrets
import signal
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
import redis
import requests
from twilio.request_validator import RequestValidator

from scripts.cluster import Cluster
from scripts.devstack import MODEL, free_port
from webhooks.wording import BOT_RESPONSES

REDIS_DB = 2  # this project's tests' Redis database; keys under a prefix of this test's own


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does)")
    work = tmp_path_factory.mktemp("cluster")
    ports = {
        name: free_port() for name in ("lb", "app1", "app2", "rlb", "r1", "r2", "alb", "a1", "a2")
    }
    addr = {name: f"127.0.0.1:{port}" for name, port in ports.items()}
    prefix = "e2e" + secrets.token_hex(6)
    cluster = Cluster(
        run_dir=work,
        overrides={
            "HOTLINE_LB_BIND": addr["lb"],
            "HOTLINE_PUBLIC_URL": f"http://{addr['lb']}",
            "HOTLINE_APP1_ADDR": addr["app1"],
            "HOTLINE_APP2_ADDR": addr["app2"],
            "HOTLINE_WORKERS": "1",
            "HOTLINE_THREADS": "4",
            "HOTLINE_RASA_LB_BIND": addr["rlb"],
            "RASA_URL": f"http://{addr['rlb']}",
            "HOTLINE_RASA1_ADDR": addr["r1"],
            "HOTLINE_RASA1_PORT": str(ports["r1"]),
            "HOTLINE_RASA2_ADDR": addr["r2"],
            "HOTLINE_RASA2_PORT": str(ports["r2"]),
            "HOTLINE_ACTIONS_LB_BIND": addr["alb"],
            "HOTLINE_ACTIONS_LB_URL": f"http://{addr['alb']}",
            "ACTION_SERVER_URL": f"http://{addr['alb']}",
            "HOTLINE_ACTIONS1_ADDR": addr["a1"],
            "HOTLINE_ACTIONS1_PORT": str(ports["a1"]),
            "HOTLINE_ACTIONS2_ADDR": addr["a2"],
            "HOTLINE_ACTIONS2_PORT": str(ports["a2"]),
            "DATABASE_URL": f"sqlite:///{work / 'hotline.db'}",
            "REDIS_DB": str(REDIS_DB),
            "REDIS_KEY_PREFIX": prefix,
            "RASA_TIMEOUT_SECONDS": "20",
        },
    )
    try:
        cluster.up(timeout=900)
        yield cluster
    finally:
        cluster.down()
        store = redis.Redis(db=REDIS_DB)
        for key in store.scan_iter(f"{prefix}:*"):
            store.delete(key)


def send(cluster: Cluster, number: str, body: str, n: list[int] = [0]) -> list[str]:  # noqa: B006
    n[0] += 1
    s = cluster.settings()
    url = f"http://{s['HOTLINE_LB_BIND']}/webhooks/twilio/sms"
    form = {"MessageSid": f"SMe2e{os.getpid():08d}{n[0]:019d}", "From": number, "Body": body}
    signature = RequestValidator(s["TWILIO_AUTH_TOKEN"]).compute_signature(url, form)
    response = requests.post(url, data=form, headers={"X-Twilio-Signature": signature}, timeout=60)
    assert response.status_code == 200, response.text
    return [m.text or "" for m in ET.fromstring(response.content).iter("Message")]


def test_a_rasa_replica_killed_mid_conversation_the_next_reply_continues_it(cluster) -> None:
    number = "+15559990001"
    assert (
        "questions" in send(cluster, number, "my boss took my passport and says i owe him money")[0]
    )
    assert send(cluster, number, "yes")[0] == BOT_RESPONSES["utter_ask_can_leave"]
    assert send(cluster, number, "no")[0] == BOT_RESPONSES["utter_ask_id_taken"]
    # The tracker lives in Redis, under this hotline's prefix, and expires by itself.
    store = redis.Redis(db=REDIS_DB)
    prefix = cluster.settings()["REDIS_KEY_PREFIX"]
    warm_up = f"{prefix}:tracker:warm-up".encode()  # Cluster.warm_up's own conversation
    (key,) = [k for k in store.scan_iter(f"{prefix}:tracker:*") if k != warm_up]
    assert 0 < store.ttl(key) <= 604800

    killed = cluster.pid("engine:rasa1")
    os.kill(killed, signal.SIGKILL)
    # The next answer reaches the other replica, which knows where the screening stands.
    assert send(cluster, number, "yes") == [BOT_RESPONSES["utter_ask_owes_debt"]]
    assert send(cluster, number, "skip") == [BOT_RESPONSES["utter_ask_threatened"]]
    # supervisord has started the killed replica again.
    assert cluster.pid("engine:rasa1") not in (0, killed)
