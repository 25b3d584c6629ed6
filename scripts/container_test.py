"""make container-test: the images and compose.yaml, run with podman on this machine.

Builds the base images from Debian's packages (no registry is reachable here), builds the six
images, brings the compose stack up, waits for it, texts it through the signed webhook as
Twilio would (greeting, danger, handoff), checks the replies, the database and Redis, and
tears everything down (volumes too). Prints the image sizes and the times; exits non-zero
when a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import requests
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "container-test"
PROJECT = "hotline-test"
AUTH_TOKEN = "container-test-auth-token"
# name -> the local base standing in for the Dockerfile's default (see base-images.sh)
IMAGES = {
    "postgres": "localhost/hotline-base/debian:12",
    "redis": "localhost/hotline-base/debian:12",
    "nginx": "localhost/hotline-base/debian:12",
    "actions": "localhost/hotline-base/python:3.11",
    "app": "localhost/hotline-base/python:3.11",
    "rasa": "localhost/hotline-base/python:3.9",
}
SERVICES = [
    "postgres",
    "redis",
    "actions",
    "rasa-1",
    "rasa-2",
    "app-1",
    "app-2",
    "lb",
    "scheduler",
    "retention",
]

# Run inside an app container, with the app's own code and configuration: what the database
# holds for each number (found through the keyed hash, as the app finds texters).
DB_CHECK = """
import json, sys
from sqlalchemy import func, select, text
from webhooks import create_app
from webhooks.extensions import db
from webhooks.models import Message
from webhooks.services.texters import find_texter
app = create_app()
out = {}
with app.app_context():
    for number in sys.argv[1:]:
        texter = find_texter(number)
        c = max(texter.conversations, key=lambda c: c.id)
        out[number] = {
            "state": c.state.value, "risk": c.risk.value, "consent_given": c.consent_given,
            "messages": db.session.scalar(
                select(func.count()).select_from(Message).where(Message.conversation_id == c.id)
            ),
        }
    raw = db.session.execute(text("SELECT body FROM message")).scalars().all()
    out["plaintext_bodies"] = sum(1 for b in raw if b is not None and b"gun" in bytes(b))
    out["dialect"] = db.engine.dialect.name
print(json.dumps(out))
"""


class Failed(Exception):
    pass


def log(message: str) -> None:
    print(message, flush=True)


def run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, text=True, **kwargs)


def podman(*args: str, check: bool = True) -> str:
    result = run(["podman", *args], capture_output=True)
    if check and result.returncode != 0:
        raise Failed(f"podman {' '.join(args)}: {result.stderr.strip()[-500:]}")
    return result.stdout.strip()


class Stack:
    def __init__(self, compose: str, port: int, env_file: Path) -> None:
        self.compose = compose
        self.port = port
        self.env = dict(
            os.environ,
            HOTLINE_ENV_FILE=str(env_file),
            HOTLINE_HTTP_PORT=str(port),
            HOTLINE_HTTP_BIND="127.0.0.1",
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def compose_run(self, *args: str, log_name: str | None = None) -> int:
        command = [self.compose, "-p", PROJECT, "-f", "compose.yaml", *args]
        if log_name:
            with open(ARTIFACTS / log_name, "w") as out:
                return run(command, env=self.env, stdout=out, stderr=subprocess.STDOUT).returncode
        return run(command, env=self.env).returncode

    def container(self, service: str) -> str:
        names = podman(
            "ps",
            "-a",
            "--filter",
            f"label=io.podman.compose.project={PROJECT}",
            "--filter",
            f"label=com.docker.compose.service={service}",
            "--format",
            "{{.Names}}",
        ).split()
        if not names:
            raise Failed(f"no container for service {service}")
        return names[0]

    def state(self, service: str) -> tuple[str, int]:
        status, code = podman(
            "inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", self.container(service)
        ).split()
        return status, int(code)

    def exec(self, service: str, *args: str) -> subprocess.CompletedProcess[str]:
        return run(["podman", "exec", self.container(service), *args], capture_output=True)

    def answers(self, service: str, url: str) -> bool:
        probe = f"import urllib.request as u; u.urlopen({url!r}, timeout=4)"
        return self.exec(service, "python3", "-c", probe).returncode == 0


def wait_for(what: str, ready: Callable[[], bool], timeout: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if ready():
                elapsed = time.monotonic() - start
                log(f"  ready: {what} ({elapsed:.0f} s)")
                return elapsed
        except (Failed, requests.RequestException):
            pass
        time.sleep(3)
    raise Failed(f"not ready after {timeout:.0f} s: {what}")


def text(stack: Stack, number: str, body: str, sid: str) -> list[str]:
    """One inbound SMS through the load balancer, signed exactly as Twilio signs it."""
    form = {"MessageSid": sid, "From": number, "To": "+15550100000", "Body": body}
    url = f"{stack.url}/webhooks/twilio/sms"
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, form)
    response = requests.post(url, data=form, headers={"X-Twilio-Signature": signature}, timeout=30)
    if response.status_code != 200:
        raise Failed(f"webhook answered {response.status_code}: {response.text[:200]}")
    return [m.text or "" for m in ET.fromstring(response.content).iter("Message")]


class Checks:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def check(self, name: str, ok: bool, detail: object = "") -> None:
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        log(f"  {'PASS' if ok else 'FAIL'}  {name}" + (f"   [{detail}]" if not ok else ""))


def build(timings: dict[str, float]) -> None:
    log("== base images (debootstrap, Debian's packages)")
    start = time.monotonic()
    run(["containers/test/base-images.sh"], check=True)
    timings["base images"] = time.monotonic() - start
    for name, base in IMAGES.items():
        log(f"== build hotline-{name} (FROM {base})")
        start = time.monotonic()
        with open(ARTIFACTS / f"build-{name}.log", "w") as out:
            result = run(
                [
                    "nice",
                    "podman",
                    "build",
                    "--layers",
                    "--build-arg",
                    f"BASE={base}",
                    "-f",
                    f"containers/{name}/Dockerfile",
                    "-t",
                    f"hotline-{name}",
                    ".",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        timings[f"build {name}"] = time.monotonic() - start
        if result.returncode != 0:
            tail = (ARTIFACTS / f"build-{name}.log").read_text().splitlines()[-15:]
            raise Failed(f"build of {name} failed:\n" + "\n".join(tail))
        log(f"  built in {timings[f'build {name}']:.0f} s")


def image_sizes() -> None:
    log("== images")
    for name in IMAGES:
        size = int(podman("image", "inspect", "--format", "{{.Size}}", f"hotline-{name}"))
        user = podman("image", "inspect", "--format", "{{.Config.User}}", f"hotline-{name}")
        log(f"  hotline-{name:<9} {size / 1e6:7.0f} MB   user {user or 'root'}")


def converse(stack: Stack, checks: Checks) -> None:
    log(f"== texting through the signed webhook (load balancer, port {stack.port})")
    greeting, danger, handoff = "+15557770001", "+15557770002", "+15557770003"
    replies = text(stack, greeting, "hi", "SMc13greeting0000000000000000000001")
    log(f"  greeting 'hi' -> {replies}")
    checks.check(
        "greeting: the bot asks whether it is safe to text",
        bool(replies) and "safe" in replies[0],
        replies,
    )

    replies = text(stack, danger, "he has a gun", "SMc13danger000000000000000000000001")
    log(f"  danger 'he has a gun' -> {replies}")
    checks.check(
        "danger: the first reply gives the emergency number",
        bool(replies) and "911" in replies[0],
        replies,
    )
    checks.check("danger: a person is offered", bool(replies) and "person" in replies[-1], replies)

    first = text(
        stack, handoff, "i want to talk to a person", "SMc13handoff00000000000000000000001"
    )
    log(f"  handoff 'i want to talk to a person' -> {first}")
    checks.check("handoff: the bot asks for consent", bool(first) and "person" in first[0], first)
    second = text(stack, handoff, "yes", "SMc13handoff00000000000000000000002")
    log(f"  handoff 'yes' -> {second}")
    checks.check(
        "handoff: a person will write", bool(second) and "A person will write" in second[0], second
    )
    again = text(stack, handoff, "yes", "SMc13handoff00000000000000000000002")
    checks.check("a retried webhook (same MessageSid) gets the same answer", again == second, again)

    log("== the database (read inside app-1 with the app's code)")
    result = stack.exec("app-1", "python3", "-c", DB_CHECK, greeting, danger, handoff)
    if result.returncode != 0:
        raise Failed(f"database check failed: {result.stderr[-800:]}")
    db = json.loads(result.stdout.strip().splitlines()[-1])
    log(f"  {json.dumps(db)}")
    checks.check("the database is PostgreSQL", db["dialect"] == "postgresql", db["dialect"])
    checks.check("greeting stored (in and out)", db[greeting]["messages"] >= 2, db[greeting])
    checks.check("danger: conversation risk is urgent", db[danger]["risk"] == "urgent", db[danger])
    checks.check(
        "handoff: consent recorded, waiting for staff",
        db[handoff]["consent_given"] is True and db[handoff]["state"] == "waiting_for_staff",
        db[handoff],
    )
    checks.check("no message body stored in plain text", db["plaintext_bodies"] == 0, db)

    log("== the README's first admin, in the running stack")
    admin = stack.exec(
        "app-1",
        "flask",
        "--app",
        "webhooks",
        "create-user",
        "first-admin",
        "--role",
        "admin",
        "--password",
        "container-test-admin-password",
    )
    log(f"  {admin.stdout.splitlines()[0] if admin.stdout else admin.stderr[-300:]}")
    checks.check(
        "create-user makes an admin (with its two-factor URI)",
        admin.returncode == 0
        and "created admin first-admin" in admin.stdout
        and "otpauth://" in admin.stdout,
        admin.stderr[-300:],
    )

    log("== scheduled work (same image)")
    purge = podman("logs", stack.container("retention"), check=False)
    checks.check("retention ran purge", "purged" in purge, purge[-300:])
    checks.check("scheduler is running", stack.state("scheduler")[0] == "running")

    log("== Redis (Rasa's tracker and lock stores)")
    keys = stack.exec("redis", "redis-cli", "--scan", "--pattern", "hotline*").stdout.split()
    ttls = [int(stack.exec("redis", "redis-cli", "ttl", k).stdout.strip() or -2) for k in keys]
    log(f"  {len(keys)} keys, TTLs {sorted(set(ttls))}")
    checks.check("trackers are in Redis", len(keys) >= 3, keys)
    checks.check(
        "every tracker expires (record_exp)", bool(ttls) and all(t > 0 for t in ttls), ttls
    )


def wait_ready(stack: Stack, timings: dict[str, float]) -> None:
    log("== waiting for readiness (health checks do not run by themselves under podman here)")
    start = time.monotonic()

    wait_for(
        "actions /health", lambda: stack.answers("actions", "http://127.0.0.1:5055/health"), 120
    )
    for rasa in ("rasa-1", "rasa-2"):
        probe = partial(stack.answers, rasa, "http://127.0.0.1:5005/")
        wait_for(f"{rasa} (model loaded)", probe, 600)
    for app in ("app-1", "app-2"):
        probe = partial(stack.answers, app, "http://127.0.0.1:8000/healthz")
        wait_for(f"{app} /healthz", probe, 300)
    wait_for(
        "load balancer /healthz",
        lambda: requests.get(f"{stack.url}/healthz", timeout=5).status_code == 200,
        120,
    )
    timings["up to ready"] = time.monotonic() - start
    for service in SERVICES:
        status, _ = stack.state(service)
        if status != "running":
            raise Failed(f"{service} is {status}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--compose", default="podman-compose", help="the podman-compose to use")
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("CONTAINER_TEST_PORT", "7280"))
    )
    parser.add_argument("--no-build", action="store_true", help="use the images already built")
    parser.add_argument("--keep", action="store_true", help="leave the stack running")
    options = parser.parse_args()
    if not os.environ.get("CONTAINERS_CONF"):
        os.environ["CONTAINERS_CONF"] = str(ROOT / "containers" / "test" / "containers.conf")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    checks = Checks()
    env_file = ARTIFACTS / "test.env"
    env_text = run(
        [
            sys.executable,
            "containers/make-env",
            f"HOTLINE_PUBLIC_URL=http://127.0.0.1:{options.port}",
            f"TWILIO_AUTH_TOKEN={AUTH_TOKEN}",
        ],
        capture_output=True,
        check=True,
    ).stdout
    env_file.touch(mode=0o600)
    env_file.write_text(env_text)
    stack = Stack(options.compose, options.port, env_file)
    total = time.monotonic()
    try:
        if not options.no_build:
            build(timings)
        image_sizes()
        log(f"== {options.compose} up (project {PROJECT})")
        stack.compose_run("down", "-v", log_name="compose-down-before.log")
        start = time.monotonic()
        if stack.compose_run("up", "-d", "--no-build", log_name="compose-up.log") != 0:
            raise Failed(f"compose up failed: see {ARTIFACTS / 'compose-up.log'}")
        timings["compose up -d"] = time.monotonic() - start
        wait_ready(stack, timings)
        converse(stack, checks)
    except Failed as exc:
        checks.check("the stack came up and answered", False, exc)
        for service in SERVICES:
            try:
                logs = podman("logs", "--tail", "15", stack.container(service), check=False)
                log(f"--- last lines of {service}:\n{logs}")
            except Failed:
                pass
    finally:
        for service in SERVICES:
            try:
                logs = podman("logs", stack.container(service), check=False)
                (ARTIFACTS / f"{service}.log").write_text(logs)
            except Failed:
                pass
        if not options.keep:
            start = time.monotonic()
            stack.compose_run("down", "-v", log_name="compose-down.log")
            timings["compose down -v"] = time.monotonic() - start
            left = podman(
                "ps", "-a", "--filter", f"label=io.podman.compose.project={PROJECT}", "-q"
            )
            checks.check("torn down: no container left", not left, left)
    timings["total"] = time.monotonic() - total
    log("== times")
    for what, seconds in timings.items():
        log(f"  {what:<18} {seconds:6.0f} s")
    log(f"logs: {ARTIFACTS}")
    log(f"{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
