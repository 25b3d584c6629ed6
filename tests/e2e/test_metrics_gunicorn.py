"""/metrics under gunicorn with several workers: every scrape adds up all workers' counts
(prometheus-client's multiprocess mode), whichever worker answers it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from twilio.request_validator import RequestValidator

from scripts.devstack import free_port
from tests.fakes import FakeEngine
from webhooks.config import REPO_ROOT
from webhooks.crypto import generate_key, generate_secret

TOKEN, METRICS_TOKEN, TEXTS = "gunicorn-auth-token", "gunicorn-metrics-token", 24


def test_metrics_add_up_across_gunicorn_workers(tmp_path: Path) -> None:
    engine = FakeEngine()
    engine.start()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROMETHEUS_")}
    env.update(
        HOTLINE_ENV="testing",
        DATABASE_URL=f"sqlite:///{tmp_path / 'hotline.db'}",
        SECRET_KEY=generate_secret(),
        HOTLINE_ENCRYPTION_KEYS=generate_key(),
        HOTLINE_HASH_KEY=generate_secret(),
        HOTLINE_ENGINE_TOKEN="engine",
        TWILIO_AUTH_TOKEN=TOKEN,
        RASA_URL=engine.url,
        ACTION_SERVER_URL=engine.url,
        HOTLINE_METRICS_TOKEN=METRICS_TOKEN,
        HOTLINE_BIND=f"127.0.0.1:{port}",
        HOTLINE_WORKERS="3",
        HOTLINE_THREADS="2",
        HOTLINE_ACCESS_LOG="/dev/null",
    )
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [str(bin_dir / "flask"), "--app", "webhooks", "db", "upgrade"],
        env=env,
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115
    gunicorn = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "-c", "gunicorn.conf.py", "webhooks.wsgi:app"],
        env=env,
        cwd=REPO_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(base + "/livez", timeout=2).ok:
                    break
            except requests.RequestException:
                time.sleep(0.5)

        def text(i: int) -> int:
            url = base + "/webhooks/twilio/sms"
            form = {"MessageSid": f"SMgunicorn{i:024d}", "From": f"+1555444{i:04d}", "Body": "hi"}
            signature = RequestValidator(TOKEN).compute_signature(url, form)
            # A new connection each time: the texts spread over the workers.
            response = requests.post(url, data=form, headers={"X-Twilio-Signature": signature})
            return len(list(ET.fromstring(response.content).iter("Message")))

        with ThreadPoolExecutor(6) as pool:
            assert sum(pool.map(text, range(TEXTS))) == TEXTS

        def scrape() -> str:
            headers = {"Authorization": f"Bearer {METRICS_TOKEN}"}
            response = requests.get(base + "/metrics", headers=headers, timeout=10)
            assert response.status_code == 200
            return response.text

        for _ in range(6):  # each scrape may land on another worker: all see every count
            page = scrape()
            assert re.search(rf"^hotline_messages_in_total {TEXTS}\.0$", page, re.M), page
            assert re.search(rf"^hotline_engine_latency_seconds_count {TEXTS}\.0$", page, re.M)
        assert "+1555444" not in page and "5554440" not in page
        assert requests.get(base + "/metrics", timeout=5).status_code == 401
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
        log.close()
        engine.stop()
