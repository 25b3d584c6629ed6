"""`make run` supervises: a child killed with kill -9 comes back, texters get the safety reply
while the engine is down or starting, and Ctrl-C leaves no process behind."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import requests
from twilio.request_validator import RequestValidator

from scripts.devstack import free_port
from webhooks.config import REPO_ROOT
from webhooks.crypto import generate_key, generate_secret
from webhooks.wording import ENGINE_DOWN

TOKEN = "supervision-auth-token"


class Devstack:
    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        self.env = dict(os.environ)
        self.env.update(
            HOTLINE_ENV="testing",
            DATABASE_URL=f"sqlite:///{tmp / 'hotline.db'}",
            SECRET_KEY=generate_secret(),
            HOTLINE_ENCRYPTION_KEYS=generate_key(),
            HOTLINE_HASH_KEY=generate_secret(),
            HOTLINE_ENGINE_TOKEN=generate_secret(),
            TWILIO_AUTH_TOKEN=TOKEN,
            TWILIO_ACCOUNT_SID="",
            PORT=str(self.port),
            RASA_PORT=str(free_port()),
            ACTIONS_PORT=str(free_port()),
            DEVSTACK_LOG_DIR=str(tmp / "logs"),
        )
        flask = [str(Path(sys.executable).parent / "flask"), "--app", "webhooks", "db", "upgrade"]
        subprocess.run(flask, env=self.env, cwd=REPO_ROOT, check=True, capture_output=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scripts.devstack"],
            env=self.env,
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_for(self, pattern: str, timeout: float = 120) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if match := re.search(pattern, line):
                    return match
            time.sleep(0.2)
        raise AssertionError(f"no line matching {pattern!r} in:\n{''.join(self.lines)}")

    def wait_live(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/livez", timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise AssertionError("the app did not answer /livez")

    def text(self, number: str, body: str) -> list[str]:
        url = f"http://127.0.0.1:{self.port}/webhooks/twilio/sms"
        form = {"MessageSid": "SM" + generate_secret()[:32], "From": number, "Body": body}
        signature = RequestValidator(TOKEN).compute_signature(url, form)
        response = requests.post(
            url, data=form, headers={"X-Twilio-Signature": signature}, timeout=30
        )
        assert response.status_code == 200, response.text
        return [m.text or "" for m in ET.fromstring(response.content).iter("Message")]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead; only its parent has not collected it yet.
    return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"


def _group_members(pgids: set[int]) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().split(")")[-1].split()
            except OSError:
                continue
            if int(fields[2]) in pgids and fields[0] != "Z":
                members.append(int(entry.name))
    return members


@pytest.fixture
def devstack(tmp_path: Path):
    stack = Devstack(tmp_path)
    yield stack
    if stack.process.poll() is None:
        stack.process.kill()
    stack.process.wait()
    stack.reader.join(timeout=10)
    assert stack.process.stdout is not None
    stack.process.stdout.close()


def test_killed_children_come_back_and_ctrl_c_leaves_nothing(devstack: Devstack) -> None:
    pids = {
        name: int(pid)
        for name, pid in re.findall(r"(\w+)=(\d+)", devstack.wait_for(r"pids: (.*)").group(1))
    }
    groups = set(pids.values())  # each child leads its own process group
    devstack.wait_live()
    # The engine is still loading its model: the texter gets the safety reply, not silence.
    assert devstack.text("+15556660001", "hello")[0] == ENGINE_DOWN.format(emergency_number="911")

    for name in ("app", "actions", "rasa"):
        os.kill(pids[name], signal.SIGKILL)
        devstack.wait_for(rf"{name} exited with code -9; restarting in 1 s \(restart 1\)")
        groups.add(int(devstack.wait_for(rf"{name} restarted \(pid (\d+)\)").group(1)))
    devstack.wait_live()  # the app is back on its port
    assert devstack.text("+15556660002", "anyone there?")[0] == ENGINE_DOWN.format(
        emergency_number="911"
    )

    devstack.process.send_signal(signal.SIGINT)  # Ctrl-C
    devstack.process.wait(timeout=60)
    time.sleep(0.5)
    assert not [pid for pid in groups if _alive(pid)]
    assert _group_members(groups) == []
