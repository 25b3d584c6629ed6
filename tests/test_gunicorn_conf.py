"""gunicorn.conf.py's worker: a worker that stops answers the requests it holds, and lets go of
the port at once, so a connection meant for it is refused (HAProxy tries the other instance)
instead of queued until it exits and then reset (HAProxy answers a reset with 502).

`make chaos` killed app1's master: its workers finished their requests, but gunicorn 27's kept
the listening socket open while they did (and 2 s more for kept-alive connections).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import requests

from scripts.devstack import free_port
from webhooks.config import REPO_ROOT

# Answers after the number of seconds in its query string.
SLOW_APP = textwrap.dedent(
    """
    import time

    def app(environ, start_response):
        time.sleep(float(environ.get("QUERY_STRING") or 0))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"answered"]
    """
)


def refused(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        try:
            s.connect(("127.0.0.1", port))
        except ConnectionRefusedError:
            return True
    return False


@pytest.fixture
def gunicorn(tmp_path: Path):
    (tmp_path / "slow.py").write_text(SLOW_APP)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "HOTLINE_WORKER_CLASS"}
    env.update(
        HOTLINE_BIND=f"127.0.0.1:{port}",
        HOTLINE_WORKERS="1",
        HOTLINE_THREADS="4",
        HOTLINE_ACCESS_LOG="/dev/null",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
    )
    bin_dir = Path(sys.executable).parent
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115
    master = subprocess.Popen(
        [
            str(bin_dir / "gunicorn"),
            "-c",
            str(REPO_ROOT / "gunicorn.conf.py"),
            "--pythonpath",
            str(tmp_path),
            "slow:app",
        ],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                break
        except requests.RequestException:
            pass
        assert time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
        time.sleep(0.1)
    workers = subprocess.run(
        ["pgrep", "-P", str(master.pid)], capture_output=True, text=True
    ).stdout.split()
    yield master, [int(w) for w in workers], port, url
    try:
        os.killpg(master.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    master.wait()
    log.close()


@pytest.mark.parametrize("stop", ["master killed", "master killed, worker told to stop"])
def test_a_stopping_worker_answers_what_it_holds_and_lets_go_of_the_port(gunicorn, stop):
    master, workers, port, url = gunicorn
    answer: list[requests.Response] = []
    in_flight = threading.Thread(
        target=lambda: answer.append(
            requests.get(url + "?3", headers={"Connection": "close"}, timeout=15)
        )
    )
    in_flight.start()
    time.sleep(0.5)  # the request is being handled

    os.kill(master.pid, signal.SIGKILL)  # what make chaos does to app1
    master.wait()
    killed_at = time.monotonic()
    if stop == "master killed, worker told to stop":
        for worker in workers:  # what deploy/own-group does before the program starts again
            os.kill(worker, signal.SIGTERM)

    # The worker notices its master is gone within a second (its event loop's tick).
    released_after = None
    while time.monotonic() - killed_at < 2.0 and in_flight.is_alive():
        if refused(port):
            released_after = time.monotonic() - killed_at
            break
        time.sleep(0.1)
    in_flight.join(timeout=15)

    assert answer and answer[0].status_code == 200 and answer[0].text == "answered"
    assert released_after is not None, "the port stayed open while the worker finished"
